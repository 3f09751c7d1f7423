"""Every figure in a corpus of retellings, with the scope, date and attribution words beside it.

A corpus is one row per text (``url``, ``outlet``, ``published``, ``language``, ``credited_to``,
``retrieved``, ``text``; ``role`` and ``notes`` where known), as CSV for a curated corpus or as
Parquet (a file or a folder of partitions) for a news archive. :func:`extract_corpus` runs
:func:`crimefigures.text.extract.extract_figures` over the corpus's partitions on Dask: the local
scheduler by default, or an existing cluster given its address. Partitions are computed a few at
a time and appended to the output in order, so no more than a handful are in memory whatever the
corpus's size, and the output is the same bytes on any scheduler. (On a cluster, a worker's own
statistical profiler keeps a profile per second of work for its last 1,000 seconds, so the
worker's memory still grows with a run's length up to that bound; a cluster started with
``distributed.worker.profile.enabled: false`` keeps it flat.)

The words beside a figure come from its sentence, read with a small vocabulary:

- scope: a capitalised place after a preposition ("in Europe", "across West Africa",
  "to Ruritania"), a count of places ("across 12 countries") and the words in SCOPE_WORDS
  ("worldwide", "transcontinental", ...);
- date: "since 2019", "in 2020", "July-December 2020", "six-month", "last year", "in recent
  years" (a day's date such as "29 August 2023" dates the text, not the figure, and is left out);
- attribution: who the sentence says it: "according to X", "X said/says/estimated/reported ...".
"""

from __future__ import annotations

import re
import unicodedata
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, Final, TypeVar

import pandas as pd

from crimefigures.errors import InputError
from crimefigures.pipeline import atomic, paths
from crimefigures.text.extract import extract_figures

T = TypeVar("T")

CORPUS_COLUMNS: Final = ("url", "outlet", "published", "language", "credited_to", "retrieved",
                         "text")
OPTIONAL_COLUMNS: Final = ("role",)
# One row per figure found; "figure" numbers the figures of one text from 0.
FIGURE_COLUMNS: Final = ("url", "outlet", "published", "language", "role", "figure", "start",
                         "end", "text", "bound", "low", "high", "point", "unit", "noun", "hedge",
                         "sentence", "scope_words", "date_words", "attribution")
_FLOATS: Final = ("low", "high", "point")
_INTS: Final = ("figure", "start", "end")
WORD_SEPARATOR: Final = "; "
# Partitions computed at once: enough to keep every worker busy, few enough to stream.
PARTITIONS_IN_FLIGHT: Final = 8
ROWS_PER_PARTITION: Final = 2_000

SCOPE_WORDS: Final = ("worldwide", "global", "globally", "transcontinental", "international",
                      "internationally", "regional", "nationwide", "alone")
_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|"
           "December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
_NAME = r"[A-Z][\w'’.&-]*(?:\s+(?:of\s+|and\s+)?[A-Z][\w'’.&-]*)*"
_SCOPE_PLACE_RE = re.compile(
    rf"\b(?:in|across|throughout|within|to|from|into)\s+(?:the\s+)?(?P<place>{_NAME})(?![\w$])")
_ACCORDING_BEFORE = re.compile(r"according\s+\Z", re.IGNORECASE)
_SCOPE_COUNT_RE = re.compile(
    r"\b(?:in|across|from)\s+(?P<place>(?:\d[\d,]*|[a-z]+)\s+(?:different\s+)?"
    r"(?:countries|nations|states|regions|jurisdictions))\b", re.IGNORECASE)
_SCOPE_WORD_RE = re.compile(rf"\b(?P<word>{'|'.join(SCOPE_WORDS)})\b", re.IGNORECASE)
_NOT_PLACES = re.compile(rf"^(?:{_MONTHS}|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|"
                         r"He|She|It|They|We|I|You|"
                         r"Sunday|The|A|An|This|That|Its|Their)$")
