"""Ratios of a story's figures to each other and to cited yardsticks.

Each ratio is a product of numerator terms over a sum of denominator terms, times
a scale (1,000 for "per 1,000 inhabitants"), as the story's ``analysis.yml``
declares it (:mod:`crimefigures.analysis.spec`). A term is a claim id from the
figures table or a reference key (GDP, population). Units are checked before
anything is computed (:mod:`crimefigures.quantities.units`). Every ratio gets two answers:
the exact interval from interval arithmetic on the hedge intervals, and Monte
Carlo percentiles from one shared draw vector per term, so two ratios that use
the same claim use the same draws.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import reduce
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from crimefigures.analysis import reference
from crimefigures.analysis.spec import AnalysisSpec, RatioSpec
from crimefigures.errors import CrimefiguresError, InputError, ParameterError
from crimefigures.pipeline import atomic, params, paths, tables
from crimefigures.quantities import units
from crimefigures.quantities.uncertainty import (
    DISTRIBUTIONS,
    DrawBank,
    HedgeConstants,
    Interval,
    analysis_interval,
    summarise,
)

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
    draws: int = 200_000
    seed: int = 1
    gdp_source: str = "imf_weo"
    weo_vintage: str = "2024-10"
    gdp_year: int = 2024
    population_year: int = 2023
    exchange_rate_year: int = 2023  # the annual average that converts other currencies
    # "$4.2 billion" read as [4.15, 4.25] billion in the fact-check comparisons
    written_precision: bool = True

    def __post_init__(self) -> None:
        if self.gdp_source not in reference.GDP_SOURCES:
            raise ParameterError(f"unknown GDP source {self.gdp_source!r}", field="gdp_source")
        if self.weo_vintage not in reference.WEO_VINTAGES:
            raise ParameterError(f"no bundled IMF release {self.weo_vintage!r}; the reference "
                                 f"table holds {', '.join(reference.WEO_VINTAGES)}",
                                 field="weo_vintage")
        params.check_rules({"distribution": self.distribution, "draws": self.draws,
                            "seed": self.seed, "gdp_source": self.gdp_source,
                            "weo_vintage": self.weo_vintage, "gdp_year": self.gdp_year})


STORY_SETTINGS = ("gdp_source", "weo_vintage", "gdp_year", "population_year",
                  "exchange_rate_year")


def story_settings(spec: AnalysisSpec, hedges: HedgeConstants, distribution: str, draws: int,
                   seed: int, written_precision: bool = True, **chosen: str | int) -> Settings:
    """The settings a story runs with: a value notebook 02 sets wins; an unset one ("" or 0)
    comes from the story's analysis.yml ``settings``, else the package default."""
    unknown = set(chosen) - set(STORY_SETTINGS)
    if unknown:
        raise ParameterError(f"not a story setting: {sorted(unknown)[0]}")
    defaults = Settings()
    values = {}
    for name in STORY_SETTINGS:
        value = chosen.get(name)
        if value in (None, "", 0):
            value = getattr(spec.settings, name)
        values[name] = getattr(defaults, name) if value is None else value
    return Settings(hedges=hedges, distribution=distribution, draws=draws, seed=seed,
                    written_precision=written_precision, **values)


@dataclass(frozen=True)
class Term:
    """One input of a ratio: its interval, its unit and where it came from."""

    key: str
    interval: Interval
    label: str
    source: str
    unit: units.Unit = units.Unit()


def _in_usd(claim, interval: Interval, settings: Settings) -> tuple[Interval, str]:
    """Money in another currency, converted at the cited annual rate; US dollars as they are."""
    if claim.unit == units.MONEY or not units.is_currency(claim.unit):
        return interval, ""
    from crimefigures.analysis import exchange  # only stories with foreign money need it

    rate = exchange.to_usd(1.0, claim.unit, settings.exchange_rate_year)
    note = (f" converted at {rate.rate:g} {claim.unit} per USD ({rate.year} average, "
            f"{rate.publisher})")
    return interval * rate.value_usd, note


def claim_terms(figures: pd.DataFrame, hedges: HedgeConstants,
                settings: Settings | None = None) -> dict[str, Term]:
    """Each claim as an analysis interval in US dollars, fractions or counts."""
    settings = settings or Settings(hedges=hedges)
    terms = {}
    for claim in figures.itertuples():
        interval = analysis_interval(claim.bound, claim.low, claim.high, claim.point,
                                     claim.hedge if isinstance(claim.hedge, str) else None,
                                     hedges)
        if claim.unit == "percent":
            interval = interval / 100.0
        interval, converted = _in_usd(claim, interval, settings)
        noun = claim.noun if isinstance(claim.noun, str) else None
        terms[claim.claim_id] = Term(claim.claim_id, interval, claim.figure_text,
                                     f"article ({claim.attributed_to}){converted}",
                                     units.of_figure(claim.unit, noun))
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
    return Term(value.key, Interval(value.value, value.value), label, value.publisher,
                units.of_yardstick(kind))


