"""Figure 4: a small amount against a large one, at an honest scale (log axis and a unit
chart)."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd
from matplotlib.patches import Rectangle

from crimefigures.errors import InputError
from crimefigures.presentation import style
from crimefigures.presentation.charts.common import (
    FRACTION,
    SMALL_PER_UNIT,
    TEXT_PT,
    WAFFLE_SIDE,
    Chart,
    NoData,
    Tables,
    _claim_interval,
    _label,
    _usd_claims,
    _wrap,
    article_source_id,
    chart_caption,
    chart_title,
    check_row,
    claim_row,
    draw_written,
    figure_phrase,
    footer,
    lower_first,
    measure_label,
    noun_text,
    number_range,
    ratio_row,
    written_ends,
)
from crimefigures.presentation.wording import (
    format_number,
    items_text,
    message,
    money_range,
    money_text,
)


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
