"""Shared by every figure kind: the tables, words and numbers, hedges, names and labels
from the story's data, sources, table look-ups and drawing helpers."""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from crimefigures.analysis import ratios, reference
from crimefigures.analysis.spec import AnalysisSpec
from crimefigures.errors import InputError
from crimefigures.pipeline import paths, registry
from crimefigures.presentation import style
from crimefigures.presentation.wording import (
    format_amount,
    format_amount_interval,
    format_count,
    format_interval,
    format_number,
    format_percent,
    load_catalogue,
    message,
    money_digits,
    money_range,
    money_text,
    territory_name,
)
from crimefigures.quantities import units
from crimefigures.quantities.uncertainty import Interval, analysis_interval
from crimefigures.text import parse

HISTOGRAM_BINS = 40
WAFFLE_SIDE = 100  # squares per side: the unit chart splits one unit of the large amount
SMALL_PER_UNIT = 100  # the unit chart's unit: the power of ten the small amount covers >= 100 of
WORLD = "WLD"  # the World Bank's code for the world aggregate
FRACTION = "fraction"

# The hedges the parser can record (parse.HEDGES, parse.POST_HEDGES without their joining
# hyphen, and the range openers), each with a catalogue entry hedge_<slug>; symbols get names.
HEDGE_SYMBOLS = {"~": "tilde", "+": "plus", "approx.": "approx"}
RANGE_OPENERS = ("between", "from")
DEFAULT_HEDGE = {"upper": "up to", "lower": "more than", "approx": "about"}
ARROW_POINTS = 16.0  # length of an open-end arrow, in points, whatever the axis scale
TEXT_PT = 6.5  # value labels and table text


class NoData(Exception):  # noqa: N818 - a signal, not a failure
    """The story has no data for a figure kind; the reason goes into the manifest."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(reason)
        self.name = name
        self.reason = reason


@dataclass(frozen=True)
class Tables:
    """The processed tables the figures are drawn from, and the files they came from."""

    figures: pd.DataFrame
    ratios: pd.DataFrame
    fact_check: pd.DataFrame
    ranges: pd.DataFrame
    sources: pd.DataFrame
    reference: pd.DataFrame
    settings: ratios.Settings
    spec: AnalysisSpec
    files: dict[str, str]


TABLE_NAMES = ("figures", "ratios", "settings", "fact_check", "ranges", "sources", "reference",
               "analysis")


def load_tables(files: Mapping[str, str | Path]) -> Tables:
    """Read and validate every input of notebook 04 (``files`` maps table names to paths)."""
    read = {name: registry.read(name, path=files[name]) for name in TABLE_NAMES}
    return Tables(**{name: read[name] for name in TABLE_NAMES if name != "analysis"},
                  spec=read["analysis"],
                  files={name: paths.relative(files[name]) for name in TABLE_NAMES})


@dataclass(frozen=True)
class Chart:
    """A drawn figure with the numbers it shows and the words that go with it."""

    name: str
    figure: Figure
    data: pd.DataFrame
    title: str
    caption: str
    alt: str
    source_ids: tuple[str, ...]


def lower_first(text: str) -> str:
    """'Port fees' -> 'port fees' for running text; 'IMF GDP' stays as it is."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def per_capita_text(value: float, language: str) -> str:
    return format_number(value, language, 1)


def number_range(low: float, high: float, language: str, digits: int = 0) -> str:
    return message("plain_interval", language, low=format_number(low, language, digits),
                   high=format_number(high, language, digits))


def noun_text(noun: str | None, language: str, *, one: bool = False) -> str:
    """A counted noun as the catalogue words it ('arrests', 'penangkapan'); a noun the
    catalogue lacks is shown as the article wrote it."""
    if not isinstance(noun, str) or not noun:
        return message("noun_things", language)
    entry = load_catalogue().get(f"noun_{noun}")
    if entry is None:
        return noun
    return entry.get(f"{language}_one", entry[language]) if one else entry[language]


def parser_hedges() -> tuple[str, ...]:
    """Every hedge the parser can put in a figure's ``hedge`` field, as it records them."""
    post = [hedge.lstrip("-") for hedge in parse.POST_HEDGES]
    return tuple(dict.fromkeys([*parse.HEDGES, *post, *RANGE_OPENERS]))