_DATE_RES: Final = tuple(re.compile(p, re.IGNORECASE) for p in (
    r"\b(?:since|in|during|by|for|until|through)\s+(?:early\s+|late\s+|mid-)?(?:19|20)\d\d\b",
    rf"\b(?:{_MONTHS})\s*(?:-|–|to|through|until)\s*(?:{_MONTHS})(?:,?\s+(?:19|20)\d\d)?\b",
    r"\b(?:between|from)\s+(?:19|20)\d\d\s+(?:and|to|-|–)\s+(?:19|20)\d\d\b",
    r"\b(?:\w+|\d+)-month\b",
    r"\b(?:last|this|next|past)\s+(?:year|month|week|decade)\b",
    r"\bin\s+recent\s+years\b",
))
_SAID = ("said|says|say|estimated|estimates|estimate|reported|reports|noted|notes|told|added|"
         "revealed|reveals|disclosed|indicated|indicate|indicates|announced|stated|warned")
_ATTRIBUTION_RES: Final = (
    re.compile(rf"\baccording\s+to\s+(?:the\s+)?(?P<who>{_NAME})"),
    re.compile(rf"(?P<who>{_NAME})(?:'s?)?\s+(?:also\s+|further\s+|has\s+|had\s+)?(?:{_SAID})\b"),
)

# A speaker's post, written between the body and the name ("the Agency's chief Jane Roe") or
# after the name ("Jane Roe, head of the Agency"): the speaker speaks for the body.
TITLE_WORDS: Final = ("secretary-general", "secretary general", "director-general",
                      "director general", "executive director", "director", "chief", "head",
                      "spokesperson", "spokesman", "spokeswoman", "president", "chairman",
                      "chairwoman", "chairperson", "chair", "commissioner", "minister",
                      "official", "officer", "boss", "leader", "representative", "envoy")
_TITLE = rf"(?i:(?:deputy\s+|assistant\s+|acting\s+)?(?:{'|'.join(TITLE_WORDS)}))"
_POSSESSIVE = r"(?:'s|’s)?"
_BODY_EDGES = re.compile(r"^(?:The|A|An)\s+|(?:'s|’s)$")
_AFFILIATION_RES: Final = (
    re.compile(rf"(?P<body>{_NAME}){_POSSESSIVE}\s+(?:[a-z]+\s+){{0,2}}{_TITLE}\s+"
               rf"(?P<person>{_NAME})"),
    re.compile(rf"(?P<person>{_NAME}),\s+(?:the\s+)?{_TITLE}\s+(?:of|at)\s+(?:the\s+)?"
               rf"(?P<body>{_NAME})"),
    re.compile(rf"(?P<person>{_NAME}),\s+(?:the\s+)?(?P<body>{_NAME})(?:'s|’s)\s+{_TITLE}\b"),
)

def _unique(words: list[str]) -> str:
    return WORD_SEPARATOR.join(dict.fromkeys(w for w in words if w))


def scope_words(sentence: str) -> str:
    """The places and reaches a sentence gives, '; '-joined in order ('Europe; 12 countries')."""
    found: list[tuple[int, str]] = []
    for match in _SCOPE_PLACE_RE.finditer(sentence):
        place = match.group("place").rstrip(".")
        # "according to X" names who says it, not where
        said = _ACCORDING_BEFORE.search(sentence, max(0, match.start() - 12), match.start())
        if not said and not _NOT_PLACES.match(place.split()[0]):
            found.append((match.start(), place))
    found += [(m.start(), m.group("place").lower()) for m in _SCOPE_COUNT_RE.finditer(sentence)]
    found += [(m.start(), m.group("word").lower()) for m in _SCOPE_WORD_RE.finditer(sentence)]
    return _unique([word for _, word in sorted(found)])


def date_words(sentence: str) -> str:
    """The periods a sentence gives ('since 2019', 'July-December 2020'), '; '-joined."""
    found = sorted((m.start(), m.group().lower()) for r in _DATE_RES for m in r.finditer(sentence))
    return _unique([word for _, word in found])


def attribution(sentence: str) -> str:
    """Who a sentence says the figure comes from ('Europol; Smith'), '; '-joined."""
    found = sorted((m.start("who"), m.group("who")) for r in _ATTRIBUTION_RES
                   for m in r.finditer(sentence))
    return _unique([who.rstrip(".") for _, who in found
                    if not _NOT_PLACES.match(who.split()[0])])



