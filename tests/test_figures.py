"""Publication figures (notebook 04): their numbers, provenance, words and bytes.

The expected numbers are recomputed here from data/processed, analysis.yml and the
reference table, not taken from crimefigures.presentation.charts, so a chart that drew the wrong
number fails. A second, synthetic story (built in memory below) shows that every figure
kind either draws from any story's data or is skipped with a reason.

Baselines for the image comparison live in tests/baseline/; regenerate them after an
intended change of look with ``python tests/test_figures.py --update-baselines``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import yaml
from matplotlib.testing.compare import compare_images

from crimefigures.analysis import ratios, reference
from crimefigures.analysis.spec import Words, parse_spec
from crimefigures.errors import InputError, ParameterError
from crimefigures.pipeline import atomic, params, registry
from crimefigures.presentation import charts, publish, style
from crimefigures.presentation.wording import format_interval, format_number, format_percent
from crimefigures.quantities.uncertainty import DrawBank, HedgeConstants
from crimefigures.text import parse

REPO = Path(__file__).resolve().parents[1]
STORY = "interpol-2024-03"
FILES = registry.story_paths(STORY)
BASELINE_DIR = REPO / "tests" / "baseline"
BASELINE_DPI = 100
# RMS difference on a 0-255 scale. Matplotlib renders with its own bundled FreeType, so an
# unchanged figure gives 0; a thicker grid, a greyer label or a shifted category colour gives
# 1.1 to 5, a changed font size or palette colour far more (see the test below).
IMAGE_TOLERANCE = 1.0
BASELINES = [(name, "en") for name in charts.FIGURE_NAMES] + [
    ("fig2_flows_vs_gdp", "id"),
    ("fig7_fact_check_scoreboard", "id"),
]
OUTPUT_DIRS = {"en": REPO / FILES["figures_en"], "id": REPO / FILES["figures_id"]}
PIPELINE = yaml.safe_load((REPO / "notebooks" / "pipeline.yml").read_text(encoding="utf-8"))
NOTEBOOK = REPO / "notebooks" / "04_publication_figures.ipynb"
# Names of the first story that no other story's figures may borrow from code or catalogue.
FIRST_STORY_NAMES = ("France", "Prancis", "Interpol", "INTERPOL", "Cambodia", "Kamboja",
                     "Myanmar", "Laos", "United Nations", "PBB", "UN's", "300 million",
                     "300 juta", "seasia", "trillion of illicit")


@pytest.fixture(autouse=True)
def _no_staging(monkeypatch):
    monkeypatch.delenv("CRIMEFIGURES_STAGING", raising=False)
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def tables() -> charts.Tables:
    style.apply_house_style()
    return charts.load_tables(FILES)


def committed(name: str, language: str = "en") -> pd.DataFrame:
    return pd.read_csv(OUTPUT_DIRS[language] / f"{name}.csv", keep_default_na=False,
                       na_values=[""])


def ratio(tables: charts.Tables, ratio_id: str) -> pd.Series:
    return tables.ratios.set_index("ratio_id").loc[ratio_id]


def written(bound: str, low: float, high: float) -> tuple[float, float]:
    """The figure as written from an analysis interval's ends and its hedge."""
    return {"upper": (math.nan, high), "lower": (low, math.nan)}.get(bound, (low, high))


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-12)


# --- Each figure's CSV holds the numbers of the processed tables --------------------------


def test_fig1_draws_every_money_claim_as_written_beside_its_source(tables):
    data = committed("fig1_money_claims")
    money = tables.figures[tables.figures["unit"] == "USD"]
    assert sorted(data["claim_id"].unique()) == sorted(money["claim_id"])
    checks = tables.fact_check.set_index("claim_id")
    for claim in money.itertuples():
        rows = data[data["claim_id"] == claim.claim_id].set_index("side")
        point = claim.point if claim.bound == "exact" else None
        expected = written(claim.bound, point or claim.low, point or claim.high)
        assert same(rows.loc["article", "low"], expected[0]), claim.claim_id
        assert same(rows.loc["article", "high"], expected[1]), claim.claim_id
        check = checks.loc[claim.claim_id]
        # drawn as written: the source's phrase parsed, not its precision-widened interval
        source = parse.parse_figure(check["source_figure_text"])
        point = source.point if source.bound == "exact" else None
        expected = written(source.bound, point or source.low, point or source.high)
        assert rows.loc["source", "bound"] == check["source_bound"]
        assert same(rows.loc["source", "low"], expected[0]), claim.claim_id
        assert same(rows.loc["source", "high"], expected[1]), claim.claim_id
        assert rows.loc["source", "source_id"] == check["source_id"]


