"""One house style for every figure, and saving that gives the same bytes on every run.

Call :func:`apply_house_style` once per notebook, draw on the axes that
:func:`new_figure` returns, and publish with :func:`save_figure`.

Determinism, and what it rests on:

* Fonts. Text is set in DejaVu Sans, the font that ships inside matplotlib
  (``mpl-data/fonts/ttf``), so a render never depends on the fonts a machine has
  installed. House style removes any *system* copy of DejaVu from matplotlib's font
  list (a distro's DejaVu may be another version with other glyph shapes), and the
  font family list holds nothing else, so no system font can be chosen instead.
* SVG text is written as paths (``svg.fonttype = "path"``): the file carries the
  glyph outlines, so it looks the same in every viewer and its bytes depend only on
  matplotlib and its bundled font. ("none" would leave the glyphs to whatever font
  the viewer finds.) ``svg.hashsalt`` is fixed so element ids are not random.
* PDF embeds TrueType subsets (``pdf.fonttype = 42``): text stays selectable and
  the subset is built from the bundled font (once per glyph set: :mod:`fontcache`).
* Metadata holds no date and no version string (see ``SAVE_METADATA``), so neither
  the clock nor ``SOURCE_DATE_EPOCH`` reaches the bytes.
* Each format is rendered into memory and written through
  :func:`crimefigures.pipeline.atomic.write_bytes`, so outputs are atomic and staged.

``text.parse_math`` is off: a "$" in a label is a dollar sign, never the start of
a formula. Log axes therefore need this module's tick formatters (:func:`format_axis`),
which the house style wants anyway: a money axis never reads "3e12".
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import matplotlib as mpl
import numpy as np
from matplotlib import colors, cycler, font_manager, ticker
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.layout_engine import ConstrainedLayoutEngine

from crimefigures.errors import ParameterError
from crimefigures.pipeline import atomic
from crimefigures.presentation import fontcache
from crimefigures.presentation.wording import (
    check_language,
    format_amount,
    format_money,
    format_number,
    format_percent,
    message,
)

PROJECT = "crimefigures"
HOUSE_FONT = "DejaVu Sans"
HASH_SALT = "crimefigures"

# Okabe & Ito (2008), "Color Universal Design" (https://jfly.uni-koeln.de/color/):
# eight colours that stay distinct under the common colour-vision deficiencies.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
# Paul Tol's "muted" qualitative scheme (https://personal.sron.nl/~pault/, 2021):
# nine colour-blind-safe colours plus pale grey for "no data", used for the verdicts
# because a scoreboard shows all eight at once and needs colours of its own.
TOL_MUTED: dict[str, str] = {
    "indigo": "#332288",
    "cyan": "#88CCEE",
    "teal": "#44AA99",
    "green": "#117733",
    "olive": "#999933",
    "sand": "#DDCC77",
    "rose": "#CC6677",
    "wine": "#882255",
    "purple": "#AA4499",
    "pale_grey": "#DDDDDD",
}

# A category keeps its colour in every figure, so a reader learns it once.
PALETTE: dict[str, str] = {
    "article": OKABE_ITO["vermillion"],  # what the article says
    "source": OKABE_ITO["blue"],  # what the primary source says
    "imf": OKABE_ITO["sky_blue"],
    "world_bank": OKABE_ITO["bluish_green"],
    "flows": OKABE_ITO["orange"],
    "enforcement": OKABE_ITO["reddish_purple"],
    "victims": TOL_MUTED["wine"],
    "neutral": "#8C8C8C",  # mid grey, for context such as GDP bars
    "highlight": OKABE_ITO["yellow"],  # backgrounds and bands, not lines: low contrast
    "consistent": TOL_MUTED["green"],
    "overstated": TOL_MUTED["rose"],
    "understated": TOL_MUTED["cyan"],
    "misattributed": TOL_MUTED["purple"],
    "hedge_inverted": TOL_MUTED["sand"],
    "scope_changed": TOL_MUTED["olive"],
    "date_changed": TOL_MUTED["indigo"],
    "unverified": TOL_MUTED["pale_grey"],
}
VERDICTS: tuple[str, ...] = (
    "consistent",
    "overstated",
    "understated",
    "misattributed",
    "hedge_inverted",
    "scope_changed",
    "date_changed",
    "unverified",
)
# The default colour cycle, for series that have no category of their own.
COLOR_CYCLE: tuple[str, ...] = tuple(
    OKABE_ITO[name]
    for name in ("blue", "vermillion", "bluish_green", "orange", "sky_blue", "reddish_purple")
)
TEXT_COLOR = "#1A1A1A"
MUTED_TEXT_COLOR = "#555555"

# Nature's column widths (89 mm single, 183 mm double; most journals are within a few
# mm): 3.5 in and 7.2 in. Heights leave room for a title block and a footer.
SINGLE_COLUMN: tuple[float, float] = (3.5, 2.6)
DOUBLE_COLUMN: tuple[float, float] = (7.2, 4.2)
SIZES: dict[str, tuple[float, float]] = {"single": SINGLE_COLUMN, "double": DOUBLE_COLUMN}

# Point sizes of title, subtitle and footer for each column width.
_TEXT_SIZES: dict[str, tuple[float, float, float]] = {
    "single": (9.0, 7.5, 6.0),
    "double": (11.0, 9.0, 7.0),
}
_MARGIN_IN = 0.1
_LINE_HEIGHT = 1.3  # of the font size; DejaVu's ascent + descent is about 1.17 em
_GAP_IN = 0.06

FORMATS: tuple[str, ...] = ("png", "svg", "pdf")
# What each backend accepts (matplotlib's savefig ``metadata`` docs). None removes a key
# matplotlib would otherwise fill with a date or its own version.
SAVE_METADATA: dict[str, dict[str, str | None]] = {
    "png": {"Software": PROJECT},
    "svg": {"Creator": PROJECT, "Date": None},
    "pdf": {"Creator": PROJECT, "Producer": None, "CreationDate": None, "ModDate": None},
}
# Settings a deterministic save needs even if house style was never applied.
_SAVE_RC: dict[str, Any] = {
    "svg.hashsalt": HASH_SALT,
    "svg.fonttype": "path",
    "svg.id": None,
    "pdf.fonttype": 42,
    "pdf.compression": 6,
}

# What seaborn 0.13's ``set_theme(context="paper", style="whitegrid")`` changes from
# matplotlib's defaults, written out so drawing a figure does not import seaborn (and scipy
# with it: half a second per kernel). Paper sizes are seaborn's notebook sizes times 0.8,
# computed the same way so the floats are equal. seaborn's ``image.cmap`` ("rocket", one of
# its own colormaps) is left at matplotlib's default: no house figure draws an image.
# tests/test_style.py checks this against seaborn itself.
_PAPER = 0.8
SEABORN_PAPER_WHITEGRID: dict[str, Any] = {
    "axes.axisbelow": True,
    "axes.edgecolor": ".8",
    "axes.grid": True,
    "axes.labelsize": 12 * _PAPER,
    "axes.linewidth": 1.25 * _PAPER,
    "axes.titlesize": 12 * _PAPER,
    "font.size": 12 * _PAPER,
    "grid.color": ".8",
    "legend.fontsize": 11 * _PAPER,
    "legend.title_fontsize": 12 * _PAPER,
    "lines.markersize": 6 * _PAPER,
    "lines.solid_capstyle": "round",
    "patch.edgecolor": "w",
    "patch.force_edgecolor": True,
    "patch.linewidth": 1 * _PAPER,
    "xtick.bottom": False,
    "xtick.color": ".15",
    "xtick.labelsize": 11 * _PAPER,
    "xtick.major.size": 6 * _PAPER,
    "xtick.major.width": 1.25 * _PAPER,
    "xtick.minor.size": 4 * _PAPER,
    "xtick.minor.width": 1 * _PAPER,
    "ytick.color": ".15",
    "ytick.labelsize": 11 * _PAPER,
    "ytick.left": False,
    "ytick.major.size": 6 * _PAPER,
    "ytick.major.width": 1.25 * _PAPER,
    "ytick.minor.size": 4 * _PAPER,
    "ytick.minor.width": 1 * _PAPER,
}

HOUSE_RC: dict[str, Any] = {
    **_SAVE_RC,
    "font.family": [HOUSE_FONT],
    "font.sans-serif": [HOUSE_FONT],
    "mathtext.fontset": "dejavusans",
    "text.parse_math": False,
    "text.color": TEXT_COLOR,
    "text.antialiased": True,
    "text.hinting": "default",
    "axes.unicode_minus": True,
    "axes.labelcolor": TEXT_COLOR,
    "axes.titlelocation": "left",
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.formatter.useoffset": False,
    "axes.formatter.use_mathtext": False,
    "axes.formatter.limits": (-7, 13),
    "ps.fonttype": 42,
    "pdf.use14corefonts": False,
    "svg.image_inline": True,
    "path.simplify": True,
    "path.simplify_threshold": 1 / 9,
    "agg.path.chunksize": 0,
    "image.composite_image": True,
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "figure.autolayout": False,
    "figure.constrained_layout.use": False,
    "savefig.dpi": 200,
    "savefig.facecolor": "white",
    "savefig.edgecolor": "white",
    "savefig.transparent": False,
    "savefig.bbox": None,
    "legend.frameon": False,
    "lines.linewidth": 1.5,
    "grid.linewidth": 0.5,
}

_NOTEBOOK_BACKEND_MARKERS = ("inline", "ipympl", "widget", "nbagg")


# --- House style --------------------------------------------------------------------------


def _is_notebook_backend(backend: str | None) -> bool:
    return backend is not None and any(m in backend.lower() for m in _NOTEBOOK_BACKEND_MARKERS)


def _use_non_interactive_backend() -> None:
    """Agg everywhere except a notebook, whose inline backend draws with Agg anyway."""
    current = mpl.get_backend(auto_select=False)
    if _is_notebook_backend(current) or (current or "").lower() == "agg":
        return
    mpl.use("Agg")


def _bundled_fonts_dir() -> Path:
    return Path(os.path.realpath(mpl.get_data_path())) / "fonts"


def _pin_bundled_fonts() -> None:
    """Forget system copies of DejaVu so only the font inside matplotlib can be chosen."""
    bundled = _bundled_fonts_dir()
    manager = font_manager.fontManager
    manager.ttflist = [
        entry
        for entry in manager.ttflist
        if not entry.name.startswith("DejaVu")
        or bundled in Path(os.path.realpath(entry.fname)).parents
    ]
    manager._findfont_cached.cache_clear()  # its cache would still name the system files


def bundled_font_file(weight: str = "normal") -> Path:
    """The file matplotlib renders house text with; raises if it is not matplotlib's own."""
    found = Path(
        os.path.realpath(
            font_manager.findfont(
                FontProperties(family=HOUSE_FONT, weight=weight), fallback_to_default=False
            )
        )
    )
    if _bundled_fonts_dir() not in found.parents:
        raise RuntimeError(f"{HOUSE_FONT} resolves to {found}, not matplotlib's bundled copy")
    return found


