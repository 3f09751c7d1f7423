"""The article against its primary sources, claim by claim.

``data/curated/<story>/fact_checks.csv`` holds what a person read: the source, its
verbatim words, the figure inside them, and every way the article departs from it
(``departures``: a set of ``number``, ``hedge``, ``attribution``, ``scope``,
``date``; empty when it says what the source says; ``unverified`` when no source
could be read). Everything else is computed: the source's figure is parsed like the
article's, both become intervals, the comparison (overlap, position, which way the
hedge points) is derived, and the headline verdict follows from the departures by
one precedence:

    number > hedge > attribution > scope > date > (none: consistent)

- ``number``: ``overstated`` when the article's interval lies above the source's,
  else ``understated``;
- ``hedge``: ``hedge_inverted`` when a floor became a ceiling or back; ``overstated``
  when a hedged figure is written as exact (certainty overstated); else
  ``overstated``/``understated`` by which way the article's interval moved;
- ``attribution``: ``misattributed``; ``scope``: ``scope_changed``; ``date``:
  ``date_changed``.

A recorded set never contradicts the numbers: a ``number`` departure needs
intervals that do not overlap, and intervals that do not overlap need a ``number``
or ``hedge`` departure (``verdict_basis`` is ``contradicted`` otherwise, and a test
requires there be none).

Written precision: an exact figure is read as the interval its last written digit
implies ("$4.2 billion" is [4.15, 4.25] billion) when ``written_precision`` is on
(a setting notebook 02 records), for the article's figure and the source's alike.
"""

from __future__ import annotations

import re

import pandas as pd
import pandera.pandas as pa

from crimefigures.errors import InputError, ParseError
from crimefigures.pipeline import tables
from crimefigures.quantities import units
from crimefigures.quantities.uncertainty import HedgeConstants, Interval, analysis_interval
from crimefigures.text.parse import parse_figure

VERDICTS = ("consistent", "overstated", "understated", "misattributed", "hedge_inverted",
            "scope_changed", "date_changed", "unverified")
# In order of precedence: the first one present names the headline verdict.
DEPARTURES = ("number", "hedge", "attribution", "scope", "date")
UNVERIFIED = "unverified"
FACT_CHECK_COLUMNS = ("claim_id", "source_id", "source_quote", "source_figure_text",
                      "departures", "explanation")
BENCHMARK_COLUMNS = ("benchmark_id", "source_id", "source_quote", "figure_text", "measure",
                     "unit", "notes")

FACT_CHECKS_SCHEMA = pa.DataFrameSchema(
    {
        "claim_id": pa.Column(str, unique=True),
        "source_id": pa.Column(str),
        "source_quote": pa.Column(str),
        "source_figure_text": pa.Column(str),
        "departures": pa.Column(str, pa.Check(
            lambda s: s.map(_valid_departures), element_wise=False,
            error=f"departures: ';'-separated, from {', '.join(DEPARTURES)}, or "
                  f"{UNVERIFIED} alone")),
        "explanation": pa.Column(str),
    },
    strict=True,
    ordered=True,
    # an empty departures cell is the finding that the article says what its source says
    metadata={"required": tuple(c for c in FACT_CHECK_COLUMNS if c != "departures")},
)

BENCHMARKS_SCHEMA = pa.DataFrameSchema(
    {
        "benchmark_id": pa.Column(str, pa.Check.str_matches(r"^[a-z0-9_]+$"), unique=True),
        "source_id": pa.Column(str),
        "source_quote": pa.Column(str),
        "figure_text": pa.Column(str),
        "measure": pa.Column(str),
        "unit": pa.Column(str),
        "notes": pa.Column(str),
    },
    strict=True,
    ordered=True,
    metadata={"required": BENCHMARK_COLUMNS[:-1]},
)

COMPARISON_COLUMNS = (
    "claim_id", "figure_text", "article_bound", "article_low", "article_high", "source_id",
    "source_publisher", "source_url", "source_figure_text", "source_bound", "source_low",
    "source_high", "overlap", "position", "hedge_change", "departures", "verdict",
    "verdict_basis", "explanation",
)

COMPARISON_SCHEMA = pa.DataFrameSchema(
    {
        "claim_id": pa.Column(str, unique=True),
        "figure_text": pa.Column(str),
        "article_bound": pa.Column(str),
        "article_low": pa.Column(float, pa.Check.ge(0)),
        "article_high": pa.Column(float, pa.Check.ge(0)),
        "source_id": pa.Column(str),
        "source_publisher": pa.Column(str),
        "source_url": pa.Column(str),
        "source_figure_text": pa.Column(str),
        "source_bound": pa.Column(str),
        "source_low": pa.Column(float, pa.Check.ge(0)),
        "source_high": pa.Column(float, pa.Check.ge(0)),
        "overlap": pa.Column(bool),
        "position": pa.Column(str, pa.Check.isin(["same", "overlapping", "article_above",
                                                   "article_below"])),
        "hedge_change": pa.Column(str),
        "departures": pa.Column(str),
        "verdict": pa.Column(str, pa.Check.isin(list(VERDICTS))),
        "verdict_basis": pa.Column(str, pa.Check.isin(["numbers", "wording", "contradicted",
                                                         "none"])),
        "explanation": pa.Column(str),
    },
    strict=True,
    ordered=True,
)

