"""The figure-drift chart: each claim's retellings in publication order (notebook 05).

One row per claim, one column per retelling in publication order (undated texts after a dashed
line, in no known order). The marker's shape is the hedge's lean as written (floor, ceiling,
about, exact, range), its colour the most telling change against the primary source (hedge,
number, scope, date, attribution, or none); the first retelling that carries each claim's most
telling change is labelled with its figure and outlet, so a reader sees where a floor became a
ceiling.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.lines import Line2D

from crimefigures.analysis.drift import CHANGES, new_words
from crimefigures.presentation import style
from crimefigures.presentation.charts.common import (
    TEXT_PT,
    Chart,
    NoData,
    _wrap,
    figure_phrase,
    written_ends,
)
from crimefigures.presentation.wording import (
    items_text,
    message,
)

NAME = "fig8_figure_drift"
MARKERS = {"lower": "^", "upper": "v", "approx": "o", "exact": "s", "range": "D"}
COLOURS = {"hedge": style.PALETTE["hedge_inverted"], "number": style.PALETTE["overstated"],
           "scope": style.PALETTE["scope_changed"], "date": style.PALETTE["date_changed"],
           "attribution": style.PALETTE["misattributed"], "none": style.PALETTE["consistent"]}


def first_change(changes: object) -> str:
    """The most telling change in a '; '-joined list, or 'none'."""
    found = [c.strip() for c in str(changes or "").split(";") if c.strip()]
    return next((c for c in CHANGES if c in found), "none")


def drift_chart_table(drift: pd.DataFrame) -> pd.DataFrame:
    """The numbers the chart draws: claim row, column, marker, colour key, label or ''."""
    if drift.empty:
        raise NoData(NAME, "no retelling carries any of the story's claims")
    claims = list(dict.fromkeys(drift["claim_id"]))
    orders = sorted(set(drift["order"]))
    column = {order: number for number, order in enumerate(orders, start=1)}
    table = drift[["claim_id", "order", "outlet", "published", "text", "bound",
                   "changes_vs_source"]].copy()  # same index as drift, for the labels
    table["row"] = table["claim_id"].map({c: i for i, c in enumerate(claims)})
    table["column"] = table["order"].map(column)
    table["change"] = table["changes_vs_source"].map(first_change)
    table["label"] = ""
    for _, chain in table.groupby("claim_id", sort=False):
        first = _first_departure(chain)
        if first is not None:
            table.loc[first, "label"] = _label(drift.loc[first])
    return table.reset_index(drop=True)


def _first_departure(chain: pd.DataFrame) -> int | None:
    """The row to label: the first text with the most telling change, dated texts first."""
    ordered = chain.assign(undated=chain["published"].fillna("") == "").sort_values(
        ["undated", "column"])
    for undated in (False, True):
        for change in CHANGES:
            rows = ordered[(ordered["undated"] == undated) & (ordered["change"] == change)]
            if not rows.empty:
                return rows.index[0]
    return None


def _label(row: pd.Series) -> str:
    """The figure as written, the scope and date words it added, and the outlet."""
    added = []
    for change in ("scope", "date"):
        before, _, now = str(row.get(f"{change}_vs_source") or "").partition(" → ")
        added += new_words(now, "" if before == "(none)" else before)
    return " · ".join([str(row["text"]), *added]) + f" ({row['outlet']})"


def _undated_from(table: pd.DataFrame) -> float | None:
    undated = table[table["published"].fillna("") == ""]
    return None if undated.empty else float(undated["column"].min()) - 0.5


def _legend(language: str) -> list[Line2D]:
    shapes = [Line2D([], [], ls="", marker=m, color=style.TEXT_COLOR, markersize=4,
                     label=message(f"drift_lean_{bound}", language))
              for bound, m in MARKERS.items()]
    colours = [Line2D([], [], ls="", marker="o", color=colour, markersize=4,
                      label=message(f"drift_change_{change}", language))
               for change, colour in COLOURS.items()]
    return shapes + colours


def _draw(ax, table: pd.DataFrame, labels: list[str], language: str) -> None:
    for row in table.itertuples():
        ax.plot(row.column, row.row, ls="", marker=MARKERS.get(row.bound, "o"),
                color=COLOURS[row.change], markersize=5.5, markeredgecolor="white", mew=0.4)
        if row.label:
            ax.annotate(_wrap(row.label, 34), (row.column, row.row), xytext=(0, 5),
                        textcoords="offset points", ha="center", va="bottom",
                        fontsize=TEXT_PT - 1.5, color=style.TEXT_COLOR)
    undated = _undated_from(table)
    if undated is not None:
        ax.axvline(undated, color=style.MUTED_TEXT_COLOR, ls="--", lw=0.6)
        ax.text(undated + 0.2, -0.9, message("drift_undated", language), fontsize=TEXT_PT - 1,
                color=style.MUTED_TEXT_COLOR, va="bottom")
    ax.set_yticks(range(len(labels)), labels, fontsize=TEXT_PT)
    ax.set_ylim(len(labels) - 0.5, -1.2)
    ax.set_xlim(0.3, table["column"].max() + 0.7)
    ax.set_xlabel(message("drift_axis", language), fontsize=TEXT_PT)
    ax.tick_params(axis="x", labelsize=TEXT_PT)
    ax.grid(axis="y", color="#EEEEEE", lw=0.5)
    ax.legend(handles=_legend(language), loc="upper center", bbox_to_anchor=(0.5, -0.09),
              ncol=4, fontsize=TEXT_PT - 1, frameon=False)


def figure_drift(drift: pd.DataFrame, claim_labels: dict[str, str], source_ids: tuple[str, ...],
                 footer: str, *, language: str) -> Chart:
    """The drift chart; ``claim_labels`` names each claim's row, ``footer`` the sources."""
    table = drift_chart_table(drift)
    claims = list(dict.fromkeys(table["claim_id"]))
    changed = sorted(set(table.loc[table["change"] != "none", "claim_id"]))
    texts = table["column"].max()
    title = message("drift_title", language, changed=len(changed), n=len(claims))
    fig, ax = style.new_figure((7.2, 0.42 * len(claims) + 2.6), title=title,
                               subtitle=message("drift_subtitle", language, texts=texts),
                               footer=footer, language=language)
    _draw(ax, table, [claim_labels.get(c, c) for c in claims], language)
    labelled = table[table["label"] != ""]
    items = [message("drift_alt_item", language, claim=claim_labels.get(r.claim_id, r.claim_id),
                     first=r.label, change=message(f"drift_change_{r.change}", language))
             for r in labelled.itertuples()]
    caption = message("drift_caption", language, texts=texts, n=len(claims))
    alt = message("drift_alt", language, n=len(claims), texts=texts, changed=len(changed),
                  items=items_text(items, language) or message("drift_change_none", language))
    return Chart(NAME, fig, table, title, caption, alt, source_ids)


def claim_labels(figures: pd.DataFrame, language: str) -> dict[str, str]:
    """Each claim's row label: its id and the article's figure in the reader's language."""
    labels = {}
    for claim in figures.itertuples():
        low, high = written_ends(claim.bound, claim.low, claim.high, claim.point)
        phrase = figure_phrase(claim.bound, low, high, claim.hedge, claim.unit, claim.noun,
                               language, money_style="short")
        labels[claim.claim_id] = f"{claim.claim_id} · {phrase}"
    return labels