def apply_house_style() -> None:
    """Set seaborn's paper theme (:data:`SEABORN_PAPER_WHITEGRID`) and every rcParam a
    figure's look or bytes depend on.

    Starts from matplotlib's built-in defaults, so a ``matplotlibrc`` on the machine
    cannot change the output.
    """
    _use_non_interactive_backend()
    mpl.rcdefaults()
    mpl.rcParams.update(SEABORN_PAPER_WHITEGRID)
    mpl.rcParams["axes.prop_cycle"] = cycler(color=[colors.to_rgb(c) for c in COLOR_CYCLE])
    mpl.rcParams.update(HOUSE_RC)
    _pin_bundled_fonts()
    for weight in ("normal", "bold"):
        bundled_font_file(weight)


# --- Figures with a title block and a footer ----------------------------------------------


def _figure_size(size: str | tuple[float, float]) -> tuple[str, tuple[float, float]]:
    if isinstance(size, str):
        if size not in SIZES:
            raise ParameterError(
                f"unknown figure size {size!r}; choose one of: {', '.join(SIZES)} "
                "or give (width, height) in inches",
                field="size",
            )
        return size, SIZES[size]
    width, height = (float(side) for side in size)
    if not (0 < width <= 20 and 0 < height <= 20):
        raise ParameterError(f"figure size {size!r} is not in inches", field="size")
    text_scale = "single" if width < (SINGLE_COLUMN[0] + DOUBLE_COLUMN[0]) / 2 else "double"
    return text_scale, (width, height)


