"""Range analysis: consistency across claims, one-at-a-time sensitivity, what survives.

The sensitivity sweep moves one setting at a time (a hedge constant, the
distribution, the GDP source and vintage) over a stated range and records how far
each ratio's Monte Carlo median and exact interval move. Medians and exact bounds
do not depend on the order of the draws, so neither does the tornado table.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from crimefigures import atomic, ledger, paths
from crimefigures.errors import InputError
from crimefigures.ratios import RATIOS, DrawSource, RatioSpec, Settings, compute_ratios
from crimefigures.uncertainty import Interval

RANGES_PATH = "data/processed/ranges.csv"
CHECKS_PATH = "data/processed/consistency_checks.csv"
STATEMENTS_PATH = "data/processed/statements.csv"

HEADLINE_RATIOS = (
    "illicit_flows_to_france_gdp_article",
    "illicit_flows_to_france_gdp_imf",
    "illicit_flows_to_world_gdp",
    "syndicate_to_mekong_three_gdp",
    "seized_to_illicit_flows",
    "cambodia_victims_per_1000",
    "myanmar_victims_per_1000",
    "myanmar_to_cambodia_victims",
)

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


def variants(base: Settings) -> list[Variant]:
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
    for source, vintage, year in DENOMINATOR_SWEEP:
        label = f"{source} {vintage} {year}" if source == "imf_weo" else f"{source} {year}"
        out.append(Variant("gdp_source_vintage_year", label, dataclasses.replace(
            base, gdp_source=source, weo_vintage=vintage, gdp_year=year)))
    return out


DrawFactory = Callable[[Settings], DrawSource | None]


def sweep(figures: pd.DataFrame, base: Settings, table: pd.DataFrame,
          specs: tuple[RatioSpec, ...] = RATIOS,
          draw_factory: DrawFactory = lambda settings: None) -> pd.DataFrame:
    """Every ratio under every variant, long format: one row per (variant, ratio)."""
    frames = []
    for variant in variants(base):
        ratios = compute_ratios(figures, variant.settings, table, specs,
                                draws=draw_factory(variant.settings))
        frames.append(ratios.assign(factor=variant.factor, setting=variant.label))
    return pd.concat(frames, ignore_index=True)


def tornado(swept: pd.DataFrame, ratio_ids: tuple[str, ...] = HEADLINE_RATIOS) -> pd.DataFrame:
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
    order = table.assign(_rank=table["ratio_id"].map(ratio_ids.index))
    table = order.sort_values(["_rank", "swing", "factor"], ascending=[True, False, True],
                              kind="mergesort").drop(columns="_rank").reset_index(drop=True)
    return ledger.validate(table, RANGES_SCHEMA, RANGES_PATH)


# --- consistency checks --------------------------------------------------------------------


CHECK_COLUMNS = ("check_id", "question", "inputs", "result", "status")


def _fmt(interval: Interval, unit: str = "") -> str:
    return f"[{interval.low:.4g}, {interval.high:.4g}]{unit}"


def consistency_checks(terms: dict[str, Interval], benchmarks: dict[str, Interval],
                       sources: dict[str, Interval],
                       syndicate_share_limit: float = 0.10) -> pd.DataFrame:
    """Cross-claim checks; each states inputs and result and passes or flags.

    ``terms`` holds the article's claims as analysis intervals in base units
    (percent as a fraction), ``sources`` the primary sources' figures for the same
    claims, and ``benchmarks`` the published comparison figures.
    """
    rows = []

    proceeds, flows = terms["C01"], terms["C04"]
    rows.append(("up_to_3tn_vs_2_to_3tn",
                 "Does 'up to $3 trillion' (C01) agree with '$2-3 trillion' (C04)?",
                 f"C01 {_fmt(proceeds)} USD; C04 {_fmt(flows)} USD",
                 f"same ceiling: {proceeds.high == flows.high}",
                 "pass" if proceeds.high == flows.high else "flag"))

    syndicate = terms["C03"]
    share = syndicate / flows
    rows.append(("one_syndicate_vs_total",
                 f"Is $50 billion for one syndicate (C03) under {syndicate_share_limit:.0%} of "
                 "all illicit flows (C04)?",
                 f"C03 {_fmt(syndicate)} USD; C04 {_fmt(flows)} USD",
                 f"share {_fmt(share)}",
                 "pass" if share.high <= syndicate_share_limit else "flag"))

    article_sum = terms["C11"] + terms["C12"]
    source_sum = sources["C11"] + sources["C12"]
    vague = terms["C10"]
    for label, total in (("article", article_sum), ("un", source_sum)):
        inside = vague.low <= total.low and total.high <= vague.high
        rows.append((f"cambodia_plus_myanmar_fit_hundreds_of_thousands_{label}",
                     "Do Cambodia and Myanmar together fit 'hundreds of thousands' (C10)? "
                     f"({'the article' if label == 'article' else 'the UN'}'s figures)",
                     f"C11 + C12 {_fmt(total)} people; C10 {_fmt(vague)} people",
                     f"sum inside C10: {inside}", "pass" if inside else "flag"))

    drug_share = terms["C06"]
    unodc = benchmarks["unodc_2011_drug_share_of_crime_proceeds"] / 100.0
    gfi = benchmarks["gfi_2017_drug_trafficking"] / benchmarks["gfi_2017_transnational_crime"]
    for label, bench, what in (("unodc", unodc, "UNODC 2011 share of all crime proceeds"),
                               ("gfi", gfi, "GFI 2017 drug trafficking / all 11 markets")):
        overlap = drug_share.overlaps(bench)
        rows.append((f"drug_share_vs_{label}",
                     f"Does the 40-70% drug share (C06) fit the {what}?",
                     f"C06 {_fmt(drug_share)}; {label.upper()} {_fmt(bench)}",
                     f"overlap: {overlap}", "pass" if overlap else "flag"))

    return pd.DataFrame(rows, columns=list(CHECK_COLUMNS))


def flows_vs_world_gdp_check(ratios: pd.DataFrame, benchmarks: dict[str, Interval]
                             ) -> pd.DataFrame:
    """$2-3tn as a share of world GDP against UNODC's 2-5%."""
    row = ratios.set_index("ratio_id").loc["illicit_flows_to_world_gdp"]
    share = Interval(float(row["low"]), float(row["high"]))
    unodc = benchmarks["unodc_laundering_share_of_gdp"] / 100.0
    overlap = share.overlaps(unodc)
    return pd.DataFrame([(
        "flows_vs_unodc_laundering_share",
        "Is $2-3 trillion (C04) a share of world GDP that fits UNODC's 2-5% for laundering?",
        f"C04 / world GDP {_fmt(share)}; UNODC {_fmt(unodc)}",
        f"overlap: {overlap}", "pass" if overlap else "flag")], columns=list(CHECK_COLUMNS))


