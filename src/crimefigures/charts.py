"""The project's charts, drawn in the house style (crimefigures.style).

Each function takes the processed tables and returns a matplotlib figure; the
publication figures are saved with their data and provenance by
:mod:`crimefigures.publish`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from crimefigures import style


def ratio_intervals(ratios: pd.DataFrame, *, language: str = "en") -> Figure:
    """Each share-of ratio as its exact interval (bar) and Monte Carlo 90% range and median."""
    shares = ratios[ratios["unit"] == "fraction"].iloc[::-1]
    fig, ax = style.new_figure(
        (7.2, 0.32 * len(shares) + 2.2),
        title="The article's figures as shares of their yardsticks",
        subtitle="Exact interval (light bar), Monte Carlo 5th-95th percentile (line),"
                 " median (dot)",
        footer="Sources: the article (seasia.co, 30 Mar 2024); IMF WEO; World Bank WDI",
        language=language,
    )
    y = np.arange(len(shares))
    ax.hlines(y, shares["low"], shares["high"], color=style.PALETTE["neutral"], lw=7,
              alpha=0.35, label="exact interval")
    ax.hlines(y, shares["mc_p05"], shares["mc_p95"], color=style.PALETTE["article"], lw=2,
              label="Monte Carlo 90%")
    ax.plot(shares["mc_p50"], y, "o", color=style.PALETTE["article"], ms=4, label="median")
    ax.set_xscale("log")
    ax.axvline(1.0, color=style.MUTED_TEXT_COLOR, lw=0.8, ls="--")
    ax.set_yticks(y, shares["ratio_id"])
    ax.xaxis.set_major_formatter(style.percent_formatter(language))
    style.finish_axes(ax, style.axis_label("share (ratio)", language, log=True), None,
                      grid_axis="x")
    return fig