def _unbreakable_words(paragraph: str) -> list[str]:
    """Words to wrap, a number kept with the word after it ("$4 tn", "4 triliun")."""
    words: list[str] = []
    for word in paragraph.split(" "):
        if not word:
            continue
        if words and words[-1][-1].isdigit():
            words[-1] = f"{words[-1]} {word}"
        else:
            words.append(word)
    return words


# Hinting makes text wider at screen resolutions than on paper, so a line must fit at
# every resolution it is drawn at: 72 (PDF/SVG), 100 (notebook) and 200 (PNG) dpi.
_MEASURE_DPIS = (72, 100, 200)


@functools.cache
def _measuring_renderer(dpi: int) -> Any:
    from matplotlib.backends.backend_agg import RendererAgg

    return RendererAgg(1, 1, dpi)


@functools.lru_cache(maxsize=8192)
def _width_pt(text: str, font: FontProperties, dpi: int) -> float:
    """The text's width in points, drawn at ``dpi``. One renderer per resolution, made once
    (making one each time took most of a figure's text layout), and widths cached: footers
    and credits repeat from figure to figure."""
    width, _, _ = _measuring_renderer(dpi).get_text_width_height_descent(
        text, font, ismath=False
    )
    return width * 72 / dpi


def _text_width_pt(text: str, font: FontProperties) -> float:
    """Widest of the text's widths at the measuring resolutions."""
    return max(_width_pt(text, font, dpi) for dpi in _MEASURE_DPIS)


