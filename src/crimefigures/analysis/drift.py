"""Figure drift: each claim's figure as every retelling writes it, and what changed on the way.

Alignment of one figure found in a retelling (:mod:`crimefigures.text.corpus`) to the story's
claims, in three tests and one choice:

1. unit: the same unit (USD, percent, count);
2. noun: for counts, the same counted noun after :func:`crimefigures.quantities.units.singular`
   (people, persons and individuals are one noun); a figure with no noun ("around 10,000 in
   Ruritania") or in a language other than English passes, its noun being elided or untranslated;
3. value: the figure's analysis interval (:func:`analysis_interval`, the project's hedge rules)
   overlaps the claim's, widened by TOLERANCE on each side. The claim's interval is the union of
   the article's and the primary source's (from the fact-check comparison), so a retelling that
   writes either one's figure aligns;
4. choice: of the claims that pass, first those whose interval holds the written value, then
   those whose article or source writes the same numbers, then the one whose quote (the
   article's or the source's) is most like the figure's sentence by token Jaccard similarity
   (shared words / all words, lower-cased words of three letters or more, STOPWORDS left out),
   then the closest written number. One retelling carries a claim once: when two
   of its figures choose the same claim, the better one keeps it (same order) and the other
   tries its next claim.

A figure that aligns to no claim is kept with an empty ``claim_id`` and the reason.

Changes, against the primary source (the fact-check's source figure and quote, and the dates of
the corpus's primary texts) and against the earliest dated retelling that carries the claim:
number (a written value differs by more than NUMBER_TOLERANCE), hedge (the bound leans another
way: floor, ceiling, about, exact), scope and date (words beside the figure that the reference
does not have: words only dropped are not a change, retellings shorten), attribution (the
retelling names who says it, and no name shares a word or an initialism with the reference's).
A speaker counts as the body they speak for wherever the corpus or the story's quotes name their
post there (:func:`crimefigures.text.corpus.affiliations`: "the Agency's chief Jane Roe"), so
"Roe said" and "the Agency said" are one attribution, not a change.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import pandas as pd
import pandera.pandas as pa

from crimefigures.analysis.factcheck import hedge_change
from crimefigures.pipeline import atomic
from crimefigures.quantities import units
from crimefigures.quantities.uncertainty import Interval, analysis_interval
from crimefigures.text import corpus, parse

TOLERANCE: Final = 0.10  # each side of the claim's interval, as a share of its end
NUMBER_TOLERANCE: Final = 0.01  # written values this close (relative) are the same number
CHANGES: Final = ("hedge", "number", "scope", "date", "attribution")  # most telling first
STOPWORDS: Final = frozenset((
    "the", "and", "that", "this", "with", "from", "into", "for", "are", "was", "were", "have",
    "has", "had", "been", "being", "its", "their", "they", "them", "than", "then", "which",
    "who", "whom", "what", "when", "where", "while", "also", "said", "says", "about", "per",
    "each", "year", "annually"))
_WORD_RE = re.compile(r"[^\W\d_]{3,}")
_NAME_WORD_RE = re.compile(r"[A-Za-z][\w-]*")
UNALIGNED_CHUNK: Final = 100_000  # rows of drift_unaligned.csv read at once
UNALIGNED_COLUMNS: Final = ("url", "outlet", "published", "language", "figure", "text", "bound",
                            "unit", "noun", "sentence", "reason")


@dataclass(frozen=True)
class Reference:
    """A claim as the alignment and the comparison see it."""

    claim_id: str
    unit: str
    noun: str
    interval: Interval  # the article's and the source's, joined
    quotes: tuple[str, ...]
    values: tuple[float, ...]  # the numbers the article and the source write
    source_text: str  # the source figure as written
    source_bound: str
    source_values: tuple[float, ...]
    source_scope: str
    source_dates: str
    source_names: str  # who the source is: publisher and the claim's attribution


def tokens(text: str) -> frozenset[str]:
    return frozenset(w for w in _WORD_RE.findall(text.lower()) if w not in STOPWORDS)


def similarity(a: str, b: str) -> float:
    """Token Jaccard similarity of two sentences, 0 to 1 (rounded to 4 places)."""
    left, right = tokens(a), tokens(b)
    if not left or not right:
        return 0.0
    return round(len(left & right) / len(left | right), 4)


def written_values(bound: str, low: float, high: float, point: float) -> tuple[float, ...]:
    """The numbers a figure writes: one for a bound or a point, two for a range."""
    if bound == parse.RANGE:
        return (float(low), float(high))
    value = {parse.LOWER: low, parse.UPPER: high}.get(bound, point)
    return (float(value),)


def _value(x: Any) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def figure_interval(row: Mapping[str, Any]) -> Interval:
    return analysis_interval(row["bound"], _value(row.get("low")), _value(row.get("high")),
                             _value(row.get("point")), row.get("hedge") or None)


def _joined(a: Interval, b: Interval) -> Interval:
    return Interval(min(a.low, b.low), max(a.high, b.high))


def _noun(value: Any) -> str:
    return units.singular(value) if isinstance(value, str) and value.strip() else ""


def references(figures: pd.DataFrame, comparison: pd.DataFrame, fact_checks: pd.DataFrame,
               primary_dates: Mapping[str, str] | None = None) -> list[Reference]:
    """Each claim with its joined interval, quotes and its primary source's figure and words.

    ``figures`` is notebook 01's table, ``comparison`` notebook 03's fact-check comparison and
    ``fact_checks`` the curated source quotes; ``primary_dates`` adds date words of the primary
    texts in the corpus (a release often dates its operation outside the figure's sentence)."""
    checks = comparison.set_index("claim_id")
    quotes = fact_checks.set_index("claim_id")
    result = []
    for claim in figures.itertuples():
        check = checks.loc[claim.claim_id]
        source = parse.parse_figure(check["source_figure_text"])
        quote = str(quotes.loc[claim.claim_id, "source_quote"]) if (
            claim.claim_id in quotes.index) else ""
        article = Interval(float(check["article_low"]), float(check["article_high"]))
        found = Interval(float(check["source_low"]), float(check["source_high"]))
        dates = [corpus.date_words(quote), (primary_dates or {}).get(claim.claim_id, "")]
        result.append(Reference(
            claim_id=claim.claim_id, unit=claim.unit, noun=_noun(claim.noun),
            interval=_joined(article, found), quotes=(claim.quote, quote),
            values=(*written_values(claim.bound, claim.low, claim.high, claim.point),
                    *written_values(source.bound, source.low, source.high, source.point)),
            source_text=str(check["source_figure_text"]), source_bound=source.bound,
            source_values=written_values(source.bound, source.low, source.high, source.point),
            source_scope=corpus.scope_words(quote), source_dates=_merge(dates),
            source_names=_merge([str(check["source_publisher"]), str(claim.attributed_to)])))
    return result


def _merge(parts: Iterable[str]) -> str:
    words = [w.strip() for part in parts for w in str(part).split(corpus.WORD_SEPARATOR.strip())]
    return corpus.WORD_SEPARATOR.join(dict.fromkeys(w for w in words if w))


def _passes(row: Mapping[str, Any], reference: Reference) -> bool:
    if row["unit"] != reference.unit:
        return False
    noun = _noun(row.get("noun"))
    if noun and reference.noun and noun != reference.noun and row.get("language") in ("en", ""):
        return False
    found = figure_interval(row)
    wide = Interval(reference.interval.low * (1 - TOLERANCE),
                    reference.interval.high * (1 + TOLERANCE))
    return found.low <= wide.high and wide.low <= found.high


def _score(row: Mapping[str, Any], reference: Reference) -> tuple[bool, bool, float, float]:
    """Higher is better: the written value inside the claim's interval, every written number
    one the article or the source writes, similarity, then nearness to such a number."""
    values = written_values(row["bound"], row["low"], row["high"], row["point"])
    inside = all(reference.interval.low <= v <= reference.interval.high for v in values)
    sentence = str(row["sentence"])
    alike = max(similarity(sentence, quote) for quote in reference.quotes)
    distance = min(abs(math.log(max(v, 1e-12) / max(w, 1e-12)))
                   for v in values for w in reference.values if not math.isnan(w))
    written = all(any(math.isclose(v, w, rel_tol=NUMBER_TOLERANCE) for w in reference.values)
                  for v in values)
    return inside, written, alike, -round(distance, 6)


def align(found: pd.DataFrame, claims: list[Reference]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each figure of each retelling aligned to at most one claim, and the figures that align
    to none (with the reason). Returns (aligned rows with ``claim_id`` and ``similarity``,
    unaligned rows)."""
    aligned, unaligned = [], []
    for _, text in found.groupby("url", sort=False):
        rows = text.to_dict("records")
        kept, left = _align_text(rows, claims)
        aligned += kept
        unaligned += left
    return (pd.DataFrame(aligned, columns=[*found.columns, "claim_id", "similarity"]),
            pd.DataFrame(unaligned, columns=list(UNALIGNED_COLUMNS)))


def _align_text(rows: list[dict[str, Any]], claims: list[Reference]
                ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One retelling: best (figure, claim) pairs first, each figure and each claim once."""
    pairs = sorted(((_score(row, ref), -i, ref.claim_id, i)
                    for i, row in enumerate(rows) for ref in claims if _passes(row, ref)),
                   reverse=True)
    taken_claims: set[str] = set()
    chosen: dict[int, tuple[str, float]] = {}
    candidates = {i for *_, i in pairs}
    for score, _, claim_id, i in pairs:
        if i not in chosen and claim_id not in taken_claims:
            chosen[i] = (claim_id, score[2])
            taken_claims.add(claim_id)
    kept, left = [], []
    for i, row in enumerate(rows):
        if i in chosen:
            kept.append({**row, "claim_id": chosen[i][0], "similarity": chosen[i][1]})
        else:
            reason = ("each claim it could be is carried by a closer figure in this text"
                      if i in candidates else "no claim has its unit, noun and value")
            left.append({**{k: row.get(k) for k in UNALIGNED_COLUMNS}, "reason": reason})
    return kept, left


# --- publication order and changes --------------------------------------------------------

DRIFT_COLUMNS: Final = (
    "claim_id", "order", "url", "outlet", "published", "language", "role", "text", "bound",
    "hedge", "low", "high", "point", "interval_low", "interval_high", "scope_words",
    "date_words", "attribution", "sentence", "similarity", "source_figure_text",
    "earliest_url", *(f"{c}_vs_source" for c in CHANGES), "changes_vs_source",
    *(f"{c}_vs_earliest" for c in CHANGES), "changes_vs_earliest")
PRIMARY_ROLE: Final = "primary"
_DRIFT_NUMBERS: Final = ("low", "high", "point", "interval_low", "interval_high", "similarity")
# Words may be missing (None) in a computed table; read back, a blank word is an empty string.
DRIFT_SCHEMA: Final = pa.DataFrameSchema(
    {c: pa.Column(float, nullable=True) if c in _DRIFT_NUMBERS
     else pa.Column(int, pa.Check.ge(1), coerce=True) if c == "order"
     else pa.Column(str, nullable=True) for c in DRIFT_COLUMNS},
    strict=True, ordered=True)
UNALIGNED_SCHEMA: Final = pa.DataFrameSchema(
    {c: pa.Column(int, pa.Check.ge(0), coerce=True) if c == "figure"
     else pa.Column(str, nullable=True) for c in UNALIGNED_COLUMNS}, strict=True, ordered=True)


def publication_key(published: Any, role: Any = "") -> tuple[int, str, bool, str]:
    """Sort key of a publication date: dated texts by day, a primary text before the day's
    retellings (none can precede its source), then by UTC time where the time is known (a day
    without a time sorts after that day's timed texts: it may be later); undated texts last."""
    text = "" if not isinstance(published, str) else published.strip()
    if not text:
        return (1, "", True, "")
    day = text[:10]
    if len(text) <= 10:
        return (0, day, role != PRIMARY_ROLE, "~")
    stamp = pd.Timestamp(text)
    utc = stamp.tz_convert("UTC") if stamp.tzinfo else stamp
    return (0, day, role != PRIMARY_ROLE, utc.strftime("%H:%M"))


def publication_order(found: pd.DataFrame) -> dict[str, int]:
    """Each retelling's rank in publication order (1 = first); ties by url."""
    texts = found.drop_duplicates("url")[["url", "published", "role"]]
    ranked = sorted(texts.itertuples(index=False),
                    key=lambda t: (publication_key(t.published, t.role), t.url))
    return {t.url: rank for rank, t in enumerate(ranked, start=1)}


def _words(text: Any) -> list[str]:
    return [w for w in str(text or "").split(corpus.WORD_SEPARATOR) if w]


def added_words(now: Any, before: Any) -> str:
    """'before → now' when ``now`` has words ``before`` lacks, else ''. Case, spaces and
    hyphens are ignored ('South-east Europe' is 'Southeast Europe')."""
    if not new_words(now, before):
        return ""
    return f"{str(before or '') or '(none)'} → {now}"


def new_words(now: Any, before: Any) -> list[str]:
    """The words of ``now`` that ``before`` lacks (case, spaces and hyphens ignored)."""
    old = {_word_key(w) for w in _words(before)}
    return [w for w in _words(now) if _word_key(w) not in old]


def _word_key(word: str) -> str:
    return re.sub(r"[\s\-‐–]+", "", word.lower())


def _initials(name: str) -> str:
    capitals = [w[0] for w in _NAME_WORD_RE.findall(name) if w[0].isupper()]
    return "".join(capitals).lower() if len(capitals) > 1 else ""


Speakers = Mapping[str, frozenset[str]]  # a speaker's surname key: the bodies they speak for


def speakers(pairs: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """The bodies each speaker speaks for, from (surname key, body) pairs."""
    found: dict[str, set[str]] = {}
    for person, body in pairs:
        found.setdefault(person, set()).add(body)
    return {person: frozenset(bodies) for person, bodies in sorted(found.items())}


def text_speakers(texts: Iterable[str]) -> set[tuple[str, str]]:
    return {pair for text in texts if isinstance(text, str) for pair in corpus.affiliations(text)}


def _name_words(names: Any, bodies: Speakers | None = None) -> set[str]:
    words = set()
    for name in _words(names):
        for said in (name, *sorted((bodies or {}).get(corpus.person_key(name), ()))):
            words |= {w.lower() for w in _NAME_WORD_RE.findall(said)} | {_initials(said)}
    return words - {""}


def attribution_change(now: Any, before: Any, bodies: Speakers | None = None) -> str:
    """'before → now' when the retelling names someone that shares no word with before, a
    speaker standing for the bodies ``bodies`` gives them ("Roe" is "Agency" when Roe speaks
    for the Agency)."""
    if not _words(now) or not _words(before) or (
            _name_words(now, bodies) & _name_words(before, bodies)):
        return ""
    return f"{before} → {now}"


def number_change(now: tuple[float, ...], before: tuple[float, ...], now_text: str,
                  before_text: str) -> str:
    same = len(now) == len(before) and all(
        math.isclose(a, b, rel_tol=NUMBER_TOLERANCE) for a, b in zip(now, before, strict=True))
    return "" if same else f"{before_text} → {now_text}"


def hedge_words(bound: str, text: str, before_bound: str, before_text: str) -> str:
    change = hedge_change(bound, before_bound)
    return "" if change == "unchanged" else f"{before_text} → {text} ({change})"


def _changes(row: Mapping[str, Any], ref: Mapping[str, Any], bodies: Speakers
             ) -> dict[str, str]:
    """What changed from ``ref`` (text, bound, values, scope, dates, names) to ``row``."""
    values = written_values(row["bound"], row["low"], row["high"], row["point"])
    return {
        "hedge": hedge_words(row["bound"], row["text"], ref["bound"], ref["text"]),
        "number": number_change(values, ref["values"], row["text"], ref["text"]),
        "scope": added_words(row["scope_words"], ref["scope"]),
        "date": added_words(row["date_words"], ref["dates"]),
        "attribution": attribution_change(row["attribution"], ref["names"], bodies),
    }


def _source_ref(reference: Reference) -> dict[str, Any]:
    return {"text": reference.source_text, "bound": reference.source_bound,
            "values": reference.source_values, "scope": reference.source_scope,
            "dates": reference.source_dates, "names": reference.source_names}


def _row_ref(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"text": row["text"], "bound": row["bound"],
            "values": written_values(row["bound"], row["low"], row["high"], row["point"]),
            "scope": row["scope_words"], "dates": row["date_words"],
            "names": row["attribution"]}


def earliest(rows: pd.DataFrame) -> pd.Series | None:
    """The first dated retelling of a claim that is not a primary text, or None."""
    dated = rows[(rows["published"].fillna("") != "") & (rows["role"] != PRIMARY_ROLE)]
    return None if dated.empty else dated.iloc[0]


def drift_table(aligned: pd.DataFrame, claims: list[Reference], order: Mapping[str, int],
                bodies: Speakers | None = None) -> pd.DataFrame:
    """Claim × retelling: the figure as written and what changed against the primary source
    and against the earliest retelling (columns DRIFT_COLUMNS); ``bodies`` names whom each
    speaker speaks for (:func:`speakers`)."""
    by_id = {c.claim_id: c for c in claims}
    rows = []
    for claim_id in [c.claim_id for c in claims]:
        carried = aligned[aligned["claim_id"] == claim_id].copy()
        carried["order"] = carried["url"].map(order)
        carried = carried.sort_values(["order", "figure"])
        first = earliest(carried)
        for row in carried.to_dict("records"):
            rows.append(_drift_row(row, by_id[claim_id], first, bodies or {}))
    return pd.DataFrame(rows, columns=list(DRIFT_COLUMNS))


def _drift_row(row: dict[str, Any], reference: Reference, first: pd.Series | None,
               bodies: Speakers) -> dict[str, Any]:
    interval = figure_interval(row)
    vs_source = _changes(row, _source_ref(reference), bodies)
    vs_first = (_changes(row, _row_ref(first), bodies) if first is not None
                else dict.fromkeys(CHANGES, ""))
    record = {**row, "interval_low": interval.low, "interval_high": interval.high,
              "source_figure_text": reference.source_text,
              "earliest_url": "" if first is None else first["url"]}
    record |= {f"{c}_vs_source": vs_source[c] for c in CHANGES}
    record |= {f"{c}_vs_earliest": vs_first[c] for c in CHANGES}
    record["changes_vs_source"] = corpus.WORD_SEPARATOR.join(c for c in CHANGES if vs_source[c])
    record["changes_vs_earliest"] = corpus.WORD_SEPARATOR.join(c for c in CHANGES if vs_first[c])
    return {k: record.get(k) for k in DRIFT_COLUMNS}


def primary_dates(aligned: pd.DataFrame, texts: pd.DataFrame) -> dict[str, str]:
    """Date words anywhere in the primary texts (role 'primary') that carry each claim."""
    return claim_dates(aligned, primary_text_dates(texts, set(aligned["url"])))


def primary_text_dates(texts: pd.DataFrame, urls: set[str]) -> dict[str, str]:
    """Date words of each primary text (role 'primary') among ``urls``, by url."""
    if "role" not in texts.columns:
        return {}
    primary = texts[(texts["role"] == PRIMARY_ROLE) & texts["url"].isin(urls)]
    return {url: corpus.date_words(text) for url, text in zip(primary["url"], primary["text"],
                                                              strict=True)}


def claim_dates(aligned: pd.DataFrame, dates: Mapping[str, str]) -> dict[str, str]:
    """Each claim's date words from the primary texts that carry it (``dates`` by url)."""
    carried = aligned[aligned["url"].isin(list(dates))]
    return {claim_id: _merge(dates[url] for url in group["url"])
            for claim_id, group in carried.groupby("claim_id")}


def figure_drift(found: pd.DataFrame, texts: pd.DataFrame, figures: pd.DataFrame,
                 comparison: pd.DataFrame, fact_checks: pd.DataFrame
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The drift table and the unaligned figures, from the corpus's figures (``found``), its
    texts, and the story's figures, fact-check comparison and source quotes (a corpus held in
    memory; :func:`stream_drift` reads one partition at a time)."""
    claims = references(figures, comparison, fact_checks)
    aligned, unaligned = align(found, claims)
    claims = references(figures, comparison, fact_checks, primary_dates(aligned, texts))
    bodies = speakers(text_speakers([*texts["text"], *_quotes(claims)]))
    return drift_table(aligned, claims, publication_order(found), bodies), unaligned


def _quotes(claims: list[Reference]) -> list[str]:
    return [quote for claim in claims for quote in claim.quotes]


@dataclass(frozen=True)
class PartitionDrift:
    """What one corpus partition gives the drift table: small whatever the partition's size,
    except the unaligned figures, which are written out and dropped."""

    aligned: list[dict[str, Any]]
    unaligned: pd.DataFrame
    keys: pd.DataFrame  # url, published, role of each text with a figure (publication order)
    dates: dict[str, str]  # date words of the primary texts that carry a claim, by url
    texts: int
    outlets: frozenset[str]
    speakers: frozenset[tuple[str, str]]  # (surname key, body) named in the partition's texts


def partition_drift(texts: pd.DataFrame, claims: list[Reference]) -> PartitionDrift:
    """One corpus partition's figures, aligned to the claims (runs on a Dask worker). A text
    is one row, so its figures never straddle two partitions."""
    found = corpus.partition_figures(texts)
    aligned, unaligned = align(found, claims)
    return PartitionDrift(
        aligned=aligned.to_dict("records"), unaligned=unaligned,
        keys=found.drop_duplicates("url")[["url", "published", "role"]],
        dates=primary_text_dates(texts, set(aligned["url"])), texts=len(texts),
        outlets=frozenset(texts["outlet"].dropna()),
        speakers=frozenset(text_speakers(texts["text"])))


@dataclass(frozen=True)
class StreamedDrift:
    """The drift table and what the notebook says about the corpus it came from."""

    table: pd.DataFrame
    texts: int
    outlets: int
    unaligned: pd.DataFrame  # figures that align to no claim, counted by reason


def stream_drift(path: str, figures: pd.DataFrame, comparison: pd.DataFrame,
                 fact_checks: pd.DataFrame, unaligned_output: str, scheduler: str = ""
                 ) -> StreamedDrift:
    """:func:`figure_drift` over a corpus read and aligned partition by partition on Dask
    (:func:`crimefigures.text.corpus.iter_partitions`): the unaligned figures stream to
    ``unaligned_output``; only the aligned figures and one key per text are kept."""
    claims = references(figures, comparison, fact_checks)
    aligned: list[dict[str, Any]] = []
    keys, dates, reasons, pairs = [], {}, Counter[str](), text_speakers(_quotes(claims))
    texts, outlets = 0, set()
    with atomic.open_binary(unaligned_output) as handle:
        parts = corpus.iter_partitions(path, functools.partial(partition_drift, claims=claims),
                                       scheduler)
        for number, part in enumerate(parts):
            text = atomic.csv_bytes(part.unaligned)
            handle.write(text if number == 0 else text.split(b"\n", 1)[1])
            aligned += part.aligned
            keys.append(part.keys)
            dates |= part.dates
            reasons.update(part.unaligned["reason"])
            texts, outlets = texts + part.texts, outlets | part.outlets
            pairs |= part.speakers
    carried = pd.DataFrame(aligned, columns=[*corpus.FIGURE_COLUMNS, "claim_id", "similarity"])
    claims = references(figures, comparison, fact_checks, claim_dates(carried, dates))
    order = publication_order(pd.concat(keys, ignore_index=True))
    return StreamedDrift(drift_table(carried, claims, order, speakers(pairs)), texts,
                         len(outlets), _reason_table(reasons))


def _reason_table(reasons: Counter[str]) -> pd.DataFrame:
    counts = pd.Series(dict(sorted(reasons.items())), dtype="int64", name="figures")
    return counts.rename_axis("reason").to_frame()


def read_streamed(table: pd.DataFrame, unaligned_path: str, corpus_path: str, scheduler: str = ""
                  ) -> StreamedDrift:
    """What :func:`stream_drift` returned, from the drift table it wrote (read through the
    registry), its unaligned file and a count of the corpus's texts (the unaligned figures are
    counted a chunk at a time, never held whole)."""
    reasons = Counter[str]()
    for chunk in pd.read_csv(unaligned_path, usecols=["reason"], dtype=str,
                             keep_default_na=False, chunksize=UNALIGNED_CHUNK):
        reasons.update(chunk["reason"])
    texts, outlets = corpus.count_texts(corpus_path, scheduler)
    return StreamedDrift(table, texts, outlets, _reason_table(reasons))


# --- where each departure entered the chain --------------------------------------------------

DEPARTURE_COLUMNS: Final = ("claim_id", "change", "written", "first_outlet", "first_published",
                            "first_order", "same_day", "before_outlet", "undated", "carriers",
                            "evidence")


def departures(drift: pd.DataFrame) -> pd.DataFrame:
    """For each claim and kind of change against the primary source: the first dated retelling
    that carries it, the dated one before it that does not, and whether the evidence can tell
    (columns DEPARTURE_COLUMNS)."""
    rows = []
    for claim_id, chain in drift.groupby("claim_id", sort=False):
        chain = chain.sort_values("order")
        for change in CHANGES:
            carriers = chain[chain[f"{change}_vs_source"].fillna("") != ""]
            if not carriers.empty:
                rows.append(_departure(claim_id, change, chain, carriers))
    return pd.DataFrame(rows, columns=list(DEPARTURE_COLUMNS))


def _dated(rows: pd.DataFrame) -> pd.DataFrame:
    return rows[rows["published"].fillna("") != ""]


def _departure(claim_id: str, change: str, chain: pd.DataFrame, carriers: pd.DataFrame
               ) -> dict[str, Any]:
    dated = _dated(carriers)
    undated = carriers[carriers["published"].fillna("") == ""]
    record: dict[str, Any] = {"claim_id": claim_id, "change": change,
                              "undated": WORD_JOIN.join(undated["outlet"]),
                              "carriers": len(carriers)}
    if dated.empty:
        first = carriers.iloc[0]
        return record | {"written": first[f"{change}_vs_source"], "first_outlet": "",
                         "first_published": "", "first_order": 0, "same_day": "",
                         "before_outlet": "",
                         "evidence": "cannot tell: only undated retellings carry it"}
    first = dated.iloc[0]
    day = str(first["published"])[:10]
    same_day = dated[(dated["published"].str[:10] == day) & (dated["url"] != first["url"])]
    ambiguous = same_day[same_day["published"].str.len() <= 10] if len(
        str(first["published"])) > 10 else same_day
    before = _dated(chain[chain["order"] < first["order"]])
    before = before[~before["url"].isin(carriers["url"])]
    evidence = "entered here"
    if not ambiguous.empty:
        evidence = "cannot tell the order within the day"
    elif not undated.empty:
        evidence = "first dated carrier; undated retellings also carry it"
    return record | {
        "written": first[f"{change}_vs_source"], "first_outlet": first["outlet"],
        "first_published": first["published"], "first_order": int(first["order"]),
        "same_day": WORD_JOIN.join(ambiguous["outlet"]),
        "before_outlet": before.iloc[-1]["outlet"] if not before.empty else "",
        "evidence": evidence}


WORD_JOIN: Final = "; "


def departures_markdown(table: pd.DataFrame, texts: int) -> str:
    """The departures as Markdown: one bullet per claim and change, from the data."""
    if table.empty:
        return "No retelling departs from its primary source in number, hedge, scope, date or " \
               "attribution."
    lines = [f"Departures from the primary source, over {texts} retellings in publication "
             "order:", ""]
    for row in table.itertuples():
        lines.append(f"- **{row.claim_id} · {row.change}** ({row.written}): "
                     + _where(row) + f" {row.carriers} retelling(s) carry it.")
    return "\n".join(lines)


def _where(row: Any) -> str:
    if not row.first_outlet:
        return (f"only undated retellings carry it ({row.undated}), so the evidence cannot tell "
                "where it entered the chain.")
    text = f"first in {row.first_outlet} ({row.first_published}, text {row.first_order})"
    text += f", after {row.before_outlet}, which does not carry it" if row.before_outlet else \
        ", the first dated retelling of this claim"
    if row.same_day:
        text += (f"; {row.same_day} carried it the same day without a time, so the evidence "
                 "cannot tell which came first")
    if row.undated:
        text += (f"; undated retellings carry it too ({row.undated}), so it may have entered "
                 "earlier")
    return text + "."
