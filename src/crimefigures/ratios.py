"""Ratios of the article's figures to each other and to cited yardsticks.

Each ratio is a product of numerator terms over a sum of denominator terms, times
a scale (1,000 for "per 1,000 inhabitants"). A term is a claim id from the
figures table or a reference key (GDP, population). Every ratio gets two answers:
the exact interval from interval arithmetic on the hedge intervals, and Monte
Carlo percentiles from one shared draw vector per term, so two ratios that use
the same claim use the same draws.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import reduce
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from crimefigures import atomic, ledger, params, paths, reference
from crimefigures.errors import CrimefiguresError, InputError
from crimefigures.uncertainty import (
    DISTRIBUTIONS,
    DrawBank,
    HedgeConstants,
    Interval,
    analysis_interval,
    summarise,
)

RATIOS_PATH = "data/processed/ratios.csv"
RATIO_COLUMNS = ("ratio_id", "description", "numerator", "denominator", "unit", "low", "high",
                 "mc_p05", "mc_p50", "mc_p95", "mc_mean", "distribution", "draws", "seed",
                 "gdp_source", "weo_vintage", "gdp_year")

RATIOS_SCHEMA = pa.DataFrameSchema(
    {
        "ratio_id": pa.Column(str, pa.Check.str_matches(r"^[a-z0-9_]+$"), unique=True),
        "description": pa.Column(str),
        "numerator": pa.Column(str),
        "denominator": pa.Column(str),
        "unit": pa.Column(str),
        **{c: pa.Column(float, pa.Check(np.isfinite)) for c in
           ("low", "high", "mc_p05", "mc_p50", "mc_p95", "mc_mean")},
        "distribution": pa.Column(str, pa.Check.isin(list(DISTRIBUTIONS))),
        "draws": pa.Column(int, pa.Check.ge(1)),
        "seed": pa.Column(int, pa.Check.ge(0)),
        "gdp_source": pa.Column(str, pa.Check.isin(list(reference.GDP_SOURCES))),
        "weo_vintage": pa.Column(str),
        "gdp_year": pa.Column(int),
    },
    checks=pa.Check(lambda d: d["low"] <= d["high"], error="low <= high"),
    strict=True,
    ordered=True,
)


@dataclass(frozen=True)
class Settings:
    """Every choice behind the numbers, as the notebook's parameters set them."""

    hedges: HedgeConstants = field(default_factory=HedgeConstants)
    distribution: str = "uniform"
    draws: int = 100_000
    seed: int = 20240327
    gdp_source: str = "imf_weo"
    weo_vintage: str = "2024-10"
    gdp_year: int = 2024
    population_year: int = 2023  # the UN's victim estimates are from 2023

    def __post_init__(self) -> None:
        params.check_rules({"distribution": self.distribution, "draws": self.draws,
                            "seed": self.seed, "gdp_source": self.gdp_source,
                            "weo_vintage": self.weo_vintage, "gdp_year": self.gdp_year})


@dataclass(frozen=True)
class RatioSpec:
    """numerator terms multiplied, over denominator terms summed, times scale."""

    ratio_id: str
    description: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...] = ()
    scale: float = 1.0
    unit: str = "fraction"