def test_fig2_draws_the_yardstick_ratios_claims_and_both_publishers_gdp(tables):
    data = committed("fig2_flows_vs_gdp")
    chosen = tables.spec.figures.yardstick_ratios
    amounts = data[data["series"] == "amount"]
    expected = list(dict.fromkeys(tables.spec.ratio(r).numerator[0] for r in chosen))
    assert list(amounts["key"]) == expected
    figures = tables.figures.set_index("claim_id")
    for row in amounts.itertuples():
        claim = figures.loc[row.key]
        point = claim["point"] if claim["bound"] == "exact" else None
        low, high = written(claim["bound"], point or claim["low"], point or claim["high"])
        assert same(row.low, low) and same(row.high, high), row.key
    gdp = data[data["series"] == "gdp"]
    assert list(dict.fromkeys(gdp["key"])) == tables.spec.yardsticks
    assert set(gdp["source"]) == {"imf_weo", "world_bank"}
    vintage, year = tables.settings.weo_vintage, tables.settings.gdp_year
    for row in gdp.itertuples():
        if row.source == "imf_weo":
            assert (row.vintage, row.year) == (vintage, int(year))
        value = reference.gdp(row.key, source=row.source,
                              vintage=row.vintage if row.source == "imf_weo" else None,
                              year=row.year, reference=tables.reference).value
        assert row.low == row.high == value
    first = tables.spec.ratio(chosen[0])
    area = first.denominator[0].partition(":")[2]
    value = gdp[(gdp["key"] == area) & (gdp["source"] == "imf_weo")].iloc[0]["low"]
    claim = tables.fact_check.set_index("claim_id").loc[first.numerator[0]]
    share = ratio(tables, first.id)
    assert math.isclose(share["low"], claim["article_low"] / value)
    assert math.isclose(share["high"], claim["article_high"] / value)


def _samples(tables: charts.Tables, ratio_id: str) -> np.ndarray:
    """The ratio's Monte Carlo draws, rebuilt from ratios.csv's recorded settings."""
    row = ratio(tables, ratio_id)
    settings = dataclasses.replace(
        tables.settings, distribution=row["distribution"], draws=int(row["draws"]),
        seed=int(row["seed"]), gdp_source=row["gdp_source"], gdp_year=int(row["gdp_year"]))
    spec = tables.spec.ratio(ratio_id)
    terms = ratios.resolve_terms((spec,), tables.figures, settings, tables.reference)
    bank = DrawBank(settings.seed, settings.draws, settings.distribution)
    return ratios.ratio_samples(spec, terms, bank.draws_for)


def test_fig3_draws_the_headline_shares_with_ratios_csv_percentiles(tables):
    data = committed("fig3_ratio_distributions")
    shares = [r for r in tables.spec.headlines if ratio(tables, r)["unit"] == "fraction"]
    assert list(dict.fromkeys(data["ratio_id"])) == shares
    for ratio_id in shares:
        recorded = ratio(tables, ratio_id)
        rows = data[data["ratio_id"] == ratio_id]
        marks = rows.set_index("element")
        if recorded["low"] == recorded["high"]:
            assert marks.loc["point", "x_start"] == recorded["low"]
            continue
        assert (marks.loc["exact", "x_start"], marks.loc["exact", "x_end"]) == (
            recorded["low"], recorded["high"])
        for mark in ("p05", "p50", "p95"):
            assert math.isclose(marks.loc[mark, "x_start"], recorded[f"mc_{mark}"],
                                rel_tol=1e-12), (ratio_id, mark)
        bins = rows[rows["element"] == "bin"]
        values = _samples(tables, ratio_id)
        counts, edges = np.histogram(values, bins=len(bins),
                                     range=(bins["x_start"].iloc[0], bins["x_end"].iloc[-1]))
        np.testing.assert_allclose(bins["share"], counts / values.size, rtol=1e-12)
        np.testing.assert_allclose(bins["x_start"], edges[:-1], rtol=1e-12)


def test_fig3_refuses_settings_other_than_those_that_made_ratios_csv(tables):
    other = dataclasses.replace(tables.settings,
                                hedges=HedgeConstants(upper_floor_fraction=0.25))
    changed = dataclasses.replace(tables, settings=other)
    with pytest.raises(InputError, match="ratios.csv was made with other settings"):
        charts.redraw_ratios(changed, charts.headline_shares(tables))


def test_fig3_refuses_a_ratios_table_whose_medians_it_cannot_reproduce(tables):
    doctored = tables.ratios.copy()
    doctored.loc[doctored["ratio_id"] == "illicit_flows_to_world_gdp", "mc_p50"] *= 1.001
    changed = dataclasses.replace(tables, ratios=doctored)
    with pytest.raises(InputError, match="field 'mc_p50'"):
        charts.redraw_ratios(changed, ("illicit_flows_to_world_gdp",))


def test_fig4_puts_the_small_amount_and_the_count_against_the_large_amount(tables):
    data = committed("fig4_enforcement_vs_scale").set_index("element")
    choices = tables.spec.figures
    small_id, large_id, count_id = choices.small_amount, choices.large_amount, choices.per_count
    # the analysis intervals (the fact check reads exact figures with their written precision)
    terms = ratios.claim_terms(tables.figures, tables.settings.hedges, tables.settings)
    large, small, count = (np.array([terms[c].interval.low, terms[c].interval.high])
                           for c in (large_id, small_id, count_id))
    np.testing.assert_allclose(data.loc["large", ["low", "high"]].to_numpy(float), large)
    np.testing.assert_allclose(data.loc["large_per_count", ["low", "high"]].to_numpy(float),
                               [large[0] / count[1], large[1] / count[0]])
    np.testing.assert_allclose(data.loc["small", ["low", "high"]].to_numpy(float), small)
    share = [small[0] / large[1], small[1] / large[0]]
    np.testing.assert_allclose(data.loc["small_per_unit", ["low", "high"]].to_numpy(float),
                               [share[0] * 1e6, share[1] * 1e6])  # $100+ per unit: $1 million
    np.testing.assert_allclose(data.loc["small_squares", ["low", "high"]].to_numpy(float),
                               [share[0] * 10_000, share[1] * 10_000])
    np.testing.assert_allclose(data.loc["small_per_count", ["low", "high"]].to_numpy(float),
                               [small[0] / count[1], small[1] / count[0]])