def hedge_key(hedge: str) -> str:
    """The catalogue entry of a hedge: 'up to' -> 'hedge_up_to', '~' -> 'hedge_tilde'."""
    written = hedge.strip().lower()
    slug = HEDGE_SYMBOLS.get(written) or re.sub(r"[^a-z0-9]+", "_", written).strip("_")
    return f"hedge_{slug}"


def _known_hedge(written: str) -> str:
    """The hedge itself, or the first of two the parser joined ('over ... or more')."""
    if hedge_key(written) in load_catalogue():
        return written
    for hedge in sorted(parser_hedges(), key=len, reverse=True):
        if written.lower().startswith(hedge + " ") and hedge_key(hedge) in load_catalogue():
            return hedge
    raise InputError(f"the catalogue has no wording for the hedge {written!r}; add "
                     f"{hedge_key(written)} to messages.yml", field="hedge")


def hedged_text(hedge: str | None, bound: str, value: str, language: str) -> str:
    """A value with its hedge as the reader's language words it: 'up to $4 trillion',
    '1,000 or more', 'hingga 4 triliun dolar AS'. Without a hedge, the bound's own word
    ('about' for approx); an exact figure or a range opener adds nothing."""
    if bound not in parse.BOUNDS:
        raise InputError(f"unknown bound {bound!r}", field="bound")
    written = hedge.strip() if isinstance(hedge, str) and hedge.strip() else None
    if written is None:
        return message(f"bound_{bound}", language, value=value)
    return message(hedge_key(_known_hedge(written)), language, value=value)


def written_ends(bound: str, low: float, high: float, point: float) -> tuple[float, float]:
    """The figure as written: NaN marks an open end ('up to X' has no lower end)."""
    if bound in ("exact", "approx"):
        return float(point), float(point)
    if bound == "upper":
        return math.nan, float(high)
    if bound == "lower":
        return float(low), math.nan
    if bound == "range":
        return float(low), float(high)
    raise InputError(f"unknown bound {bound!r}", field="bound")


def _other_money(amount: str, code: str, language: str, money_style: str) -> str:
    """Money in a currency other than US dollars, by its ISO code: 'SGD 5.4 billion'."""
    return message("money_other_short" if money_style == "short" else "money_other", language,
                   code=code, amount=amount)


def _amount_text(value: float, unit: str, noun: str | None, language: str,
                 money_style: str = "long") -> str:
    if unit == "USD":
        return money_text(value, language, money_style)
    if units.is_currency(unit):
        amount = format_amount(value, language, digits=money_digits(value),
                               style="short" if money_style == "short" else "long")
        return _other_money(amount, unit, language, money_style)
    if unit == "percent":
        return format_percent(value / 100, language, 1)
    if unit == "count" and noun:
        return format_count(value, f"noun_{noun}", language, digits=2) if (
            f"noun_{noun}" in load_catalogue()) else message(
            "count", language, amount=format_amount(value, language, digits=2), noun=noun)
    if unit == "per_capita":
        return per_capita_text(value, language)
    if unit == "count":
        return format_amount(value, language, digits=2)
    raise InputError(f"no wording for unit {unit!r}", field="unit")


def _range_text(low: float, high: float, unit: str, noun: str | None, language: str,
                money_style: str = "long") -> str:
    if unit == "USD":
        return money_range(low, high, language, money_style)
    if units.is_currency(unit):
        style_name = "short" if money_style == "short" else "long"
        digits = max(money_digits(low), money_digits(high))
        amount = format_amount_interval(low, high, language, digits=digits, style=style_name)
        return _other_money(amount, unit, language, money_style)
    if unit == "percent":
        return format_interval(low / 100, high / 100, "percent", language, digits=1)
    if unit == "count" and noun and f"noun_{noun}" in load_catalogue():
        return format_interval(low, high, f"noun_{noun}", language, digits=2)
    if unit == "per_capita":
        return number_range(low, high, language, 1)
    text = message("plain_interval", language, low=format_amount(low, language, digits=2),
                   high=format_amount(high, language, digits=2))
    return message("count", language, amount=text, noun=noun) if unit == "count" and noun \
        else text


