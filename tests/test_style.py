"""House style, tick formatters, figure layout and byte-deterministic saving."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib import font_manager
from matplotlib.font_manager import FontProperties

from crimefigures.errors import ParameterError
from crimefigures.presentation import style

# One small chart with the things that have made figures non-deterministic before:
# clip paths (SVG ids), embedded fonts (PDF subsets), bold and regular text, a log axis,
# a filled band, dollar signs and Indonesian text.
SAMPLE_SCRIPT = r"""
import sys

from crimefigures.presentation import style
from crimefigures.presentation.wording import message


def draw_and_save(stem, language):
    style.apply_house_style()
    fig, ax = style.new_figure(
        "single",
        title="Claims from $300 m to $3 tn span four orders of magnitude",
        subtitle="Bars are ranges; dots are the primary source",
        footer=style.sources_line(["IMF (2024)", "World Bank (2024)"], language),
        language=language,
    )
    ax.hlines([0, 1], [3e8, 1e12], [9e8, 3e12], color=style.PALETTE["article"], lw=4,
              label=message("article", language))
    ax.scatter([5e8, 2e12], [0, 1], color=style.PALETTE["source"], zorder=3,
               label=message("primary_source", language))
    ax.fill_betweenx([0, 1], 1e9, 1e10, color=style.PALETTE["highlight"], alpha=0.5)
    style.format_axis(ax, "x", "money", language, log=True)
    style.finish_axes(ax, style.axis_label(message("us_dollars", language), language, log=True))
    return style.save_figure(fig, stem)


if __name__ == "__main__":
    draw_and_save(sys.argv[1], sys.argv[2])