def resolve_terms(specs: Sequence[RatioSpec], figures: pd.DataFrame, settings: Settings,
                  table: pd.DataFrame, *, spec_file: str = "analysis.yml") -> dict[str, Term]:
    """Every term the ratios use, claims and yardsticks alike, with every unit checked."""
    terms = claim_terms(figures, settings.hedges, settings)
    for spec in specs:
        for term in (*spec.numerator, *spec.denominator):
            if term not in terms:
                if ":" not in term:
                    raise InputError(f"ratio {spec.ratio_id} uses claim {term}, which is not "
                                     "in the figures table", file=spec_file,
                                     field=f"ratios.{spec.ratio_id}")
                terms[term] = reference_term(term, settings, table)
    for spec in specs:
        units.check_ratio(spec.ratio_id, spec.unit,
                          [(t, terms[t].unit) for t in spec.numerator],
                          [(t, terms[t].unit) for t in spec.denominator], file=spec_file)
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
    specs: Sequence[RatioSpec],
    draws: DrawSource | None = None,
    *,
    spec_file: str = "analysis.yml",
) -> pd.DataFrame:
    """One row per ratio: exact interval, Monte Carlo summary and the settings used."""
    terms = resolve_terms(specs, figures, settings, table, spec_file=spec_file)
    if draws is None:
        draws = DrawBank(settings.seed, settings.draws, settings.distribution).draws_for
    rows = []
    for spec in specs:
        exact = ratio_interval(spec, terms)
        rows.append({
            "ratio_id": spec.ratio_id,
            "description": spec.description.en,
            "numerator": " * ".join(terms[t].key for t in spec.numerator),
            "denominator": " + ".join(terms[t].key for t in spec.denominator) or "1",
            "unit": unit_label(spec),
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
    return tables.validate(pd.DataFrame(rows, columns=list(RATIO_COLUMNS)), RATIOS_SCHEMA,
                           "ratios")


def unit_label(spec: RatioSpec) -> str:
    """The unit as ratios.csv records it: 'per 1,000 inhabitants' for a scaled per-capita rate."""
    if spec.unit == units.PER_CAPITA:
        return "per inhabitant" if spec.scale == 1 else f"per {spec.scale:,.0f} inhabitants"
    return spec.unit


def term_table(figures: pd.DataFrame, settings: Settings, table: pd.DataFrame,
               specs: Sequence[RatioSpec], *, spec_file: str = "analysis.yml") -> pd.DataFrame:
    """The inputs of every ratio with their intervals, units and origins, for the notebook."""
    terms = resolve_terms(specs, figures, settings, table, spec_file=spec_file)
    return pd.DataFrame(
        [{"term": k, "key": t.key, "low": t.interval.low, "high": t.interval.high,
          "unit": str(t.unit), "what": t.label, "source": t.source}
         for k, t in terms.items()]
    ).set_index("term")


# --- settings travel with the data ---------------------------------------------------------


def settings_record(settings: Settings) -> dict:
    """Every setting as plain data, to be written beside ratios.csv."""
    record = dataclasses.asdict(settings)
    return {"hedges": record.pop("hedges"), **record}


def write_settings(settings: Settings, path: str | Path) -> Path:
    text = json.dumps(settings_record(settings), indent=1, sort_keys=True) + "\n"
    return atomic.write_text(path, text)


def read_settings(path: str | Path) -> Settings:
    """The settings notebook 02 ran with; notebooks 03 and 04 use these, never their own."""
    file = paths.resolve(path)
    try:
        record = json.loads(file.read_text(encoding="utf-8"))
        hedges = HedgeConstants(**record.pop("hedges"))
        return Settings(hedges=hedges, **record)
    except FileNotFoundError:
        raise InputError("file not found (run notebook 02 first)",
                         file=paths.relative(file)) from None
    except (json.JSONDecodeError, TypeError, KeyError, AttributeError) as exc:
        raise InputError(f"not a settings record ({type(exc).__name__}: {exc})",
                         file=paths.relative(file)) from None


def spec_table(spec: AnalysisSpec, language: str = "en") -> pd.DataFrame:
    """The declared ratios with their formulas, before anything is computed."""
    rows = []
    for ratio in spec.ratios:
        top = " × ".join(ratio.numerator)
        formula = f"({top}) ÷ ({' + '.join(ratio.denominator)})" if ratio.denominator else top
        if ratio.scale != 1:
            formula += f" × {ratio.scale:,.0f}"
        rows.append({"ratio": ratio.id, "formula": formula, "unit": unit_label(ratio),
                     "headline": ratio.id in spec.headlines,
                     "what it asks": ratio.description.get(language)})
    return pd.DataFrame(rows).set_index("ratio")


def ratio_units(specs: Sequence[RatioSpec], claims: Mapping[str, Term]) -> dict[str, units.Unit]:
    """Each ratio's result unit as dimensions (a per-capita rate keeps its count's noun)."""
    found = {}
    for spec in specs:
        if spec.unit == units.PER_CAPITA:
            noun = next((claims[t].unit for t in spec.numerator if t in claims), units.Unit())
            found[spec.id] = noun / units.Unit.base(units.INHABITANTS)
        else:
            found[spec.id] = units.declared(spec.unit)
    return found


def check_yardsticks(spec: AnalysisSpec, settings: Settings, table: pd.DataFrame
                     ) -> dict[str, Term]:
    """The GDP and population yardsticks the story's checks name, resolved like a ratio's."""
    wanted = {t for c in spec.checks for e in (c.left, c.right) for t in (*e.terms, *e.over)
              if t.partition(":")[0] in ("gdp", "gdp_imf", "pop")}
    return {t: reference_term(t, settings, table) for t in sorted(wanted)}