def figure_phrase(bound: str, low: float, high: float, hedge: str | None, unit: str,
                  noun: str | None, language: str, money_style: str = "long") -> str:
    """A figure as written, from its written ends: 'up to $4 trillion', 'hingga 4 triliun
    dolar AS', 'about 20–30%'. ``unit`` is USD, percent, count or per_capita; ``money_style``
    "short" gives chart labels ('up to $4 tn', 'hingga US$4 T')."""
    noun = noun if isinstance(noun, str) and noun else None
    if bound == "range":
        text = _range_text(low, high, unit, noun, language, money_style)
        if isinstance(hedge, str) and hedge.strip().lower() not in ("", *RANGE_OPENERS):
            return hedged_text(hedge, bound, text, language)
        return text
    value = high if bound == "upper" else low
    text = _amount_text(value, unit, noun, language, money_style)
    return hedged_text(hedge, bound, text, language)


def _wrap(text: str, width: int) -> str:
    return textwrap.fill(text, width, break_long_words=False)


def area_name(tables: Tables, code: str, language: str) -> str:
    """A country or aggregate as the reference table names it (English), or as CLDR names it
    in the reader's language, falling back to the reference table's name."""
    names = tables.reference.loc[tables.reference["area_code"] == code, "area_name"]
    english = str(names.iloc[0]) if len(names) else code
    return english if language == "en" else territory_name(code, language, english)


def story_label(tables: Tables, key: str, language: str, fallback: str) -> str:
    """A label only the story can give (what a claim measures, what a ratio divides): the
    story's ``analysis.yml`` ``figures.labels[key]``, else ``fallback`` (built from the data)."""
    words = tables.spec.figures.labels.get(key)
    return words.get(language) if words is not None else fallback


def measure_label(tables: Tables, measure: str, language: str) -> str:
    """What a claim measures ('figures.labels.measure_<measure>'); else the measure id read
    as words."""
    return story_label(tables, f"measure_{measure}", language,
                       measure.replace("_", " ").strip().capitalize())


def _term_label(tables: Tables, term: str, language: str) -> str:
    kind, _, area = term.partition(":")
    if not area:
        return measure_label(tables, claim_row(tables, term)["measure"], language)
    if kind != "pop" and area == WORLD:
        return message("term_gdp_world", language)
    key = "term_population" if kind == "pop" else "term_gdp"
    return message(key, language, area=area_name(tables, area, language))


def ratio_label(tables: Tables, ratio_id: str, language: str) -> str:
    """What a ratio divides ('figures.labels.ratio_<id>'); else its terms, 'A ÷ B'."""
    spec = tables.spec.ratio(ratio_id)
    top = " × ".join(_term_label(tables, t, language) for t in spec.numerator)
    if spec.denominator:
        bottom = " + ".join(_term_label(tables, t, language) for t in spec.denominator)
        top = message("divided_by", language, top=top, bottom=bottom)
    return story_label(tables, f"ratio_{ratio_id}", language, top)


def chart_title(tables: Tables, name: str, computed: str, language: str) -> str:
    """The computed title (its first letter a capital), unless the story's
    ``figures.titles[name]`` words it."""
    words = tables.spec.figures.titles.get(name)
    if words is not None:
        return words.get(language)
    return computed[:1].upper() + computed[1:]


def chart_caption(tables: Tables, name: str, computed: str, language: str) -> str:
    """The computed caption, followed by the story's ``figures.captions[name]`` if any."""
    words = tables.spec.figures.captions.get(name)
    return f"{computed} {words.get(language)}" if words is not None else computed


def article_source_id(tables: Tables) -> str:
    ids = tables.sources.loc[tables.sources["kind"] == "article", "source_id"].tolist()
    if len(ids) != 1:
        raise InputError(f"expected one source of kind 'article', found {len(ids)}",
                         file=tables.files["sources"], field="kind")
    return ids[0]


def reference_source_id(tables: Tables, source: str, vintage: str) -> str:
    """The sources.csv row that cites a reference series (IMF WEO vintage or World Bank)."""
    wanted = "world_bank_wdi" if source == reference.WORLD_BANK else (
        f"imf_weo_{vintage.replace('-', '_')}")
    if wanted not in set(tables.sources["source_id"]):
        raise InputError(f"no source {wanted!r} to cite {source} {vintage}",
                         file=tables.files["sources"], field="source_id")
    return wanted


