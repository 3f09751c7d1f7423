"""The project's charts, drawn in the house style (crimefigures.style).

Each publication chart is built in two steps: a ``*_table`` function turns the
processed tables into exactly the numbers the chart draws (published beside it as a
CSV), and the chart function draws only from that table and returns a :class:`Chart`
holding the figure, the table, a title that states the finding, a caption and alt
text, all computed from the data and worded through the message catalogue, in
English or Indonesian. :mod:`crimefigures.publish` saves them with their provenance.

Nothing here names a story: which ratios and claims each figure kind draws comes from
the story's ``analysis.yml`` (``figures:``, ``headlines``, ``yardsticks``) or, where a
choice is absent, from the data (see each kind's ``*_ratios``/``*_choice`` function);
country names come from the reference table (Indonesian from CLDR), publishers from
sources.csv and attributions from the claims. A kind the story has no data for raises
:class:`NoData`, which :class:`crimefigures.publish.Publication` records as skipped.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import babel.dates
import numpy as np
import pandas as pd
from matplotlib import ticker
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch, Patch, Rectangle

from crimefigures import factcheck, ledger, parse, paths, ranges, ratios, reference, style, units
from crimefigures.analysis_spec import AnalysisSpec, load_spec
from crimefigures.errors import InputError, ParameterError
from crimefigures.i18n import (
    BABEL_LOCALES,
    format_amount,
    format_amount_interval,
    format_count,
    format_interval,
    format_money,
    format_number,
    format_percent,
    load_catalogue,
    message,
    territory_name,
)
from crimefigures.uncertainty import DrawBank, Interval, summarise

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


# --- Inputs and results ---------------------------------------------------------------------


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
    return Tables(
        figures=ledger.read_figures(files["figures"]),
        ratios=ratios.read_ratios(files["ratios"]),
        fact_check=factcheck.read_comparison(files["fact_check"]),
        ranges=ranges.read_table(files["ranges"]),
        sources=ledger.read_sources(files["sources"]),
        reference=reference.load_reference(files["reference"]),
        settings=ratios.read_settings(files["settings"]),
        spec=load_spec(files["analysis"]),
        files={name: paths.relative(files[name]) for name in TABLE_NAMES},
    )


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


# --- Words and numbers ----------------------------------------------------------------------


def join_words(items: Sequence[str], language: str) -> str:
    """'a', 'a and b', 'a, b and c' ('a, b dan c')."""
    if len(items) == 1:
        return items[0]
    head = message("list_separator", language).join(items[:-1])
    return message("list_and", language, head=head, last=items[-1])


def items_text(items: Sequence[str], language: str) -> str:
    return message("item_separator", language).join(items)


def lower_first(text: str) -> str:
    """'Port fees' -> 'port fees' for running text; 'IMF GDP' stays as it is."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def percent_digits(value: float) -> int:
    """Decimals that give a share two significant figures: 63%, 2.3%, 0.015%."""
    percent = abs(float(value)) * 100
    if percent == 0:
        return 0
    return max(0, 1 - math.floor(math.log10(percent)))


def percent_text(value: float, language: str) -> str:
    return format_percent(value, language, percent_digits(value))


def percent_range(low: float, high: float, language: str) -> str:
    """'63–95%'; a single share when both ends round alike."""
    digits = percent_digits(min(abs(low), abs(high)) or high)
    if format_percent(low, language, digits) == format_percent(high, language, digits):
        return format_percent(low, language, digits)
    return format_interval(low, high, "percent", language, digits=digits)


def number_digits(value: float) -> int:
    """Decimals that give a plain number two significant figures (none from 10 up)."""
    magnitude = abs(float(value))
    return 0 if magnitude == 0 or magnitude >= 10 else min(10, 1 - math.floor(
        math.log10(magnitude)))


def value_text(value: float, unit: str, language: str) -> str:
    """A ratio's value: a share as a percentage, anything else as a plain number."""
    if unit == FRACTION:
        return percent_text(value, language)
    return format_amount(value, language, digits=number_digits(value))


def value_range(low: float, high: float, unit: str, language: str) -> str:
    if unit == FRACTION:
        return percent_range(low, high, language)
    digits = number_digits(min(abs(low), abs(high)) or high)
    if format_number(low, language, digits) == format_number(high, language, digits):
        return format_amount(low, language, digits=digits)
    return message("plain_interval", language, low=format_amount(low, language, digits=digits),
                   high=format_amount(high, language, digits=digits))


def money_digits(value: float) -> int:
    """Decimals that give a dollar amount three significant figures within its scale word."""
    magnitude = abs(float(value))
    if magnitude < 1e6:
        return 0
    mantissa = magnitude / 10 ** (3 * math.floor(math.log10(magnitude) / 3))
    return 2 if mantissa < 10 else 1 if mantissa < 100 else 0


def money_text(value: float, language: str, style_name: str = "long") -> str:
    return format_money(value, language, digits=money_digits(value), style=style_name)


def money_range(low: float, high: float, language: str, style_name: str = "long") -> str:
    if low == high:
        return money_text(low, language, style_name)
    digits = max(money_digits(low), money_digits(high))
    return format_interval(low, high, "usd", language, digits=digits, style=style_name)


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


# --- Hedges: every word the parser can record has wording in both languages -----------------


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


def vintage_label(vintage: str, language: str) -> str:
    """'2024-10' -> 'Oct 2024' / 'Okt 2024' (babel's month names)."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", vintage)
    if match is None:
        raise InputError(f"IMF vintage {vintage!r} is not YYYY-MM", field="weo_vintage")
    month = date(int(match[1]), int(match[2]), 1)
    return babel.dates.format_date(month, "MMM y", locale=BABEL_LOCALES[language])


def _wrap(text: str, width: int) -> str:
    return textwrap.fill(text, width, break_long_words=False)


# --- Names and labels from the story's data ------------------------------------------------


def area_name(tables: Tables, code: str, language: str) -> str:
    """A country or aggregate as the reference table names it (English), or as CLDR names it
    in the reader's language, falling back to the reference table's name."""
    names = tables.reference.loc[tables.reference["area_code"] == code, "area_name"]
    english = str(names.iloc[0]) if len(names) else code
    return english if language == "en" else territory_name(code, language, english)


def story_label(tables: Tables, key: str, language: str, fallback: str) -> str:
    """A label only the story can give (what a claim measures, what a ratio divides): the
    story's ``analysis.yml`` ``figures.titles[key]``, else a catalogue entry of that key,
    else ``fallback`` (built from the data)."""
    words = tables.spec.figures.titles.get(key)
    if words is not None:
        return words.get(language)
    if key in load_catalogue():
        return message(key, language)
    return fallback


def measure_label(tables: Tables, measure: str, language: str) -> str:
    """What a claim measures ('figures.titles.measure_<measure>'); else the measure id read
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
    """What a ratio divides ('figures.titles.ratio_<id>'); else its terms, 'A ÷ B'."""
    spec = tables.spec.ratio(ratio_id)
    top = " × ".join(_term_label(tables, t, language) for t in spec.numerator)
    if spec.denominator:
        bottom = " + ".join(_term_label(tables, t, language) for t in spec.denominator)
        top = message("ratio_of", language, top=top, bottom=bottom)
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
# --- Sources --------------------------------------------------------------------------------


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


# --- Table look-ups ------------------------------------------------------------------------


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


# --- Drawing helpers -----------------------------------------------------------------------


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




# --- Figure 1: every money claim beside its source ---------------------------------------


def money_claims_table(tables: Tables) -> pd.DataFrame:
    """Each US-dollar claim as written in the article and in its primary source."""
    money = tables.figures[tables.figures["unit"] == "USD"]
    if money.empty:
        raise NoData("fig1_money_claims", "the story has no US-dollar claims")
    article_id = article_source_id(tables)
    rows = []
    for claim in money.itertuples():
        check = check_row(tables, claim.claim_id)
        written = source_figure(tables, check)
        if written.unit != "USD":
            raise InputError(f"the source of {claim.claim_id} is in {written.unit}, not USD",
                             file=tables.files["fact_check"], field="source_figure_text")
        common = {"claim_id": claim.claim_id, "measure": claim.measure,
                  "verdict": check["verdict"], "verdict_basis": check["verdict_basis"]}
        low, high = written_ends(claim.bound, claim.low, claim.high, claim.point)
        rows.append({**common, "side": "article", "source_id": article_id,
                     "bound": claim.bound, "hedge": _text(claim.hedge), "low": low, "high": high})
        low, high = written_ends(written.bound, _nan(written.low), _nan(written.high),
                                 _nan(written.point))
        rows.append({**common, "side": "source", "source_id": check["source_id"],
                     "bound": written.bound, "hedge": written.hedge or "", "low": low,
                     "high": high})
    table = pd.DataFrame(rows)
    size = table[table["side"] == "article"].set_index("claim_id")[["low", "high"]].max(axis=1)
    order = size.sort_values(ascending=False, kind="mergesort").index
    table["order"] = table["claim_id"].map({c: i for i, c in enumerate(order)})
    table = table.sort_values(["order", "side"], kind="mergesort").reset_index(drop=True)
    return table[["order", "claim_id", "measure", "side", "source_id", "bound", "hedge", "low",
                  "high", "verdict", "verdict_basis"]]