def departure_set(text: str) -> tuple[str, ...]:
    """'scope; date' -> ('scope', 'date'), in precedence order."""
    found = {part.strip() for part in str(text).split(";") if part.strip()}
    return tuple(d for d in (*DEPARTURES, UNVERIFIED) if d in found)


def _valid_departures(text: str) -> bool:
    parts = [part.strip() for part in str(text).split(";") if part.strip()]
    if parts == [UNVERIFIED]:
        return True
    return len(set(parts)) == len(parts) and set(parts) <= set(DEPARTURES)


# Which way each bound type leans from the written number: a floor, a ceiling, or neither.
_LEAN = {"lower": "floor", "upper": "ceiling", "approx": "about", "exact": "exact",
         "range": "range"}


def check_fact_checks(fact_checks: pd.DataFrame, figures: pd.DataFrame, sources: pd.DataFrame,
                      name: str) -> None:
    """Every claim has a row, every row a known claim and source, figures sit in quotes."""
    claims = list(figures["claim_id"])
    known_sources = set(sources["source_id"])
    for index, row in fact_checks.iterrows():
        line = int(index) + 2
        if row["claim_id"] not in claims:
            raise InputError("no such claim in claims.csv", file=name, row=line, field="claim_id")
        if row["source_id"] not in known_sources:
            raise InputError(f"unknown source {row['source_id']!r}", file=name, row=line,
                             field="source_id")
        if row["source_figure_text"] not in row["source_quote"]:
            raise InputError("source_figure_text is not inside source_quote", file=name,
                             row=line, field="source_figure_text")


UNCHECKED = ("No fact-check row yet: the source columns repeat the article's own figure until a "
             "reviewer reads the primary source.")


