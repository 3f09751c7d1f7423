"""Figure 7: the fact-check scoreboard."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.patches import FancyBboxPatch

from crimefigures.presentation import style
from crimefigures.presentation.charts.common import (
    TEXT_PT,
    Chart,
    NoData,
    Tables,
    _nan,
    _text_colour,
    _wrap,
    article_source_id,
    chart_caption,
    chart_title,
    check_row,
    figure_phrase,
    footer,
    measure_label,
    source_figure,
    written_ends,
)
from crimefigures.presentation.wording import (
    items_text,
    join_words,
    message,
)


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
            "departures": str(check["departures"]),
            "verdict": check["verdict"], "verdict_basis": check["verdict_basis"],
        })
    return pd.DataFrame(rows)


def other_departures(departures: str, language: str) -> str:
    """The departures after the one that names the verdict ('also: date'), or ''."""
    found = [d.strip() for d in departures.split(";") if d.strip() and d.strip() != "unverified"]
    if len(found) < 2:
        return ""
    words = join_words([message(f"departure_{d}", language) for d in found[1:]], language)
    return message("fig7_also", language, departures=words)


def _verdict_counts(data: pd.DataFrame, language: str) -> tuple[int, str]:
    """How many are consistent, and the rest counted by verdict ('3 scope changed, ...')."""
    counts = data["verdict"].value_counts(sort=False)
    others = [(v, int(counts[v])) for v in style.VERDICTS if v in counts and v != "consistent"]
    others.sort(key=lambda item: -item[1])
    text = join_words([message("fig7_count", language, count=n,
                               verdict=message(f"verdict_{v}", language)) for v, n in others],
                      language) if others else ""
    return int(counts.get("consistent", 0)), text


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
        also = other_departures(row["departures"], language)
        if also:
            ax.text(_COLUMNS[3][1] + 0.0875, y + 0.42, also, fontsize=5.3, ha="center",
                    va="center", color=style.MUTED_TEXT_COLOR)
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
                     source=r.source_figure,
                     verdict=" ".join(filter(None, (message(f"verdict_{r.verdict}", language),
                                                    other_departures(r.departures, language)))))
             for label, r in zip(labels, data.itertuples(), strict=True)]
    alt = message("fig7_alt", language, n=len(data), consistent=consistent, counts=counts,
                  items=items_text(items, language))
    return Chart(name, fig, data, title, caption, alt, source_ids)