def test_fig5_per_capita_values_agree_with_ratios_csv_and_the_population_table(tables):
    data = committed("fig5_victims_per_1000")
    chosen = tables.spec.figures.per_capita_ratios
    assert list(dict.fromkeys(data["claim_id"])) == [tables.spec.ratio(r).numerator[0]
                                                     for r in chosen]
    for ratio_id in chosen:
        spec = tables.spec.ratio(ratio_id)
        claim_id, area = spec.numerator[0], spec.denominator[0].partition(":")[2]
        rows = data[data["claim_id"] == claim_id].set_index("side")
        assert set(rows["area_code"]) == {area}
        population = reference.population(area, year=tables.settings.population_year,
                                          reference=tables.reference).value
        assert rows.loc["article", "population"] == population
        recorded = ratio(tables, ratio_id)
        assert math.isclose(rows.loc["article", "analysis_low_per_1000"], recorded["low"])
        assert math.isclose(rows.loc["article", "analysis_high_per_1000"], recorded["high"])
        check = tables.fact_check.set_index("claim_id").loc[claim_id]
        assert rows.loc["source", "bound"] == check["source_bound"]
        assert math.isclose(rows.loc["source", "analysis_low_per_1000"],
                            check["source_low"] * spec.scale / population)


def test_fig6_is_the_tornado_of_the_storys_tornado_ratio(tables):
    data = committed("fig6_sensitivity_tornado")
    tornado = tables.spec.figures.tornado_ratio
    assert set(data["ratio_id"]) == {tornado}
    expected = tables.ranges[tables.ranges["ratio_id"] == tornado]
    factors = data[data["factor"] != "baseline"].reset_index(drop=True)
    assert list(factors["factor"]) == list(expected["factor"])
    for column in ("min_p50", "max_p50", "min_low", "max_high", "swing"):
        np.testing.assert_allclose(factors[column], expected[column], rtol=1e-12)
    baseline = data[data["factor"] == "baseline"].iloc[0]
    recorded = ratio(tables, tornado)
    assert (baseline["min_low"], baseline["max_high"], baseline["min_p50"]) == (
        recorded["low"], recorded["high"], recorded["mc_p50"])


def test_fig7_scores_every_claim_with_its_verdict(tables):
    for language in ("en", "id"):
        data = committed("fig7_fact_check_scoreboard", language)
        expected = tables.fact_check.set_index("claim_id")
        assert list(data["claim_id"]) == list(tables.figures["claim_id"])
        assert list(data["verdict"]) == list(expected.loc[data["claim_id"], "verdict"])
    english = committed("fig7_fact_check_scoreboard").set_index("claim_id")
    indonesian = committed("fig7_fact_check_scoreboard", "id").set_index("claim_id")
    assert english.loc["C01", "article_figure"] == "up to $3 trillion"
    assert indonesian.loc["C01", "article_figure"] == "hingga 3 triliun dolar AS"
    assert english.loc["C05", "source_figure"] == "$3.05 trillion"  # IMF, October 2023
    assert english.loc["C08", "departures"] == "scope; date"  # every departure, not one
    assert indonesian.loc["C07", "article_figure"] == "hampir 3.500 penangkapan"
    assert english.loc["C12", "source_figure"] == "at least 120,000 people"


@pytest.mark.parametrize("language", ["en", "id"])
def test_committed_csvs_are_what_the_charts_draw_now(tables, language):
    for name in charts.FIGURE_NAMES:
        chart = charts.draw_chart(name, tables, language=language)
        plt.close(chart.figure)
        path = OUTPUT_DIRS[language] / f"{name}.csv"
        assert atomic.csv_bytes(chart.data) == path.read_bytes(), f"{path} is stale"


# --- Manifest and provenance --------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "id"])
def test_manifest_covers_every_file_and_every_file_exists(language):
    folder = OUTPUT_DIRS[language]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    listed = [path for entry in manifest["figures"] for path in entry["files"].values()]
    assert len(listed) == len(set(listed))
    on_disk = {p.relative_to(REPO).as_posix() for p in folder.iterdir()
               if p.is_file() and p.name not in ("manifest.json", "README.md")}
    assert set(listed) == on_disk
    assert [e["name"] for e in manifest["figures"]] == sorted(charts.FIGURE_NAMES)
    for entry in manifest["figures"]:
        assert set(entry["files"]) == {"png", "svg", "pdf", "csv"}
        assert all((REPO / path).is_file() for path in entry["files"].values())