def _wrap(text: str, font: FontProperties, width_pt: float) -> list[str]:
    """Greedy word wrap measured with the house font, so lines fit the figure: each line takes
    the most words that fit (at least one)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        words = _unbreakable_words(paragraph)
        if not words:
            lines.append("")
        while words:
            count = _words_that_fit(words, font, width_pt)
            lines.append(" ".join(words[:count]))
            words = words[count:]
    return lines


def _words_that_fit(words: list[str], font: FontProperties, width_pt: float) -> int:
    """How many of ``words`` (at least one) fit on a line of ``width_pt``. A line's width grows
    with every word added, so this is where adding words one at a time would stop; measuring
    each longer line took most of a figure's drawing time, so the count starts from the sum of
    the words' own widths at one resolution (short, repeated from line to line) and walks to
    the exact answer, usually in two measurements of the line."""

    def fits(count: int) -> bool:
        return count == 1 or _text_width_pt(" ".join(words[:count]), font) <= width_pt

    def guess(text: str) -> float:  # one resolution: a start, not a measure to trust
        return _width_pt(text, font, _MEASURE_DPIS[0])

    space = guess("a a") - 2 * guess("a")
    count, used = 0, -space
    for word in words:
        used += space + guess(word)
        if used > width_pt:
            break
        count += 1
    count = max(count, 1)
    if fits(count):
        while count < len(words) and fits(count + 1):
            count += 1
    else:
        while not fits(count):
            count -= 1
    return count


def _place_text_block(
    fig: Figure, text: str, top_in: float, font: FontProperties, color: str
) -> float:
    """Write ``text`` left-aligned from ``top_in`` inches below the top; returns its height."""
    width_in, height_in = fig.get_size_inches()
    lines = _wrap(text, font, (width_in - 2 * _MARGIN_IN) * 72)
    fig.text(
        _MARGIN_IN / width_in,
        1 - top_in / height_in,
        "\n".join(lines),
        ha="left",
        va="top",
        fontproperties=font,
        color=color,
        linespacing=1.15,
        parse_math=False,
    )
    return len(lines) * font.get_size_in_points() * _LINE_HEIGHT / 72


def _place_footer(fig: Figure, text: str, font: FontProperties) -> float:
    width_in, height_in = fig.get_size_inches()
    lines = _wrap(text, font, (width_in - 2 * _MARGIN_IN) * 72)
    fig.text(
        _MARGIN_IN / width_in,
        _MARGIN_IN / height_in,
        "\n".join(lines),
        ha="left",
        va="bottom",
        fontproperties=font,
        color=MUTED_TEXT_COLOR,
        linespacing=1.15,
        parse_math=False,
    )
    return len(lines) * font.get_size_in_points() * _LINE_HEIGHT / 72


def footer_text(footer: str, language: str) -> str:
    """The caller's sources line followed by the project credit."""
    credit = message("made_with", language)
    return message("footer_with_credit", language, footer=footer, credit=credit)