def person_key(name: str) -> str:
    """A speaker's surname, lower-cased and without accents ('Jürgen Roe', 'Mr Roe': 'roe')."""
    words = re.findall(r"[^\W\d_][\w'’-]*", name)
    if not words:
        return ""
    folded = unicodedata.normalize("NFKD", words[-1])
    return "".join(c for c in folded if not unicodedata.combining(c)).lower()


def affiliations(text: str) -> set[tuple[str, str]]:
    """(speaker's surname key, body) for each speaker the text names with a post at a body:
    "the Agency's chief Jane Roe said" gives ('roe', 'Agency')."""
    found = set()
    for regex in _AFFILIATION_RES:
        for match in regex.finditer(text):
            body = _BODY_EDGES.sub("", match.group("body").rstrip("."))
            person = match.group("person")
            # "On Wednesday, the director of the Agency" names a day, not a speaker
            if body and person_key(person) and not any(
                    _NOT_PLACES.match(w) for w in [body.split()[0], *person.split()]):
                found.add((person_key(person), body))
    return found

def text_figures(row: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One record per figure in one retelling's text (columns FIGURE_COLUMNS)."""
    text = row.get("text")
    if not isinstance(text, str):
        return []
    records = []
    for number, found in enumerate(extract_figures(text)):
        record = {key: _cell(row.get(key)) for key in (*CORPUS_COLUMNS[:4], "role")}
        record |= found.to_dict()
        record |= {"figure": number, "scope_words": scope_words(found.sentence),
                   "date_words": date_words(found.sentence),
                   "attribution": attribution(found.sentence)}
        records.append({key: record.get(key) for key in FIGURE_COLUMNS})
    return records


def _cell(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def empty_figures() -> pd.DataFrame:
    """The figures table with no rows, typed as every partition is (Dask's ``meta``)."""
    frame = pd.DataFrame({c: pd.Series(dtype="object") for c in FIGURE_COLUMNS})
    return frame.astype({**dict.fromkeys(_FLOATS, "float64"), **dict.fromkeys(_INTS, "int64")})


def partition_figures(frame: pd.DataFrame) -> pd.DataFrame:
    """Every figure of every text in one partition, in row order."""
    records = [r for row in frame.to_dict("records") for r in text_figures(row)]
    if not records:
        return empty_figures()
    table = pd.DataFrame.from_records(records, columns=list(FIGURE_COLUMNS))
    return table.astype({**dict.fromkeys(_FLOATS, "float64"), **dict.fromkeys(_INTS, "int64")})


def read_corpus(path: str | Path) -> pd.DataFrame:
    """A whole corpus in memory (CSV or Parquet), checked for its columns; for small corpora."""
    file = paths.resolve(path)
    try:
        frame = (pd.read_parquet(file) if _is_parquet(file)
                 else pd.read_csv(file, dtype=str, keep_default_na=False))
    except FileNotFoundError:
        raise InputError("corpus not found", file=paths.relative(file)) from None
    check_columns(frame.columns, file)
    return frame


def check_columns(columns: Any, file: Path) -> None:
    missing = [c for c in CORPUS_COLUMNS if c not in set(columns)]
    if missing:
        raise InputError(f"a corpus needs the column {missing[0]!r}", file=paths.relative(file),
                         field=missing[0])


def _is_parquet(file: Path) -> bool:
    return file.is_dir() or file.suffix in {".parquet", ".pq"}


def corpus_partitions(path: str | Path, rows_per_partition: int = ROWS_PER_PARTITION) -> Any:
    """The corpus as a Dask DataFrame: Parquet's own partitions, or a CSV cut into pieces."""
    import dask.dataframe as dd

    file = paths.resolve(path)
    if _is_parquet(file):
        if not file.exists():
            raise InputError("corpus not found", file=paths.relative(file))
        frame = dd.read_parquet(str(file))
        check_columns(frame.columns, file)
        wanted = [c for c in (*CORPUS_COLUMNS, *OPTIONAL_COLUMNS) if c in frame.columns]
        return frame[wanted]
    # A curated CSV is small, and a quoted text may hold line breaks, which Dask's byte-range
    # reader would cut through: read it whole, then partition.
    table = read_corpus(file)
    pieces = max(1, -(-len(table) // rows_per_partition))
    return dd.from_pandas(table, npartitions=pieces, sort=False)


def _client(scheduler: str) -> Any:
    """A client of the cluster at ``scheduler``, or None for Dask's local scheduler."""
    if not scheduler:
        return None
    from distributed import Client

    return Client(scheduler, set_as_default=False)


def iter_partitions(path: str | Path, function: Callable[[pd.DataFrame], T], scheduler: str = "",
                    rows_per_partition: int = ROWS_PER_PARTITION) -> Iterator[T]:
    """``function`` of each corpus partition, in corpus order, computed on Dask with at most
    PARTITIONS_IN_FLIGHT results held at once whatever the corpus's size."""
    import dask

    pieces = [dask.delayed(function)(piece)
              for piece in corpus_partitions(path, rows_per_partition).to_delayed()]
    client = _client(scheduler)
    if client is None:
        for first in range(0, len(pieces), PARTITIONS_IN_FLIGHT):
            yield from dask.compute(*pieces[first:first + PARTITIONS_IN_FLIGHT],
                                    scheduler="threads")
        return
    try:
        yield from _sliding_window(client, pieces)
    finally:
        client.close()


def _sliding_window(client: Any, pieces: list[Any]) -> Iterator[Any]:
    """A new partition starts as the oldest is taken, so no worker waits for a whole batch,
    and results are fetched one at a time (one serialised copy on the wire, not a batch's)."""
    window: deque[Any] = deque()
    for piece in pieces:
        window.append(client.compute(piece))
        if len(window) == PARTITIONS_IN_FLIGHT:
            yield window.popleft().result()
    while window:
        yield window.popleft().result()


def text_counts(frame: pd.DataFrame) -> tuple[int, frozenset[str]]:
    """One partition's number of texts and its outlets."""
    return len(frame), frozenset(frame["outlet"].dropna())


def count_texts(path: str | Path, scheduler: str = "") -> tuple[int, int]:
    """The corpus's number of texts and of outlets, read partition by partition."""
    texts, outlets = 0, set()
    for count, names in iter_partitions(path, text_counts, scheduler):
        texts, outlets = texts + count, outlets | names
    return texts, len(outlets)


def iter_figures(path: str | Path, scheduler: str = "",
                 rows_per_partition: int = ROWS_PER_PARTITION) -> Iterator[pd.DataFrame]:
    """The figures table partition by partition, in corpus order, computed a few at a time."""
    return iter_partitions(path, partition_figures, scheduler, rows_per_partition)


def extract_corpus(path: str | Path, output: str | Path, scheduler: str = "",
                   rows_per_partition: int = ROWS_PER_PARTITION) -> int:
    """Write every figure of the corpus at ``path`` to the CSV ``output``; returns the count."""
    count = 0
    with atomic.open_binary(output) as handle:
        for number, part in enumerate(iter_figures(path, scheduler, rows_per_partition)):
            text = atomic.csv_bytes(part.astype({c: "object" for c in part.columns
                                                 if c not in (*_FLOATS, *_INTS)}))
            handle.write(text if number == 0 else text.split(b"\n", 1)[1])
            count += len(part)
    return count


def read_figures(path: str | Path) -> pd.DataFrame:
    """A figures table that :func:`extract_corpus` wrote."""
    file = paths.resolve(path)
    try:
        table = pd.read_csv(file, dtype={c: str for c in FIGURE_COLUMNS
                                         if c not in (*_FLOATS, *_INTS)},
                            keep_default_na=False, na_values={c: [""] for c in _FLOATS})
    except FileNotFoundError:
        raise InputError("corpus figures not found", file=paths.relative(file)) from None
    return table[list(FIGURE_COLUMNS)]