def all_checks(terms: dict[str, Interval], sources: dict[str, Interval],
               benchmarks: dict[str, Interval], ratios: pd.DataFrame,
               syndicate_share_limit: float = 0.10) -> pd.DataFrame:
    """The cross-claim checks and the world-GDP check, in one table."""
    return pd.concat([consistency_checks(terms, benchmarks, sources, syndicate_share_limit),
                      flows_vs_world_gdp_check(ratios, benchmarks)], ignore_index=True)


# --- what survives -------------------------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    statement_id: str
    text: str
    ratio_id: str
    comparison: str  # "above" or "below"
    threshold: float

    def holds(self, interval: Interval) -> bool:
        """Holds only if the whole exact interval is on the stated side."""
        if self.comparison == "above":
            return interval.low > self.threshold
        return interval.high < self.threshold


STATEMENTS = (
    Statement("flows_below_france_gdp", "Annual illicit flows are smaller than France's "
              "economy.", "illicit_flows_to_france_gdp_imf", "below", 1.0),
    Statement("flows_over_half_france_gdp", "Annual illicit flows exceed half of France's "
              "economy.", "illicit_flows_to_france_gdp_imf", "above", 0.5),
    Statement("flows_under_5pct_world", "Annual illicit flows are under 5% of world GDP.",
              "illicit_flows_to_world_gdp", "below", 0.05),
    Statement("flows_over_2pct_world", "Annual illicit flows exceed 2% of world GDP.",
              "illicit_flows_to_world_gdp", "above", 0.02),
    Statement("syndicate_over_third_mekong", "One syndicate's revenue exceeds a third of the "
              "combined GDP of Cambodia, Myanmar and Laos.", "syndicate_to_mekong_three_gdp",
              "above", 1 / 3),
    Statement("seizures_under_tenth_percent", "The $300 million seized is under 0.1% of one "
              "year's illicit flows.", "seized_to_illicit_flows", "below", 0.001),
    Statement("cambodia_over_5_per_1000", "More than 5 in every 1,000 people in Cambodia have "
              "been trafficked there.", "cambodia_victims_per_1000", "above", 5.0),
    Statement("myanmar_over_1_per_1000", "More than 1 in every 1,000 people in Myanmar is held "
              "in a scam compound.", "myanmar_victims_per_1000", "above", 1.0),
    Statement("myanmar_more_than_cambodia", "More people are held in Myanmar than in Cambodia.",
              "myanmar_to_cambodia_victims", "above", 1.0),
)
STATEMENT_COLUMNS = ("statement_id", "statement", "ratio_id", "condition", "settings_tried",
                     "settings_holding", "verdict", "fails_under")


def what_survives(swept: pd.DataFrame, statements: tuple[Statement, ...] = STATEMENTS
                  ) -> pd.DataFrame:
    """Each statement checked against the exact interval under every setting tried."""
    rows = []
    for statement in statements:
        group = swept[swept["ratio_id"] == statement.ratio_id]
        if group.empty:
            raise InputError(f"statement uses unknown ratio {statement.ratio_id}",
                             field="ratio_id")
        failing = [row.setting for row in group.itertuples()
                   if not statement.holds(Interval(row.low, row.high))]
        tried = len(group)
        verdict = ("holds under every setting" if not failing else
                   "fails under every setting" if len(failing) == tried else
                   "holds under some settings")
        rows.append({
            "statement_id": statement.statement_id, "statement": statement.text,
            "ratio_id": statement.ratio_id,
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


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    return atomic.write_csv(path, frame)


def read_table(path: str | Path) -> pd.DataFrame:
    file = paths.resolve(path)
    try:
        return pd.read_csv(file, keep_default_na=False)
    except FileNotFoundError:
        raise InputError("file not found (run notebook 03 first)",
                         file=paths.relative(file)) from None