# A term is a claim id ("C04") or a yardstick: "gdp:FRA" (GDP from the settings' source,
# vintage and year), "gdp_imf:FRA" (IMF whatever the settings say), "pop:KHM".
RATIOS: tuple[RatioSpec, ...] = (
    RatioSpec("illicit_flows_to_france_gdp_article",
              "The article's $2-3 trillion of illicit flows over its own $3.1 trillion for "
              "France's economy: the comparison 'By comparison' invites.", ("C04",), ("C05",)),
    RatioSpec("illicit_flows_to_france_gdp_imf",
              "The same flows over France's GDP from the bundled IMF WEO reference value.",
              ("C04",), ("gdp_imf:FRA",)),
    RatioSpec("proceeds_to_france_gdp_article",
              "The 'up to $3 trillion' proceeds over the article's $3.1 trillion for France.",
              ("C01",), ("C05",)),
    RatioSpec("proceeds_to_france_gdp_imf",
              "The 'up to $3 trillion' proceeds over France's IMF GDP.", ("C01",),
              ("gdp_imf:FRA",)),
    RatioSpec("illicit_flows_to_world_gdp",
              "Illicit flows as a share of world GDP (UNODC puts laundering at 2-5%).",
              ("C04",), ("gdp:WLD",)),
    RatioSpec("proceeds_to_world_gdp", "The 'up to $3 trillion' as a share of world GDP.",
              ("C01",), ("gdp:WLD",)),
    RatioSpec("syndicate_to_cambodia_gdp",
              "One syndicate's $50 billion over Cambodia's GDP.", ("C03",), ("gdp:KHM",)),
    RatioSpec("syndicate_to_myanmar_gdp",
              "One syndicate's $50 billion over Myanmar's GDP.", ("C03",), ("gdp:MMR",)),
    RatioSpec("syndicate_to_laos_gdp",
              "One syndicate's $50 billion over Laos's GDP.", ("C03",), ("gdp:LAO",)),
    RatioSpec("syndicate_to_mekong_three_gdp",
              "One syndicate's $50 billion over the combined GDP of Cambodia, Myanmar and Laos.",
              ("C03",), ("gdp:KHM", "gdp:MMR", "gdp:LAO")),
    RatioSpec("syndicate_to_proceeds",
              "One syndicate's $50 billion over the 'up to $3 trillion'.", ("C03",), ("C01",)),
    RatioSpec("syndicate_to_illicit_flows",
              "One syndicate's $50 billion over the $2-3 trillion of illicit flows.",
              ("C03",), ("C04",)),
    RatioSpec("implied_drug_revenue",
              "Drug trafficking's implied revenue: the 40-70% share times the $2-3 trillion.",
              ("C06", "C04"), unit="USD"),
    RatioSpec("seized_to_illicit_flows",
              "The $300 million seized over one year of illicit flows.", ("C08",), ("C04",)),
    RatioSpec("seized_per_arrest", "Dollars seized per arrest.", ("C08",), ("C07",),
              unit="USD per arrest"),
    RatioSpec("seized_per_country", "Dollars seized per country taking part.", ("C08",),
              ("C09",), unit="USD per country"),
    RatioSpec("cambodia_victims_per_1000",
              "People trafficked to Cambodia ('more than 100,000') per 1,000 inhabitants.",
              ("C11",), ("pop:KHM",), scale=1000.0, unit="per 1,000 inhabitants"),
    RatioSpec("myanmar_victims_per_1000",
              "People held in Myanmar ('up to 120,000') per 1,000 inhabitants.",
              ("C12",), ("pop:MMR",), scale=1000.0, unit="per 1,000 inhabitants"),
    RatioSpec("myanmar_to_cambodia_victims",
              "Myanmar's 'up to 120,000' over Cambodia's 'more than 100,000'.", ("C12",),
              ("C11",)),
)


@dataclass(frozen=True)
class Term:
    """One input of a ratio: its interval and where it came from."""

    key: str
    interval: Interval
    label: str
    source: str


def claim_terms(figures: pd.DataFrame, hedges: HedgeConstants) -> dict[str, Term]:
    """Each claim as an analysis interval; percentages become fractions."""
    terms = {}
    for claim in figures.itertuples():
        interval = analysis_interval(claim.bound, claim.low, claim.high, claim.point,
                                     claim.hedge if isinstance(claim.hedge, str) else None,
                                     hedges)
        if claim.unit == "percent":
            interval = interval / 100.0
        terms[claim.claim_id] = Term(claim.claim_id, interval, claim.figure_text,
                                     f"article ({claim.attributed_to})")
    return terms


def reference_term(term: str, settings: Settings, table: pd.DataFrame) -> Term:
    kind, _, area = term.partition(":")
    if kind == "pop":
        value = reference.population(area, year=settings.population_year, reference=table)
    elif kind == "gdp_imf":
        value = reference.gdp(area, source=reference.IMF_WEO, vintage=settings.weo_vintage,
                              year=settings.gdp_year, reference=table)
    elif kind == "gdp":
        vintage = settings.weo_vintage if settings.gdp_source == reference.IMF_WEO else None
        value = reference.gdp(area, source=settings.gdp_source, vintage=vintage,
                              year=settings.gdp_year, reference=table)
    else:
        raise InputError(f"unknown ratio term {term!r}", field="numerator/denominator")
    label = f"{value.area_name} {value.year} ({value.dataset}, {value.vintage})"
    return Term(value.key, Interval(value.value, value.value), label, value.publisher)


def resolve_terms(specs: tuple[RatioSpec, ...], figures: pd.DataFrame, settings: Settings,
                  table: pd.DataFrame) -> dict[str, Term]:
    """Every term the ratios use, claims and yardsticks alike."""
    terms = claim_terms(figures, settings.hedges)
    for spec in specs:
        for term in (*spec.numerator, *spec.denominator):
            if term not in terms:
                if ":" not in term:
                    raise InputError(f"ratio {spec.ratio_id} uses claim {term}, which is not "
                                     "in the figures table", field="claim_id")
                terms[term] = reference_term(term, settings, table)
    return terms


DrawSource = Callable[[str, Interval], np.ndarray]


def ratio_interval(spec: RatioSpec, terms: Mapping[str, Term]) -> Interval:
    """The exact interval: interval arithmetic on the terms' intervals."""
    top = reduce(lambda a, b: a * b, (terms[t].interval for t in spec.numerator))
    if not spec.denominator:
        return top * spec.scale
    bottom = reduce(lambda a, b: a + b, (terms[t].interval for t in spec.denominator))
    return top / bottom * spec.scale


