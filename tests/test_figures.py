"""Publication figures (notebook 04): their numbers, provenance, words and bytes.

The expected numbers are recomputed here from data/processed and the reference table,
not taken from crimefigures.charts, so a chart that drew the wrong number fails.

Baselines for the image comparison live in tests/baseline/; regenerate them after an
intended change of look with ``python tests/test_figures.py --update-baselines``.
"""

from __future__ import annotations

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

from crimefigures import atomic, charts, params, publish, ratios, reference, style
from crimefigures.errors import InputError, ParameterError
from crimefigures.i18n import format_interval, format_number, format_percent
from crimefigures.ranges import HEADLINE_RATIOS
from crimefigures.uncertainty import DrawBank, HedgeConstants

REPO = Path(__file__).resolve().parents[1]
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
OUTPUT_DIRS = {"en": REPO / "figures", "id": REPO / "figures" / "id"}
HEDGES = HedgeConstants()
PIPELINE = yaml.safe_load((REPO / "notebooks" / "pipeline.yml").read_text(encoding="utf-8"))
NOTEBOOK = REPO / "notebooks" / "04_publication_figures.ipynb"


@pytest.fixture(autouse=True)
def _no_staging(monkeypatch):
    monkeypatch.delenv("CRIMEFIGURES_STAGING", raising=False)
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def tables() -> charts.Tables:
    style.apply_house_style()
    return charts.load_tables()


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
        expected = written(check["source_bound"], check["source_low"], check["source_high"])
        assert rows.loc["source", "bound"] == check["source_bound"]
        assert same(rows.loc["source", "low"], expected[0]), claim.claim_id
        assert same(rows.loc["source", "high"], expected[1]), claim.claim_id
        assert rows.loc["source", "source_id"] == check["source_id"]


def test_fig2_draws_the_claims_and_both_publishers_gdp(tables):
    data = committed("fig2_flows_vs_gdp")
    flows = data[data["series"] == "flows"].iloc[0]
    assert (flows["low"], flows["high"]) == (2e12, 3e12)
    proceeds = data[data["series"] == "proceeds"].iloc[0]
    assert math.isnan(proceeds["low"]) and proceeds["high"] == 3e12
    gdp = data[data["series"] == "gdp"]
    assert set(gdp["key"]) == {"WLD", "FRA", "KHM", "MMR", "LAO", "THA", "PHL"}
    assert set(gdp["source"]) == {"imf_weo", "world_bank"}
    _, _, _, vintage, year = ratio(tables, "illicit_flows_to_france_gdp_imf")[
        "denominator"].split(":")
    for row in gdp.itertuples():
        if row.source == "imf_weo":
            assert (row.vintage, row.year) == (vintage, int(year))
        value = reference.gdp(row.key, source=row.source,
                              vintage=row.vintage if row.source == "imf_weo" else None,
                              year=row.year, reference=tables.reference).value
        assert row.low == row.high == value
    france = gdp[(gdp["key"] == "FRA") & (gdp["source"] == "imf_weo")].iloc[0]["low"]
    share = ratio(tables, "illicit_flows_to_france_gdp_imf")
    assert math.isclose(share["low"], 2e12 / france) and math.isclose(share["high"], 3e12 / france)


def _samples(tables: charts.Tables, ratio_id: str) -> np.ndarray:
    """The ratio's Monte Carlo draws, rebuilt from ratios.csv's recorded settings."""
    row = ratio(tables, ratio_id)
    settings = ratios.Settings(HEDGES, row["distribution"], int(row["draws"]), int(row["seed"]),
                               row["gdp_source"], row["weo_vintage"] or "2024-10",
                               int(row["gdp_year"]))
    spec = next(s for s in ratios.RATIOS if s.ratio_id == ratio_id)
    terms = ratios.resolve_terms((spec,), tables.figures, settings, tables.reference)
    bank = DrawBank(settings.seed, settings.draws, settings.distribution)
    return ratios.ratio_samples(spec, terms, bank.draws_for)


def test_fig3_draws_the_headline_shares_with_ratios_csv_percentiles(tables):
    data = committed("fig3_ratio_distributions")
    shares = [r for r in HEADLINE_RATIOS if ratio(tables, r)["unit"] == "fraction"]
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


def test_fig3_refuses_hedge_constants_other_than_those_that_made_ratios_csv(tables):
    other = HedgeConstants(upper_floor_fraction=0.25)
    with pytest.raises(InputError, match="ratios.csv was made with other settings"):
        charts.redraw_ratios(tables, other, charts.headline_shares(tables))


def test_fig3_refuses_a_ratios_table_whose_medians_it_cannot_reproduce(tables):
    doctored = tables.ratios.copy()
    doctored.loc[doctored["ratio_id"] == "illicit_flows_to_world_gdp", "mc_p50"] *= 1.001
    changed = charts.Tables(**{**tables.__dict__, "ratios": doctored})
    with pytest.raises(InputError, match="field 'mc_p50'"):
        charts.redraw_ratios(changed, HEDGES, ("illicit_flows_to_world_gdp",))


