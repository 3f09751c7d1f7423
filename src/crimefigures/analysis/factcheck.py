"""The article against its primary sources, claim by claim.

``data/curated/fact_checks.csv`` holds what a person read: the source, its
verbatim words, the figure inside them and a verdict from a fixed vocabulary.
Everything else is computed: the source's figure is parsed like the article's,
both become analysis intervals, and the comparison (overlap, which way the hedge
points, whether the verdict agrees with the numbers) is derived, not typed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from crimefigures.errors import InputError, ParseError
from crimefigures.pipeline import atomic, paths
from crimefigures.quantities import units
from crimefigures.quantities.uncertainty import HedgeConstants, Interval, analysis_interval
from crimefigures.text import ledger
from crimefigures.text.parse import parse_figure

VERDICTS = ("consistent", "overstated", "understated", "misattributed", "hedge_inverted",
            "scope_changed", "date_changed", "unverified")
FACT_CHECK_COLUMNS = ("claim_id", "source_id", "source_quote", "source_figure_text", "verdict",
                      "explanation")
BENCHMARK_COLUMNS = ("benchmark_id", "source_id", "source_quote", "figure_text", "measure",
                     "unit", "notes")

FACT_CHECKS_SCHEMA = pa.DataFrameSchema(
    {
        "claim_id": pa.Column(str, unique=True),
        "source_id": pa.Column(str),
        "source_quote": pa.Column(str),
        "source_figure_text": pa.Column(str),
        "verdict": pa.Column(str, pa.Check.isin(list(VERDICTS))),
        "explanation": pa.Column(str),
    },
    strict=True,
    ordered=True,
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
)

COMPARISON_COLUMNS = (
    "claim_id", "figure_text", "article_bound", "article_low", "article_high", "source_id",
    "source_publisher", "source_url", "source_figure_text", "source_bound", "source_low",
    "source_high", "overlap", "position", "hedge_change", "verdict", "verdict_basis",
    "explanation",
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
        "verdict": pa.Column(str, pa.Check.isin(list(VERDICTS))),
        "verdict_basis": pa.Column(str, pa.Check.isin(["numbers", "wording", "contradicted",
                                                         "none"])),
        "explanation": pa.Column(str),
    },
    strict=True,
    ordered=True,
)

# Which way each bound type leans from the written number: a floor, a ceiling, or neither.
_SAME_LEAN = {"unchanged", "about -> exact", "exact -> about"}
_LEAN = {"lower": "floor", "upper": "ceiling", "approx": "about", "exact": "exact",
         "range": "range"}


def read_fact_checks(path: str | Path) -> pd.DataFrame:
    return ledger.read_table(path, FACT_CHECK_COLUMNS, FACT_CHECK_COLUMNS, FACT_CHECKS_SCHEMA)


def read_benchmarks(path: str | Path) -> pd.DataFrame:
    return ledger.read_table(path, BENCHMARK_COLUMNS, BENCHMARK_COLUMNS[:-1], BENCHMARKS_SCHEMA)


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
              "verdict": "unverified", "explanation": UNCHECKED}
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


def verdict_basis(verdict: str, article: Interval, source: Interval, change: str,
                  article_text: str) -> str:
    """What the typed verdict rests on, judged from the computed comparison.

    ``numbers``: the intervals or hedges show it; ``wording``: the figures agree, so the
    verdict rests on scope, date, attribution or certainty (see the explanation);
    ``contradicted``: the numbers say otherwise (a test requires there be none);
    ``none``: unverified, nothing to compare.
    """
    close = article.overlaps(source) or (
        abs(article.midpoint - source.midpoint) <= rounding_halfwidth(article_text, article))
    if verdict == "unverified":
        return "none"
    if verdict == "consistent":
        return "numbers" if close and change in _SAME_LEAN else "contradicted"
    if verdict == "hedge_inverted":
        return "numbers" if change in {"floor -> ceiling", "ceiling -> floor"} else "contradicted"
    if verdict in {"overstated", "understated"}:
        higher = verdict == "overstated"
        moved = article.high > source.high if higher else article.low < source.low
        raised = change in ({"about -> floor", "exact -> floor"} if higher
                            else {"about -> ceiling", "exact -> ceiling"})
        if moved or raised:
            return "numbers"
        return "wording" if close else "contradicted"
    return "wording" if close else "numbers"  # scope, date or attribution changed


def compare(figures: pd.DataFrame, fact_checks: pd.DataFrame, sources: pd.DataFrame,
            hedges: HedgeConstants, name: str = "fact_checks.csv") -> pd.DataFrame:
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
        overlap = article.overlaps(source)
        change = hedge_change(claim.bound, source_bound)
        rows.append({
            "claim_id": claim.claim_id, "figure_text": claim.figure_text,
            "article_bound": claim.bound, "article_low": article.low,
            "article_high": article.high, "source_id": check["source_id"],
            "source_publisher": by_source.loc[check["source_id"], "publisher"],
            "source_url": by_source.loc[check["source_id"], "url"],
            "source_figure_text": check["source_figure_text"], "source_bound": source_bound,
            "source_low": source.low, "source_high": source.high, "overlap": overlap,
            "position": position(article, source), "hedge_change": change,
            "verdict": check["verdict"],
            "verdict_basis": verdict_basis(check["verdict"], article, source, change,
                                           claim.figure_text),
            "explanation": check["explanation"],
        })
    table = pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS))
    return ledger.validate(table, COMPARISON_SCHEMA, "fact_check")


def write_comparison(table: pd.DataFrame, path: str | Path) -> Path:
    ledger.validate(table, COMPARISON_SCHEMA, paths.relative(path))
    return atomic.write_csv(path, table)


def read_comparison(path: str | Path) -> pd.DataFrame:
    file = paths.resolve(path)
    try:
        frame = pd.read_csv(file, keep_default_na=False)
    except FileNotFoundError:
        raise InputError("file not found (run notebook 03 first)",
                         file=paths.relative(file)) from None
    return ledger.validate(frame, COMPARISON_SCHEMA, paths.relative(file))


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
