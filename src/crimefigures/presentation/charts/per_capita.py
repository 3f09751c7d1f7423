"""Figure 5: per-capita rates, the article's and the primary source's wording."""

from __future__ import annotations

import pandas as pd
from matplotlib.patches import Patch

from crimefigures.analysis import reference
from crimefigures.presentation import style
from crimefigures.presentation.charts.common import (
    Chart,
    NoData,
    Tables,
    _hedge_legend,
    _is_claim,
    _key_parts,
    _label,
    _nan,
    _text,
    _written_right_end,
    area_name,
    article_source_id,
    chart_caption,
    chart_title,
    check_row,
    claim_row,
    draw_written,
    figure_phrase,
    footer,
    noun_text,
    publishers,
    ratio_row,
    reference_source_id,
    source_figure,
    written_ends,
)
from crimefigures.presentation.wording import (
    format_count,
    format_number,
    items_text,
    join_words,
    message,
)


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