def test_fig4_puts_seizures_and_arrests_against_a_year_of_flows(tables):
    data = committed("fig4_enforcement_vs_scale").set_index("element")
    checks = tables.fact_check.set_index("claim_id")
    flows = checks.loc["C04", ["article_low", "article_high"]].to_numpy(float)
    arrests = checks.loc["C07", ["article_low", "article_high"]].to_numpy(float)
    np.testing.assert_allclose(data.loc["flows", ["low", "high"]].to_numpy(float), flows)
    np.testing.assert_allclose(data.loc["flows_per_arrest", ["low", "high"]].to_numpy(float),
                               [flows[0] / arrests[1], flows[1] / arrests[0]])
    assert tuple(data.loc["seized", ["low", "high"]]) == (3e8, 3e8)
    share = ratio(tables, "seized_to_illicit_flows")
    np.testing.assert_allclose(data.loc["seized_per_million", ["low", "high"]].to_numpy(float),
                               [share["low"] * 1e6, share["high"] * 1e6])
    np.testing.assert_allclose(data.loc["seized_per_million", ["low", "high"]].to_numpy(float),
                               [100, 150])
    np.testing.assert_allclose(data.loc["seized_squares", ["low", "high"]].to_numpy(float),
                               [1.0, 1.5])
    per_arrest = ratio(tables, "seized_per_arrest")
    assert tuple(data.loc["seized_per_arrest", ["low", "high"]]) == (per_arrest["low"],
                                                                      per_arrest["high"])


def test_fig5_per_1000_values_agree_with_ratios_csv_and_the_population_table(tables):
    data = committed("fig5_victims_per_1000")
    for ratio_id, area, claim_id in (("cambodia_victims_per_1000", "KHM", "C11"),
                                     ("myanmar_victims_per_1000", "MMR", "C12")):
        rows = data[data["area_code"] == area].set_index("side")
        population = reference.population(area, year=2023, reference=tables.reference).value
        assert rows.loc["article", "population"] == population
        recorded = ratio(tables, ratio_id)
        assert math.isclose(rows.loc["article", "analysis_low_per_1000"], recorded["low"])
        assert math.isclose(rows.loc["article", "analysis_high_per_1000"], recorded["high"])
        check = tables.fact_check.set_index("claim_id").loc[claim_id]
        assert rows.loc["source", "bound"] == check["source_bound"]
        assert math.isclose(rows.loc["source", "analysis_low_per_1000"],
                            check["source_low"] * 1000 / population)
    khm = data[(data["area_code"] == "KHM") & (data["side"] == "source")].iloc[0]
    assert math.isclose(khm["written_low_per_1000"], 100_000 * 1000 / khm["population"])


def test_fig6_is_the_tornado_of_the_main_ratio(tables):
    data = committed("fig6_sensitivity_tornado")
    expected = tables.ranges[tables.ranges["ratio_id"] == "illicit_flows_to_france_gdp_imf"]
    factors = data[data["factor"] != "baseline"].reset_index(drop=True)
    assert list(factors["factor"]) == list(expected["factor"])
    for column in ("min_p50", "max_p50", "min_low", "max_high", "swing"):
        np.testing.assert_allclose(factors[column], expected[column], rtol=1e-12)
    baseline = data[data["factor"] == "baseline"].iloc[0]
    recorded = ratio(tables, "illicit_flows_to_france_gdp_imf")
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
    assert english.loc["C05", "source_figure"] == "$3.13 trillion"
    assert indonesian.loc["C07", "article_figure"] == "hampir 3.500 penangkapan"
    assert english.loc["C12", "source_figure"] == "at least 120,000 people"


@pytest.mark.parametrize("language", ["en", "id"])
def test_committed_csvs_are_what_the_charts_draw_now(tables, language):
    for name in charts.FIGURE_NAMES:
        chart = charts.draw_chart(name, tables, hedges=HEDGES, language=language)
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
    step_inputs = PIPELINE["notebooks"][step]["inputs"]
    manifest = json.loads((OUTPUT_DIRS[language] / "manifest.json").read_text("utf-8"))
    publishers = set(tables.sources["publisher"])
    for entry in manifest["figures"]:
        assert entry["notebook"] == "notebooks/04_publication_figures.ipynb"
        assert entry["parameters"]["language"] == language
        assert entry["parameters"]["output_dir"] == OUTPUT_DIRS[language].relative_to(
            REPO).as_posix()
        canonical = json.dumps(entry["parameters"], sort_keys=True, indent=2,
                               ensure_ascii=False) + "\n"
        assert entry["parameters_sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
        assert sorted(entry["inputs"]) == sorted(step_inputs)
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
    from crimefigures import i18n

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


# --- Bytes: determinism and image comparison ----------------------------------------------


def _publish_all(tables, folder: Path, names, language: str) -> dict[str, bytes]:
    entries = [publish.publish_chart(
        charts.draw_chart(name, tables, hedges=HEDGES, language=language),
        sources_table=tables.sources, output_dir=folder, notebook="nb", parameters={"a": 1},
        inputs={"x": "0"}) for name in names]
    publish.write_manifest(entries, folder)
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


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
    chart = charts.draw_chart(name, tables, hedges=HEDGES, language=language)
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
    assert declared["output_dir"].default == "figures"
    inputs = PIPELINE["notebooks"]["04_publication_figures"]["inputs"]
    paths_declared = [p.default for n, p in declared.items() if n.endswith("_path")]
    assert sorted(paths_declared) == sorted(inputs)
    for name in ("approx_halfwidth", "nearly_factor", "upper_floor_fraction",
                 "lower_ceiling_factor"):
        assert declared[name].default == getattr(HEDGES, name)
        assert declared[name].type_name == "float"


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
    tables = charts.load_tables()
    BASELINE_DIR.mkdir(exist_ok=True)
    for name, language in BASELINES:
        path = _render_png(tables, name, language, BASELINE_DIR / f"{name}_{language}.png")
        print(f"wrote {path.relative_to(REPO)}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--update-baselines"]:
        sys.exit("usage: python tests/test_figures.py --update-baselines")
    update_baselines()