@pytest.mark.parametrize("language", ["en", "id"])
def test_manifest_records_parameters_inputs_and_sources(tables, language):
    step = "04_publication_figures" + ("_id" if language == "id" else "")
    step_inputs = [FILES[name] for name in PIPELINE["notebooks"][step]["inputs"]]
    manifest = json.loads((OUTPUT_DIRS[language] / "manifest.json").read_text("utf-8"))
    publishers = set(tables.sources["publisher"])
    for entry in manifest["figures"]:
        assert entry["notebook"] == "notebooks/04_publication_figures.ipynb"
        assert entry["parameters"]["language"] == language
        assert entry["parameters"]["story"] == STORY
        canonical = json.dumps(entry["parameters"], sort_keys=True, indent=2,
                               ensure_ascii=False) + "\n"
        assert entry["parameters_sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
        assert sorted(entry["inputs"]) == sorted(FILES[n] for n in charts.TABLE_NAMES)
        assert set(entry["inputs"]) <= set(step_inputs)
        for path, digest in entry["inputs"].items():
            assert hashlib.sha256((REPO / path).read_bytes()).hexdigest() == digest, (
                f"{path} changed since the figures were made: rerun the pipeline")
        assert entry["sources"] and {s["publisher"] for s in entry["sources"]} <= publishers
        assert all(s["url"].startswith("https://") for s in entry["sources"])


def test_manifest_json_is_canonical():
    for folder in OUTPUT_DIRS.values():
        text = (folder / "manifest.json").read_text(encoding="utf-8")
        assert publish.manifest_text(json.loads(text)["figures"]) == text


# --- Words: titles, alt text, languages ---------------------------------------------------


def _entries(language: str) -> dict[str, dict]:
    manifest = json.loads((OUTPUT_DIRS[language] / "manifest.json").read_text("utf-8"))
    return {entry["name"]: entry for entry in manifest["figures"]}


@pytest.mark.parametrize("language", ["en", "id"])
def test_alt_text_and_titles_name_the_key_numbers(tables, language):
    entries = _entries(language)
    france = ratio(tables, "illicit_flows_to_france_gdp_imf")
    world = ratio(tables, "illicit_flows_to_world_gdp")
    france_text = format_interval(france["low"], france["high"], "percent", language, digits=0)
    world_text = format_interval(world["low"], world["high"], "percent", language, digits=1)
    assert france_text == "63–95%"
    for name in ("fig2_flows_vs_gdp", "fig6_sensitivity_tornado"):
        assert france_text in entries[name]["alt"], name
    assert france_text in entries["fig2_flows_vs_gdp"]["title"]
    assert world_text in entries["fig2_flows_vs_gdp"]["alt"]
    seized = {"en": "$100–150", "id": "100–150 dolar AS"}[language]
    assert seized in entries["fig4_enforcement_vs_scale"]["title"]
    assert seized in entries["fig4_enforcement_vs_scale"]["alt"]
    middle = format_interval(france["mc_p05"], france["mc_p95"], "percent", language, digits=0)
    assert middle in entries["fig3_ratio_distributions"]["title"]
    for per_1000 in (ratio(tables, "cambodia_victims_per_1000")["low"],
                     ratio(tables, "myanmar_victims_per_1000")["high"]):
        assert format_number(per_1000, language, 1) in entries["fig5_victims_per_1000"]["alt"]
    consistent = int((tables.fact_check["verdict"] == "consistent").sum())
    title = entries["fig7_fact_check_scoreboard"]["title"]
    assert title.startswith(f"{consistent} ") and str(len(tables.fact_check)) in title
    median = format_percent(france["mc_p50"], language)
    assert median in entries["fig6_sensitivity_tornado"]["alt"]


def test_each_language_is_written_in_that_language():
    english, indonesian = _entries("en"), _entries("id")
    for name in charts.FIGURE_NAMES:
        en_text = " ".join(english[name][k] for k in ("title", "caption", "alt"))
        id_text = " ".join(indonesian[name][k] for k in ("title", "caption", "alt"))
        assert english[name]["title"] != indonesian[name]["title"]
        for word in (" trillion", " billion", " million", " of the ", " and "):
            assert word not in id_text, (name, word)
        for word in (" triliun", " miliar", " juta", " dan ", "dolar AS"):
            assert word not in en_text, (name, word)


@pytest.mark.parametrize(("language", "expected"), [("en", "$1 tn"), ("id", "1 triliun")])
def test_money_axes_read_as_money_not_scientific_notation(tables, language, expected):
    chart = charts.money_claims(tables, language=language)
    chart.figure.canvas.draw()
    ticks = [t.get_text() for t in chart.figure.axes[0].get_xticklabels()]
    plt.close(chart.figure)
    assert expected in ticks
    assert not any("e+" in t or "^" in t for t in ticks)


def test_every_figure_text_comes_through_the_catalogue(tables, monkeypatch):
    """Swap the catalogue for one that marks every string: no unmarked text may remain."""
    from crimefigures.presentation import wording as i18n

    original = i18n.load_catalogue()
    marked = {key: {variant: text if key.startswith(("scale_", "money_", "count", "noun_",
                                                      "percent_", "list_", "item_", "plain_"))
                    else f"§{text}" for variant, text in entry.items()}
              for key, entry in original.items()}
    monkeypatch.setattr(i18n, "load_catalogue", lambda: marked)
    chart = charts.victims_per_1000(tables, language="en")
    texts = [t.get_text() for t in chart.figure.findobj(plt.Text) if t.get_text().strip()]
    plt.close(chart.figure)
    numbers_only = [t for t in texts if not t.startswith("§") and not t.strip("0123456789.,–")]
    assert texts and numbers_only == [], [t for t in texts if not t.startswith("§")]
    assert chart.title.startswith("§") and chart.alt.startswith("§")


# --- Any story: a synthetic second story draws or skips every kind ------------------------

SYNTHETIC_CLAIMS = (  # claim id, figure as written, measure, who said it, source's figure
    ("M1", "about $40 billion", "port_fee_losses", "Ministry of Examples", "$40 billion"),
    ("M2", "more than $1.5 billion", "recovered_duties", "Ministry of Examples",
     "over $1.5 billion"),
)


# For the fuller story: a small amount, a count of people and their rate per 1,000.
SYNTHETIC_EXTRA = (
    ("M3", "$12 million", "fees_recovered", "Port Authority of Examples", "$12 million"),
    ("M4", "about 2,000 people", "people_affected", "Port Authority of Examples",
     "around 2,000 people"),
)
SYNTHETIC_EXTRA_RATIOS = [
    {"id": "recovered_to_losses", "numerator": ["M3"], "denominator": ["M1"],
     "unit": "fraction",
     "description": {"en": "Recovered over lost.", "id": "Pulih dibagi hilang."}},
    {"id": "affected_per_1000", "numerator": ["M4"], "denominator": ["pop:SGP"], "scale": 1000,
     "unit": "per_capita", "description": {"en": "Affected per 1,000.",
                                           "id": "Terdampak per 1.000."}},
]


def synthetic_tables(full: bool = False) -> charts.Tables:
    """A story with two money claims, one ratio to world GDP, no counts and no sensitivity
    sweep, built in memory from the real reference table; ``full`` adds a small amount
    (a share under 1% of the first), a count of people with a per-capita ratio, and a
    sensitivity row, with no figures: choices in analysis.yml, so every default is used."""
    from crimefigures.text import parse

    claims = (*SYNTHETIC_CLAIMS, *(SYNTHETIC_EXTRA if full else ()))
    figures = pd.DataFrame([{
        "claim_id": claim_id, "quote": f"losses of {text}", "figure_text": text,
        "measure": measure, "geography": "national", "period": "annual", "attributed_to": who,
        "reported_by": "", "primary_source_id": "report_2030", "status": "reviewed",
        "notes": "", **{f: getattr(parse.parse_figure(text), f)
                        for f in ("bound", "low", "high", "point", "unit", "noun", "hedge")},
        "span_start": 0, "span_end": len(text)} for claim_id, text, measure, who, _ in claims])
    extra = SYNTHETIC_EXTRA_RATIOS if full else []
    spec = parse_spec({
        "ratios": [{"id": "losses_to_world_gdp", "numerator": ["M1"],
                    "denominator": ["gdp:WLD"], "unit": "fraction",
                    "description": {"en": "Losses over world GDP.",
                                    "id": "Kerugian dibagi PDB dunia."}}, *extra],
        "headlines": ["losses_to_world_gdp", *(r["id"] for r in extra)]},
        file="synthetic/analysis.yml")
    settings = ratios.Settings(draws=2_000, seed=7)
    table = reference.load_reference(FILES["reference"])
    computed = ratios.compute_ratios(figures, settings, table, spec.ratios)
    checks = []
    for claim_id, text, _, _, source_text in claims:
        article, source = parse.parse_figure(text), parse.parse_figure(source_text)
        a_low = article.low if article.low is not None else article.point
        s_low = source.low if source.low is not None else source.point
        checks.append({
            "claim_id": claim_id, "figure_text": text, "article_bound": article.bound,
            "article_low": a_low * 0.9, "article_high": a_low * 1.1, "source_id": "report_2030",
            "source_publisher": "Office of Examples", "source_url": "https://example.org/r",
            "source_figure_text": source_text, "source_bound": source.bound,
            "source_low": s_low, "source_high": s_low * 1.5, "overlap": True,
            "position": "same", "hedge_change": "", "departures": "", "verdict": "consistent",
            "verdict_basis": "numbers", "explanation": ""})
    sources = pd.DataFrame([
        ("paper_2030", "The Example Gazette", "Losses at the ports", "https://example.org/a",
         "article"),
        ("report_2030", "Office of Examples", "Annual report", "https://example.org/r",
         "report"),
        ("imf_weo_2024_10", "International Monetary Fund", "WEO", "https://example.org/imf",
         "dataset"),
        ("world_bank_wdi", "World Bank", "WDI", "https://example.org/wb", "dataset"),
    ], columns=["source_id", "publisher", "title", "url", "kind"])
    from crimefigures.analysis.ranges import RANGES_COLUMNS

    sweep = pd.DataFrame(columns=list(RANGES_COLUMNS))
    if full:
        row = computed.set_index("ratio_id").loc["recovered_to_losses"]
        sweep = pd.DataFrame([{
            "ratio_id": "recovered_to_losses", "factor": "distribution",
            "settings_tried": "uniform; triangular; lognormal90", "baseline_p50": row["mc_p50"],
            "min_p50": row["mc_p50"] * 0.98, "max_p50": row["mc_p50"] * 1.01,
            "setting_at_min": "lognormal90", "setting_at_max": "triangular",
            "min_low": row["low"], "max_high": row["high"], "swing": row["mc_p50"] * 0.03,
            "relative_swing": 0.03}], columns=list(RANGES_COLUMNS))
    return charts.Tables(
        figures=figures, ratios=computed, fact_check=pd.DataFrame(checks),
        ranges=sweep, sources=sources, reference=table,
        settings=settings, spec=spec,
        files={name: f"synthetic/{name}" for name in charts.TABLE_NAMES})


def _all_text(chart: charts.Chart) -> str:
    drawn = [t.get_text() for t in chart.figure.findobj(plt.Text)]
    return " ".join([chart.title, chart.caption, chart.alt, *drawn])


@pytest.mark.parametrize("language", ["en", "id"])
def test_a_second_story_draws_or_skips_every_kind_without_the_first_storys_names(
        language, tmp_path):
    style.apply_house_style()
    tables = synthetic_tables()
    publication = publish.Publication(output_dir=tmp_path, notebook="nb",
                                      parameters={"language": language}, inputs={"x": "0"},
                                      sources_table=tables.sources)
    for name in charts.FIGURE_NAMES:
        publication.add_or_skip(name, charts.draw_chart, name, tables, language=language)
    manifest = json.loads(publication.finish().read_text(encoding="utf-8"))
    entries = {e["name"]: e for e in manifest["figures"]}
    assert sorted(entries) == sorted(charts.FIGURE_NAMES)
    drawn = {n for n, e in entries.items() if "skipped" not in e}
    assert drawn == {"fig1_money_claims", "fig2_flows_vs_gdp", "fig3_ratio_distributions",
                     "fig7_fact_check_scoreboard"}
    for name in set(entries) - drawn:
        assert set(entries[name]) == {"name", "skipped"} and entries[name]["skipped"].strip()
        assert not list(tmp_path.glob(f"{name}.*"))
    assert "per-capita" in entries["fig5_victims_per_1000"]["skipped"]
    assert "sensitivity" in entries["fig6_sensitivity_tornado"]["skipped"]
    for name in drawn:
        chart = charts.draw_chart(name, tables, language=language)
        text = _all_text(chart)
        plt.close(chart.figure)
        found = [word for word in FIRST_STORY_NAMES if word in text]
        assert not found, (name, found)
        assert entries[name]["title"] and entries[name]["alt"] and entries[name]["caption"]
    fig2 = entries["fig2_flows_vs_gdp"]
    world = {"en": "of world GDP", "id": "PDB dunia"}[language]
    assert world in fig2["title"]
    assert "Office of Examples" in " ".join(s["publisher"] for s in fig1_sources(entries))
    summary = publication.summary()
    assert list(summary.index) == list(charts.FIGURE_NAMES)


@pytest.mark.parametrize("language", ["en", "id"])
def test_a_fuller_story_draws_every_kind_from_its_defaults(language):
    """No figures: choices at all: the small and large amounts, the per-capita rate and the
    tornado ratio are found in the data."""
    style.apply_house_style()
    tables = synthetic_tables(full=True)
    assert charts.small_large_choice(tables) == ("M3", "M1", None)
    assert charts.per_capita_ratios(tables) == ("affected_per_1000",)
    assert charts.tornado_choice(tables) == "recovered_to_losses"
    for name in charts.FIGURE_NAMES:
        chart = charts.draw_chart(name, tables, language=language)
        text = _all_text(chart)
        plt.close(chart.figure)
        found = [word for word in FIRST_STORY_NAMES if word in text]
        assert not found, (name, found)
    fig4 = charts.enforcement_table(tables).set_index("element")
    assert list(fig4.index) == ["large", "small", "small_per_unit", "small_squares"]
    share = (12e6 / (40e9 * 1.1), 12e6 / (40e9 * 0.9))  # the checks' analysis intervals
    np.testing.assert_allclose(fig4.loc["small_squares", ["low", "high"]].to_numpy(float),
                               [share[0] * 10_000, share[1] * 10_000])
    fig5 = charts.victims_table(tables)
    population = reference.population("SGP", year=tables.settings.population_year,
                                      reference=tables.reference).value
    article = fig5[fig5["side"] == "article"].iloc[0]
    assert math.isclose(article["written_low_per_1000"], 2000 * 1000 / population)
    singapore = {"en": "Singapore", "id": "Singapura"}[language]
    chart = charts.victims_per_1000(tables, language=language)
    plt.close(chart.figure)
    assert singapore in chart.title and "Port Authority of Examples" in chart.title


def fig1_sources(entries: dict) -> list[dict]:
    return entries["fig1_money_claims"]["sources"]


def test_a_kind_with_no_data_raises_no_data_naming_the_kind():
    tables = synthetic_tables()
    with pytest.raises(charts.NoData, match="small US-dollar amount") as caught:
        charts.enforcement_table(tables)
    assert caught.value.name == "fig4_enforcement_vs_scale"
    no_money = dataclasses.replace(tables, figures=tables.figures.assign(unit="count"))
    with pytest.raises(charts.NoData, match="no US-dollar claims"):
        charts.money_claims_table(no_money)


def test_story_choices_and_labels_come_from_analysis_yml(tables):
    assert charts.yardstick_ratios(tables) == tuple(tables.spec.figures.yardstick_ratios)
    assert charts.small_large_choice(tables) == ("C08", "C04", "C07")
    assert charts.tornado_choice(tables) == tables.spec.figures.tornado_ratio
    assert charts.area_name(tables, "FRA", "en") == "France"  # the reference table's name
    assert charts.area_name(tables, "FRA", "id") == "Prancis"  # CLDR's
    synthetic = synthetic_tables()
    assert charts.yardstick_ratios(synthetic) == ("losses_to_world_gdp",)
    assert charts.measure_label(synthetic, "port_fee_losses", "en") == "Port fee losses"
    assert charts.ratio_label(synthetic, "losses_to_world_gdp", "id") == (
        "Port fee losses ÷ PDB dunia")
    titled = synthetic.spec.model_copy(update={"figures": synthetic.spec.figures.model_copy(
        update={"labels": {"measure_port_fee_losses": Words(en="Lost fees", id="Biaya hilang")}}
    )})
    relabelled = dataclasses.replace(synthetic, spec=titled)
    assert charts.measure_label(relabelled, "port_fee_losses", "id") == "Biaya hilang"


# Files of the figures code that must name no story (the lead's modules are checked elsewhere).
FIGURE_CODE = ("charts/*.py", "wording.py", "style.py", "publish.py")


def _first_story_words() -> set[str]:
    """Claim ids, slug, areas, outlets and agencies of the shipped story, from its data."""
    tables = charts.load_tables(FILES)
    areas = {tables.spec.ratio(r).denominator[0].partition(":")[2]
             for r in tables.spec.figures.per_capita_ratios}
    names = {str(n) for n in tables.reference.loc[tables.reference["area_code"].isin(
        {*areas, "FRA"}), "area_name"]}
    outlets = set(tables.sources.loc[tables.sources["kind"] == "article", "publisher"])
    claims = set(tables.figures["claim_id"])
    return {*FIRST_STORY_NAMES, STORY, *names, *outlets, *claims, "Interpol", "INTERPOL"}


def test_no_story_is_named_in_the_figures_code_or_the_catalogue():
    words = _first_story_words()
    source = REPO / "src" / "crimefigures" / "presentation"
    files = [path for pattern in FIGURE_CODE for path in sorted(source.glob(pattern))]
    assert len(files) > len(FIGURE_CODE)
    for path in files:
        name, text = path.name, path.read_text(encoding="utf-8")
        found = sorted(w for w in words if re.search(rf"(?<![A-Za-z0-9_]){re.escape(w)}"
                                                     rf"(?![A-Za-z0-9_])", text))
        assert not found, (name, found)
    catalogue = yaml.safe_load((source / "messages.yml").read_text(encoding="utf-8"))
    for key, entry in catalogue.items():
        text = " ".join(entry.values())
        found = sorted(w for w in words if w in text)
        assert not found, (key, found)


# --- Bytes: determinism and image comparison ----------------------------------------------


def _publish_all(tables, folder: Path, names, language: str) -> dict[str, bytes]:
    entries = [publish.publish_chart(
        charts.draw_chart(name, tables, language=language),
        sources_table=tables.sources, output_dir=folder, notebook="nb", parameters={"a": 1},
        inputs={"x": "0"}) for name in names]
    publish.write_manifest(entries, folder)
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.e2e  # renders or runs in fresh processes: not in make test-fast
def test_two_renders_give_identical_bytes_in_every_format(tables, tmp_path):
    names = charts.FIGURE_NAMES
    first = _publish_all(tables, tmp_path / "one", names, "en")
    second = _publish_all(tables, tmp_path / "two", names, "en")
    assert len(first) == 4 * len(names) + 1
    assert first.keys() == second.keys()
    for file, content in first.items():
        if file == "manifest.json":  # it names its own folder
            content = content.replace(str(tmp_path / "one").encode(),
                                      str(tmp_path / "two").encode())
        assert content == second[file], f"{file} differs between two renders"
    languages = _publish_all(tables, tmp_path / "id", ["fig2_flows_vs_gdp"], "id")
    assert languages["fig2_flows_vs_gdp.png"] != first["fig2_flows_vs_gdp.png"]


def _render_png(tables, name: str, language: str, path: Path) -> Path:
    chart = charts.draw_chart(name, tables, language=language)
    path.write_bytes(style.render_figure(chart.figure, "png", dpi=BASELINE_DPI))
    plt.close(chart.figure)
    return path


@pytest.mark.parametrize(("name", "language"), BASELINES)
def test_figures_look_like_their_baselines(tables, tmp_path, name, language):
    baseline = BASELINE_DIR / f"{name}_{language}.png"
    actual = _render_png(tables, name, language, tmp_path / baseline.name)
    assert compare_images(str(baseline), str(actual), tol=IMAGE_TOLERANCE) is None


@pytest.mark.parametrize("change", ["palette", "font_size"])
def test_image_comparison_catches_a_style_change(tables, tmp_path, monkeypatch, change):
    if change == "palette":
        monkeypatch.setitem(style.PALETTE, "flows", style.OKABE_ITO["blue"])
    else:
        sizes = {k: (t + 2, s, f) for k, (t, s, f) in style._TEXT_SIZES.items()}
        monkeypatch.setattr(style, "_TEXT_SIZES", sizes)
    name = "fig6_sensitivity_tornado"
    actual = _render_png(tables, name, "en", tmp_path / f"{name}_en.png")
    result = compare_images(str(BASELINE_DIR / f"{name}_en.png"), str(actual),
                            tol=IMAGE_TOLERANCE)
    assert result is not None, "a changed style passed the image comparison"
    rms = float(re.search(r"RMS Value: ([0-9.]+)", result)[1])
    assert rms > 5 * IMAGE_TOLERANCE


# --- publish: refusals and paths ----------------------------------------------------------


def _figure():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    return fig


def _publish(folder, **changes):
    arguments = {"output_dir": folder, "data": pd.DataFrame({"x": [1.0]}), "title": "T",
                 "caption": "C", "alt": "A", "sources": [{"publisher": "P"}], "notebook": "n",
                 "parameters": {"language": "en"}, "inputs": {"b": "2", "a": "1"}}
    return publish.publish_figure(_figure(), changes.pop("name", "fig_x"),
                                  **{**arguments, **changes})


def test_publish_writes_four_files_with_paths_relative_to_the_repository(tmp_path,
                                                                         monkeypatch):
    monkeypatch.setenv("CRIMEFIGURES_ROOT", str(tmp_path))
    entry = _publish("figures")
    assert entry["files"] == {kind: f"figures/fig_x.{kind}" for kind in
                              ("png", "svg", "pdf", "csv")}
    assert all((tmp_path / p).is_file() for p in entry["files"].values())
    assert (tmp_path / "figures/fig_x.csv").read_text() == "x\n1.0\n"
    assert list(entry["inputs"]) == ["a", "b"]
    assert entry["parameters_sha256"] == publish.parameters_sha256({"language": "en"})


@pytest.mark.parametrize(("change", "message"), [
    ({"name": "Fig 1"}, "lower-case"), ({"alt": " "}, "needs a alt"),
    ({"data": pd.DataFrame()}, "non-empty"), ({"sources": []}, "at least one source"),
    ({"parameters": {"when": object()}}, "JSON"),
])  # fmt: skip
def test_publish_refuses_incomplete_figures(tmp_path, change, message):
    with pytest.raises(ParameterError, match=message):
        _publish(tmp_path, **change)


def test_manifest_is_sorted_and_refuses_duplicates(tmp_path):
    entries = [{"name": "b", "title": "B"}, {"name": "a", "title": "A"}]
    path = publish.write_manifest(entries, tmp_path)
    assert [e["name"] for e in json.loads(path.read_text())["figures"]] == ["a", "b"]
    assert path.read_text() == publish.manifest_text(list(reversed(entries)))
    with pytest.raises(ParameterError, match="appears twice"):
        publish.manifest_text([{"name": "a"}, {"name": "a"}])


# --- The notebook -------------------------------------------------------------------------


def test_notebook_declares_typed_parameters_matching_the_pipeline():
    declared = params.declared_parameters(NOTEBOOK)
    assert declared["language"].default == "en" and declared["language"].type_name == "str"
    assert declared["story"].default == STORY and declared["output_dir"].default == ""
    inputs = PIPELINE["notebooks"]["04_publication_figures"]["inputs"]
    tables_declared = [n.removesuffix("_path") for n in declared if n.endswith("_path")]
    assert sorted(tables_declared) == sorted(charts.TABLE_NAMES)
    assert set(tables_declared) <= set(inputs)
    assert all(declared[f"{n}_path"].default == "" for n in tables_declared)


def test_notebook_is_committed_clean():
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    cells = notebook["cells"]
    assert [c["id"] for c in cells] == [f"cell-{i:03d}" for i in range(1, len(cells) + 1)]
    assert notebook["metadata"]["kernelspec"]["name"] == "crimefigures"
    code = [c for c in cells if c["cell_type"] == "code"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    tagged = [c for c in cells if "parameters" in c["metadata"].get("tags", [])]
    assert len(tagged) == 1 and tagged[0] is code[0]
    first = "".join(cells[0]["source"])
    for part in ("# 04", "**Question.**", "**Inputs:**", "**Outputs:**"):
        assert part in first


def update_baselines() -> None:
    """Render the baseline PNGs from the current code (after an intended change of look)."""
    style.apply_house_style()
    tables = charts.load_tables(FILES)
    BASELINE_DIR.mkdir(exist_ok=True)
    for name, language in BASELINES:
        path = _render_png(tables, name, language, BASELINE_DIR / f"{name}_{language}.png")
        print(f"wrote {path.relative_to(REPO)}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--update-baselines"]:
        sys.exit("usage: python tests/test_figures.py --update-baselines")
    update_baselines()