def sources_line(sources: Sequence[str], language: str) -> str:
    """'Source: X' or 'Sources: X; Y' ('Sumber: ...') for a footer."""
    if not sources:
        raise ParameterError("a figure needs at least one source", field="sources")
    label = message("source" if len(sources) == 1 else "sources", language)
    return message("sources_line", language, label=label, sources="; ".join(sources))


class HouseFigure(Figure):
    """A figure whose first draw in a save only lays it out.

    savefig draws a figure that has a layout engine twice: once with drawing switched off,
    which runs the layout with the format's renderer, then for real. That first pass also went
    through every artist to draw nothing, about a tenth of the figures step. :func:`render_figure`
    marks the save's first draw, and in it the figure does what a draw does before its
    artists (fixed aspects, the layout engine) and stops. The real draw recomputes everything
    it draws, so the bytes are the same (tests/test_style.py compares them).
    """

    _lays_out_only = False

    @contextlib.contextmanager
    def first_draw_lays_out_only(self) -> Any:
        self._lays_out_only = self.get_layout_engine() is not None
        try:
            yield
        finally:
            self._lays_out_only = False

    def draw(self, renderer: Any) -> None:
        if not self._lays_out_only:
            super().draw(renderer)
            return
        self._lays_out_only = False
        if not self.get_visible():
            return
        with self._render_lock:
            self._get_draw_artists(renderer)  # applies fixed aspects, as Figure.draw does first
            if self.axes:
                with contextlib.suppress(ValueError):  # as Figure.draw: a figure too small
                    self.get_layout_engine().execute(self)


def new_figure_grid(
    nrows: int = 1,
    ncols: int = 1,
    size: str | tuple[float, float] = "double",
    *,
    title: str,
    subtitle: str,
    footer: str,
    language: str = "en",
    sharex: bool | str = False,
    sharey: bool | str = False,
    **subplot_kw: Any,
) -> tuple[Figure, np.ndarray]:
    """A figure with a bold, left-aligned title that states the finding, a subtitle, a
    footer (sources and the project credit) and an ``nrows`` x ``ncols`` array of axes
    laid out in the space between them."""
    import matplotlib.pyplot as plt  # pyplot-managed, so notebooks display the figure

    check_language(language)
    for name, text in (("title", title), ("subtitle", subtitle), ("footer", footer)):
        if not isinstance(text, str) or not text.strip():
            raise ParameterError(f"a figure needs a {name}", field=name)
    text_scale, (width_in, height_in) = _figure_size(size)
    title_pt, subtitle_pt, footer_pt = _TEXT_SIZES[text_scale]

    fig = plt.figure(figsize=(width_in, height_in), FigureClass=HouseFigure)
    top_in = _MARGIN_IN
    top_in += _place_text_block(
        fig,
        title,
        top_in,
        FontProperties(family=HOUSE_FONT, size=title_pt, weight="bold"),
        TEXT_COLOR,
    )
    top_in += _place_text_block(
        fig,
        subtitle,
        top_in,
        FontProperties(family=HOUSE_FONT, size=subtitle_pt),
        MUTED_TEXT_COLOR,
    )
    bottom_in = _MARGIN_IN + _place_footer(
        fig, footer_text(footer, language), FontProperties(family=HOUSE_FONT, size=footer_pt)
    )
    top_in += _GAP_IN
    bottom_in += _GAP_IN
    if top_in + bottom_in > 0.6 * height_in:
        raise ParameterError(
            "title, subtitle and footer leave too little room for the chart; "
            "shorten them or make the figure taller",
            field="size",
        )
    axes = fig.subplots(
        nrows, ncols, squeeze=False, sharex=sharex, sharey=sharey, subplot_kw=subplot_kw or None
    )
    rect = (0, bottom_in / height_in, 1, 1 - (top_in + bottom_in) / height_in)
    fig.set_layout_engine(ConstrainedLayoutEngine(rect=rect, h_pad=0.04, w_pad=0.04))
    return fig, axes


