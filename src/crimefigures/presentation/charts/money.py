"""Figure 1: every money claim beside its primary source, hedges drawn as written."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd

from crimefigures.errors import InputError
from crimefigures.presentation import style
from crimefigures.presentation.charts.common import (
    Chart,
    NoData,
    Tables,
    _hedge_legend,
    _label,
    _nan,
    _phrase_of,
    _text,
    _verdict_chip,
    _wrap,
    _written_right_end,
    article_source_id,
    chart_caption,
    chart_title,
    check_row,
    draw_written,
    footer,
    measure_label,
    source_figure,
    written_ends,
)
from crimefigures.presentation.wording import (
    items_text,
    message,
    money_text,
)


def money_claims_table(tables: Tables) -> pd.DataFrame:
    """Each US-dollar claim as written in the article and in its primary source."""
    money = tables.figures[tables.figures["unit"] == "USD"]
    if money.empty:
        raise NoData("fig1_money_claims", "the story has no US-dollar claims")
    article_id = article_source_id(tables)
    rows = []
    for claim in money.itertuples():
        check = check_row(tables, claim.claim_id)
        written, converted_from = _in_usd(tables, source_figure(tables, check), claim.claim_id)
        common = {"claim_id": claim.claim_id, "measure": claim.measure,
                  "verdict": check["verdict"], "verdict_basis": check["verdict_basis"]}
        low, high = written_ends(claim.bound, claim.low, claim.high, claim.point)
        rows.append({**common, "side": "article", "source_id": article_id,
                     "bound": claim.bound, "hedge": _text(claim.hedge), "low": low, "high": high,
                     "converted_from": ""})
        low, high = written_ends(written.bound, _nan(written.low), _nan(written.high),
                                 _nan(written.point))
        rows.append({**common, "side": "source", "source_id": check["source_id"],
                     "bound": written.bound, "hedge": written.hedge or "", "low": low,
                     "high": high, "converted_from": converted_from})
    table = pd.DataFrame(rows)
    size = table[table["side"] == "article"].set_index("claim_id")[["low", "high"]].max(axis=1)
    order = size.sort_values(ascending=False, kind="mergesort").index
    table["order"] = table["claim_id"].map({c: i for i, c in enumerate(order)})
    table = table.sort_values(["order", "side"], kind="mergesort").reset_index(drop=True)
    return table[["order", "claim_id", "measure", "side", "source_id", "bound", "hedge", "low",
                  "high", "converted_from", "verdict", "verdict_basis"]]


def _in_usd(tables: Tables, written, claim_id: str):
    """A source's figure in US dollars: another currency is converted at the cited annual
    rate for the settings' exchange-rate year; returns the figure and the code it was in."""
    if written.unit == "USD":
        return written, ""
    from crimefigures.analysis import exchange
    from crimefigures.quantities import units

    if not units.is_currency(written.unit):
        raise InputError(f"the source of {claim_id} is in {written.unit}, not money",
                         file=tables.files["fact_check"], field="source_figure_text")
    rate = exchange.to_usd(1.0, written.unit, tables.settings.exchange_rate_year).value_usd
    scaled = {k: (None if getattr(written, k) is None else getattr(written, k) * rate)
              for k in ("low", "high", "point")}
    return dataclasses.replace(written, unit="USD", **scaled), written.unit


def numbers_match(verdict: str, basis: str) -> bool:
    """The article's number agrees with the source's (any departure is in the wording)."""
    return verdict == "consistent" or basis == "wording"


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
    converted = sorted(set(data["converted_from"]) - {""})
    if converted:
        caption += " " + message("fig1_caption_converted", language,
                                 codes=items_text(converted, language),
                                 year=tables.settings.exchange_rate_year)
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
