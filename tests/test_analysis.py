"""Ratios, fact-check and range analysis: hand-checked intervals and invariants."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from conftest import REPO

from crimefigures import atomic, factcheck, ledger, ranges, ratios, reference
from crimefigures.errors import ParameterError
from crimefigures.uncertainty import DrawBank, HedgeConstants

PROCESSED = REPO / "data" / "processed"


@pytest.fixture(scope="module")
def figures() -> pd.DataFrame:
    return ledger.read_figures(PROCESSED / "figures.csv")


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return reference.load_reference()


@pytest.fixture(scope="module")
def base() -> ratios.Settings:
    return ratios.Settings(draws=20_000)


@pytest.fixture(scope="module")
def computed(figures, table, base) -> pd.DataFrame:
    return ratios.compute_ratios(figures, base, table).set_index("ratio_id")


def _exact(computed: pd.DataFrame, ratio_id: str) -> tuple[float, float]:
    return computed.loc[ratio_id, "low"], computed.loc[ratio_id, "high"]


def test_every_ratio_the_issue_names_is_present(computed: pd.DataFrame):
    for ratio_id in ("illicit_flows_to_france_gdp_article", "illicit_flows_to_france_gdp_imf",
                     "proceeds_to_france_gdp_imf", "illicit_flows_to_world_gdp",
                     "proceeds_to_world_gdp", "syndicate_to_cambodia_gdp",
                     "syndicate_to_myanmar_gdp", "syndicate_to_laos_gdp",
                     "syndicate_to_proceeds", "implied_drug_revenue", "seized_to_illicit_flows",
                     "seized_per_arrest", "seized_per_country", "cambodia_victims_per_1000",
                     "myanmar_victims_per_1000", "myanmar_to_cambodia_victims"):
        assert ratio_id in computed.index


def test_hand_checked_exact_intervals(computed: pd.DataFrame, table: pd.DataFrame):
    assert _exact(computed, "illicit_flows_to_france_gdp_article") == pytest.approx(
        (2 / 3.1, 3 / 3.1))
    france = reference.gdp("FRA", source="imf_weo", vintage="2024-10", year=2024,
                           reference=table).value
    assert _exact(computed, "illicit_flows_to_france_gdp_imf") == pytest.approx(
        (2e12 / france, 3e12 / france))
    assert _exact(computed, "seized_to_illicit_flows") == pytest.approx((1e-4, 1.5e-4))
    # "nearly 3,500 arrests" -> [0.9 * 3500, 3500]
    assert _exact(computed, "seized_per_arrest") == pytest.approx((300e6 / 3500, 300e6 / 3150))
    assert _exact(computed, "implied_drug_revenue") == pytest.approx((0.4 * 2e12, 0.7 * 3e12))
    cambodia = reference.population("KHM", year=2023, reference=table).value
    # "more than 100,000" -> [100,000, 150,000]
    assert _exact(computed, "cambodia_victims_per_1000") == pytest.approx(
        (1e5 / cambodia * 1000, 1.5e5 / cambodia * 1000))
    # "up to 120,000" over "more than 100,000": [60,000/150,000, 120,000/100,000]
    assert _exact(computed, "myanmar_to_cambodia_victims") == pytest.approx((0.4, 1.2))


def test_monte_carlo_percentiles_inside_exact_interval_for_uniform(computed: pd.DataFrame):
    for column in ("mc_p05", "mc_p50", "mc_p95"):
        assert (computed[column] >= computed["low"] * (1 - 1e-12)).all()
        assert (computed[column] <= computed["high"] * (1 + 1e-12)).all()


def test_same_settings_same_bytes_other_settings_other_numbers(figures, table, base):
    first = atomic.csv_bytes(ratios.compute_ratios(figures, base, table))
    assert atomic.csv_bytes(ratios.compute_ratios(figures, base, table)) == first
    for change in ({"seed": 1}, {"distribution": "lognormal90"},
                   {"hedges": HedgeConstants(upper_floor_fraction=0.25)}):
        other = ratios.compute_ratios(figures, dataclasses.replace(base, **change), table)
        assert atomic.csv_bytes(other) != first, change


def test_world_bank_denominator_changes_cambodia_ratio(figures, table, base):
    imf = ratios.compute_ratios(figures, dataclasses.replace(base, gdp_year=2023), table)
    wb = ratios.compute_ratios(figures, dataclasses.replace(
        base, gdp_source="world_bank", gdp_year=2023), table)
    ratio = (wb.set_index("ratio_id").loc["syndicate_to_cambodia_gdp", "low"]
             / imf.set_index("ratio_id").loc["syndicate_to_cambodia_gdp", "low"])
    assert ratio == pytest.approx(43.304 / 31.77276, rel=1e-4)


def test_settings_are_validated():
    with pytest.raises(ParameterError, match="distribution"):
        ratios.Settings(distribution="normal")
    with pytest.raises(ParameterError, match="draws"):
        ratios.Settings(draws=0)


def test_committed_ratios_match_a_fresh_computation(figures, table):
    committed = ratios.read_ratios(PROCESSED / "ratios.csv")
    row = committed.iloc[0]
    settings = ratios.Settings(distribution=row["distribution"], draws=int(row["draws"]),
                               seed=int(row["seed"]), gdp_source=row["gdp_source"],
                               weo_vintage=row["weo_vintage"] or "2024-10",
                               gdp_year=int(row["gdp_year"]))
    fresh = ratios.compute_ratios(figures, settings, table)
    assert atomic.csv_bytes(fresh) == (PROCESSED / "ratios.csv").read_bytes()


# --- fact check ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def comparison(figures) -> pd.DataFrame:
    return factcheck.compare(figures, factcheck.read_fact_checks(), ledger.read_sources(),
                             HedgeConstants())


def test_every_claim_has_a_computed_comparison_and_no_verdict_is_contradicted(comparison,
                                                                             figures):
    assert list(comparison["claim_id"]) == list(figures["claim_id"])
    assert "contradicted" not in set(comparison["verdict_basis"])


def test_recorded_departures_are_computed(comparison):
    by_claim = comparison.set_index("claim_id")
    assert by_claim.loc["C12", "hedge_change"] == "floor -> ceiling"  # "at least" -> "up to"
    assert by_claim.loc["C12", "verdict"] == "hedge_inverted"
    assert by_claim.loc["C11", "hedge_change"] == "about -> floor"  # "around" -> "more than"
    assert by_claim.loc["C01", "verdict"] == "scope_changed"
    assert {by_claim.loc[c, "verdict"] for c in ("C07", "C08", "C09")} <= {
        "scope_changed", "date_changed"}
    assert by_claim.loc["C05", "verdict_basis"] == "numbers"  # $3.1tn is 3.130tn rounded


def test_missing_fact_check_row_is_an_error(figures, tmp_path):
    checks = factcheck.read_fact_checks()
    path = tmp_path / "fact_checks.csv"
    checks[checks["claim_id"] != "C05"].to_csv(path, index=False)
    with pytest.raises(Exception, match="claim C05 has no fact-check row"):
        factcheck.compare(figures, factcheck.read_fact_checks(path), ledger.read_sources(),
                          HedgeConstants(), str(path))


def test_rounding_halfwidth():
    from crimefigures.uncertainty import Interval

    assert factcheck.rounding_halfwidth("$3.1 trillion", Interval(3.1e12, 3.1e12)) == (
        pytest.approx(0.05e12))
    assert factcheck.rounding_halfwidth("34 countries", Interval(34, 34)) == pytest.approx(0.5)


# --- ranges ----------------------------------------------------------------------------------


def test_tornado_does_not_depend_on_draw_order(figures, table, base):
    def reversed_draws(settings: ratios.Settings):
        bank = DrawBank(settings.seed, settings.draws, settings.distribution)
        return lambda key, interval: bank.draws_for(key, interval)[::-1]

    forward = ranges.tornado(ranges.sweep(figures, base, table))
    backward = ranges.tornado(ranges.sweep(figures, base, table, draw_factory=reversed_draws))
    assert atomic.csv_bytes(forward) == atomic.csv_bytes(backward)


def test_tornado_covers_every_factor_and_is_reproducible(figures, table, base):
    swept = ranges.sweep(figures, base, table)
    table_one = ranges.tornado(swept)
    assert set(table_one["factor"]) == {*ranges.HEDGE_SWEEP, "distribution",
                                        "gdp_source_vintage_year"}
    assert atomic.csv_bytes(table_one) == atomic.csv_bytes(
        ranges.tornado(ranges.sweep(figures, base, table)))
    assert (table_one["min_p50"] <= table_one["max_p50"]).all()


def test_what_survives_is_computed(figures, table, base):
    statements = ranges.what_survives(ranges.sweep(figures, base, table)).set_index(
        "statement_id")
    assert statements.loc["flows_below_france_gdp", "verdict"] == "holds under every setting"
    # "up to 120,000" against "more than 100,000" cannot say Myanmar holds more.
    assert statements.loc["myanmar_more_than_cambodia", "verdict"] != (
        "holds under every setting")


def test_consistency_checks(figures, comparison):
    terms = {k: t.interval for k, t in ratios.claim_terms(figures, HedgeConstants()).items()}
    sources = {r.claim_id: ranges.Interval(r.source_low, r.source_high)
               for r in comparison.itertuples()}
    bench = factcheck.benchmark_intervals(factcheck.read_benchmarks(), HedgeConstants())
    checks = ranges.consistency_checks(terms, bench, sources).set_index("check_id")
    assert checks.loc["up_to_3tn_vs_2_to_3tn", "status"] == "pass"
    assert checks.loc["drug_share_vs_unodc", "status"] == "flag"  # 40-70% vs 17-25%
    assert set(checks["status"]) <= {"pass", "flag"}
    gfi = bench["gfi_2017_drug_trafficking"] / bench["gfi_2017_transnational_crime"]
    assert gfi.low == pytest.approx(426 / 2200) and gfi.high == pytest.approx(652 / 1600)
    assert np.isfinite(gfi.high)