def new_figure(
    size: str | tuple[float, float] = "double",
    *,
    title: str,
    subtitle: str,
    footer: str,
    language: str = "en",
    **subplot_kw: Any,
) -> tuple[Figure, Any]:
    """One-axes :func:`new_figure_grid`: returns ``(fig, ax)``."""
    fig, axes = new_figure_grid(
        1,
        1,
        size,
        title=title,
        subtitle=subtitle,
        footer=footer,
        language=language,
        **subplot_kw,
    )
    return fig, axes[0, 0]


def finish_axes(
    ax: Any,
    xlabel: str | None = None,
    ylabel: str | None = None,
    *,
    legend: bool | None = None,
    grid_axis: Literal["x", "y", "both"] = "both",
) -> None:
    """Labels, light grid on ``grid_axis`` only, no top/right spines, frameless legend.

    ``legend=None`` draws one only if some artist has a label.
    """
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    ax.grid(False)
    ax.grid(True, axis=grid_axis, color="#E5E5E5", linewidth=0.5)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    handles, _ = ax.get_legend_handles_labels()
    if legend or (legend is None and handles):
        ax.legend(frameon=False)


# --- Axis tick formatters -----------------------------------------------------------------


def log_axis_note(language: str) -> str:
    """'log scale' / 'skala logaritmik', for an axis label."""
    return message("log_scale", language)


def axis_label(label: str, language: str, *, log: bool = False) -> str:
    """'US dollars (log scale)' when ``log``; the label unchanged otherwise."""
    check_language(language)
    if not log:
        return label
    return message("axis_with_note", language, label=label, note=log_axis_note(language))


def money_formatter(language: str) -> ticker.Formatter:
    """Ticks in US dollars: en "$4 tn", "$60 bn", "$700 m"; id "4 triliun", "60 miliar",
    "700 juta" (the Indonesian axis label carries "dolar AS")."""
    check_language(language)
    return ticker.FuncFormatter(
        lambda value, _pos=None: format_money(value, language, digits=2, style="tick")
    )


def count_formatter(language: str) -> ticker.Formatter:
    """Ticks for counts: "4,200" / "4.200", and "2 million" / "2 juta" from a million up."""
    check_language(language)
    return ticker.FuncFormatter(lambda value, _pos=None: format_amount(value, language, digits=2))


def number_formatter(language: str, digits: int = 2) -> ticker.Formatter:
    """Ticks for plain numbers such as ratios or rates: "2.5" / "2,5"."""
    check_language(language)
    return ticker.FuncFormatter(lambda value, _pos=None: format_number(value, language, digits))


def percent_formatter(
    language: str, *, data_are: Literal["fraction", "percent"] = "fraction", digits: int = 1
) -> ticker.Formatter:
    """Percent ticks. ``data_are="fraction"``: 0.25 -> "25%"; ``"percent"``: 25 -> "25%"."""
    check_language(language)
    if data_are not in ("fraction", "percent"):
        raise ParameterError(
            f"data_are must be 'fraction' or 'percent', not {data_are!r}", field="data_are"
        )
    divisor = 1 if data_are == "fraction" else 100
    return ticker.FuncFormatter(
        lambda value, _pos=None: format_percent(value / divisor, language, digits)
    )


_FORMATTERS: dict[str, Callable[[str], ticker.Formatter]] = {
    "money": money_formatter,
    "count": count_formatter,
    "number": number_formatter,
    "percent": percent_formatter,
}