def publishers(tables: Tables, source_ids: Sequence[str]) -> list[str]:
    """Publisher names for a footer, in order, each once."""
    by_id = tables.sources.set_index("source_id")["publisher"]
    missing = [s for s in source_ids if s not in by_id.index]
    if missing:
        raise InputError(f"source {missing[0]!r} is not in sources.csv",
                         file=tables.files["sources"], field="source_id")
    return list(dict.fromkeys(by_id[s] for s in source_ids))


def footer(tables: Tables, source_ids: Sequence[str], language: str) -> str:
    return style.sources_line(publishers(tables, source_ids), language)


def ratio_row(tables: Tables, ratio_id: str) -> pd.Series:
    return _only_row(tables, "ratios", "ratio_id", ratio_id, f"ratio {ratio_id!r} is missing")


def claim_row(tables: Tables, claim_id: str) -> pd.Series:
    return _only_row(tables, "figures", "claim_id", claim_id, f"claim {claim_id!r} is missing")


def check_row(tables: Tables, claim_id: str) -> pd.Series:
    return _only_row(tables, "fact_check", "claim_id", claim_id,
                     f"claim {claim_id!r} has no fact-check row")


def _only_row(tables: Tables, table: str, column: str, value: str, missing: str) -> pd.Series:
    frame = getattr(tables, table)
    rows = frame[frame[column] == value]
    if rows.empty:
        raise InputError(missing, file=tables.files[table], field=column)
    return rows.iloc[0]


def source_figure(tables: Tables, check: pd.Series) -> parse.Figure:
    """The primary source's figure as written, read from its text; its hedge must be the
    one fact_check.csv records."""
    figure = parse.parse_figure(check["source_figure_text"])
    if figure.bound != check["source_bound"]:
        raise InputError(f"source text {check['source_figure_text']!r} reads as "
                         f"{figure.bound}, not {check['source_bound']}",
                         file=tables.files["fact_check"], field="source_bound")
    return figure


def _text(value: object) -> str:
    """A text cell, empty when missing (pandas reads an empty cell as NaN)."""
    return value if isinstance(value, str) else ""


def _nan(value: float | None) -> float:
    return math.nan if value is None else float(value)


def _terms(expression: str) -> list[str]:
    return [term.strip() for term in re.split(r"[*+]", expression)]


def _key_parts(key: str) -> list[str]:
    """'gdp_current_usd:FRA:imf_weo:2024-10:2024' -> its five parts."""
    parts = key.split(":")
    if len(parts) != 5:
        raise InputError(f"{key!r} is not a reference key", field="denominator")
    return parts


def _open_end_arrow(ax, x: float, y: float, direction: int, color: str) -> None:
    """An arrow from x towards the open side, a fixed length on any axis scale."""
    ax.annotate("", xy=(x, y), xytext=(direction * ARROW_POINTS, 0), textcoords="offset points",
                arrowprops={"arrowstyle": "<|-", "color": color, "lw": 1.2, "shrinkA": 0,
                            "shrinkB": 0, "mutation_scale": 7})


def draw_written(ax, y: float, bound: str, low: float, high: float, color: str) -> float:
    """Draw a figure as written; returns the offset (points) after which a label fits."""
    if bound == "exact":
        ax.plot([low], [y], "o", color=color, ms=4.5, zorder=3)
        return 5.0
    if bound == "approx":
        ax.plot([low], [y], "o", mfc="white", mec=color, mew=1.2, ms=4.5, zorder=3)
        return 5.0
    if bound == "range":
        ax.plot([low, high], [y, y], color=color, lw=3.5, solid_capstyle="butt", zorder=3)
        return 4.0
    value, direction = (high, -1) if bound == "upper" else (low, 1)
    ax.plot([value], [y], "|", color=color, ms=7, mew=1.6, zorder=3)
    _open_end_arrow(ax, value, y, direction, color)
    return 5.0 if direction < 0 else ARROW_POINTS + 3.0


def _label(ax, x: float, y: float, text: str, color: str, offset: float = 5.0,
           side: str = "right") -> None:
    sign = 1 if side == "right" else -1
    ax.annotate(text, xy=(x, y), xytext=(sign * offset, 0), textcoords="offset points",
                ha="left" if side == "right" else "right", va="center", fontsize=TEXT_PT,
                color=color)


