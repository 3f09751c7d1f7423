"""Figure 3: Monte Carlo distributions of the headline shares, redrawn from ratios.csv's
settings."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib import ticker

from crimefigures.analysis import ratios
from crimefigures.errors import InputError
from crimefigures.presentation import style
from crimefigures.presentation.charts.common import (
    HISTOGRAM_BINS,
    TEXT_PT,
    Chart,
    NoData,
    Tables,
    _ratio_source_ids,
    _wrap,
    chart_caption,
    chart_title,
    footer,
    headline_shares,
    ratio_label,
    ratio_row,
    tornado_choice,
)
from crimefigures.presentation.wording import (
    format_number,
    items_text,
    message,
    percent_digits,
    percent_range,
    percent_text,
)
from crimefigures.quantities.uncertainty import DrawBank, summarise


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