def format_axis(
    ax: Any,
    which: Literal["x", "y"],
    kind: Literal["money", "count", "number", "percent"],
    language: str,
    *,
    log: bool = False,
) -> None:
    """Put house tick labels on one axis (and a log scale, with unlabelled minor ticks)."""
    if which not in ("x", "y"):
        raise ParameterError(f"which must be 'x' or 'y', not {which!r}", field="which")
    if kind not in _FORMATTERS:
        raise ParameterError(
            f"unknown axis kind {kind!r}; choose one of: {', '.join(_FORMATTERS)}", field="kind"
        )
    axis = ax.xaxis if which == "x" else ax.yaxis
    if log:
        (ax.set_xscale if which == "x" else ax.set_yscale)("log")
        axis.set_major_locator(ticker.LogLocator(base=10))
        axis.set_minor_locator(ticker.LogLocator(base=10, subs=tuple(range(2, 10))))
    axis.set_major_formatter(_FORMATTERS[kind](language))
    axis.set_minor_formatter(ticker.NullFormatter())


# --- Saving -------------------------------------------------------------------------------


def _output_paths(stem: Path | str) -> dict[str, Path]:
    stem_path = Path(stem)
    if stem_path.suffix.lower() in {f".{fmt}" for fmt in FORMATS}:
        raise ParameterError(
            f"give the figure's stem without an extension, not {str(stem)!r}", field="stem"
        )
    return {fmt: stem_path.with_name(f"{stem_path.name}.{fmt}") for fmt in FORMATS}


def render_figure(fig: Figure, fmt: str, *, dpi: int = 200) -> bytes:
    """The bytes of ``fig`` in ``fmt`` (png, svg or pdf), with fixed metadata."""
    if fmt not in SAVE_METADATA:
        raise ParameterError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    buffer = io.BytesIO()
    subsets = fontcache.cached_subsets() if fmt == "pdf" else contextlib.nullcontext()
    layout = (fig.first_draw_lays_out_only() if isinstance(fig, HouseFigure)
              else contextlib.nullcontext())
    with mpl.rc_context(_SAVE_RC), subsets, fontcache.shared_text_metrics(), layout:
        fig.savefig(
            buffer,
            format=fmt,
            dpi=dpi,
            metadata=SAVE_METADATA[fmt],
            facecolor="white",
            edgecolor="white",
        )
    return buffer.getvalue()


def _show_in_notebook(fig: Figure, png: bytes) -> None:
    """Show the PNG just rendered, at the figure's size on screen. ``display(fig)`` had the
    inline backend draw the figure a fourth time (twice, to crop it 'tight')."""
    from IPython.display import Image, display

    display(Image(data=png, format="png", width=round(fig.get_size_inches()[0] * fig.dpi)))


def save_figure(
    fig: Figure,
    stem: Path | str,
    *,
    dpi: int = 200,
    show: bool | None = None,
) -> dict[str, Path]:
    """Write ``<stem>.png`` (at ``dpi``), ``<stem>.svg`` and ``<stem>.pdf``; close ``fig``.

    All three are rendered before any is written, then published atomically (and
    staged while the runner runs). ``show=None`` displays the saved PNG when running in a
    notebook, since a closed figure is not drawn by the inline backend.
    Returns the published path of each format.
    """
    import matplotlib.pyplot as plt

    if isinstance(dpi, bool) or not isinstance(dpi, int) or not 50 <= dpi <= 1200:
        raise ParameterError(
            f"dpi must be a whole number from 50 to 1200, not {dpi!r}", field="dpi"
        )
    targets = _output_paths(stem)
    try:
        rendered = {fmt: render_figure(fig, fmt, dpi=dpi) for fmt in FORMATS}
        if show is None:
            show = _is_notebook_backend(mpl.get_backend(auto_select=False))
        if show:
            _show_in_notebook(fig, rendered["png"])
    finally:
        plt.close(fig)
    return {fmt: atomic.write_bytes(targets[fmt], rendered[fmt]) for fmt in FORMATS}