def numbers_match(verdict: str, basis: str) -> bool:
    """The article's number agrees with the source's (any departure is in the wording)."""
    return verdict == "consistent" or basis == "wording"


def _phrase_of(row: pd.Series, unit: str, language: str, money_style: str = "long") -> str:
    return figure_phrase(row["bound"], row["low"], row["high"], row["hedge"], unit, None,
                         language, money_style)


def money_claims(tables: Tables, *, language: str) -> Chart:
    name = "fig1_money_claims"
    data = money_claims_table(tables)
    claims = data[data["side"] == "article"]
    n = len(claims)
    matched = sum(numbers_match(r.verdict, r.verdict_basis) for r in claims.itertuples())
    reworded = int((claims["verdict_basis"] == "wording").sum())
    title = (message("fig1_title_all", language, n=n) if matched == n
             else message("fig1_title_some", language, matched=matched, n=n))
    if reworded:
        title = message("fig1_title_reworded", language, title=title, reworded=reworded)
    title = chart_title(tables, name, title, language)
    values = pd.concat([data["low"], data["high"]]).dropna()
    low_text, high_text = (money_text(values.min(), language),
                           money_text(values.max(), language))
    subtitle = message("fig1_subtitle", language, low=low_text, high=high_text)
    source_ids = tuple(dict.fromkeys(data["source_id"]))
    fig, ax = style.new_figure((7.2, 4.8), title=title, subtitle=subtitle,
                               footer=footer(tables, source_ids, language), language=language)
    for row in data.itertuples():
        y = row.order + (-0.18 if row.side == "article" else 0.18)
        color = style.PALETTE[row.side]
        offset = draw_written(ax, y, row.bound, row.low, row.high, color)
        _label(ax, _written_right_end(row.bound, row.low, row.high), y,
               _phrase_of(data.loc[row.Index], "USD", language, "short"), color, offset)
    for row in claims.itertuples():
        _verdict_chip(ax, row.order, row.verdict, language)
    ax.set_yticks(range(n), [_wrap(measure_label(tables, m, language), 34)
                             for m in claims["measure"]])
    ax.set_ylim(n - 0.4, -0.6)
    ax.set_xlim(values.min() / 4, values.max() * 400)
    style.format_axis(ax, "x", "money", language, log=True)
    # Ticks stop a decade above the largest figure; the space beyond holds the verdicts.
    ax.set_xticks([10.0 ** k for k in range(math.ceil(math.log10(values.min() / 4)),
                                            math.ceil(math.log10(values.max())) + 1)])
    style.finish_axes(ax, style.axis_label(message("us_dollars", language), language, log=True),
                      None, legend=False, grid_axis="x")
    ax.legend(handles=_hedge_legend(language), loc="lower center", frameon=False)
    items = [message("alt_article_source", language, label=measure_label(tables, m, language),
                     article=_phrase_of(a, "USD", language), source=_phrase_of(s, "USD", language))
             for m, a, s in _pairs(data)]
    alt = message("fig1_alt", language, n=n, matched=matched, items=items_text(items, language))
    caption = message("fig1_caption", language, n=n, low=low_text, high=high_text)
    if reworded:
        caption += " " + message("fig1_caption_reworded", language, n=n, reworded=reworded)
    caption = chart_caption(tables, name, caption, language)
    return Chart(name, fig, data, title, caption, alt, source_ids)


def _pairs(data: pd.DataFrame) -> list[tuple[str, pd.Series, pd.Series]]:
    """(measure, article row, source row) per claim, in drawing order."""
    out = []
    for _, group in data.groupby("order", sort=True):
        article = group[group["side"] == "article"].iloc[0]
        source = group[group["side"] == "source"].iloc[0]
        out.append((article["measure"], article, source))
    return out


# --- Figure 2: amounts against yardsticks (GDP) ------------------------------------------


def _is_claim(term: str) -> bool:
    return ":" not in term


def _gdp_areas(terms: Sequence[str]) -> list[str] | None:
    """The areas of GDP terms ('gdp:FRA', 'gdp_imf:FRA'), or None if any term is not GDP."""
    parts = [t.partition(":") for t in terms]
    if not parts or any(kind not in ("gdp", "gdp_imf") for kind, _, _ in parts):
        return None
    return [area for _, _, area in parts]


def yardstick_ratios(tables: Tables) -> tuple[str, ...]:
    """analysis.yml's figures.yardstick_ratios; by default every computed ratio of one claim
    over GDP."""
    chosen = tables.spec.figures.yardstick_ratios
    if chosen:
        return tuple(chosen)
    computed = set(tables.ratios["ratio_id"])
    return tuple(s.id for s in tables.spec.ratios if s.id in computed and len(s.numerator) == 1
                 and _is_claim(s.numerator[0]) and _gdp_areas(s.denominator) is not None)


def yardstick_areas(tables: Tables, ratio_ids: Sequence[str]) -> tuple[str, ...]:
    """analysis.yml's yardsticks; by default the world and the areas the ratios divide by."""
    if tables.spec.yardsticks:
        return tuple(tables.spec.yardsticks)
    areas = [a for r in ratio_ids for a in _gdp_areas(tables.spec.ratio(r).denominator) or []]
    return tuple(dict.fromkeys([WORLD, *areas]))


def yardstick_amounts(tables: Tables, ratio_ids: Sequence[str]) -> tuple[str, ...]:
    """The US-dollar claims the yardstick ratios divide, each once, in order."""
    usd = set(tables.figures.loc[tables.figures["unit"] == "USD", "claim_id"])
    claims = [t for r in ratio_ids for t in tables.spec.ratio(r).numerator if t in usd]
    return tuple(dict.fromkeys(claims))


def latest_world_bank_year(tables: Tables, areas: Sequence[str], up_to: int) -> int:
    """The newest World Bank GDP year, no later than ``up_to``, that every area has."""
    rows = tables.reference[(tables.reference["indicator"] == reference.GDP)
                            & (tables.reference["source"] == reference.WORLD_BANK)
                            & (tables.reference["year"] <= up_to)]
    years = [y for y, g in rows.groupby("year") if set(areas) <= set(g["area_code"])]
    if not years:
        raise InputError(f"no World Bank GDP year up to {up_to} covers {', '.join(areas)}",
                         file=tables.files["reference"], field="year")
    return int(max(years))


def flows_vs_gdp_table(tables: Tables) -> pd.DataFrame:
    """The story's amounts (as written) and GDP of its yardstick economies from both
    publishers (the IMF release and year notebook 02 ran with; the World Bank's latest)."""
    ratio_ids = yardstick_ratios(tables)
    amounts = yardstick_amounts(tables, ratio_ids)
    if not amounts:
        raise NoData("fig2_flows_vs_gdp", "no ratio divides a US-dollar claim by GDP "
                     "(analysis.yml figures.yardstick_ratios)")
    rows = []
    for claim_id in amounts:
        claim = claim_row(tables, claim_id)
        low, high = written_ends(claim["bound"], claim["low"], claim["high"], claim["point"])
        rows.append({"series": "amount", "key": claim_id, "source": "article",
                     "vintage": "", "year": 0, "bound": claim["bound"],
                     "hedge": _text(claim["hedge"]), "low": low, "high": high})
    vintage, imf_year = tables.settings.weo_vintage, int(tables.settings.gdp_year)
    areas = yardstick_areas(tables, ratio_ids)
    wb_year = latest_world_bank_year(tables, areas, imf_year)
    for area in areas:
        for source, wanted_vintage, year in ((reference.IMF_WEO, vintage, imf_year),
                                             (reference.WORLD_BANK, None, wb_year)):
            value = reference.gdp(area, source=source, vintage=wanted_vintage, year=year,
                                  reference=tables.reference)
            rows.append({"series": "gdp", "key": area, "source": source,
                         "vintage": value.vintage, "year": year, "bound": "exact", "hedge": "",
                         "low": value.value, "high": value.value})
    return pd.DataFrame(rows)