def with_unchecked(fact_checks: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """The fact checks, plus an ``unverified`` row for each claim nobody has checked yet, so
    a draft story runs end to end; its source columns are the claim's own, and say so."""
    done = set(fact_checks["claim_id"])
    extra = [{"claim_id": c.claim_id, "source_id": c.primary_source_id,
              "source_quote": c.quote, "source_figure_text": c.figure_text,
              "departures": UNVERIFIED, "explanation": UNCHECKED}
             for c in figures.itertuples() if c.claim_id not in done]
    if not extra:
        return fact_checks
    return pd.concat([fact_checks, pd.DataFrame(extra, columns=list(FACT_CHECK_COLUMNS))],
                     ignore_index=True)


def parsed_interval(text: str, hedges: HedgeConstants, *, name: str, row: int,
                    field: str) -> tuple[str, Interval]:
    """A figure phrase as (bound, analysis interval); percentages stay in percent."""
    try:
        figure = parse_figure(text)
    except ParseError as exc:
        raise InputError(f"figure does not parse ({exc.message})", file=name, row=row,
                         field=field) from None
    return figure.bound, analysis_interval(figure.bound, figure.low, figure.high, figure.point,
                                           figure.hedge, hedges)


def position(article: Interval, source: Interval) -> str:
    if article == source:
        return "same"
    if article.low > source.high:
        return "article_above"
    if article.high < source.low:
        return "article_below"
    return "overlapping"


def hedge_change(article_bound: str, source_bound: str) -> str:
    """How the hedge moved from source to article, e.g. 'floor -> ceiling'."""
    before, after = _LEAN[source_bound], _LEAN[article_bound]
    return "unchanged" if before == after else f"{before} -> {after}"


def rounding_halfwidth(figure_text: str, interval: Interval) -> float:
    """Half a unit in the last written digit: '$4.2 billion' is exact to +/-0.05 billion."""
    match = re.search(r"\d[\d,]*(?:\.(\d+))?", figure_text)
    if not match or interval.midpoint == 0:
        return 0.0
    written = float(match.group(0).replace(",", ""))
    decimals = len(match.group(1) or "")
    scale = interval.midpoint / written if written else 1.0
    return 0.5 * 10.0 ** -decimals * scale


def headline_verdict(departures: tuple[str, ...], article: Interval, source: Interval,
                     change: str) -> str:
    """The verdict the departures give, by the module's precedence."""
    if UNVERIFIED in departures:
        return "unverified"
    if not departures:
        return "consistent"
    first = departures[0]
    if first == "hedge" and change in {"floor -> ceiling", "ceiling -> floor"}:
        return "hedge_inverted"
    if first == "hedge" and change.endswith("-> exact"):
        return "overstated"  # a hedged estimate written as a plain fact overstates certainty
    if first in {"number", "hedge"}:
        higher = (article.low > source.high or article.high > source.high
                  or article.midpoint > source.midpoint)
        return "overstated" if higher else "understated"
    return {"attribution": "misattributed", "scope": "scope_changed",
            "date": "date_changed"}[first]


def verdict_basis(departures: tuple[str, ...], article: Interval, source: Interval) -> str:
    """What the verdict rests on, judged from the computed comparison.

    ``numbers``: the numbers agree (no departure), or show the recorded number or hedge
    departure; ``wording``: the figures agree and the departures are of scope, date or
    attribution; ``contradicted``: the
    recorded departures and the numbers disagree (a test requires there be none); ``none``:
    unverified, nothing to compare.
    """
    if UNVERIFIED in departures:
        return "none"
    overlap = article.overlaps(source)
    if ("number" in departures and overlap) or (
            not overlap and not {"number", "hedge"} & set(departures)):
        return "contradicted"
    if not departures or {"number", "hedge"} & set(departures):
        return "numbers"  # the numbers agree, or show the recorded departure
    return "wording"


def written_interval(figure_text: str, bound: str, interval: Interval,
                     precision: bool) -> Interval:
    """An exact figure as the interval its written precision implies, when that reading is on."""
    if not precision or bound != "exact":
        return interval
    half = rounding_halfwidth(figure_text, interval)
    return Interval(max(0.0, interval.low - half), interval.high + half)


def _in_article_currency(source_text: str, article_unit: str, source: Interval,
                         year: int) -> Interval:
    """A source's money in another currency than the article's, converted through US dollars
    at the cited annual rates, so the two are compared like for like."""
    source_unit = parse_figure(source_text).unit
    if source_unit == article_unit or not (units.is_currency(source_unit)
                                           and units.is_currency(article_unit)):
        return source
    from crimefigures.analysis import exchange  # only stories with foreign money need it

    factor = (exchange.to_usd(1.0, source_unit, year).value_usd
              / exchange.to_usd(1.0, article_unit, year).value_usd)
    return source * factor


def compare(figures: pd.DataFrame, fact_checks: pd.DataFrame, sources: pd.DataFrame,
            hedges: HedgeConstants, name: str = "fact_checks.csv", *,
            written_precision: bool = True, exchange_rate_year: int = 2023) -> pd.DataFrame:
    """Article interval beside source interval for every claim, with computed relations."""
    check_fact_checks(fact_checks, figures, sources, name)
    fact_checks = with_unchecked(fact_checks, figures)
    by_source = sources.set_index("source_id")
    checks = fact_checks.set_index("claim_id")
    rows = []
    for claim in figures.itertuples():
        check = checks.loc[claim.claim_id]
        line = int(fact_checks.index[fact_checks["claim_id"] == claim.claim_id][0]) + 2
        article = analysis_interval(claim.bound, claim.low, claim.high, claim.point,
                                    claim.hedge if isinstance(claim.hedge, str) else None,
                                    hedges)
        source_bound, source = parsed_interval(check["source_figure_text"], hedges, name=name,
                                               row=line, field="source_figure_text")
        article = written_interval(claim.figure_text, claim.bound, article, written_precision)
        source = written_interval(check["source_figure_text"], source_bound, source,
                                  written_precision)
        source = _in_article_currency(check["source_figure_text"], str(claim.unit), source,
                                      exchange_rate_year)
        overlap = article.overlaps(source)
        change = hedge_change(claim.bound, source_bound)
        departures = departure_set(check["departures"])
        rows.append({
            "claim_id": claim.claim_id, "figure_text": claim.figure_text,
            "article_bound": claim.bound, "article_low": article.low,
            "article_high": article.high, "source_id": check["source_id"],
            "source_publisher": by_source.loc[check["source_id"], "publisher"],
            "source_url": by_source.loc[check["source_id"], "url"],
            "source_figure_text": check["source_figure_text"], "source_bound": source_bound,
            "source_low": source.low, "source_high": source.high, "overlap": overlap,
            "position": position(article, source), "hedge_change": change,
            "departures": "; ".join(departures),
            "verdict": headline_verdict(departures, article, source, change),
            "verdict_basis": verdict_basis(departures, article, source),
            "explanation": check["explanation"],
        })
    table = pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS))
    return tables.validate(table, COMPARISON_SCHEMA, "fact_check")


def benchmark_intervals(benchmarks: pd.DataFrame, hedges: HedgeConstants,
                        name: str = "benchmarks.csv") -> dict[str, tuple[Interval, units.Unit]]:
    """Published comparison figures as analysis intervals with their units (percent as a
    fraction)."""
    out = {}
    for index, row in benchmarks.iterrows():
        _, interval = parsed_interval(row["figure_text"], hedges, name=name,
                                      row=int(index) + 2, field="figure_text")
        figure = parse_figure(row["figure_text"])
        if figure.unit == "percent":
            interval = interval / 100.0
        # "around 100,000" names no noun; the row's unit column ("people") says what it counts.
        noun = figure.noun or (row["unit"] if figure.unit == "count" else None)
        out[row["benchmark_id"]] = (interval, units.of_figure(figure.unit, noun))
    return out
