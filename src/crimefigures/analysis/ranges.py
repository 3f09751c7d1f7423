"""Range analysis: consistency across claims, one-at-a-time sensitivity, what survives.

The sensitivity sweep moves one setting at a time (a hedge constant, the
distribution, the GDP source and vintage) over a stated range and records how far
each ratio's Monte Carlo median and exact interval move. Medians and exact bounds
do not depend on the order of the draws, so neither does the tornado table.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from crimefigures.analysis.ratios import DrawSource, RatioSpec, Settings, Term, compute_ratios
from crimefigures.analysis.spec import AnalysisSpec, CheckSpec, Expression, StatementSpec
from crimefigures.errors import InputError
from crimefigures.pipeline import tables
from crimefigures.quantities import units
from crimefigures.quantities.uncertainty import Interval

# One-at-a-time ranges, wide enough to cover how a careful reader might read each hedge.
HEDGE_SWEEP: dict[str, tuple[float, ...]] = {
    "approx_halfwidth": (0.05, 0.20),
    "nearly_factor": (0.80, 0.97),
    "upper_floor_fraction": (0.25, 0.90),
    "lower_ceiling_factor": (1.20, 3.00),
}
DISTRIBUTION_SWEEP = ("uniform", "triangular", "lognormal90")
# (gdp_source, weo_vintage, gdp_year): both IMF vintages, and the World Bank's newest year.
DENOMINATOR_SWEEP: tuple[tuple[str, str, int], ...] = (
    ("imf_weo", "2024-10", 2024),
    ("imf_weo", "2025-10", 2024),
    ("imf_weo", "2024-10", 2023),
    ("world_bank", "2024-10", 2023),
)

RANGES_COLUMNS = ("ratio_id", "factor", "settings_tried", "baseline_p50", "min_p50", "max_p50",
                  "setting_at_min", "setting_at_max", "min_low", "max_high", "swing",
                  "relative_swing")
RANGES_SCHEMA = pa.DataFrameSchema(
    {
        "ratio_id": pa.Column(str),
        "factor": pa.Column(str),
        "settings_tried": pa.Column(str),
        **{c: pa.Column(float) for c in ("baseline_p50", "min_p50", "max_p50")},
        "setting_at_min": pa.Column(str),
        "setting_at_max": pa.Column(str),
        **{c: pa.Column(float) for c in ("min_low", "max_high", "swing", "relative_swing")},
    },
    checks=pa.Check(lambda d: d["min_p50"] <= d["max_p50"], error="min_p50 <= max_p50"),
    strict=True,
    ordered=True,
    unique=["ratio_id", "factor"],
)


@dataclass(frozen=True)
class Variant:
    factor: str
    label: str
    settings: Settings


def variants(base: Settings, gdp_choices: Sequence[tuple[str, str, int]] = DENOMINATOR_SWEEP
             ) -> list[Variant]:
    """Every one-at-a-time change of the baseline settings."""
    out = [Variant("baseline", "baseline", base)]
    for name, values in HEDGE_SWEEP.items():
        for value in values:
            hedges = dataclasses.replace(base.hedges, **{name: value})
            out.append(Variant(name, f"{name}={value:g}",
                               dataclasses.replace(base, hedges=hedges)))
    for distribution in DISTRIBUTION_SWEEP:
        out.append(Variant("distribution", distribution,
                           dataclasses.replace(base, distribution=distribution)))
    for source, vintage, year in gdp_choices:
        label = f"{source} {vintage} {year}" if source == "imf_weo" else f"{source} {year}"
        out.append(Variant("gdp_source_vintage_year", label, dataclasses.replace(
            base, gdp_source=source, weo_vintage=vintage, gdp_year=year)))
    return out


DrawFactory = Callable[[Settings], DrawSource | None]


def sweep_denominators(spec: AnalysisSpec) -> tuple[tuple[str, str, int], ...]:
    """The GDP denominators the story's sweep tries: its analysis.yml ``sensitivity.gdp``,
    else both IMF releases the first story was built with and the World Bank."""
    if not spec.sensitivity.gdp:
        return DENOMINATOR_SWEEP
    return tuple((c.source, c.vintage or "2024-10", c.year) for c in spec.sensitivity.gdp)


def sweep(figures: pd.DataFrame, base: Settings, table: pd.DataFrame,
          specs: Sequence[RatioSpec],
          draw_factory: DrawFactory = lambda settings: None,
          gdp_choices: Sequence[tuple[str, str, int]] = DENOMINATOR_SWEEP) -> pd.DataFrame:
    """Every ratio under every variant, long format: one row per (variant, ratio)."""
    frames = []
    for variant in variants(base, gdp_choices):
        ratios = compute_ratios(figures, variant.settings, table, specs,
                                draws=draw_factory(variant.settings))
        frames.append(ratios.assign(factor=variant.factor, setting=variant.label))
    return pd.concat(frames, ignore_index=True)


def tornado(swept: pd.DataFrame, ratio_ids: Sequence[str]) -> pd.DataFrame:
    """Per ratio and factor: how far the median moves, largest swing first."""
    baseline = swept[swept["factor"] == "baseline"].set_index("ratio_id")
    rows = []
    for ratio_id in ratio_ids:
        base_p50 = float(baseline.loc[ratio_id, "mc_p50"])
        for factor, group in swept[(swept["ratio_id"] == ratio_id)
                                   & (swept["factor"] != "baseline")].groupby("factor",
                                                                              sort=True):
            lowest = group.loc[group["mc_p50"].idxmin()]
            highest = group.loc[group["mc_p50"].idxmax()]
            swing = float(highest["mc_p50"] - lowest["mc_p50"])
            rows.append({
                "ratio_id": ratio_id, "factor": factor,
                "settings_tried": "; ".join(group["setting"]),
                "baseline_p50": base_p50, "min_p50": float(lowest["mc_p50"]),
                "max_p50": float(highest["mc_p50"]), "setting_at_min": lowest["setting"],
                "setting_at_max": highest["setting"], "min_low": float(group["low"].min()),
                "max_high": float(group["high"].max()), "swing": swing,
                "relative_swing": swing / base_p50 if base_p50 else float("nan"),
            })
    table = pd.DataFrame(rows, columns=list(RANGES_COLUMNS))
    order = table.assign(_rank=table["ratio_id"].map(list(ratio_ids).index))
    table = order.sort_values(["_rank", "swing", "factor"], ascending=[True, False, True],
                              kind="mergesort").drop(columns="_rank").reset_index(drop=True)
    return tables.validate(table, RANGES_SCHEMA, "ranges")


# --- consistency checks --------------------------------------------------------------------


CHECK_COLUMNS = ("check_id", "question", "inputs", "result", "status")
CHECKS_SCHEMA = pa.DataFrameSchema(
    {**{c: pa.Column(str) for c in CHECK_COLUMNS[:-1]},
     "status": pa.Column(str, pa.Check.isin(["pass", "flag"]))},
    strict=True, ordered=True, unique=["check_id"])


def _fmt(interval: Interval, unit: str = "") -> str:
    return f"[{interval.low:.4g}, {interval.high:.4g}]{unit}"


@dataclass(frozen=True)
class Evaluated:
    interval: Interval
    unit: units.Unit


def _sum(names: Sequence[str], quantities: Mapping[str, Evaluated], check_id: str,
         file: str) -> Evaluated:
    missing = [n for n in names if n not in quantities]
    if missing:
        raise InputError(f"check {check_id} uses {missing[0]}, which is not a claim, source "
                         "figure, benchmark or yardstick of this story", file=file,
                         field=f"checks.{check_id}")
    first = quantities[names[0]]
    total = first.interval
    for name in names[1:]:
        other = quantities[name]
        if other.unit != first.unit:
            raise InputError(f"check {check_id}: term {name} is {other.unit}, but "
                             f"{names[0]} is {first.unit}; a sum needs one unit", file=file,
                             field=f"checks.{check_id}")
        total = total + other.interval
    return Evaluated(total, first.unit)


def evaluate(expression: Expression, quantities: Mapping[str, Evaluated],
             ratios: pd.DataFrame, ratio_units: Mapping[str, units.Unit], check_id: str,
             file: str) -> Evaluated:
    """One side of a check as an interval with its unit."""
    if expression.value is not None:
        return Evaluated(Interval(expression.value, expression.value), units.Unit())
    if expression.ratio is not None:
        row = ratios.set_index("ratio_id").loc[expression.ratio]
        return Evaluated(Interval(float(row["low"]), float(row["high"])),
                         ratio_units[expression.ratio])
    top = _sum(expression.terms, quantities, check_id, file)
    if not expression.over:
        return top
    bottom = _sum(expression.over, quantities, check_id, file)
    return Evaluated(top.interval / bottom.interval, top.unit / bottom.unit)


_TESTS: dict[str, Callable[[Interval, Interval], bool]] = {
    "overlaps": lambda a, b: a.overlaps(b),
    "inside": lambda a, b: b.low <= a.low and a.high <= b.high,
    "below": lambda a, b: a.high <= b.low,
    "above": lambda a, b: a.low >= b.high,
    "same_high": lambda a, b: a.high == b.high,
}


def check_quantities(claims: Mapping[str, Term], comparison: pd.DataFrame,
                     figures: pd.DataFrame,
                     benchmarks: Mapping[str, tuple[Interval, units.Unit]],
                     yardsticks: Mapping[str, Term] | None = None) -> dict[str, Evaluated]:
    """Everything a check may name: claims, source:<claim> (the primary source's figure) and
    bench:<id>, each with its unit; percentages as fractions."""
    found = {k: Evaluated(t.interval, t.unit) for k, t in claims.items()}
    percent = set(figures.loc[figures["unit"] == "percent", "claim_id"])
    for row in comparison.itertuples():
        if row.claim_id in claims and row.source_low == row.source_low:  # not NaN
            interval = Interval(float(row.source_low), float(row.source_high))
            if row.claim_id in percent:
                interval = interval / 100.0
            found[f"source:{row.claim_id}"] = Evaluated(interval, claims[row.claim_id].unit)
    found |= {f"bench:{k}": Evaluated(i, u) for k, (i, u) in benchmarks.items()}
    found |= {k: Evaluated(t.interval, t.unit) for k, t in (yardsticks or {}).items()}
    return found


def run_checks(spec: AnalysisSpec, quantities: Mapping[str, Evaluated], ratios: pd.DataFrame,
               ratio_units: Mapping[str, units.Unit], *, file: str) -> pd.DataFrame:
    """Every consistency check the story declares; each states inputs and result."""
    rows = [_run_check(check, quantities, ratios, ratio_units, file) for check in spec.checks]
    return pd.DataFrame(rows, columns=list(CHECK_COLUMNS))


def _run_check(check: CheckSpec, quantities, ratios, ratio_units, file: str) -> tuple:
    left = evaluate(check.left, quantities, ratios, ratio_units, check.id, file)
    right = evaluate(check.right, quantities, ratios, ratio_units, check.id, file)
    if left.unit != right.unit:
        raise InputError(f"check {check.id}: the left side is {left.unit} but the right side "
                         f"is {right.unit}", file=file, field=f"checks.{check.id}")
    unit = "" if not left.unit.powers else f" {left.unit}"
    passed = _TESTS[check.test](left.interval, right.interval)
    return (check.id, check.question.en,
            f"{check.left.describe()} {_fmt(left.interval)}{unit}; "
            f"{check.right.describe()} {_fmt(right.interval)}{unit}",
            f"{check.test}: {passed}", "pass" if passed else "flag")


# --- what survives -------------------------------------------------------------------------


STATEMENT_COLUMNS = ("statement_id", "statement", "ratio_id", "condition", "settings_tried",
                     "settings_holding", "verdict", "fails_under")
STATEMENTS_SCHEMA = pa.DataFrameSchema(
    {**{c: pa.Column(str) for c in STATEMENT_COLUMNS[:4]},
     # coerced so a story that declares no statements writes an empty table
     **{c: pa.Column(int, pa.Check.ge(0), coerce=True) for c in STATEMENT_COLUMNS[4:6]},
     "verdict": pa.Column(str), "fails_under": pa.Column(str)},
    strict=True, ordered=True, unique=["statement_id"])


def what_survives(swept: pd.DataFrame, statements: Sequence[StatementSpec]) -> pd.DataFrame:
    """Each statement checked against the exact interval under every setting tried."""
    rows = []
    for statement in statements:
        group = swept[swept["ratio_id"] == statement.ratio]
        if group.empty:
            raise InputError(f"statement {statement.id} uses unknown ratio {statement.ratio}",
                             field=f"statements.{statement.id}.ratio")
        failing = [row.setting for row in group.itertuples()
                   if not statement.holds(row.low, row.high)]
        tried = len(group)
        verdict = ("holds under every setting" if not failing else
                   "fails under every setting" if len(failing) == tried else
                   "holds under some settings")
        rows.append({
            "statement_id": statement.id, "statement": statement.text.en,
            "ratio_id": statement.ratio,
            "condition": f"exact interval {statement.comparison} {statement.threshold:.4g}",
            "settings_tried": tried, "settings_holding": tried - len(failing),
            "verdict": verdict, "fails_under": "; ".join(failing),
        })
    return pd.DataFrame(rows, columns=list(STATEMENT_COLUMNS))


def survival_summary(statements: pd.DataFrame) -> str:
    """The statements as two plain-text lists, written from the computed verdicts."""
    lines = ["Holds under every setting tried:"]
    lines += [f"  - {s}" for s in statements.loc[
        statements["verdict"] == "holds under every setting", "statement"]] or ["  (none)"]
    lines.append("Holds only under some settings (or none):")
    for row in statements[statements["verdict"] != "holds under every setting"].itertuples():
        lines.append(f"  - {row.statement} ({row.settings_holding} of {row.settings_tried}; "
                     f"fails under {row.fails_under})")
    return "\n".join(lines)
