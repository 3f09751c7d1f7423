"""Figure 2: the story's amounts against the GDP of its yardstick economies."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from crimefigures.analysis import reference
from crimefigures.errors import InputError
from crimefigures.presentation import style
from crimefigures.presentation.charts.common import (
    WORLD,
    Chart,
    NoData,
    Tables,
    _gdp_areas,
    _is_claim,
    _label,
    _phrase_of,
    _text,
    _wrap,
    _written_right_end,
    area_name,
    article_source_id,
    chart_caption,
    chart_title,
    claim_row,
    draw_written,
    figure_phrase,
    footer,
    measure_label,
    ratio_row,
    reference_source_id,
    written_ends,
)
from crimefigures.presentation.wording import (
    format_number,
    items_text,
    join_words,
    message,
    money_range,
    money_text,
    percent_range,
    percent_text,
    vintage_label,
)


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
