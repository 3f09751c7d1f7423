"""The notebook 02 overview chart of every share-of ratio."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from crimefigures.presentation import style
from crimefigures.presentation.wording import message


def ratio_intervals(ratios: pd.DataFrame, *, language: str = "en",
                    publishers: Sequence[str] = ()) -> Figure:
    """Each share-of ratio as its exact interval (bar) and Monte Carlo 90% range and median;
    ``publishers`` name the footer's sources (by default: the article, IMF, World Bank)."""
    shares = ratios[ratios["unit"] == "fraction"].iloc[::-1]
    sources = list(publishers) or [message("the_article", language), "IMF WEO",
                                   message("world_bank", language) + " WDI"]
    fig, ax = style.new_figure(
        (7.2, 0.32 * len(shares) + 2.2),
        title=message("overview_title", language),
        subtitle=message("overview_subtitle", language),
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
