"""The plain-matplotlib floor of the figures step (scripts/benchmark.py, figures section).

    python scripts/plain_figures.py SPEC.json OUTPUT_DIR

SPEC holds, for every figure one run of notebook 04 drew, what ended up on the canvas (figure
size, axes positions after layout, scales, limits, tick positions and labels, minor ticks, grid
lines, lines, patches as paths, texts, annotations, legends: the benchmark takes them from the
drawn figures). This script redraws each with the plainest matplotlib calls, matplotlib's
defaults and no layout engine, and saves it as PNG (200 dpi), SVG and PDF, as the notebook
does. It imports nothing but matplotlib: its run time (interpreter start included) is the least
a step that saves those files can take. The files look roughly like the figures, not exactly;
nothing reads them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import PathPatch  # noqa: E402
from matplotlib.path import Path as MplPath  # noqa: E402


def draw_axes(fig, spec: dict) -> None:
    ax = fig.add_axes(spec["position"])
    ax.set_xscale(spec["xscale"])
    ax.set_yscale(spec["yscale"])
    for line in spec["lines"]:
        ax.plot(line["x"], line["y"], color=line["color"], lw=line["lw"], ls=line["ls"],
                marker=line["marker"], ms=line["ms"])
    for patch in spec["patches"]:
        path = MplPath(patch["vertices"], patch["codes"])
        ax.add_patch(PathPatch(path, facecolor=patch["facecolor"], edgecolor=patch["edgecolor"]))
    for text in spec["texts"]:
        if text["kind"] == "annotation":
            ax.annotate(text["text"], xy=text["xy"], xytext=text["xytext"],
                        textcoords="offset points", fontsize=text["size"], color=text["color"],
                        ha=text["ha"], va=text["va"],
                        arrowprops={"arrowstyle": "-|>"} if text["arrow"] else None)
        else:
            ax.text(*text["xy"], text["text"], fontsize=text["size"], color=text["color"],
                    ha=text["ha"], va=text["va"],
                    transform=ax.transAxes if text["axes_coords"] else ax.transData,
                    bbox={"fc": text["box"]} if text["box"] else None)
    ax.set_xlim(spec["xlim"])
    ax.set_ylim(spec["ylim"])
    ax.set_xticks(spec["xticks"], spec["xticklabels"])
    ax.set_yticks(spec["yticks"], spec["yticklabels"])
    ax.set_xticks(spec["xminor"], minor=True)
    ax.set_yticks(spec["yminor"], minor=True)
    for axis in spec["grid"]:
        ax.grid(True, axis=axis)
    ax.set_xlabel(spec["xlabel"])
    ax.set_ylabel(spec["ylabel"])
    ax.set_title(spec["title"], loc="left")
    if spec["legend"]:
        handles = [plt.Line2D([], [], color=c) for c in spec["legend"]["colors"]]
        ax.legend(handles, spec["legend"]["labels"])


def draw(spec: dict):
    fig = plt.figure(figsize=spec["size"])
    for text in spec["texts"]:
        fig.text(*text["xy"], text["text"], fontsize=text["size"], weight=text["weight"],
                 color=text["color"], ha=text["ha"], va=text["va"])
    for axes in spec["axes"]:
        draw_axes(fig, axes)
    return fig


def main(spec_file: str, output_dir: str) -> None:
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    for spec in json.loads(Path(spec_file).read_text(encoding="utf-8")):
        fig = draw(spec)
        fig.savefig(out / f"{spec['name']}.png", dpi=200)
        fig.savefig(out / f"{spec['name']}.svg")
        fig.savefig(out / f"{spec['name']}.pdf")
        plt.close(fig)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