def _term_draws(term: Term, draws: DrawSource) -> np.ndarray:
    try:
        return draws(term.key, term.interval)
    except CrimefiguresError as exc:
        # Name the claim or yardstick behind the refusal (e.g. lognormal90 on a zero bound).
        raise type(exc)(f"{term.label} ({term.key}): {exc.message}", file=exc.file,
                        field=exc.field) from None


def ratio_samples(spec: RatioSpec, terms: Mapping[str, Term], draws: DrawSource) -> np.ndarray:
    """The Monte Carlo samples, from the shared draw vector of each term."""
    top = reduce(np.multiply, (_term_draws(terms[t], draws) for t in spec.numerator))
    if not spec.denominator:
        return top * spec.scale
    bottom = reduce(np.add, (_term_draws(terms[t], draws) for t in spec.denominator))
    return top / bottom * spec.scale


def compute_ratios(
    figures: pd.DataFrame,
    settings: Settings,
    table: pd.DataFrame,
    specs: tuple[RatioSpec, ...] = RATIOS,
    draws: DrawSource | None = None,
) -> pd.DataFrame:
    """One row per ratio: exact interval, Monte Carlo summary and the settings used."""
    terms = resolve_terms(specs, figures, settings, table)
    if draws is None:
        draws = DrawBank(settings.seed, settings.draws, settings.distribution).draws_for
    rows = []
    for spec in specs:
        exact = ratio_interval(spec, terms)
        rows.append({
            "ratio_id": spec.ratio_id,
            "description": spec.description,
            "numerator": " * ".join(terms[t].key for t in spec.numerator),
            "denominator": " + ".join(terms[t].key for t in spec.denominator) or "1",
            "unit": spec.unit,
            "low": exact.low,
            "high": exact.high,
            **summarise(ratio_samples(spec, terms, draws)),
            "distribution": settings.distribution,
            "draws": settings.draws,
            "seed": settings.seed,
            "gdp_source": settings.gdp_source,
            "weo_vintage": settings.weo_vintage if settings.gdp_source == "imf_weo" else "",
            "gdp_year": settings.gdp_year,
        })
    return ledger.validate(pd.DataFrame(rows, columns=list(RATIO_COLUMNS)), RATIOS_SCHEMA,
                           RATIOS_PATH)


def term_table(figures: pd.DataFrame, settings: Settings, table: pd.DataFrame,
               specs: tuple[RatioSpec, ...] = RATIOS) -> pd.DataFrame:
    """The inputs of every ratio with their intervals and origins, for the notebook."""
    terms = resolve_terms(specs, figures, settings, table)
    return pd.DataFrame(
        [{"term": k, "key": t.key, "low": t.interval.low, "high": t.interval.high,
          "what": t.label, "source": t.source} for k, t in terms.items()]
    ).set_index("term")


def quotable(ratios: pd.DataFrame) -> pd.DataFrame:
    """A short table a journalist could quote: the exact range and the Monte Carlo median."""
    def show(row: pd.Series) -> pd.Series:
        fmt = _percent if row["unit"] == "fraction" else _plain
        return pd.Series({
            "ratio": row["ratio_id"],
            "exact range": f"{fmt(row['low'])} to {fmt(row['high'])}",
            "90% of draws": f"{fmt(row['mc_p05'])} to {fmt(row['mc_p95'])}",
            "median": fmt(row["mc_p50"]),
            "unit": "share" if row["unit"] == "fraction" else row["unit"],
        })

    return ratios.apply(show, axis=1).set_index("ratio")


def _percent(value: float) -> str:
    if value >= 0.1:
        return f"{value * 100:.0f}%"
    if value >= 0.001:
        return f"{value * 100:.2g}%"
    return f"{value * 100:.1e}%"


def _plain(value: float) -> str:
    if abs(value) >= 1e9:
        return f"{value / 1e9:,.0f} bn"
    if abs(value) >= 1e6:
        return f"{value / 1e6:,.1f} m"
    return f"{value:,.3g}"


def write_ratios(ratios: pd.DataFrame, output_path: str | Path = RATIOS_PATH) -> Path:
    ledger.validate(ratios, RATIOS_SCHEMA, paths.relative(output_path))
    return atomic.write_csv(output_path, ratios)


def read_ratios(path: str | Path = RATIOS_PATH) -> pd.DataFrame:
    file = paths.resolve(path)
    try:
        frame = pd.read_csv(file, keep_default_na=False, dtype={"weo_vintage": str})
    except FileNotFoundError:
        raise InputError("file not found (run notebook 02 first)",
                         file=paths.relative(file)) from None
    return ledger.validate(frame, RATIOS_SCHEMA, paths.relative(file))
