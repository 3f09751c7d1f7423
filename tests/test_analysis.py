"""Ratios, fact-check and range analysis: hand-checked intervals and invariants."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from conftest import FIRST_STORY
from conftest import REPO as REPO_ROOT

from crimefigures.analysis import factcheck, ranges, ratios, reference
from crimefigures.analysis import spec as analysis_spec
from crimefigures.errors import InputError, ParameterError
from crimefigures.pipeline import atomic, registry
from crimefigures.quantities import units
from crimefigures.quantities.uncertainty import DrawBank, HedgeConstants

FILES = registry.story_paths(FIRST_STORY)
SPEC = analysis_spec.load_spec(FILES["analysis"])


@pytest.fixture(scope="module")
def figures() -> pd.DataFrame:
    return registry.read("figures", path=FILES["figures"])


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return reference.load_reference(FILES["reference"])


@pytest.fixture(scope="module")
def base() -> ratios.Settings:
    return ratios.Settings(draws=20_000, seed=20240327)


@pytest.fixture(scope="module")
def computed(figures, table, base) -> pd.DataFrame:
    return ratios.compute_ratios(figures, base, table, SPEC.ratios).set_index("ratio_id")


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
    first = atomic.csv_bytes(ratios.compute_ratios(figures, base, table, SPEC.ratios))
    assert atomic.csv_bytes(ratios.compute_ratios(figures, base, table, SPEC.ratios)) == first
    for change in ({"seed": 1}, {"distribution": "lognormal90"},
                   {"hedges": HedgeConstants(upper_floor_fraction=0.25)}):
        other = ratios.compute_ratios(figures, dataclasses.replace(base, **change), table,
                                      SPEC.ratios)
        assert atomic.csv_bytes(other) != first, change


def test_world_bank_denominator_changes_cambodia_ratio(figures, table, base):
    imf = ratios.compute_ratios(figures, dataclasses.replace(base, gdp_year=2023), table,
                                SPEC.ratios)
    wb = ratios.compute_ratios(figures, dataclasses.replace(
        base, gdp_source="world_bank", gdp_year=2023), table, SPEC.ratios)
    ratio = (wb.set_index("ratio_id").loc["syndicate_to_cambodia_gdp", "low"]
             / imf.set_index("ratio_id").loc["syndicate_to_cambodia_gdp", "low"])
    assert ratio == pytest.approx(43.304 / 31.77276, rel=1e-4)


def test_settings_are_validated():
    with pytest.raises(ParameterError, match="distribution"):
        ratios.Settings(distribution="normal")
    with pytest.raises(ParameterError, match="draws"):
        ratios.Settings(draws=0)


def test_committed_ratios_match_a_fresh_computation(figures, table):
    settings = registry.read("settings", path=FILES["settings"])  # what notebook 02 recorded
    fresh = ratios.compute_ratios(figures, settings, table, SPEC.ratios)
    assert atomic.csv_bytes(fresh) == registry_bytes("ratios")


def registry_bytes(name: str) -> bytes:
    from crimefigures.pipeline import paths

    return paths.resolve(FILES[name]).read_bytes()


# --- fact check ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def comparison(figures) -> pd.DataFrame:
    return factcheck.compare(figures, registry.read("fact_checks", path=FILES["fact_checks"]),
                             registry.read("sources", path=FILES["sources"]), HedgeConstants())


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


def test_a_claim_without_a_fact_check_row_is_shown_unverified(figures, tmp_path):
    checks = registry.read("fact_checks", path=FILES["fact_checks"])
    path = tmp_path / "fact_checks.csv"
    checks[checks["claim_id"] != "C05"].to_csv(path, index=False)
    compared = factcheck.compare(figures, registry.read("fact_checks", path=path),
                                 registry.read("sources", path=FILES["sources"]), HedgeConstants(),
                                 str(path)).set_index("claim_id")
    assert compared.loc["C05", "verdict"] == "unverified"
    assert compared.loc["C05", "explanation"] == factcheck.UNCHECKED
    assert compared.loc["C04", "verdict"] == "consistent"  # the others as reviewed


def test_rounding_halfwidth():
    from crimefigures.quantities.uncertainty import Interval

    assert factcheck.rounding_halfwidth("$3.1 trillion", Interval(3.1e12, 3.1e12)) == (
        pytest.approx(0.05e12))
    assert factcheck.rounding_halfwidth("34 countries", Interval(34, 34)) == pytest.approx(0.5)


# --- ranges ----------------------------------------------------------------------------------


def test_tornado_does_not_depend_on_draw_order(figures, table, base):
    def reversed_draws(settings: ratios.Settings):
        bank = DrawBank(settings.seed, settings.draws, settings.distribution)
        return lambda key, interval: bank.draws_for(key, interval)[::-1]

    forward = ranges.tornado(ranges.sweep(figures, base, table, SPEC.ratios), SPEC.headlines)
    backward = ranges.tornado(ranges.sweep(figures, base, table, SPEC.ratios,
                                           draw_factory=reversed_draws), SPEC.headlines)
    assert atomic.csv_bytes(forward) == atomic.csv_bytes(backward)


def test_tornado_covers_every_factor_and_is_reproducible(figures, table, base):
    swept = ranges.sweep(figures, base, table, SPEC.ratios)
    table_one = ranges.tornado(swept, SPEC.headlines)
    assert set(table_one["factor"]) == {*ranges.HEDGE_SWEEP, "distribution",
                                        "gdp_source_vintage_year"}
    assert atomic.csv_bytes(table_one) == atomic.csv_bytes(
        ranges.tornado(ranges.sweep(figures, base, table, SPEC.ratios), SPEC.headlines))
    assert (table_one["min_p50"] <= table_one["max_p50"]).all()


def test_what_survives_is_computed(figures, table, base):
    statements = ranges.what_survives(ranges.sweep(figures, base, table, SPEC.ratios),
                                      SPEC.statements).set_index("statement_id")
    assert statements.loc["flows_below_france_gdp", "verdict"] == "holds under every setting"
    # "up to 120,000" against "more than 100,000" cannot say Myanmar holds more.
    assert statements.loc["myanmar_more_than_cambodia", "verdict"] != (
        "holds under every setting")


def test_consistency_checks(figures, comparison, table):
    settings = registry.read("settings", path=FILES["settings"])
    claims = ratios.claim_terms(figures, settings.hedges, settings)
    bench = factcheck.benchmark_intervals(registry.read("benchmarks", path=FILES["benchmarks"]),
                                          settings.hedges)
    quantities = ranges.check_quantities(claims, comparison, figures, bench,
                                         ratios.check_yardsticks(SPEC, settings, table))
    committed = registry.read("ratios", path=FILES["ratios"])
    checks = ranges.run_checks(SPEC, quantities, committed,
                               ratios.ratio_units(SPEC.ratios, claims), file="analysis.yml")
    checks = checks.set_index("check_id")
    assert checks.loc["up_to_3tn_vs_2_to_3tn", "status"] == "pass"
    # 40-70% of organised-crime revenue against UNODC's "about half" of transnational
    # organized crime proceeds (its 17-25% is of all crime proceeds, another base)
    assert checks.loc["drug_share_vs_unodc", "status"] == "pass"
    assert set(checks["status"]) <= {"pass", "flag"}
    gfi = quantities["bench:gfi_2017_drug_trafficking"].interval / quantities[
        "bench:gfi_2017_transnational_crime"].interval
    assert gfi.low == pytest.approx(426 / 2200) and gfi.high == pytest.approx(652 / 1600)
    assert np.isfinite(gfi.high)
    assert quantities["C06"].interval.high == pytest.approx(0.7)  # percent as a fraction


def test_a_check_comparing_different_units_is_refused(figures, comparison, table):
    spec = SPEC.model_copy(update={"checks": [analysis_spec.CheckSpec.model_validate({
        "id": "money_vs_share", "question": {"en": "q", "id": "q"},
        "left": {"terms": ["C04"]}, "right": {"terms": ["C06"]}, "test": "overlaps"})]})
    settings = registry.read("settings", path=FILES["settings"])
    claims = ratios.claim_terms(figures, settings.hedges, settings)
    quantities = ranges.check_quantities(claims, comparison, figures, {})
    with pytest.raises(InputError, match="left side is USD but the right side is a pure"):
        ranges.run_checks(spec, quantities, registry.read("ratios", path=FILES["ratios"]),
                          ratios.ratio_units(SPEC.ratios, claims), file="analysis.yml")


# --- units -----------------------------------------------------------------------------------


def _ratio(**fields) -> analysis_spec.RatioSpec:
    return analysis_spec.RatioSpec.model_validate(
        {"id": "probe", "description": {"en": "d", "id": "d"}, **fields})


@pytest.mark.parametrize(("numerator", "denominator", "unit"), [
    (["C04"], ["C05"], "fraction"),  # USD / USD
    (["C06", "C04"], [], "USD"),  # percent x USD
    (["C11"], ["pop:KHM"], "per_capita"),  # people / population
    (["C12"], ["C11"], "fraction"),  # individuals / people: both are people
    (["C08"], ["C07"], "USD per arrest"),
    (["C08"], ["C09"], "USD per country"),
])
def test_units_that_reduce_as_declared_are_accepted(figures, table, numerator, denominator,
                                                    unit):
    spec = _ratio(numerator=numerator, denominator=denominator, unit=unit)
    ratios.resolve_terms([spec], figures, ratios.Settings(), table)


def test_a_ratio_with_mismatched_units_fails_naming_ratio_term_and_units(figures, table):
    spec = _ratio(numerator=["C06"], denominator=["C08"], unit="fraction")  # 40% / $300m
    with pytest.raises(InputError) as error:
        ratios.resolve_terms([spec], figures, ratios.Settings(), table, spec_file="a.yml")
    message = str(error.value)
    assert message.startswith("a.yml, field 'ratios.probe': ratio probe:")
    assert "the terms reduce to 1 per USD, not the declared unit 'fraction'" in message
    assert "term C08 is USD" in message


def test_a_sum_of_different_units_fails(figures, table):
    spec = _ratio(numerator=["C04"], denominator=["C05", "pop:FRA"], unit="fraction")
    with pytest.raises(InputError, match="denominator term pop:FRA is inhabitants, but C05 is "
                                         "USD; a sum needs one unit"):
        ratios.resolve_terms([spec], figures, ratios.Settings(), table)


def test_unit_algebra():
    usd, arrest = units.Unit.base("USD"), units.Unit.base("count:arrest")
    assert (usd / usd) == units.Unit()
    assert str(usd / arrest) == "USD per arrest"
    assert units.singular("countries") == "country" and units.singular("individuals") == "people"
    assert units.matches("USD per arrests", usd / arrest)
    assert not units.matches("fraction", usd)


def test_money_in_another_currency_is_converted_at_the_cited_rate(figures, table):
    thai = figures.iloc[[0]].assign(claim_id="T1", unit="THB", bound="exact", low=34.7841e6,
                                    high=34.7841e6, point=34.7841e6, hedge=None)
    terms = ratios.claim_terms(thai, HedgeConstants(), ratios.Settings(exchange_rate_year=2023))
    assert terms["T1"].interval.low == pytest.approx(1e6)  # 2023 average: 34.7841 THB per USD
    assert terms["T1"].unit == units.Unit.base("USD")
    assert "THB per USD" in terms["T1"].source


# --- analysis.yml ----------------------------------------------------------------------------


@pytest.mark.parametrize(("edit", "field", "words"), [
    (lambda d: d["ratios"][2].pop("unit"), "ratios[2].unit", "Field required"),
    (lambda d: d["ratios"][0].update(scale=0), "ratios[0].scale", "greater than 0"),
    (lambda d: d["statements"][1].update(ratio="no_such_ratio"), "(top level)",
     "statements.flows_over_half_france_gdp.ratio: 'no_such_ratio' is not a ratio"),
    (lambda d: d["checks"][0]["left"].update(value=1.0), "checks[0].left",
     "exactly one of ratio, value or terms"),
    (lambda d: d.update(colour="red"), "colour", "Extra inputs are not permitted"),
    (lambda d: d["ratios"][1]["description"].pop("id"), "ratios[1].description.id",
     "Field required"),
])
def test_a_bad_analysis_file_names_the_file_and_key_path(tmp_path, edit, field, words):
    import yaml

    document = yaml.safe_load((REPO_ROOT / FILES["analysis"]).read_text())
    edit(document)
    bad = tmp_path / "analysis.yml"
    bad.write_text(yaml.safe_dump(document))
    with pytest.raises(InputError) as error:
        analysis_spec.load_spec(bad)
    assert error.value.field == field
    assert words in error.value.message
    assert str(error.value).startswith(f"{bad}") or "analysis.yml" in str(error.value)


def test_the_run_cache_covers_every_sub_package_and_the_catalogue():
    """A change anywhere in the package (wording, a chart, the catalogue) reruns the notebooks."""
    from crimefigures.pipeline import runner

    files = {f.relative_to(runner.PACKAGE_DIR).as_posix() for f in runner.package_files()}
    for expected in ("analysis/ratios.py", "presentation/wording.py", "presentation/messages.yml",
                     "presentation/charts/scoreboard.py", "text/parse.py",
                     "presentation/templates/site_index.html.j2"):
        assert expected in files, expected



# --- the first story's corrections: written precision, departures, the release of the day ----


def test_an_exact_figure_is_read_with_its_written_precision():
    from crimefigures.quantities.uncertainty import Interval

    point = Interval(3.1e12, 3.1e12)
    read = factcheck.written_interval("$3.1 trillion", "exact", point, True)
    assert (read.low, read.high) == pytest.approx((3.05e12, 3.15e12))
    assert factcheck.written_interval("$3.1 trillion", "exact", point, False) == point
    ranged = Interval(2e12, 3e12)
    assert factcheck.written_interval("$2-3 trillion", "range", ranged, True) == ranged
    thousands = factcheck.written_interval("34 countries", "exact", Interval(34, 34), True)
    assert (thousands.low, thousands.high) == (33.5, 34.5)


@pytest.mark.parametrize(("departures", "change", "expected"), [
    ((), "unchanged", "consistent"),
    (("scope", "date"), "unchanged", "scope_changed"),  # scope before date
    (("date",), "unchanged", "date_changed"),
    (("attribution", "scope"), "unchanged", "misattributed"),
    (("hedge", "scope"), "floor -> ceiling", "hedge_inverted"),
    (("hedge",), "about -> exact", "overstated"),  # a hedged estimate written as fact
    (("hedge",), "about -> floor", "overstated"),
    (("number", "hedge"), "unchanged", "overstated"),
    (("unverified",), "unchanged", "unverified"),
])
def test_the_headline_verdict_follows_the_departures_by_precedence(departures, change,
                                                                   expected):
    from crimefigures.quantities.uncertainty import Interval

    article, source = Interval(3.05e12, 3.15e12), Interval(3.0e12, 3.049e12)
    if change == "about -> floor":
        article, source = Interval(1e5, 1.5e5), Interval(0.9e5, 1.1e5)
    assert factcheck.headline_verdict(departures, article, source, change) == expected


def test_recorded_departures_that_the_numbers_contradict_are_flagged():
    from crimefigures.quantities.uncertainty import Interval

    same, apart = (Interval(1, 2), Interval(1, 2)), (Interval(3, 4), Interval(1, 2))
    assert factcheck.verdict_basis((), *apart) == "contradicted"  # "consistent", no overlap
    assert factcheck.verdict_basis(("number",), *same) == "contradicted"
    assert factcheck.verdict_basis(("scope",), *apart) == "contradicted"
    assert factcheck.verdict_basis(("number",), *apart) == "numbers"
    assert factcheck.verdict_basis(("scope", "date"), *same) == "wording"
    assert factcheck.verdict_basis((), *same) == "numbers"


def test_the_first_storys_corrections_are_in_its_fact_check(comparison):
    by_claim = comparison.set_index("claim_id")
    # France's $3.1 trillion against the IMF release current on the article's date
    assert by_claim.loc["C05", "source_id"] == "imf_weo_2023_10"
    assert by_claim.loc["C05", "overlap"] is False or not by_claim.loc["C05", "overlap"]
    assert by_claim.loc["C05", "verdict"] == "overstated"
    # HAECHI IV: every one of the three figures changes both scope and date
    for claim in ("C07", "C08", "C09"):
        assert by_claim.loc[claim, "departures"] == "scope; date", claim
        assert by_claim.loc[claim, "verdict"] == "scope_changed", claim
    assert by_claim.loc["C11", "departures"] == "hedge; scope"
    assert by_claim.loc["C10", "verdict"] == "scope_changed"  # "in various regions"
    assert by_claim.loc["C03", "verdict"] == "consistent"  # no wording can be preferred


@pytest.mark.parametrize("story", __import__("crimefigures.pipeline.paths",
                                             fromlist=["stories"]).stories())
def test_gdp_is_checked_against_the_imf_release_current_on_the_articles_date(story):
    """A fact-check that cites an IMF WEO release cites the latest one published on or before
    the article's date, unless its explanation says the release came after the article."""
    import datetime as dt

    import yaml

    from crimefigures.pipeline import paths

    files = registry.story_paths(story)
    origin = yaml.safe_load(paths.resolve(files["article_origin"]).read_text())
    published = dt.date.fromisoformat(str(origin["date_published"]))
    sources = registry.read("sources", path=files["sources"]).set_index("source_id")
    checks = registry.read("fact_checks", path=files["fact_checks"])
    current = reference.WEO_PUBLISHED[reference.latest_weo_vintage(published)]
    for row in checks.itertuples():
        source = sources.loc[row.source_id]
        if source["kind"] != "dataset" or "Monetary Fund" not in source["publisher"]:
            continue
        cited = dt.date.fromisoformat(str(source["date_published"]))
        assert cited == current or "after the article" in row.explanation, (story, row.claim_id)