def _areas_text(tables: Tables, areas: Sequence[str], language: str) -> str:
    return join_words([area_name(tables, a, language) for a in areas], language)


def _gdp_share(tables: Tables, ratio_id: str, language: str) -> str:
    """'40–60% of the GDP of <area>' / '1.5–2.5% of world GDP'."""
    row = ratio_row(tables, ratio_id)
    areas = _gdp_areas(tables.spec.ratio(ratio_id).denominator) or []
    share = percent_range(row["low"], row["high"], language)
    if areas == [WORLD]:
        return message("fig2_share_world", language, share=share)
    return message("fig2_share", language, share=share,
                   area=_areas_text(tables, areas, language))


def headline_gdp_shares(tables: Tables, ratio_ids: Sequence[str]) -> list[str]:
    """The first yardstick ratio and, if there is one, the same claim over world GDP."""
    first = tables.spec.ratio(ratio_ids[0])
    shares = [first.id]
    for spec in tables.spec.ratios:
        if (spec.numerator == first.numerator and spec.id != first.id
                and _gdp_areas(spec.denominator) == [WORLD]
                and spec.id in set(tables.ratios["ratio_id"])
                and _gdp_areas(first.denominator) != [WORLD]):
            shares.append(spec.id)
            break
    return shares


def flows_vs_gdp(tables: Tables, *, language: str) -> Chart:
    name = "fig2_flows_vs_gdp"
    data = flows_vs_gdp_table(tables)
    ratio_ids = yardstick_ratios(tables)
    claims = data[data["series"] != "gdp"].reset_index(drop=True)
    first = claims.iloc[0]
    amount = figure_phrase(first["bound"], first["low"], first["high"], first["hedge"], "USD",
                           None, language)
    shares = join_words([_gdp_share(tables, r, language)
                         for r in headline_gdp_shares(tables, ratio_ids)], language)
    finding = message("fig2_title", language, amount=amount, shares=shares)
    title = chart_title(tables, name, finding, language)
    gdp = data[data["series"] == "gdp"]
    imf = gdp[gdp["source"] == reference.IMF_WEO].set_index("key")
    wb = gdp[gdp["source"] == reference.WORLD_BANK].set_index("key")
    areas = list(imf["low"].sort_values(ascending=False, kind="mergesort").index)
    vintage, imf_year = imf["vintage"].iloc[0], int(imf["year"].iloc[0])
    wb_year = int(wb["year"].iloc[0])
    source_ids = (article_source_id(tables), reference_source_id(tables, "imf_weo", vintage),
                  reference_source_id(tables, "world_bank", ""))
    fig, ax = style.new_figure((7.2, 4.8), title=title,
                               subtitle=message("fig2_subtitle", language),
                               footer=footer(tables, source_ids, language), language=language)
    handles = []
    if np.isfinite(first["low"]) and np.isfinite(first["high"]) and first["low"] < first["high"]:
        band = message("fig2_band", language,
                       range=money_range(first["low"], first["high"], language))
        ax.axvspan(first["low"], first["high"], color=style.PALETTE["highlight"], alpha=0.35,
                   lw=0, zorder=0, label=band)
        handles.append(Patch(color=style.PALETTE["highlight"], alpha=0.35, label=band))
    labels = []
    amount_items = []
    for y, row in claims.iterrows():
        offset = draw_written(ax, y, row["bound"], row["low"], row["high"],
                              style.PALETTE["flows"])
        _label(ax, _written_right_end(row["bound"], row["low"], row["high"]), y,
               _phrase_of(row, "USD", language), style.PALETTE["flows"], offset)
        label = measure_label(tables, claim_row(tables, row["key"])["measure"], language)
        labels.append(label)
        amount_items.append(message("alt_amount_item", language, label=label,
                                    value=_phrase_of(row, "USD", language)))
    for y, area in enumerate(areas, start=len(claims)):
        ax.plot([imf.loc[area, "low"]], [y - 0.12], "o", ms=4.5, color=style.PALETTE["imf"])
        ax.plot([wb.loc[area, "low"]], [y + 0.12], "D", ms=3.8,
                color=style.PALETTE["world_bank"])
        _label(ax, max(imf.loc[area, "low"], wb.loc[area, "low"]), y,
               money_text(imf.loc[area, "low"], language, "short"), style.MUTED_TEXT_COLOR, 6.0)
        labels.append(message("gdp_of", language, area=area_name(tables, area, language)))
    ax.set_yticks(range(len(labels)), [_wrap(label, 30) for label in labels])
    ax.set_ylim(len(labels) - 0.5, -0.6)
    ax.axhline(len(claims) - 0.5, color="#CCCCCC", lw=0.6)
    values = pd.concat([data["low"], data["high"]]).dropna()
    ax.set_xlim(values.min() / 3, values.max() * 4)
    style.format_axis(ax, "x", "money", language, log=True)
    style.finish_axes(ax, style.axis_label(message("us_dollars", language), language, log=True),
                      None, legend=False, grid_axis="x")
    handles = [
        Line2D([], [], ls="", marker="o", ms=4.5, color=style.PALETTE["imf"],
               label=message("legend_imf", language, vintage=vintage_label(vintage, language),
                             year=imf_year)),
        Line2D([], [], ls="", marker="D", ms=3.8, color=style.PALETTE["world_bank"],
               label=message("legend_world_bank", language, year=wb_year)),
        *handles,
    ]
    ax.legend(handles=handles, loc="lower right", frameon=True, framealpha=0.9,
              edgecolor="none")
    gap = (imf["low"] / wb["low"]).apply(lambda r: max(r, 1 / r))
    apart = gap.idxmax()
    all_shares = items_text([message(
        "alt_amount_item", language, value=_gdp_share(tables, r, language),
        label=measure_label(tables, claim_row(tables, tables.spec.ratio(r).numerator[0])[
            "measure"], language)) for r in ratio_ids], language)
    caption = message(
        "fig2_caption", language, amounts=items_text(amount_items, language),
        vintage=vintage_label(vintage, language), imf_year=imf_year, wb_year=wb_year,
        most_apart=area_name(tables, apart, language),
        apart=percent_text(gap[apart] - 1, language), shares=all_shares,
        spread=format_number(values.max() / values.min(), language, 0))
    items = [message("alt_gdp_item", language, area=area_name(tables, a, language),
                     imf=money_text(imf.loc[a, "low"], language),
                     wb=money_text(wb.loc[a, "low"], language)) for a in areas]
    alt = message("fig2_alt", language, amounts=items_text(amount_items, language),
                  items=items_text(items, language), finding=finding)
    caption = chart_caption(tables, name, caption, language)
    return Chart(name, fig, data, title, caption, alt, source_ids)


# --- Figure 3: Monte Carlo distributions of the headline shares -------------------------


def headline_shares(tables: Tables) -> tuple[str, ...]:
    """The story's headline ratios that are fractions, in the order analysis.yml gives."""
    units = tables.ratios.set_index("ratio_id")["unit"]
    return tuple(r for r in tables.spec.headlines if r in units.index
                 and units[r] == "fraction")


def _check_recomputed(tables: Tables, ratio_id: str, recomputed: dict[str, float]) -> None:
    index = int(tables.ratios.index[tables.ratios["ratio_id"] == ratio_id][0])
    recorded = tables.ratios.loc[index]
    for column, value in recomputed.items():
        if not math.isclose(value, float(recorded[column]), rel_tol=1e-9, abs_tol=1e-15):
            raise InputError(
                f"{ratio_id}: redrawn {column} is {value!r}, ratios.csv has "
                f"{float(recorded[column])!r}; ratios.csv was made with other settings than "
                "these (check the hedge constants against notebook 02's)",
                file=tables.files["ratios"], row=index + 2, field=column)


def redraw_ratios(tables: Tables, ratio_ids: Sequence[str],
                  draws: int | None = None) -> dict[str, np.ndarray]:
    """Monte Carlo samples of each ratio, redrawn with the settings recorded in ratios.csv.

    With the recorded number of draws, the exact interval and the percentiles must equal
    ratios.csv's, or this raises. ``draws`` (fewer, for quick checks) skips the percentile
    check but not the interval check.
    """
    settings = tables.settings
    specs = tuple(s for s in tables.spec.ratios if s.ratio_id in ratio_ids)
    missing = sorted(set(ratio_ids) - {s.ratio_id for s in specs})
    if missing:
        raise InputError(f"ratio {missing[0]!r} is not one the story's analysis declares",
                         file=tables.files["analysis"], field="ratios")
    terms = ratios.resolve_terms(specs, tables.figures, settings, tables.reference)
    bank = DrawBank(settings.seed, draws or settings.draws, settings.distribution)
    samples = {}
    for spec in specs:
        exact = ratios.ratio_interval(spec, terms)
        values = ratios.ratio_samples(spec, terms, bank.draws_for)
        recomputed = {"low": exact.low, "high": exact.high}
        if draws is None or draws == settings.draws:
            summary = summarise(values)
            recomputed.update({k: summary[k] for k in ("mc_p05", "mc_p50", "mc_p95")})
        _check_recomputed(tables, spec.ratio_id, recomputed)
        samples[spec.ratio_id] = values
    return {ratio_id: samples[ratio_id] for ratio_id in ratio_ids}