"""


def _sample_module() -> dict:
    namespace: dict = {"__name__": "crimefigures_sample"}
    exec(compile(SAMPLE_SCRIPT, "sample_chart.py", "exec"), namespace)
    return namespace


def _read_all(paths: dict[str, Path]) -> dict[str, bytes]:
    return {fmt: Path(path).read_bytes() for fmt, path in paths.items()}


@pytest.fixture(autouse=True)
def _no_staging(monkeypatch):
    monkeypatch.delenv("CRIMEFIGURES_STAGING", raising=False)
    yield
    plt.close("all")


# --- Palette and sizes --------------------------------------------------------------------


def test_palette_has_a_distinct_colour_for_every_category_and_verdict():
    required = {
        "article", "source", "imf", "world_bank", "enforcement", "flows", "victims",
        "neutral", "highlight", *style.VERDICTS,
    }  # fmt: skip
    assert required <= set(style.PALETTE)
    colours = list(style.PALETTE.values())
    assert all(re.fullmatch(r"#[0-9A-F]{6}", colour) for colour in colours)
    assert len(set(colours)) == len(colours)


def test_palette_colours_come_from_the_documented_schemes():
    documented = {*style.OKABE_ITO.values(), *style.TOL_MUTED.values()}
    undocumented = {k for k, c in style.PALETTE.items() if c not in documented}
    assert undocumented == {"neutral"}  # a plain grey, named as such in style.py


def test_column_sizes_follow_journal_widths():
    assert style.SINGLE_COLUMN[0] == pytest.approx(89 / 25.4, abs=0.05)
    assert style.DOUBLE_COLUMN[0] == pytest.approx(183 / 25.4, abs=0.05)


# --- House style --------------------------------------------------------------------------


def test_house_style_sets_the_parameters_output_depends_on():
    mpl.rcParams["lines.linewidth"] = 9  # as a matplotlibrc on some machine might
    style.apply_house_style()
    rc = mpl.rcParams
    assert rc["font.family"] == ["DejaVu Sans"]
    assert rc["font.sans-serif"] == ["DejaVu Sans"]
    assert rc["svg.hashsalt"] == "crimefigures"
    assert rc["svg.fonttype"] == "path"
    assert rc["pdf.fonttype"] == 42
    assert rc["text.parse_math"] is False
    assert rc["savefig.dpi"] == 200
    assert rc["lines.linewidth"] == 1.5
    assert rc["axes.formatter.useoffset"] is False
    assert mpl.get_backend().lower() == "agg"


def test_house_style_equals_seaborns_paper_theme_without_importing_seaborn():
    """The written-out theme is what seaborn's set_theme gave (the figures' bytes rest on it),
    and applying it leaves seaborn (and scipy) unimported."""
    code = ("import sys; from crimefigures.presentation import style; style.apply_house_style();"
            " print(sorted(m for m in ('seaborn', 'scipy') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "MPLBACKEND": "Agg"}, check=True)
    assert done.stdout.strip() == "[]"
    style.apply_house_style()
    ours = dict(mpl.rcParams)
    import seaborn as sns

    mpl.rcdefaults()
    sns.set_theme(context="paper", style="whitegrid", palette=list(style.COLOR_CYCLE),
                  font=style.HOUSE_FONT, rc=style.HOUSE_RC)
    theirs = dict(mpl.rcParams)
    style.apply_house_style()
    assert theirs.pop("image.cmap") == "rocket"  # seaborn's own colormap; no figure uses it
    ours.pop("image.cmap")
    assert {k: v for k, v in ours.items() if theirs[k] != v} == {}


def test_house_font_is_matplotlibs_own_copy_even_if_another_shadows_it(tmp_path):
    bundled = Path(mpl.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    impostor = tmp_path / "DejaVuSans.ttf"
    shutil.copyfile(bundled, impostor)
    entry = font_manager.FontEntry(
        fname=str(impostor), name="DejaVu Sans", style="normal", variant="normal",
        weight=400, stretch="normal", size="scalable",
    )  # fmt: skip
    font_manager.fontManager.ttflist.insert(0, entry)
    font_manager.fontManager._findfont_cached.cache_clear()
    chosen = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"))
    assert Path(chosen) == impostor  # the shadow really is preferred before house style

    style.apply_house_style()

    assert style.bundled_font_file("normal").name == "DejaVuSans.ttf"
    assert style.bundled_font_file("bold").name == "DejaVuSans-Bold.ttf"
    assert all(str(tmp_path) not in f.fname for f in font_manager.fontManager.ttflist)


def test_notebook_backends_are_recognised():
    assert style._is_notebook_backend("module://matplotlib_inline.backend_inline")
    assert style._is_notebook_backend("module://ipympl.backend_nbagg")
    assert not style._is_notebook_backend("agg")
    assert not style._is_notebook_backend(None)


# --- Tick formatters ----------------------------------------------------------------------


def test_money_ticks_in_english_and_indonesian():
    english = style.money_formatter("en")
    indonesian = style.money_formatter("id")
    assert [english(v) for v in (3e12, 5e10, 3e8)] == ["$3 tn", "$50 bn", "$300 m"]
    assert [indonesian(v) for v in (3e12, 5e10, 3e8)] == ["3 triliun", "50 miliar", "300 juta"]
    assert english(2.5e9) == "$2.5 bn"
    assert indonesian(2.5e9) == "2,5 miliar"
    assert english(0) == "$0"


def test_count_number_and_percent_ticks():
    assert style.count_formatter("en")(3500) == "3,500"
    assert style.count_formatter("id")(3500) == "3.500"
    assert style.count_formatter("id")(2e6) == "2 juta"
    assert style.number_formatter("id")(2.25) == "2,25"
    assert style.percent_formatter("en")(0.25) == "25%"
    assert style.percent_formatter("id", data_are="percent")(12.5) == "12,5%"
    with pytest.raises(ParameterError, match="fraction"):
        style.percent_formatter("en", data_are="ratio")


def test_log_axis_note_and_axis_label():
    assert style.log_axis_note("en") == "log scale"
    assert style.log_axis_note("id") == "skala logaritmik"
    assert style.axis_label("dolar AS", "id", log=True) == "dolar AS (skala logaritmik)"
    assert style.axis_label("US dollars", "en") == "US dollars"
    with pytest.raises(ParameterError, match="en, id"):
        style.log_axis_note("fr")


def test_money_log_axis_never_shows_scientific_notation():
    style.apply_house_style()
    fig, ax = style.new_figure(title="t", subtitle="s", footer="f")
    ax.plot([3e8, 3e12], [0, 1])
    style.format_axis(ax, "x", "money", "en", log=True)
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels(minor=False) if t.get_text()]
    minor = [t.get_text() for t in ax.get_xticklabels(minor=True) if t.get_text()]
    assert ax.get_xscale() == "log"
    assert "$1 bn" in labels and "$1 tn" in labels
    assert minor == []
    assert not any(re.search(r"e\d|\\mathdefault|10\^", label) for label in labels)


# --- Figure layout ------------------------------------------------------------------------


def test_new_figure_lays_out_title_subtitle_chart_and_footer():
    style.apply_house_style()
    fig, ax = style.new_figure(
        "single",
        title="The article's money figures span five orders of magnitude, far beyond sources",
        subtitle="Each bar is a claim's range",
        footer=style.sources_line(["IMF (2024)"], "id"),
        language="id",
    )
    ax.plot([0, 1], [0, 1])
    style.finish_axes(ax, "x", "y")
    title, subtitle, footer = fig.texts
    assert title.get_fontweight() == "bold" and title.get_ha() == "left"
    assert "\n" in title.get_text()  # wrapped to fit a single column
    assert footer.get_text() == "Sumber: IMF (2024) · dibuat dengan crimefigures"
    for dpi in (72, 100, 200):  # PDF/SVG, notebook, PNG: hinting differs between them
        fig.set_dpi(dpi)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        for text in (title, subtitle, footer):
            box = text.get_window_extent(renderer)
            assert box.x0 >= 0 and box.x1 <= fig.bbox.width, (dpi, text.get_text())
        chart = ax.get_tightbbox(renderer)
        assert chart.y1 <= subtitle.get_window_extent(renderer).y0
        assert subtitle.get_window_extent(renderer).y1 <= title.get_window_extent(renderer).y0
        assert footer.get_window_extent(renderer).y1 <= chart.y0


def _wrap_one_word_at_a_time(text, font, width_pt):
    lines = []
    for paragraph in text.split("\n"):
        line = ""
        for word in style._unbreakable_words(paragraph):
            candidate = f"{line} {word}" if line else word
            if line and style._text_width_pt(candidate, font) > width_pt:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


_WRAP_WORDS = st.sampled_from(
    ["a", "of", "the", "Interpol", "$3.1 tn", "41.6%", "trillion", "WWWWWWWWWW", "iiiii",
     "Perdagangan", "manusia", "—", "compounds,", "Sumber:", "4", "triliun", "ÅÉÎ"])


@settings(max_examples=80, deadline=None)
@given(words=st.lists(_WRAP_WORDS, min_size=1, max_size=60),
       breaks=st.lists(st.integers(1, 60)), edge_words=st.integers(1, 60),
       nudge_pt=st.sampled_from([-0.01, 0.0, 0.01]), size=st.sampled_from([5.5, 7, 9.5, 12]),
       weight=st.sampled_from(["normal", "bold"]))
def test_wrap_takes_the_lines_adding_one_word_at_a_time_would(words, breaks, edge_words,
                                                              nudge_pt, size, weight):
    # The wrap starts from the words' own widths and walks to the exact count; the lines must
    # be the ones measuring every longer line gives, paragraphs and over-long words too. The
    # line width is put at the edge of a run of words, where a count taken from the words'
    # own widths alone would be one off.
    font = FontProperties(family=style.HOUSE_FONT, size=size, weight=weight)
    edge = style._unbreakable_words(" ".join(words))[:edge_words]
    width_pt = style._text_width_pt(" ".join(edge), font) + nudge_pt
    for position in sorted(set(breaks), reverse=True):
        words.insert(min(position, len(words)), "\n")
    text = " ".join(words).replace(" \n ", "\n").replace(" \n", "\n")
    assert style._wrap(text, font, width_pt) == _wrap_one_word_at_a_time(text, font, width_pt)


def test_dollar_signs_in_titles_are_dollars_not_mathtext():
    style.apply_house_style()
    fig, _ = style.new_figure(title="From $3 tn to $50 bn", subtitle="s", footer="f")
    assert fig.texts[0].get_text() == "From $3 tn to $50 bn"
    assert fig.texts[0].get_parse_math() is False


def test_new_figure_grid_returns_an_array_of_axes():
    style.apply_house_style()
    fig, axes = style.new_figure_grid(2, 3, title="t", subtitle="s", footer="f", sharey=True)
    assert axes.shape == (2, 3)
    assert len(fig.axes) == 6


def test_new_figure_refuses_unknown_sizes_and_missing_titles():
    with pytest.raises(ParameterError, match="single, double"):
        style.new_figure("poster", title="t", subtitle="s", footer="f")
    with pytest.raises(ParameterError, match="title"):
        style.new_figure(title="  ", subtitle="s", footer="f")
    with pytest.raises(ParameterError, match="en, id"):
        style.new_figure(title="t", subtitle="s", footer="f", language="fr")


# --- Saving -------------------------------------------------------------------------------


def test_saving_twice_gives_identical_bytes_in_every_format(tmp_path):
    draw_and_save = _sample_module()["draw_and_save"]
    first = draw_and_save(tmp_path / "first" / "fig", "en")
    second = draw_and_save(tmp_path / "second" / "fig", "en")
    assert set(first) == {"png", "svg", "pdf"}
    assert first["png"] == tmp_path / "first" / "fig.png"
    first_bytes, second_bytes = _read_all(first), _read_all(second)
    for fmt in ("png", "svg", "pdf"):
        assert first_bytes[fmt] == second_bytes[fmt], fmt
    assert first_bytes["png"].startswith(b"\x89PNG")
    assert first_bytes["pdf"].startswith(b"%PDF")
    assert b"<svg" in first_bytes["svg"]


def test_pdf_font_subsets_are_made_once_and_give_the_same_bytes(tmp_path, monkeypatch):
    from matplotlib.backends import _backend_pdf_ps

    from crimefigures.presentation import fontcache

    made = []
    subsetter = _backend_pdf_ps.get_glyphs_subset
    monkeypatch.setattr(_backend_pdf_ps, "get_glyphs_subset",
                        lambda font, glyphs: made.append(font) or subsetter(font, glyphs))
    monkeypatch.setattr(fontcache, "CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(fontcache, "_memory", {})
    draw_and_save = _sample_module()["draw_and_save"]
    cold = draw_and_save(tmp_path / "cold" / "fig", "en")["pdf"].read_bytes()
    assert made and len(list((tmp_path / "cache").glob("*.json"))) == len(made)
    made.clear()
    monkeypatch.setattr(fontcache, "_memory", {})  # a new kernel: only the files are left
    warm = draw_and_save(tmp_path / "warm" / "fig", "en")["pdf"].read_bytes()
    assert made == [] and warm == cold
    monkeypatch.setattr(fontcache, "cached_subsets", contextlib.nullcontext)
    uncached = draw_and_save(tmp_path / "uncached" / "fig", "en")["pdf"].read_bytes()
    assert made and uncached == cold


def test_text_measured_once_per_kind_of_renderer_gives_the_same_bytes(tmp_path, monkeypatch):
    from matplotlib.backends.backend_agg import RendererAgg

    from crimefigures.presentation import fontcache

    measured = []  # by the renderers that draw (the wrap's own measuring renderers aside)
    measure = RendererAgg.get_text_width_height_descent
    wrapping = {id(style._measuring_renderer(dpi)) for dpi in style._MEASURE_DPIS}

    def counted(self, *args, **kwargs):
        if id(self) not in wrapping:
            measured.append(args[0])
        return measure(self, *args, **kwargs)

    monkeypatch.setattr(RendererAgg, "get_text_width_height_descent", counted)
    monkeypatch.setattr(fontcache, "_metrics", {})
    draw_and_save = _sample_module()["draw_and_save"]
    once = _read_all(draw_and_save(tmp_path / "measured-once" / "fig", "en"))
    assert fontcache._metrics, "no measurement was kept"
    first = len(measured)
    again = _read_all(draw_and_save(tmp_path / "again" / "fig", "en"))
    assert len(measured) - first < first / 2  # the second figure's ticks and footer are known
    # Another kind of renderer or other settings (hinting) are measured afresh.
    kinds = {key[0] for key in fontcache._metrics}
    assert len({kind[0][:2] for kind in kinds}) == 3  # Agg, and the PDF and SVG renderers
    monkeypatch.setattr(fontcache, "_metrics", {})
    fig = plt.figure()
    fig.text(0.5, 0.5, "Sumber: IMF")
    for hinting in ("auto", "none"):
        with mpl.rc_context({"text.hinting": hinting}), fontcache.shared_text_metrics():
            fig.canvas.draw()
    assert len({key[0][1] for key in fontcache._metrics}) == 2
    monkeypatch.setattr(fontcache, "shared_text_metrics", contextlib.nullcontext)
    per_renderer = _read_all(draw_and_save(tmp_path / "per-renderer" / "fig", "en"))
    for fmt in ("png", "svg", "pdf"):
        assert once[fmt] == per_renderer[fmt] == again[fmt], fmt


def test_a_save_lays_the_figure_out_without_a_silent_draw_and_gives_the_same_bytes(
        tmp_path, monkeypatch):
    draws = []
    draw = style.HouseFigure.draw
    monkeypatch.setattr(style.HouseFigure, "draw",
                        lambda self, renderer: draws.append(self._lays_out_only)
                        or draw(self, renderer))
    draw_and_save = _sample_module()["draw_and_save"]
    laid_out = _read_all(draw_and_save(tmp_path / "laid-out" / "fig", "en"))
    assert draws == [True, False] * 3  # per format: the layout pass, then the real draw
    monkeypatch.setattr(style.HouseFigure, "first_draw_lays_out_only",
                        lambda self: contextlib.nullcontext())
    drawn_twice = _read_all(draw_and_save(tmp_path / "drawn-twice" / "fig", "en"))
    for fmt in ("png", "svg", "pdf"):
        assert laid_out[fmt] == drawn_twice[fmt], fmt
    fig = plt.figure(FigureClass=style.HouseFigure)  # no layout engine: drawn as any figure
    with fig.first_draw_lays_out_only():
        assert not fig._lays_out_only


@pytest.mark.parametrize("module, name, cache", [
    ("matplotlib.text", "_get_text_metrics_function", "shared_text_metrics"),
    ("matplotlib.backends._backend_pdf_ps", "get_glyphs_subset", "cached_subsets"),
])
def test_a_cache_refuses_to_run_when_the_matplotlib_function_it_replaces_is_gone(
        monkeypatch, module, name, cache):
    import importlib

    from crimefigures.presentation import fontcache

    monkeypatch.delattr(importlib.import_module(module), name)
    refused = pytest.raises(RuntimeError, match=f"has no {module}.{name}; .*needs updating")
    with refused, getattr(fontcache, cache)():
        pass


def test_a_notebook_is_shown_the_saved_png_not_a_fresh_render(tmp_path, monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    style.apply_house_style()
    fig, _ = style.new_figure("single", title="t", subtitle="s", footer="f")
    saved = style.save_figure(fig, tmp_path / "fig", show=True)
    assert len(shown) == 1 and isinstance(shown[0], IPython.display.Image)
    assert shown[0].data == saved["png"].read_bytes()
    assert shown[0].width == round(style.SINGLE_COLUMN[0] * 100)  # figure.dpi


def test_languages_give_different_figures(tmp_path):
    draw_and_save = _sample_module()["draw_and_save"]
    english = _read_all(draw_and_save(tmp_path / "en" / "fig", "en"))
    indonesian = _read_all(draw_and_save(tmp_path / "id" / "fig", "id"))
    assert all(english[fmt] != indonesian[fmt] for fmt in english)


@pytest.mark.e2e  # renders or runs in fresh processes: not in make test-fast
def test_separate_processes_and_source_date_epochs_give_identical_bytes(tmp_path):
    script = tmp_path / "sample_chart.py"
    script.write_text(SAMPLE_SCRIPT, encoding="utf-8")
    outputs = []
    for name, epoch in (("a", "0"), ("b", "1700000000"), ("c", None)):
        env = {k: v for k, v in os.environ.items() if k not in {"CRIMEFIGURES_STAGING"}}
        env.pop("SOURCE_DATE_EPOCH", None)
        env.pop("MPLBACKEND", None)
        if epoch is not None:
            env["SOURCE_DATE_EPOCH"] = epoch
        stem = tmp_path / name / "fig"
        subprocess.run([sys.executable, str(script), str(stem), "id"], env=env, check=True)
        outputs.append(_read_all({fmt: Path(f"{stem}.{fmt}") for fmt in style.FORMATS}))
    in_process = _read_all(_sample_module()["draw_and_save"](tmp_path / "here" / "fig", "id"))
    for fmt in style.FORMATS:
        assert outputs[0][fmt] == outputs[1][fmt] == outputs[2][fmt] == in_process[fmt], fmt


def test_saved_files_carry_no_dates_or_versions(tmp_path):
    files = _read_all(_sample_module()["draw_and_save"](tmp_path / "fig", "en"))
    for fmt, data in files.items():
        assert b"crimefigures" in data, fmt
        assert mpl.__version__.encode() not in data, fmt
    assert b"CreationDate" not in files["pdf"] and b"ModDate" not in files["pdf"]
    assert b"<dc:date>" not in files["svg"]
    assert b"font-family" not in files["svg"]  # glyphs are paths, not viewer fonts
    assert b"DejaVuSans" in files["pdf"]


def test_save_closes_the_figure_and_writes_through_staging(tmp_path, monkeypatch):
    root, staging = tmp_path / "root", tmp_path / "staging"
    root.mkdir()
    monkeypatch.setenv("CRIMEFIGURES_ROOT", str(root))
    monkeypatch.setenv("CRIMEFIGURES_STAGING", str(staging))
    style.apply_house_style()
    fig, ax = style.new_figure(title="t", subtitle="s", footer="f")
    ax.plot([0, 1], [0, 1])
    written = style.save_figure(fig, root / "figures" / "id" / "fig1")
    assert written["svg"] == root / "figures" / "id" / "fig1.svg"  # the published path
    assert not written["svg"].exists()  # not published until the runner says so
    assert (staging / "figures" / "id" / "fig1.svg").is_file()
    assert not plt.fignum_exists(fig.number)


def test_save_refuses_a_stem_with_an_extension(tmp_path):
    style.apply_house_style()
    fig, _ = style.new_figure(title="t", subtitle="s", footer="f")
    with pytest.raises(ParameterError, match="without an extension"):
        style.save_figure(fig, tmp_path / "fig.png")