def _written_right_end(bound: str, low: float, high: float) -> float:
    return low if bound in ("exact", "approx", "lower") else high


def _hedge_legend(language: str) -> list[Line2D]:
    return [
        Line2D([], [], color=style.PALETTE["article"], lw=3,
               label=message("legend_article", language)),
        Line2D([], [], color=style.PALETTE["source"], lw=3,
               label=message("legend_source", language)),
    ]


def _phrase_of(row: pd.Series, unit: str, language: str, money_style: str = "long") -> str:
    return figure_phrase(row["bound"], row["low"], row["high"], row["hedge"], unit, None,
                         language, money_style)


def _is_claim(term: str) -> bool:
    return ":" not in term


def _gdp_areas(terms: Sequence[str]) -> list[str] | None:
    """The areas of GDP terms ('gdp:FRA', 'gdp_imf:FRA'), or None if any term is not GDP."""
    parts = [t.partition(":") for t in terms]
    if not parts or any(kind not in ("gdp", "gdp_imf") for kind, _, _ in parts):
        return None
    return [area for _, _, area in parts]


def headline_shares(tables: Tables) -> tuple[str, ...]:
    """The story's headline ratios that are fractions, in the order analysis.yml gives."""
    units = tables.ratios.set_index("ratio_id")["unit"]
    return tuple(r for r in tables.spec.headlines if r in units.index
                 and units[r] == "fraction")


def tornado_choice(tables: Tables) -> str | None:
    """analysis.yml's figures.tornado_ratio; by default the first headline ratio that has
    sensitivity rows, else the first ratio that has."""
    swept = set(tables.ranges["ratio_id"])
    if tables.spec.figures.tornado_ratio:
        return tables.spec.figures.tornado_ratio
    return next((r for r in (*tables.spec.headlines, *tables.ratios["ratio_id"]) if r in swept),
                None)


def _ratio_source_ids(tables: Tables, ratio_ids: Sequence[str]) -> tuple[str, ...]:
    """The article plus every reference series the ratios divide by."""
    ids = [article_source_id(tables)]
    for ratio_id in ratio_ids:
        row = ratio_row(tables, ratio_id)
        for term in (*_terms(row["numerator"]), *_terms(row["denominator"])):
            if ":" in term:
                _, _, source, vintage, _ = _key_parts(term)
                ids.append(reference_source_id(tables, source, vintage))
    return tuple(dict.fromkeys(ids))


def _claim_interval(tables: Tables, claim_id: str) -> Interval:
    """The claim's analysis interval, as the ratios use it (the fact check's columns read an
    exact figure with its written precision, which is for comparing with a source)."""
    claim = claim_row(tables, claim_id)
    return analysis_interval(claim["bound"], claim["low"], claim["high"], claim["point"],
                             _text(claim["hedge"]) or None, tables.settings.hedges)


def _usd_claims(tables: Tables) -> set[str]:
    return set(tables.figures.loc[tables.figures["unit"] == "USD", "claim_id"])


def _rgb(hex_colour: str) -> np.ndarray:
    value = hex_colour.lstrip("#")
    return np.array([int(value[i:i + 2], 16) / 255 for i in (0, 2, 4)])


def _luminance(hex_colour: str) -> float:
    """WCAG 2 relative luminance."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
              for c in _rgb(hex_colour)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _text_colour(hex_colour: str) -> str:
    """White or house-black text, whichever contrasts more with the background."""
    background = _luminance(hex_colour) + 0.05
    on_white = 1.05 / background
    on_black = background / (_luminance(style.TEXT_COLOR) + 0.05)
    return "#FFFFFF" if on_white > on_black else style.TEXT_COLOR


def _verdict_chip(ax, y: float, verdict: str, language: str) -> None:
    """The verdict at the right edge of a row, in its palette colour."""
    colour = style.PALETTE[verdict]
    ax.text(0.995, y, message(f"verdict_{verdict}", language), transform=ax.get_yaxis_transform(),
            ha="right", va="center", fontsize=TEXT_PT - 0.5, color=_text_colour(colour),
            bbox={"boxstyle": "round,pad=0.3", "fc": colour, "ec": "none"}, zorder=4)