def _row(ratio_id: str, element: str, start: float, end: float, share: float) -> dict:
    return {"ratio_id": ratio_id, "element": element, "x_start": float(start),
            "x_end": float(end), "share": float(share)}


def ratio_distributions_table(tables: Tables, samples: dict[str, np.ndarray],
                              bins: int = HISTOGRAM_BINS) -> pd.DataFrame:
    """Histogram bins (share of all draws) and the marks drawn on each panel."""
    rows = []
    for ratio_id, values in samples.items():
        recorded = ratio_row(tables, ratio_id)
        low, high = float(recorded["low"]), float(recorded["high"])
        p05, p50, p95 = np.percentile(values, [5, 50, 95])
        if low == high:
            rows.append(_row(ratio_id, "point", low, high, 1.0))
            continue
        span = (min(low, float(np.percentile(values, 0.1))),
                max(high, float(np.percentile(values, 99.9))))
        counts, edges = np.histogram(values, bins=bins, range=span)
        rows += [_row(ratio_id, "bin", a, b, c / values.size)
                 for a, b, c in zip(edges[:-1], edges[1:], counts, strict=True)]
        rows += [_row(ratio_id, "exact", low, high, math.nan),
                 _row(ratio_id, "p05", p05, p05, math.nan),
                 _row(ratio_id, "p50", p50, p50, math.nan),
                 _row(ratio_id, "p95", p95, p95, math.nan)]
    return pd.DataFrame(rows, columns=["ratio_id", "element", "x_start", "x_end", "share"])


