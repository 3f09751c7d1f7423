"""Figure 6: the sensitivity tornado of the story's tornado ratio."""

from __future__ import annotations

import re

import pandas as pd

from crimefigures.errors import InputError
from crimefigures.presentation import style
from crimefigures.presentation.charts.common import (
    FRACTION,
    TEXT_PT,
    Chart,
    NoData,
    Tables,
    _is_claim,
    _label,
    _ratio_source_ids,
    _wrap,
    chart_caption,
    chart_title,
    claim_row,
    figure_phrase,
    footer,
    lower_first,
    ratio_label,
    ratio_row,
    tornado_choice,
    written_ends,
)
from crimefigures.presentation.wording import (
    format_number,
    items_text,
    join_words,
    message,
    value_range,
    value_text,
    vintage_label,
)


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