def _draw_distribution(ax, rows: pd.DataFrame, language: str) -> None:
    marks = rows.set_index("element")
    if "point" in marks.index:
        value = marks.loc["point", "x_start"]
        ax.axvline(value, color=style.PALETTE["flows"], lw=2)
        ax.text(0.03, 0.9, message("fig3_exact_only", language,
                                   value=percent_text(value, language)),
                transform=ax.transAxes, va="top", fontsize=TEXT_PT, color=style.TEXT_COLOR)
        ax.set_xlim(value * 0.8, value * 1.2)
        ax.set_yticks([])
        ax.xaxis.set_major_formatter(style.percent_formatter(
            language, digits=percent_digits(value * 0.05)))
        return
    bins = rows[rows["element"] == "bin"]
    top = bins["share"].max()
    ax.stairs(bins["share"].to_numpy(), [*bins["x_start"], bins["x_end"].iloc[-1]], fill=True,
              color=style.PALETTE["flows"], alpha=0.8, zorder=2)
    ax.axvline(marks.loc["p50", "x_start"], color=style.TEXT_COLOR, lw=1.2, zorder=3)
    for mark in ("p05", "p95"):
        ax.axvline(marks.loc[mark, "x_start"], color=style.TEXT_COLOR, lw=0.8, ls="--", zorder=3)
    exact_low, exact_high = marks.loc["exact", ["x_start", "x_end"]]
    ax.annotate("", xy=(exact_low, top * 1.2), xytext=(exact_high, top * 1.2),
                arrowprops={"arrowstyle": "|-|,widthA=0.2,widthB=0.2", "color": style.TEXT_COLOR,
                            "lw": 0.8, "shrinkA": 0, "shrinkB": 0})
    ax.text((exact_low + exact_high) / 2, top * 1.24, message("exact_bracket", language),
            ha="center", va="bottom", fontsize=TEXT_PT - 1, color=style.MUTED_TEXT_COLOR,
            zorder=4, bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none"})
    start, end = bins["x_start"].iloc[0], bins["x_end"].iloc[-1]
    pad = (end - start) * 0.06
    ax.set_xlim(start - pad, end + pad)
    ax.set_ylim(0, top * 1.5)
    ax.xaxis.set_major_locator(ticker.MaxNLocator(5, steps=[1, 2, 2.5, 5, 10]))
    ax.xaxis.set_major_formatter(style.percent_formatter(
        language, digits=percent_digits((end - start) / 5)))
    ax.yaxis.set_major_locator(ticker.MaxNLocator(3))
    ax.yaxis.set_major_formatter(style.percent_formatter(language, digits=1))




def distribution_ratios(tables: Tables) -> tuple[str, ...]:
    """analysis.yml's figures.distribution_ratios; by default the headline shares."""
    return tuple(tables.spec.figures.distribution_ratios) or headline_shares(tables)


def tornado_choice(tables: Tables) -> str | None:
    """analysis.yml's figures.tornado_ratio; by default the first headline ratio that has
    sensitivity rows, else the first ratio that has."""
    swept = set(tables.ranges["ratio_id"])
    if tables.spec.figures.tornado_ratio:
        return tables.spec.figures.tornado_ratio
    return next((r for r in (*tables.spec.headlines, *tables.ratios["ratio_id"]) if r in swept),
                None)


def ratio_distributions(tables: Tables, *, language: str, draws: int | None = None) -> Chart:
    name = "fig3_ratio_distributions"
    ratio_ids = distribution_ratios(tables)
    if not ratio_ids:
        raise NoData(name, "the story has no headline ratio that is a share "
                     "(analysis.yml headlines or figures.distribution_ratios)")
    samples = redraw_ratios(tables, ratio_ids, draws)
    data = ratio_distributions_table(tables, samples)
    settings = tables.settings
    main = tornado_choice(tables)
    main = main if main in ratio_ids else ratio_ids[0]
    row = ratio_row(tables, main)
    title = chart_title(tables, name, message(
        "fig3_title", language, label=ratio_label(tables, main, language),
        range=percent_range(row["mc_p05"], row["mc_p95"], language)), language)
    distribution = message(f"distribution_{settings.distribution}", language)
    n_draws = format_number(draws or settings.draws, language)
    subtitle = message("fig3_subtitle", language, draws=n_draws, distribution=distribution)
    source_ids = _ratio_source_ids(tables, ratio_ids)
    ncols = 1 if len(ratio_ids) == 1 else 2
    nrows = math.ceil(len(ratio_ids) / ncols)
    fig, axes = style.new_figure_grid(nrows, ncols, (7.2, 1.55 * nrows + 1.9), title=title,
                                      subtitle=subtitle,
                                      footer=footer(tables, source_ids, language),
                                      language=language)
    for index, (ax, ratio_id) in enumerate(zip(axes.flat, ratio_ids, strict=False)):
        _draw_distribution(ax, data[data["ratio_id"] == ratio_id], language)
        ax.set_title(_wrap(ratio_label(tables, ratio_id, language), 52), fontsize=7,
                     loc="left")
        ylabel = message("share_of_draws", language) if index % ncols == 0 else None
        style.finish_axes(ax, message("fig3_xlabel", language), ylabel, legend=False,
                          grid_axis="x")
        ax.tick_params(labelsize=6.5)
        ax.xaxis.label.set_size(7)
        ax.yaxis.label.set_size(7)
    for ax in list(axes.flat)[len(ratio_ids):]:
        ax.set_visible(False)
    items = [_ratio_alt_item(tables, r, language) for r in ratio_ids]
    alt = message("fig3_alt", language, n=len(ratio_ids), items=items_text(items, language))
    caption = message("fig3_caption", language, draws=n_draws, distribution=distribution,
                      seed=settings.seed)
    medians = [abs(float(ratio_row(tables, r)["mc_p50"])) for r in ratio_ids]
    medians = [m for m in medians if m > 0]
    if len(medians) > 1 and max(medians) / min(medians) >= 10:
        caption += " " + message("fig3_caption_scales", language,
                                 spread=format_number(max(medians) / min(medians), language))
    caption = chart_caption(tables, name, caption, language)
    return Chart(name, fig, data, title, caption, alt, source_ids)


def _ratio_alt_item(tables: Tables, ratio_id: str, language: str) -> str:
    row = ratio_row(tables, ratio_id)
    return message("alt_ratio_item", language, label=ratio_label(tables, ratio_id, language),
                   exact=percent_range(row["low"], row["high"], language),
                   median=percent_text(row["mc_p50"], language),
                   middle=percent_range(row["mc_p05"], row["mc_p95"], language))


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


# --- Figure 4: a small amount against a large one, at an honest scale --------------------


def _claim_interval(tables: Tables, claim_id: str) -> Interval:
    check = check_row(tables, claim_id)
    return Interval(float(check["article_low"]), float(check["article_high"]))


def _usd_claims(tables: Tables) -> set[str]:
    return set(tables.figures.loc[tables.figures["unit"] == "USD", "claim_id"])


def small_large_choice(tables: Tables) -> tuple[str, str, str | None]:
    """(small claim, large claim, count claim or None): analysis.yml's figures.small_amount,
    large_amount and per_count; by default the headline share of one US-dollar claim over
    another with the smallest upper end under 1%, and no count."""
    choices = tables.spec.figures
    if choices.small_amount and choices.large_amount:
        return choices.small_amount, choices.large_amount, choices.per_count
    usd = _usd_claims(tables)
    candidates = []
    for ratio_id in tables.spec.headlines:
        spec = tables.spec.ratio(ratio_id)
        if (spec.unit == FRACTION and len(spec.numerator) == 1 and len(spec.denominator) == 1
                and spec.numerator[0] in usd and spec.denominator[0] in usd
                and ratio_id in set(tables.ratios["ratio_id"])):
            high = float(ratio_row(tables, ratio_id)["high"])
            if high < 0.01:
                candidates.append((high, spec.numerator[0], spec.denominator[0]))
    if not candidates:
        raise NoData("fig4_enforcement_vs_scale", "no small US-dollar amount to set against a "
                     "large one (analysis.yml figures.small_amount and large_amount)")
    _, small, large = min(candidates)
    return small, large, None


def _quotient(tables: Tables, top: str, bottom: str) -> tuple[str, float, float]:
    """top / bottom as the ratio analysis.yml declares for it, or from the claims' intervals."""
    for spec in tables.spec.ratios:
        if (spec.numerator == [top] and spec.denominator == [bottom] and spec.scale == 1
                and spec.id in set(tables.ratios["ratio_id"])):
            row = ratio_row(tables, spec.id)
            return spec.id, float(row["low"]), float(row["high"])
    value = _claim_interval(tables, top) / _claim_interval(tables, bottom)
    return f"{top} / {bottom}", value.low, value.high


def unit_for(share_low: float) -> float:
    """The unit chart's unit: the smallest power of ten of which the small amount's share is
    at least SMALL_PER_UNIT dollars (a share of 0.01% gives $1 million, where it is $100)."""
    if not share_low > 0:
        return 1.0
    return 10.0 ** max(0, math.ceil(math.log10(SMALL_PER_UNIT / share_low) - 1e-9))


def enforcement_table(tables: Tables) -> pd.DataFrame:
    """The large amount, the small one and (given a count) each per counted thing, on one money
    scale, then the small amount per unit of the large and the unit chart's squares."""
    small_id, large_id, count_id = small_large_choice(tables)
    usd = _usd_claims(tables)
    for claim_id in (small_id, large_id):
        if claim_id not in usd:
            raise InputError(f"{claim_id} is not a US-dollar claim", file=tables.files["analysis"],
                             field="figures.small_amount/large_amount")
    share_from, share_low, share_high = _quotient(tables, small_id, large_id)
    if share_low > 1:
        raise NoData("fig4_enforcement_vs_scale",
                     f"{small_id} is not smaller than {large_id}")
    large, small = _claim_interval(tables, large_id), _claim_interval(tables, small_id)
    unit = unit_for(share_low)
    cells = WAFFLE_SIDE * WAFFLE_SIDE
    rows = [("large", large_id, large.low, large.high)]
    if count_id:
        per_count = large / _claim_interval(tables, count_id)
        rows.append(("large_per_count", f"{large_id} / {count_id}", per_count.low,
                     per_count.high))
    rows.append(("small", small_id, small.low, small.high))
    if count_id:
        rows.append(("small_per_count", *_quotient(tables, small_id, count_id)))
    rows += [("small_per_unit", share_from, share_low * unit, share_high * unit),
             ("small_squares", share_from, share_low * cells, share_high * cells)]
    return pd.DataFrame(rows, columns=["element", "from", "low", "high"])


def _rgb(hex_colour: str) -> np.ndarray:
    value = hex_colour.lstrip("#")
    return np.array([int(value[i:i + 2], 16) / 255 for i in (0, 2, 4)])


_AMOUNT_ROWS = (("large", "flows"), ("large_per_count", "flows"), ("small", "enforcement"),
                ("small_per_count", "enforcement"))


def _draw_amounts(ax, data: pd.DataFrame, labels: Mapping[str, str], language: str) -> None:
    shown = [(element, colour) for element, colour in _AMOUNT_ROWS if element in data.index]
    for y, (element, colour_key) in enumerate(shown):
        low, high = data.loc[element, ["low", "high"]]
        bound = "exact" if low == high else "range"
        offset = draw_written(ax, y, bound, low, high, style.PALETTE[colour_key])
        _label(ax, high, y, money_range(low, high, language), style.PALETTE[colour_key], offset)
    ax.set_yticks(range(len(shown)), [_wrap(labels[element], 24) for element, _ in shown])
    ax.set_ylim(len(shown) - 0.5, -0.5)
    amounts = data.loc[[element for element, _ in shown], ["low", "high"]]
    ax.set_xlim(amounts.min().min() / 4, amounts.max().max() * 40)
    style.format_axis(ax, "x", "money", language, log=True)
    # A tick every thousandfold, so each one takes a scale word and none overlap.
    low, high = ax.get_xlim()
    ax.set_xticks([10.0 ** k for k in range(3 * math.ceil(math.log10(low) / 3),
                                            math.floor(math.log10(high)) + 1, 3)])
    style.finish_axes(ax, style.axis_label(message("us_dollars", language), language, log=True),
                      None, legend=False, grid_axis="x")


def _draw_waffle(ax, data: pd.DataFrame, squares: str, label: str, language: str) -> None:
    """WAFFLE_SIDE x WAFFLE_SIDE squares, filled row by row: the small amount's squares solid
    for the certain part and pale for the part the hedges leave open, the rest grey."""
    low, high = data.loc["small_squares", ["low", "high"]]
    ax.add_patch(Rectangle((0, 0), WAFFLE_SIDE, WAFFLE_SIDE, fc="#DBDBDB", ec="none"))
    for line in range(10, WAFFLE_SIDE, 10):
        ax.axhline(line, color="white", lw=0.7)
        ax.axvline(line, color="white", lw=0.7)
    solid = style.PALETTE["enforcement"]
    for index in range(math.ceil(high)):
        row, column = divmod(index, WAFFLE_SIDE)
        for width, alpha in ((min(max(high - index, 0), 1), 0.4),
                             (min(max(low - index, 0), 1), 1.0)):
            if width > 0:
                ax.add_patch(Rectangle((column, row), width, 1, fc=solid, alpha=alpha,
                                       ec="none"))
    ax.annotate(message("fig4_waffle_small", language, squares=squares),
                xy=(min(high, WAFFLE_SIDE) / 2, 0.6), xytext=(14, 24), textcoords="data",
                fontsize=TEXT_PT + 0.5, color=style.TEXT_COLOR, va="center",
                bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": "none"},
                arrowprops={"arrowstyle": "-|>", "color": solid, "lw": 1.0, "mutation_scale": 7,
                            "shrinkA": 2, "shrinkB": 3})
    ax.set_xlim(0, WAFFLE_SIDE)
    ax.set_ylim(WAFFLE_SIDE, 0)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xlabel(_wrap(label, 50), fontsize=7)


def enforcement_vs_scale(tables: Tables, *, language: str) -> Chart:
    name = "fig4_enforcement_vs_scale"
    data = enforcement_table(tables)
    rows = data.set_index("element")
    small_id, large_id, count_id = small_large_choice(tables)
    small_label = measure_label(tables, claim_row(tables, small_id)["measure"], language)
    large_label = measure_label(tables, claim_row(tables, large_id)["measure"], language)
    small_lower, large_lower = lower_first(small_label), lower_first(large_label)
    _, share_low, share_high = _quotient(tables, small_id, large_id)
    unit_value = unit_for(share_low)
    unit = money_text(unit_value, language)
    cells = WAFFLE_SIDE * WAFFLE_SIDE
    cell_value = money_text(unit_value / cells, language)
    per_unit = money_range(*rows.loc["small_per_unit", ["low", "high"]], language)
    squares = message("fig4_squares", language,
                      low=format_number(rows.loc["small_squares", "low"], language, 1),
                      high=format_number(rows.loc["small_squares", "high"], language, 1))
    title = chart_title(tables, name, message("fig4_title", language, small=small_label,
                                              value=per_unit, unit=unit, large=large_lower),
                        language)
    subtitle = message("fig4_subtitle", language, unit=unit, large=large_lower, cell=cell_value,
                       small=small_lower, squares=squares)
    labels = {"large": large_label, "small": small_label}
    if count_id:
        count = claim_row(tables, count_id)
        noun = noun_text(count["noun"], language, one=True)
        count_text = figure_phrase(count["bound"], *written_ends(
            count["bound"], count["low"], count["high"], count["point"]), count["hedge"],
            count["unit"], count["noun"], language)
        per_count = money_range(*rows.loc["large_per_count", ["low", "high"]], language)
        subtitle += " " + message("fig4_subtitle_count", language, count=count_text, noun=noun,
                                  per_count=per_count, large=large_lower)
        labels["large_per_count"] = message("fig4_row_per", language, label=large_label,
                                            noun=noun)
        labels["small_per_count"] = message("fig4_row_per", language, label=small_label,
                                            noun=noun)
    small_check, large_check = check_row(tables, small_id), check_row(tables, large_id)
    source_ids = tuple(dict.fromkeys((article_source_id(tables), small_check["source_id"])))
    fig, axes = style.new_figure_grid(1, 2, (7.2, 4.4), title=title, subtitle=subtitle,
                                      footer=footer(tables, source_ids, language),
                                      language=language)
    _draw_amounts(axes[0, 0], rows, labels, language)
    waffle_label = message("fig4_waffle_label", language, unit=unit, large=large_lower,
                           cells=format_number(cells, language), cell=cell_value,
                           block=money_text(unit_value / 100, language))
    _draw_waffle(axes[0, 1], rows, squares, waffle_label, language)
    gap = number_range(1 / share_high, 1 / share_low, language)
    caption = message("fig4_caption", language, gap=gap, unit=unit,
                      cells=format_number(cells, language), cell=cell_value, squares=squares,
                      small=small_lower, large=large_lower, small_label=small_label,
                      small_verdict=message(f"verdict_{small_check['verdict']}", language),
                      large_verdict=message(f"verdict_{large_check['verdict']}", language))
    amounts = [message("alt_amount_item", language, label=labels[element],
                       value=money_range(*rows.loc[element, ["low", "high"]], language))
               for element, _ in _AMOUNT_ROWS if element in rows.index]
    alt = message("fig4_alt", language, amounts=items_text(amounts, language),
                  cells=format_number(cells, language), unit=unit, squares=squares,
                  large=large_lower, small=small_lower, value=per_unit)
    caption = chart_caption(tables, name, caption, language)
    return Chart(name, fig, data, title, caption, alt, source_ids)


# --- Figure 5: per-capita rates ------------------------------------------------------------


def per_capita_ratios(tables: Tables) -> tuple[str, ...]:
    """analysis.yml's figures.per_capita_ratios; by default every computed per-capita ratio of
    one claim over one population, at the first one's scale."""
    computed = set(tables.ratios["ratio_id"])
    chosen = tables.spec.figures.per_capita_ratios or [
        s.id for s in tables.spec.ratios if s.unit == "per_capita" and s.id in computed
        and len(s.numerator) == 1 and _is_claim(s.numerator[0]) and len(s.denominator) == 1
        and s.denominator[0].startswith("pop:")]
    if not chosen:
        return ()
    scale = tables.spec.ratio(chosen[0]).scale
    return tuple(r for r in chosen if tables.spec.ratio(r).scale == scale)


def victims_table(tables: Tables) -> pd.DataFrame:
    """Each per-capita ratio's claim as the article and its primary source write it, as
    written and as analysis intervals, in people and per ``scale`` inhabitants (the columns
    say per_1000 whatever the story's scale; ``scale`` gives it)."""
    ratio_ids = per_capita_ratios(tables)
    if not ratio_ids:
        raise NoData("fig5_victims_per_1000", "the story has no per-capita ratio of one claim "
                     "over a population (analysis.yml figures.per_capita_ratios)")
    rows = []
    for ratio_id in ratio_ids:
        ratio = ratio_row(tables, ratio_id)
        scale = tables.spec.ratio(ratio_id).scale
        claim = claim_row(tables, ratio["numerator"])
        _, area, _, _, year = _key_parts(ratio["denominator"])
        population = reference.population(area, year=int(year), reference=tables.reference)
        check = check_row(tables, claim["claim_id"])
        written = source_figure(tables, check)
        sides = (
            ("article", claim["bound"], _text(claim["hedge"]),
             written_ends(claim["bound"], claim["low"], claim["high"], claim["point"]),
             (check["article_low"], check["article_high"])),
            ("source", written.bound, written.hedge or "",
             written_ends(written.bound, _nan(written.low), _nan(written.high),
                          _nan(written.point)),
             (check["source_low"], check["source_high"])),
        )
        per = scale / population.value
        for side, bound, hedge, (low, high), (a_low, a_high) in sides:
            rows.append({
                "area_code": area, "claim_id": claim["claim_id"], "side": side,
                "bound": bound, "hedge": hedge, "population": population.value,
                "population_year": population.year, "written_low": low, "written_high": high,
                "written_low_per_1000": low * per, "written_high_per_1000": high * per,
                "analysis_low_per_1000": a_low * per, "analysis_high_per_1000": a_high * per,
            })
    return pd.DataFrame(rows)


def _victim_phrase(row: pd.Series, language: str, *, per_capita: bool) -> str:
    suffix = "_per_1000" if per_capita else ""
    return figure_phrase(row["bound"], row[f"written_low{suffix}"],
                         row[f"written_high{suffix}"], row["hedge"],
                         "per_capita" if per_capita else "count", None, language)


def victims_per_1000(tables: Tables, *, language: str) -> Chart:
    name = "fig5_victims_per_1000"
    data = victims_table(tables)
    scale = tables.spec.ratio(per_capita_ratios(tables)[0]).scale
    per = format_number(scale, language)
    keys = list(dict.fromkeys(zip(data["area_code"], data["claim_id"], strict=True)))
    by_side = {(r["area_code"], r["claim_id"], r["side"]): r for _, r in data.iterrows()}
    names = {a: area_name(tables, a, language) for a in dict.fromkeys(data["area_code"])}
    claims = {c: claim_row(tables, c) for _, c in keys}
    who = {c: _text(claims[c]["attributed_to"]) or message("primary_source", language)
           for _, c in keys}
    items = [message("fig5_area_value", language, area=names[a],
                     value=_victim_phrase(by_side[a, c, "source"], language, per_capita=True))
             for a, c in keys]
    attributed = join_words(list(dict.fromkeys(who.values())), language)
    title = chart_title(tables, name, message("fig5_title", language, who=attributed, per=per,
                                              items=join_words(items, language)), language)
    shifts = []
    for area, claim_id in keys:
        article, source = by_side[area, claim_id, "article"], by_side[area, claim_id, "source"]
        quoted = {side: message("quoted", language,
                                text=_victim_phrase(row, language, per_capita=False))
                  for side, row in (("article", article), ("source", source))}
        same = (article["bound"], article["hedge"]) == (source["bound"], source["hedge"])
        key = "fig5_same" if same else "fig5_shift"
        shifts.append(message(key, language, area=names[area], who=who[claim_id], **(
            {"source": quoted["source"]} if same else quoted)))
    subtitle = message("fig5_subtitle", language, shifts=items_text(shifts, language))
    check_sources = [check_row(tables, c)["source_id"] for c in data["claim_id"]]
    source_ids = tuple(dict.fromkeys([
        article_source_id(tables), *check_sources,
        reference_source_id(tables, reference.WORLD_BANK, "")]))
    fig, ax = style.new_figure((7.2, 3.9), title=title, subtitle=subtitle,
                               footer=footer(tables, source_ids, language), language=language)
    labels = []
    for y, row in data.iterrows():
        colour = style.PALETTE[row["side"]]
        ax.plot([row["analysis_low_per_1000"], row["analysis_high_per_1000"]], [y, y],
                color=colour, alpha=0.22, lw=9, solid_capstyle="butt", zorder=1)
        offset = draw_written(ax, y, row["bound"], row["written_low_per_1000"],
                              row["written_high_per_1000"], colour)
        _label(ax, _written_right_end(row["bound"], row["written_low_per_1000"],
                                      row["written_high_per_1000"]), y,
               _victim_phrase(row, language, per_capita=True), colour, offset)
        side = (message("article", language) if row["side"] == "article"
                else who[row["claim_id"]])
        labels.append(message("fig5_row", language, area=names[row["area_code"]], who=side))
    ax.set_yticks(range(len(labels)), labels)
    ax.set_ylim(len(labels) - 0.5, -0.6)
    for boundary in range(2, len(labels), 2):
        ax.axhline(boundary - 0.5, color="#CCCCCC", lw=0.6)
    high = data[["analysis_high_per_1000", "written_low_per_1000",
                 "written_high_per_1000"]].max().max()
    ax.set_xlim(0, high * 1.3)
    style.format_axis(ax, "x", "number", language)
    what = noun_text(claims[keys[0][1]]["noun"], language)
    xlabel = message("fig5_xlabel", language, what=what, per=per)
    style.finish_axes(ax, xlabel, None, legend=False, grid_axis="x")
    handles = [*_hedge_legend(language),
               Patch(color=style.PALETTE["neutral"], alpha=0.3,
                     label=message("legend_analysis", language))]
    ax.legend(handles=handles, loc="lower right", frameon=True, framealpha=0.9,
              edgecolor="none")
    year = int(data["population_year"].iloc[0])
    caption = message("fig5_caption", language, year=year,
                      areas=join_words(list(names.values()), language),
                      publishers=join_words(publishers(tables, check_sources), language))
    alt_items = [message(
        "alt_victims_item", language, area=names[a], who=who[c],
        article=message("per_value", language, per=per, value=_victim_phrase(
            by_side[a, c, "article"], language, per_capita=True)),
        population=format_count(by_side[a, c, "article"]["population"], "noun_people",
                                language),
        source=message("per_value", language, per=per, value=_victim_phrase(
            by_side[a, c, "source"], language, per_capita=True)))
        for a, c in keys]
    alt = message("fig5_alt", language, what=what, per=per,
                  items=items_text(alt_items, language))
    caption = chart_caption(tables, name, caption, language)
    return Chart(name, fig, data, title, caption, alt, source_ids)


# --- Figure 6: sensitivity tornado ---------------------------------------------------------


def tornado_table(tables: Tables, ratio_id: str | None = None) -> pd.DataFrame:
    """One row per factor (largest swing first) and a baseline row with the exact interval."""
    ratio_id = ratio_id or tornado_choice(tables)
    rows = tables.ranges[tables.ranges["ratio_id"] == ratio_id] if ratio_id else \
        tables.ranges.iloc[0:0]
    if rows.empty:
        raise NoData("fig6_sensitivity_tornado", "ranges.csv has no sensitivity rows for "
                     f"{'the tornado ratio ' + ratio_id if ratio_id else 'any ratio'}")
    factors = rows[["factor", "min_p50", "max_p50", "setting_at_min", "setting_at_max",
                    "min_low", "max_high", "swing"]].reset_index(drop=True)
    ratio = ratio_row(tables, ratio_id)
    baseline = pd.DataFrame([{
        "factor": "baseline", "min_p50": ratio["mc_p50"], "max_p50": ratio["mc_p50"],
        "setting_at_min": "", "setting_at_max": "", "min_low": ratio["low"],
        "max_high": ratio["high"], "swing": 0.0}])
    return pd.concat([baseline, factors], ignore_index=True).assign(ratio_id=ratio_id)


_HEDGE_SETTING = re.compile(r"^([a-z_]+)=([0-9.]+)$")
_GDP_SETTING = re.compile(r"^(imf_weo) (\d{4}-\d{2}) (\d{4})$|^(world_bank) (\d{4})$")


def setting_label(factor: str, setting: str, language: str, *, file: str = "") -> str:
    """A tornado bar end's setting for a reader: 'IMF Oct 2024, 2023', 'lognormal', '0.05'."""
    if factor == "distribution":
        return message(f"distribution_{setting}", language).split(" (")[0]
    gdp = _GDP_SETTING.match(setting)
    if factor == "gdp_source_vintage_year" and gdp:
        if gdp[1]:
            return message("setting_imf_weo", language, vintage=vintage_label(gdp[2], language),
                           year=gdp[3])
        return message("setting_world_bank", language, year=gdp[5])
    hedge = _HEDGE_SETTING.match(setting)
    if hedge and hedge[1] == factor:
        return format_number(float(hedge[2]), language, 2)
    raise InputError(f"cannot read setting {setting!r} of factor {factor!r}", file=file or None,
                     field="setting_at_min")




def sensitivity_tornado(tables: Tables, *, language: str) -> Chart:
    name = "fig6_sensitivity_tornado"
    data = tornado_table(tables)
    ratio_id = data["ratio_id"].iloc[0]
    unit = str(ratio_row(tables, ratio_id)["unit"])
    label = ratio_label(tables, ratio_id, language)
    baseline = data.iloc[0]
    factors = data.iloc[1:].reset_index(drop=True)
    span = value_range(factors["min_p50"].min(), factors["max_p50"].max(), unit, language)
    title = chart_title(tables, name, message("fig6_title", language, label=lower_first(label),
                                              range=span), language)
    base_text = value_text(baseline["min_p50"], unit, language)
    subtitle = message("fig6_subtitle", language, label=label, baseline=base_text)
    ratio = ratio_row(tables, ratio_id)
    source_ids = _ratio_source_ids(tables, [ratio_id])
    fig, ax = style.new_figure((7.2, 3.9), title=title, subtitle=subtitle,
                               footer=footer(tables, source_ids, language), language=language)
    labels = []
    for y, row in factors.iterrows():
        ax.plot([row["min_low"], row["max_high"]], [y, y], color=style.PALETTE["neutral"],
                alpha=0.25, lw=11, solid_capstyle="butt", zorder=1)
        labels.append(_wrap(message(f"factor_{row['factor']}", language), 26))
        if row["swing"] == 0:
            ax.plot([row["min_p50"]], [y], "o", ms=3.5, color=style.PALETTE["flows"], zorder=3)
            _label(ax, row["min_p50"], y, message("no_effect", language),
                   style.MUTED_TEXT_COLOR, 5)
            continue
        ax.plot([row["min_p50"], row["max_p50"]], [y, y], color=style.PALETTE["flows"], lw=11,
                solid_capstyle="butt", zorder=2)
        for end, side in (("min", "left"), ("max", "right")):
            _label(ax, row[f"{end}_p50"], y,
                   setting_label(row["factor"], row[f"setting_at_{end}"], language,
                                 file=tables.files["ranges"]),
                   style.TEXT_COLOR, 4, side)
    ax.axvline(baseline["min_p50"], color=style.TEXT_COLOR, lw=0.9, ls="--", zorder=4)
    ax.text(baseline["min_p50"], -0.78, message("baseline_value", language, value=base_text),
            ha="center", va="center", fontsize=TEXT_PT, color=style.TEXT_COLOR, zorder=5,
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none"})
    ax.set_yticks(range(len(labels)), labels)
    ax.set_ylim(len(labels) - 0.5, -1.0)
    low, high = factors["min_low"].min(), factors["max_high"].max()
    ax.set_xlim(low - (high - low) * 0.05, high + (high - low) * 0.05)
    if unit == FRACTION:
        style.format_axis(ax, "x", "percent", language)
        ax.xaxis.set_major_formatter(style.percent_formatter(language, digits=0))
    else:
        style.format_axis(ax, "x", "number", language)
    style.finish_axes(ax, _wrap(label, 90), None, legend=False, grid_axis="x")
    exact = value_range(ratio["low"], ratio["high"], unit, language)
    moving = factors[factors["swing"] > 0]
    top = moving.iloc[0] if len(moving) else factors.iloc[0]
    inputs = []
    for term in tables.spec.ratio(ratio_id).numerator + tables.spec.ratio(ratio_id).denominator:
        if _is_claim(term):
            claim = claim_row(tables, term)
            inputs.append(figure_phrase(claim["bound"], *written_ends(
                claim["bound"], claim["low"], claim["high"], claim["point"]), claim["hedge"],
                claim["unit"], claim["noun"], language))
    caption = message("fig6_caption", language,
                      top=message("quoted", language,
                                  text=message(f"factor_{top['factor']}", language)),
                      exact=exact, inputs=join_words(inputs, language) if inputs else exact)
    items = [message("alt_factor_none", language, factor=message(f"factor_{r.factor}", language))
             if r.swing == 0 else
             message("alt_factor_item", language, factor=message(f"factor_{r.factor}", language),
                     low=value_text(r.min_p50, unit, language),
                     high=value_text(r.max_p50, unit, language))
             for r in factors.itertuples()]
    alt = message("fig6_alt", language, label=lower_first(label), exact=exact,
                  baseline=base_text, range=span, items=items_text(items, language))
    caption = chart_caption(tables, name, caption, language)
    return Chart(name, fig, data, title, caption, alt, source_ids)


# --- Figure 7: the fact-check scoreboard ---------------------------------------------------


def scoreboard_table(tables: Tables, language: str) -> pd.DataFrame:
    """Every claim: what it measures, the article's and the source's figure, the verdict."""
    if tables.figures.empty:
        raise NoData("fig7_fact_check_scoreboard", "the story has no claims")
    rows = []
    for claim in tables.figures.itertuples():
        check = check_row(tables, claim.claim_id)
        written = source_figure(tables, check)
        a_low, a_high = written_ends(claim.bound, claim.low, claim.high, claim.point)
        s_low, s_high = written_ends(written.bound, _nan(written.low), _nan(written.high),
                                     _nan(written.point))
        rows.append({
            "claim_id": claim.claim_id, "measure": claim.measure,
            "article_figure": figure_phrase(claim.bound, a_low, a_high, claim.hedge, claim.unit,
                                            claim.noun, language),
            "source_figure": figure_phrase(written.bound, s_low, s_high, written.hedge,
                                           written.unit, written.noun, language),
            "source_publisher": check["source_publisher"], "source_id": check["source_id"],
            "verdict": check["verdict"], "verdict_basis": check["verdict_basis"],
        })
    return pd.DataFrame(rows)


def _verdict_counts(data: pd.DataFrame, language: str) -> tuple[int, str]:
    """How many are consistent, and the rest counted by verdict ('3 scope changed, ...')."""
    counts = data["verdict"].value_counts(sort=False)
    others = [(v, int(counts[v])) for v in style.VERDICTS if v in counts and v != "consistent"]
    others.sort(key=lambda item: -item[1])
    text = join_words([message("fig7_count", language, count=n,
                               verdict=message(f"verdict_{v}", language)) for v, n in others],
                      language) if others else ""
    return int(counts.get("consistent", 0)), text


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


_COLUMNS = (("col_claim", 0.0, 44), ("col_article", 0.37, 28), ("col_source", 0.585, 30),
            ("col_verdict", 0.82, 0))


def _draw_scoreboard(ax, data: pd.DataFrame, labels: Sequence[str], language: str) -> None:
    ax.set_xlim(0, 1)
    ax.set_ylim(len(data) - 0.5, -1.1)
    ax.axis("off")
    for key, x, _ in _COLUMNS:
        ax.text(x, -0.85, message(key, language), fontsize=7, weight="bold", va="center")
    ax.axhline(-0.5, color=style.TEXT_COLOR, lw=0.6)
    for y, row in data.iterrows():
        texts = (labels[y], row["article_figure"],
                 row["source_figure"])
        for (_, x, width), text in zip(_COLUMNS, texts, strict=False):
            ax.text(x, y - 0.05, _wrap(text, width), fontsize=TEXT_PT, va="center",
                    linespacing=1.05)
        ax.text(_COLUMNS[2][1], y + 0.3, _wrap(row["source_publisher"], 40), fontsize=5.3,
                va="center", color=style.MUTED_TEXT_COLOR)
        colour = style.PALETTE[row["verdict"]]
        ax.add_patch(FancyBboxPatch((_COLUMNS[3][1], y - 0.3), 0.175, 0.6,
                                    boxstyle="round,pad=0,rounding_size=0.012", fc=colour,
                                    ec="none", mutation_aspect=25))
        ax.text(_COLUMNS[3][1] + 0.0875, y, message(f"verdict_{row['verdict']}", language),
                fontsize=TEXT_PT, ha="center", va="center", color=_text_colour(colour))
        if y < len(data) - 1:
            ax.axhline(y + 0.5, color="#DDDDDD", lw=0.5)




def fact_check_scoreboard(tables: Tables, *, language: str) -> Chart:
    name = "fig7_fact_check_scoreboard"
    data = scoreboard_table(tables, language)
    consistent, counts = _verdict_counts(data, language)
    title = chart_title(tables, name, message("fig7_title", language, consistent=consistent,
                                              n=len(data)), language)
    others = len(data) - consistent
    subtitle = (message("fig7_subtitle", language, others=others, counts=counts) if others
                else message("fig7_subtitle_all", language))
    counts = counts or message("fig7_no_others", language)
    source_ids = tuple(dict.fromkeys([article_source_id(tables), *data["source_id"]]))
    fig, ax = style.new_figure((7.2, 6.6), title=title, subtitle=subtitle,
                               footer=footer(tables, source_ids, language), language=language)
    labels = [measure_label(tables, m, language) for m in data["measure"]]
    _draw_scoreboard(ax, data, labels, language)
    caption = chart_caption(tables, name, message("fig7_caption", language, counts=counts),
                            language)
    items = [message("alt_verdict_item", language, label=label, article=r.article_figure,
                     source=r.source_figure, verdict=message(f"verdict_{r.verdict}", language))
             for label, r in zip(labels, data.itertuples(), strict=True)]
    alt = message("fig7_alt", language, n=len(data), consistent=consistent, counts=counts,
                  items=items_text(items, language))
    return Chart(name, fig, data, title, caption, alt, source_ids)


# --- All of them ---------------------------------------------------------------------------

FIGURE_NAMES = ("fig1_money_claims", "fig2_flows_vs_gdp", "fig3_ratio_distributions",
                "fig4_enforcement_vs_scale", "fig5_victims_per_1000",
                "fig6_sensitivity_tornado", "fig7_fact_check_scoreboard")
# What each figure kind shows, for the notebook and the manifest's skip notes.
FIGURE_KINDS = {
    "fig1_money_claims": "money figures against their sources",
    "fig2_flows_vs_gdp": "amounts against yardsticks",
    "fig3_ratio_distributions": "Monte Carlo distributions of the headline ratios",
    "fig4_enforcement_vs_scale": "a small amount against a large one",
    "fig5_victims_per_1000": "per-capita rates",
    "fig6_sensitivity_tornado": "the sensitivity tornado",
    "fig7_fact_check_scoreboard": "the fact-check scoreboard",
}


def draw_chart(name: str, tables: Tables, *, language: str, draws: int | None = None) -> Chart:
    """One publication chart by name (see FIGURE_NAMES); raises NoData for a kind the story
    has no data for."""
    if name == "fig3_ratio_distributions":
        return ratio_distributions(tables, language=language, draws=draws)
    builders = {
        "fig1_money_claims": money_claims, "fig2_flows_vs_gdp": flows_vs_gdp,
        "fig4_enforcement_vs_scale": enforcement_vs_scale,
        "fig5_victims_per_1000": victims_per_1000,
        "fig6_sensitivity_tornado": sensitivity_tornado,
        "fig7_fact_check_scoreboard": fact_check_scoreboard,
    }  # fmt: skip
    if name not in builders:
        raise ParameterError(f"unknown figure {name!r}; choose one of: "
                             f"{', '.join(FIGURE_NAMES)}", field="name")
    return builders[name](tables, language=language)


# --- The notebook 02 overview chart --------------------------------------------------------


def ratio_intervals(ratios: pd.DataFrame, *, language: str = "en",
                    publishers: Sequence[str] = ()) -> Figure:
    """Each share-of ratio as its exact interval (bar) and Monte Carlo 90% range and median;
    ``publishers`` name the footer's sources (by default: the article, IMF, World Bank)."""
    shares = ratios[ratios["unit"] == "fraction"].iloc[::-1]
    sources = list(publishers) or [message("the_article", language), "IMF WEO",
                                   message("world_bank", language) + " WDI"]
    fig, ax = style.new_figure(
        (7.2, 0.32 * len(shares) + 2.2),
        title=message("ratio_intervals_title", language),
        subtitle=message("ratio_intervals_subtitle", language),
        footer=style.sources_line(sources, language),
        language=language,
    )
    y = np.arange(len(shares))
    ax.hlines(y, shares["low"], shares["high"], color=style.PALETTE["neutral"], lw=7,
              alpha=0.35, label=message("exact_interval", language))
    ax.hlines(y, shares["mc_p05"], shares["mc_p95"], color=style.PALETTE["article"], lw=2,
              label=message("monte_carlo_90", language))
    ax.plot(shares["mc_p50"], y, "o", color=style.PALETTE["article"], ms=4,
            label=message("median", language))
    ax.set_xscale("log")
    ax.axvline(1.0, color=style.MUTED_TEXT_COLOR, lw=0.8, ls="--")
    ax.set_yticks(y, shares["ratio_id"])
    ax.xaxis.set_major_formatter(style.percent_formatter(language))
    style.finish_axes(ax, style.axis_label(message("share_ratio", language), language, log=True),
                      None, grid_axis="x")
    return fig
