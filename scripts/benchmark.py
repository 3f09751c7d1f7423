"""Benchmark the parser, the pipeline, the Monte Carlo step, the figures step against its
plain-matplotlib floor, the ledger's growth curve and corpus extraction on Dask.

    python scripts/benchmark.py [parse|mc|pipeline|figures|growth|corpus|all]
                                [--sizes 1000 10000 100000]
                                [--corpus-sentences 200000 1000000 2000000]
                                [--out reports/benchmark.md]

Every figure in the report comes from the one invocation that writes it; the report is
written atomically as Markdown tables with the machine it ran on. Where there is a baseline
the table gives a ratio. quantulum3 (the baseline for the parser) is a benchmark-only
dependency, not in requirements.txt: without it the parser section says so and the rest runs.
Nothing here is a test; nothing asserts a time.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import math
import os
import platform
import queue
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from crimefigures.analysis import reference
from crimefigures.analysis.ratios import Settings, compute_ratios
from crimefigures.analysis.spec import RatioSpec, load_spec
from crimefigures.pipeline import atomic, kernels, paths, registry, runner
from crimefigures.text import corpus, ledger
from crimefigures.text.extract import extract_figures, split_sentences
from crimefigures.text.parse import parse_figure

REPO = Path(__file__).resolve().parents[1]
STORY = paths.stories()[0]  # the benchmarks measure the first story's notebooks and article

SECTIONS = ("parse", "mc", "pipeline", "figures", "growth", "corpus")
COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", "reports", "__pycache__", ".pytest_cache",
                                     ".ruff_cache", ".hypothesis", "*.egg-info")
QUANTULUM_HINT = "pip install -r requirements-benchmark.txt"
WORKER_START_ALLOWANCE = 300.0  # seconds for a growth worker to import and write its files
Table = list[list[str]]


# --- formatting ----------------------------------------------------------------------------


def table(header: Sequence[str], rows: Table) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def secs(value: float) -> str:
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}" if seconds > 0 else "n/a"


def ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.2f}×" if baseline > 0 else "n/a"


def mib(n_bytes: float) -> str:
    return f"{n_bytes / 2**20:,.1f} MiB"


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def traced(function: Callable[[], Any]) -> tuple[float, int, Any]:
    """Seconds, peak traced bytes (numpy arrays included) and the result."""
    tracemalloc.start()
    try:
        start = time.perf_counter()
        result = function()
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return seconds, peak, result


def cli(*args: str, root: Path | None = None, stdin: str | None = None,
        timeout: float = 1800) -> tuple[float, subprocess.CompletedProcess[str]]:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    if root is not None:
        env["CRIMEFIGURES_ROOT"] = str(root)
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "crimefigures", *args], input=stdin,
                            capture_output=True, text=True, cwd=root or REPO, env=env,
                            timeout=timeout, check=False)
    return time.perf_counter() - start, result


def machine_info() -> list[str]:
    import pandas
    import papermill

    rows = [["CPUs (os.cpu_count)", str(os.cpu_count())],
            ["platform", platform.platform()],
            ["python", platform.python_version()],
            ["numpy", np.__version__], ["pandas", pandas.__version__],
            ["papermill", papermill.__version__],
            ["quantulum3", quantulum_version() if quantulum_parser() else
             f"not installed ({QUANTULUM_HINT})"]]
    return table(["machine", "value"], rows)


# --- the parser and the extractor against quantulum3 ---------------------------------------


def quantulum_parser() -> Any | None:
    """quantulum3's parser, imported only when present (it is not a project dependency)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "classifier dependencies not installed"
        try:
            from quantulum3 import parser
        except ImportError:
            return None
    return parser


def quantulum_version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("quantulum3")
    except PackageNotFoundError:
        return None


_SMALL_NUMBER = re.compile(r"(?<![\d,.])\d{1,3}(?![\d])")


def vary(sentence: str, round_number: int) -> str:
    """The sentence with each small number shifted, so repeats are not identical strings."""
    if round_number == 0:
        return sentence
    return _SMALL_NUMBER.sub(lambda m: str((int(m.group()) + round_number) % 999 + 1), sentence)


def base_sentences() -> list[str]:
    """Sentences written for the tests (tests/sentences/*.txt) and the article's: the corpus
    the throughput targets were set on. (The *.tsv files were read here too, but their header
    comment was taken for the column names, so no cited sentence ever reached this corpus; the
    cited sentences are now a corpus of their own, `cited_sentences`.)"""
    found: list[str] = []
    folder = REPO / "tests" / "sentences"
    for path in sorted(folder.glob("*.txt")):
        found += [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                  if line.strip() and not line.startswith("#")]
    article = ledger.read_article(REPO / registry.path("article", STORY))
    found += [s.text for s in split_sentences(article) if any(c.isdigit() for c in s.text)]
    return found


def cited_sentences() -> list[str]:
    """The distinct verbatim sentences of tests/sentences/cited_reporting*.tsv: real reporting,
    longer and denser in figures than the sentences written for the tests."""
    found: set[str] = set()
    for path in sorted((REPO / "tests" / "sentences").glob("cited_reporting*.tsv")):
        with path.open(encoding="utf-8", newline="") as handle:
            lines = (line for line in handle if not line.startswith("#"))
            found |= {row["sentence"] for row in csv.DictReader(lines, delimiter="\t")
                      if row.get("sentence")}
    return sorted(found)


def build_corpus(minimum: int, base: Sequence[str] | None = None) -> list[str]:
    base = base_sentences() if base is None else base
    rounds = math.ceil(minimum / len(base))
    return [vary(sentence, r) for r in range(rounds) for sentence in base]


@dataclass(frozen=True)
class Reading:
    bound: str
    values: tuple[float, ...]


# The article's twelve figures as a careful reader takes them, written by hand (not by the
# parser): the bound and the numbers the sentence commits to.
EXPECTED: dict[str, Reading] = {
    "C01": Reading("upper", (3e12,)), "C02": Reading("range", (1e6, 1e7)),
    "C03": Reading("exact", (5e10,)), "C04": Reading("range", (2e12, 3e12)),
    "C05": Reading("exact", (3.1e12,)), "C06": Reading("range", (40.0, 70.0)),
    "C07": Reading("approx", (3500.0,)), "C08": Reading("exact", (3e8,)),
    "C09": Reading("exact", (34.0,)), "C10": Reading("range", (1e5, 1e6)),
    "C11": Reading("lower", (1e5,)), "C12": Reading("upper", (1.2e5,)),
}


def _same(values: Sequence[float], expected: Sequence[float]) -> bool:
    return len(values) == len(expected) and all(
        math.isclose(a, b, rel_tol=1e-9) for a, b in zip(sorted(values), sorted(expected),
                                                          strict=True))


def ours_reading(quote: str, start: int, end: int) -> Reading | None:
    for found in extract_figures(quote):
        if found.start < end and start < found.end:
            f = found.figure
            values = {"exact": (f.point,), "approx": (f.point,), "upper": (f.high,),
                      "lower": (f.low,), "range": (f.low, f.high)}[f.bound]
            return Reading(f.bound, tuple(float(v) for v in values))
    return None


def quantulum_reading(parser: Any, quote: str, start: int, end: int) -> Reading | None:
    """quantulum3 has no bounds: one quantity with an uncertainty is a range, else exact."""
    hits = [q for q in parser.parse(quote) if q.span[0] < end and start < q.span[1]]
    if not hits:
        return None
    if len(hits) == 1 and hits[0].uncertainty:
        q = hits[0]
        return Reading("range", (q.value - q.uncertainty, q.value + q.uncertainty))
    return Reading("exact", tuple(float(q.value) for q in hits))


def quality(parser: Any | None) -> list[str]:
    claims = registry.read("claims", path=REPO / registry.path("claims", STORY))
    rows: Table = []
    score = {"ours": [0, 0], "quantulum3": [0, 0]}
    for claim in claims.itertuples():
        expected = EXPECTED.get(claim.claim_id)
        if expected is None:
            continue
        start = claim.quote.find(claim.figure_text)
        end = start + len(claim.figure_text)
        readings = {"ours": ours_reading(claim.quote, start, end)}
        if parser is not None:
            readings["quantulum3"] = quantulum_reading(parser, claim.quote, start, end)
        cells = [claim.claim_id, claim.figure_text]
        for tool in ("ours", "quantulum3"):
            if tool not in readings:
                cells.append("—")
                continue
            got = readings[tool]
            value_ok = got is not None and _same(got.values, expected.values)
            both_ok = value_ok and got is not None and got.bound == expected.bound
            score[tool][0] += value_ok
            score[tool][1] += both_ok
            shown = "nothing" if got is None else f"{got.bound} {list(got.values)}"
            cells.append(f"{shown} {'✓' if both_ok else ('value only' if value_ok else '✗')}")
        rows.append(cells)
    lines = ["### Quality on the article's 12 figures", "",
             "Expected readings are written by hand in this script (`EXPECTED`). A tool is right "
             "when it reports the expected bound and the expected numbers for the figure's span "
             "in its quote. quantulum3 has no notion of a bound: one quantity with an "
             "uncertainty counts as a range, anything else as exact.", ""]
    lines += table(["claim", "figure", "crimefigures", "quantulum3"], rows)
    total = len(rows)
    summary = [["crimefigures", f"{score['ours'][0]}/{total}", f"{score['ours'][1]}/{total}"]]
    if parser is not None:
        q_value, q_both = score["quantulum3"]
        summary.append(["quantulum3", f"{q_value}/{total}", f"{q_both}/{total}"])
        summary.append(["ratio crimefigures/quantulum3",
                        ratio(score["ours"][0], q_value) if q_value else "∞",
                        ratio(score["ours"][1], q_both) if q_both else "∞"])
    lines += table(["tool", "value right", "bound and value right"], summary)
    return lines


def section_parse(args: argparse.Namespace) -> list[str]:
    corpus = build_corpus(args.corpus_size)
    say(f"parse: corpus of {len(corpus)} sentences")
    parser = quantulum_parser()
    lines = ["## Parser and extractor throughput", ""]
    if parser is None:
        lines += [f"quantulum3 is not installed, so there is no baseline: `{QUANTULUM_HINT}` "
                  "(`make benchmark` does this; benchmark-only, not in requirements.txt).", ""]

    # Read one weight first: the parser builds pint's unit registry at the first physical
    # quantity (0.3 s, once per process), which is start-up, not throughput.
    parse_figure("1 kg")
    extract_seconds, extracted = timed(lambda: [extract_figures(s) for s in corpus])
    phrases = [f.text for found in extracted for f in found]
    parse_seconds, _ = timed(lambda: [parse_figure(p) for p in phrases])
    startup_seconds, _ = cli("parse", "1")
    batch_seconds, batch = cli("parse", "--batch", stdin="\n".join(phrases) + "\n")
    parsed_by_cli = batch.stdout.count("\n")
    text = "\n\n".join(corpus) + "\n"
    extract_cli_seconds, extract_cli = cli("extract", "-", stdin=text)
    extract_startup_seconds, _ = cli("extract", "-", stdin="")

    rows: Table = [
        ["parse, in-process", f"{len(phrases):,} phrases", secs(parse_seconds),
         rate(len(phrases), parse_seconds) + " phrases/s", "1.00×"],
        ["parse --batch, CLI subprocess", f"{parsed_by_cli:,} phrases", secs(batch_seconds),
         rate(parsed_by_cli, batch_seconds) + " phrases/s", ratio(batch_seconds, parse_seconds)],
        ["CLI start-up alone (`parse 1`)", "1 phrase", secs(startup_seconds), "—", "—"],
        ["extract, in-process", f"{len(corpus):,} sentences", secs(extract_seconds),
         rate(len(corpus), extract_seconds) + " sentences/s", "1.00×"],
        ["extract -, CLI subprocess (one text)", f"{len(corpus):,} sentences",
         secs(extract_cli_seconds), rate(len(corpus), extract_cli_seconds) + " sentences/s",
         ratio(extract_cli_seconds, extract_seconds)],
        ["CLI start-up alone (`extract -` on empty input)", "0 sentences",
         secs(extract_startup_seconds), "—", "—"],
    ]
    if extract_cli.returncode != 0 or batch.returncode != 0:
        rows.append(["CLI errors", "", "", (batch.stderr + extract_cli.stderr)[-200:], ""])
    if parser is not None:
        q_phrase_seconds, _ = timed(lambda: [parser.parse(p) for p in phrases])
        q_sentence_seconds, _ = timed(lambda: [parser.parse(s) for s in corpus])
        rows += [
            ["quantulum3 parse, in-process", f"{len(phrases):,} phrases",
             secs(q_phrase_seconds), rate(len(phrases), q_phrase_seconds) + " phrases/s",
             ratio(q_phrase_seconds, parse_seconds)],
            ["quantulum3 on sentences, in-process", f"{len(corpus):,} sentences",
             secs(q_sentence_seconds), rate(len(corpus), q_sentence_seconds) + " sentences/s",
             ratio(q_sentence_seconds, extract_seconds)],
        ]
    lines += [f"Corpus: {len(corpus):,} sentences ({len(base_sentences())} distinct test and "
              f"article sentences, repeated with their small numbers shifted); the phrases are "
              f"the {len(phrases):,} figures crimefigures extracts from it. Ratio = time over "
              "the in-process crimefigures time for the same work (higher is slower).", ""]
    lines += table(["what", "input", "time", "throughput", "time ratio"], rows)
    return lines + cited_throughput(args, parser) + quality(parser)


def cited_throughput(args: argparse.Namespace, parser: Any | None) -> list[str]:
    """The same in-process measures on the verbatim cited reporting (a quarter of the size)."""
    distinct = cited_sentences()
    corpus = build_corpus(max(1, args.corpus_size // 4), distinct)
    say(f"parse: cited corpus of {len(corpus)} sentences")
    extract_seconds, extracted = timed(lambda: [extract_figures(s) for s in corpus])
    phrases = [f.text for found in extracted for f in found]
    parse_seconds, _ = timed(lambda: [parse_figure(p) for p in phrases])
    rows: Table = [
        ["parse, in-process", f"{len(phrases):,} phrases", secs(parse_seconds),
         rate(len(phrases), parse_seconds) + " phrases/s", "1.00×"],
        ["extract, in-process", f"{len(corpus):,} sentences", secs(extract_seconds),
         rate(len(corpus), extract_seconds) + " sentences/s", "1.00×"],
    ]
    if parser is not None:
        q_phrase_seconds, _ = timed(lambda: [parser.parse(p) for p in phrases])
        q_sentence_seconds, _ = timed(lambda: [parser.parse(s) for s in corpus])
        rows += [
            ["quantulum3 parse, in-process", f"{len(phrases):,} phrases",
             secs(q_phrase_seconds), rate(len(phrases), q_phrase_seconds) + " phrases/s",
             ratio(q_phrase_seconds, parse_seconds)],
            ["quantulum3 on sentences, in-process", f"{len(corpus):,} sentences",
             secs(q_sentence_seconds), rate(len(corpus), q_sentence_seconds) + " sentences/s",
             ratio(q_sentence_seconds, extract_seconds)],
        ]
    return ["", "### On the cited reporting", "",
            f"Corpus: {len(corpus):,} sentences ({len(distinct)} distinct verbatim sentences of "
            "tests/sentences/cited_reporting*.tsv, repeated with their small numbers shifted); "
            f"the phrases are the {len(phrases):,} figures crimefigures extracts from it. Real "
            "sentences are longer and hold more figures than the ones written for the tests, so "
            "fewer go through in a second.", "",
            *table(["what", "input", "time", "throughput", "time ratio"], rows)]


# --- Monte Carlo ---------------------------------------------------------------------------


def section_mc(args: argparse.Namespace) -> list[str]:
    figures = registry.read("figures", path=REPO / registry.path("figures", STORY))
    table_ = reference.load_reference(REPO / registry.path("reference", STORY))
    specs = load_spec(REPO / registry.path("analysis", STORY)).ratios
    rows: Table = []
    baseline = None
    for draws in (200_000, args.mc_draws):
        say(f"mc: {draws:,} draws")
        seconds, peak, result = traced(
            lambda d=draws: compute_ratios(figures, Settings(draws=d), table_, specs))
        baseline = baseline or seconds
        rows.append([f"{draws:,}", str(len(result)), secs(seconds), mib(peak),
                     ratio(seconds, baseline)])
    lines = ["## Monte Carlo", "",
             "`ratios.compute_ratios` for every ratio of notebook 02 (uniform "
             "draws); peak memory is tracemalloc's peak (numpy arrays included). The first "
             "row is the notebooks' default draw count, the baseline of the ratio.", ""]
    return lines + table(["draws per quantity", "ratios", "time", "peak memory",
                          "time ratio"], rows)


# --- the pipeline --------------------------------------------------------------------------


def fresh_copy(parent: Path, name: str) -> Path:
    target = parent / name
    shutil.copytree(REPO, target, ignore=COPY_IGNORE)
    return target


def ordered_steps(names: Sequence[str]) -> list[runner.Step]:
    steps = runner.select(runner.load_pipeline(REPO / runner.PIPELINE_FILE), names)
    return [step for level in runner.dependency_levels(steps) for step in level]


def notebook_script(step: runner.Step, root: Path) -> str:
    """The notebook as plain Python with the pipeline's parameters injected, as papermill
    would inject them, exported by nbconvert's script exporter."""
    from nbconvert import ScriptExporter
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    notebook = load_notebook_node(str(root / step.notebook))
    notebook = parameterize_notebook(notebook, dict(step.parameters), kernel_name="python3",
                                     language="python")
    script, _ = ScriptExporter().from_notebook_node(notebook)
    return script


def kernel_floor(starts: int) -> list[float]:
    from jupyter_client.manager import start_new_kernel

    times = []
    for _ in range(starts):
        start = time.perf_counter()
        manager, client = start_new_kernel(kernel_name=kernels.KERNEL_NAME,
                                           extra_arguments=["--IPKernelApp.log_level=ERROR"])
        try:
            client.execute_interactive("pass", timeout=120, output_hook=lambda _: None)
            times.append(time.perf_counter() - start)
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
    return times


def output_digests(root: Path) -> dict[str, str]:
    import hashlib

    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for top in ("data/processed", "figures") for p in sorted((root / top).rglob("*"))
            if p.is_file()}


def section_pipeline(args: argparse.Namespace) -> list[str]:
    steps = ordered_steps(args.pipeline_steps)
    names = [s.name for s in steps] if args.pipeline_steps else []
    with tempfile.TemporaryDirectory(prefix="crimefigures-bench-") as temp:
        parent = Path(temp)
        runner_copy = fresh_copy(parent, "runner")
        say("pipeline: runner --force")
        forced_seconds, forced = cli("run", "--force", *names, root=runner_copy)
        if forced.returncode != 0:
            return ["## Pipeline", "", f"The runner failed: `{forced.stderr.strip()[-300:]}`", ""]
        summary = json.loads((runner_copy / runner.SUMMARY_FILE).read_text())
        per_step = {n["name"]: n["seconds"] for n in summary["notebooks"]}
        say("pipeline: no-op rerun")
        noop_seconds, noop = cli("run", *names, root=runner_copy)
        noop_summary = json.loads((runner_copy / runner.SUMMARY_FILE).read_text())

        plain_copy = fresh_copy(parent, "plain")
        scripts = parent / "scripts"
        scripts.mkdir()
        plain: dict[str, float] = {}
        env = {**os.environ, "CRIMEFIGURES_ROOT": str(plain_copy), "MPLBACKEND": "Agg",
               "PYTHONHASHSEED": "0"}
        for step in steps:
            say(f"pipeline: plain python {step.name}")
            path = scripts / f"{step.name.replace('/', '__')}.py"
            path.write_text(notebook_script(step, plain_copy), encoding="utf-8")
            start = time.perf_counter()
            done = subprocess.run([sys.executable, str(path)], cwd=plain_copy, env=env,
                                  capture_output=True, text=True, timeout=1800, check=False)
            plain[step.name] = time.perf_counter() - start
            if done.returncode != 0:
                return ["## Pipeline", "", f"Plain Python failed in {step.name}: "
                        f"`{done.stderr.strip()[-300:]}`", ""]
        same_outputs = output_digests(runner_copy) == output_digests(plain_copy)

    say("pipeline: kernel start-up floor")
    floors = kernel_floor(args.kernel_starts)
    floor = statistics.median(floors)
    plain_total = sum(plain.values())
    rows: Table = [[s.name, secs(per_step.get(s.name, float("nan"))), secs(plain[s.name]),
                    ratio(per_step.get(s.name, float("nan")), plain[s.name])] for s in steps]
    rows.append(["**whole pipeline** (wall clock, runner CLI vs scripts in order)",
                 secs(forced_seconds), secs(plain_total), ratio(forced_seconds, plain_total)])
    lines = ["## Pipeline: runner against plain Python", "",
             "The runner (`python -m crimefigures run --force`, papermill, one `crimefigures` "
             "kernel per notebook, up to 2 side by side) against the same notebooks exported "
             "with nbconvert's script exporter, the pipeline's parameters injected by papermill's "
             "`parameterize_notebook`, run one after the other with the venv's python. "
             "Per-notebook runner times are the runner's own (kernel start included); "
             "ratio = runner / plain.", ""]
    lines += table(["notebook", "runner", "plain python", "ratio"], rows)
    lines += table(["measure", "value"], [
        ["kernel start-up floor (start `crimefigures` kernel, run `pass`; median of "
         f"{len(floors)})", f"{secs(floor)} (min {secs(min(floors))})"],
        ["floor × notebooks run", secs(floor * len(steps))],
        ["no-op rerun (nothing changed)", secs(noop_seconds)],
        ["no-op rerun: kernels started (from run_summary.json)",
         str(noop_summary["kernels_started"]) + ("" if noop.returncode == 0 else " (failed)")],
        ["runner and plain-python outputs byte-identical", "yes" if same_outputs else "NO"],
    ])
    return lines


# --- the figures step against its plain-matplotlib floor ----------------------------------

PLAIN_FIGURES = REPO / "scripts" / "plain_figures.py"
FIGURE_STEPS = ("04_publication_figures", "04_publication_figures_id")


def _hex(colour: Any) -> str:
    from matplotlib import colors

    return colors.to_hex(colour, keep_alpha=False)


def _floats(values: Any) -> list[float] | None:
    try:
        return [float(v) for v in np.asarray(values, dtype=float).ravel()]
    except (TypeError, ValueError):
        return None


def _ticks(locations: Any, labels: Any, limits: tuple[float, float],
           minor: bool = False) -> tuple[list, list]:
    low, high = sorted(limits)
    texts = [""] * len(locations) if minor else [label.get_text() for label in labels]
    kept = [(float(x), text) for x, text in zip(locations, texts, strict=False)
            if low <= x <= high]
    return [x for x, _ in kept], [text for _, text in kept]


def _text_spec(text: Any, ax: Any) -> dict[str, Any]:
    from matplotlib.text import Annotation

    common = {"text": text.get_text(), "size": text.get_fontsize(),
              "color": _hex(text.get_color()), "ha": text.get_horizontalalignment(),
              "va": text.get_verticalalignment()}
    if isinstance(text, Annotation):
        offset = text.xyann if text.anncoords == "offset points" else (0.0, 0.0)
        return {**common, "kind": "annotation", "xy": [float(v) for v in text.xy],
                "xytext": [float(v) for v in offset], "arrow": text.arrow_patch is not None}
    box = text.get_bbox_patch()
    return {**common, "kind": "text", "xy": [float(v) for v in text.get_position()],
            "axes_coords": ax is not None and text.get_transform() == ax.transAxes,
            "box": _hex(box.get_facecolor()) if box is not None else None}


def _axes_spec(ax: Any) -> dict[str, Any]:
    lines = []
    for line in ax.lines:
        x, y = _floats(line.get_xdata()), _floats(line.get_ydata())
        if x is not None and y is not None:
            marker = line.get_marker()
            lines.append({"x": x, "y": y, "color": _hex(line.get_color()),
                          "lw": line.get_linewidth(), "ls": line.get_linestyle(),
                          "marker": marker if isinstance(marker, str) else "o",
                          "ms": line.get_markersize()})
    patches = []
    for patch in ax.patches:
        path = patch.get_path().transformed(patch.get_patch_transform())
        patches.append({"vertices": path.vertices.tolist(),
                        "codes": None if path.codes is None else path.codes.tolist(),
                        "facecolor": _hex(patch.get_facecolor()),
                        "edgecolor": _hex(patch.get_edgecolor())})
    legend = ax.get_legend()
    return {
        "position": list(ax.get_position().bounds), "xscale": ax.get_xscale(),
        "yscale": ax.get_yscale(), "xlim": list(ax.get_xlim()), "ylim": list(ax.get_ylim()),
        "lines": lines, "patches": patches, "texts": [_text_spec(t, ax) for t in ax.texts],
        **dict(zip(("xticks", "xticklabels"), _ticks(
            ax.xaxis.get_majorticklocs(), ax.xaxis.get_majorticklabels(), ax.get_xlim()),
            strict=True)),
        **dict(zip(("yticks", "yticklabels"), _ticks(
            ax.yaxis.get_majorticklocs(), ax.yaxis.get_majorticklabels(), ax.get_ylim()),
            strict=True)),
        "xminor": _ticks(ax.xaxis.get_minorticklocs(), [], ax.get_xlim(), minor=True)[0],
        "yminor": _ticks(ax.yaxis.get_minorticklocs(), [], ax.get_ylim(), minor=True)[0],
        "grid": [name for name, axis in (("x", ax.xaxis), ("y", ax.yaxis))
                 if any(line.get_visible() for line in axis.get_gridlines())],
        "xlabel": ax.get_xlabel(), "ylabel": ax.get_ylabel(),
        "title": ax.get_title("left") or ax.get_title(),
        "legend": None if legend is None else {
            "labels": [t.get_text() for t in legend.get_texts()],
            "colors": [_hex(h.get_color() if hasattr(h, "get_color") else h.get_facecolor())
                       for h in legend.legend_handles]},
    }


def canvas_specs(language: str) -> list[dict[str, Any]]:
    """What notebook 04's figures put on the canvas (after layout), for plain_figures.py."""
    import matplotlib.pyplot as plt

    from crimefigures.presentation import charts, style

    style.apply_house_style()
    tables = charts.load_tables(registry.story_paths(STORY))
    specs = []
    for name in charts.FIGURE_NAMES:
        try:
            chart = charts.draw_chart(name, tables, language=language)
        except charts.NoData:
            continue
        fig = chart.figure
        fig.canvas.draw()
        specs.append({"name": name, "size": [float(v) for v in fig.get_size_inches()],
                      "texts": [{**_text_spec(t, None), "weight": t.get_fontweight()}
                                for t in fig.texts],
                      "axes": [_axes_spec(ax) for ax in fig.axes]})
        plt.close(fig)
    return specs


def plain_floor(language: str, folder: Path) -> tuple[float, int]:
    """Seconds for plain_figures.py to draw and save the figures (a fresh interpreter), and
    how many files it wrote."""
    spec = folder / f"spec-{language}.json"
    spec.write_text(json.dumps(canvas_specs(language), default=lambda v: v.item()),  # numpy
                    encoding="utf-8")
    out = folder / f"plain-{language}"
    start = time.perf_counter()
    subprocess.run([sys.executable, str(PLAIN_FIGURES), str(spec), str(out)], check=True,
                   env={**os.environ, "MPLBACKEND": "Agg"}, timeout=600)
    return time.perf_counter() - start, len(list(out.iterdir()))


def _step_seconds(root: Path) -> dict[str, float]:
    summary = json.loads((root / runner.SUMMARY_FILE).read_text())
    return {n["name"].split("/", 1)[1]: n["seconds"] for n in summary["notebooks"]
            if n["status"] == "ran"}


def section_figures(args: argparse.Namespace) -> list[str]:
    head = ["## Figures: each step, the plain-matplotlib floor, a parameter change", ""]
    with tempfile.TemporaryDirectory(prefix="crimefigures-figures-") as temp:
        root = fresh_copy(Path(temp), "figures")
        say(f"figures: run --force --story {STORY} (no font-subset cache yet)")
        cold_seconds, cold = cli("run", "--force", "--story", STORY, root=root)
        if cold.returncode != 0:
            return [*head, f"The runner failed: `{cold.stderr.strip()[-300:]}`", ""]
        cold_steps = _step_seconds(root)
        say("figures: run --force again (font subsets cached)")
        warm_seconds, _ = cli("run", "--force", "--story", STORY, root=root)
        warm_steps = _step_seconds(root)
        say(f"figures: parameter change in notebook 02 (-p {args.figures_change})")
        change_seconds, change = cli("run", "--story", STORY, "-p", args.figures_change,
                                     root=root)
        changed = _step_seconds(root) if change.returncode == 0 else {}
        alone, floors = {}, {}
        for step, language in zip(FIGURE_STEPS, ("en", "id"), strict=True):
            say(f"figures: {step} alone, then its plain matplotlib floor")
            cli("run", "--force", f"{STORY}/{step}", root=root)
            alone[step] = _step_seconds(root)[step]
            floors[step] = plain_floor(language, Path(temp))
        kernel = statistics.median(kernel_floor(3))
    rows: Table = [[name, secs(cold_steps[name]), secs(warm_steps.get(name, math.nan))]
                   for name in cold_steps]
    rows.append(["**sum of the steps' own times**", secs(sum(cold_steps.values())),
                 secs(sum(warm_steps.values()))])
    rows.append(["**run --force, wall clock**", secs(cold_seconds), secs(warm_seconds)])
    floor_rows: Table = [
        [step, secs(alone[step]), f"{secs(floors[step][0])} ({floors[step][1]} files)",
         ratio(alone[step], floors[step][0])] for step in FIGURE_STEPS]
    floor_rows.append(["kernel start alone (start a `crimefigures` kernel, run `pass`; "
                       "median of 3), mostly paid while an earlier step runs (spare kernels)",
                       secs(kernel), "—", "—"])
    change_rows: Table = [
        [f"`run --story {STORY} -p {args.figures_change}` (wall clock)", secs(change_seconds)
         + ("" if change.returncode == 0 else " (failed)")],
        ["steps it reran", ", ".join(changed) or "none"],
    ]
    return [*head,
            f"Story {STORY}, both languages, in a fresh copy of the repository. Each step's own "
            "time is the runner's (a step's kernel is a spare, started and warmed ahead, mostly "
            "while an earlier step ran); steps of a level run side by "
            "side (2 at a time), so the wall clock is less than the sum. The first run has no "
            "PDF font-subset cache (`reports/cache/font-subsets/`); the second has it, as any "
            "run after the first does.", "",
            *table(["step", "run --force (cold cache)", "run --force (warm cache)"], rows),
            "The floor: the same figures, as drawn (axes where layout put them, lines, "
            "patches, texts, major and minor ticks, grid lines, legends), redrawn by "
            "`scripts/plain_figures.py` with matplotlib's defaults and no layout engine and "
            "saved in the same formats (PNG at 200 dpi, SVG, PDF), in a fresh interpreter "
            "that imports only matplotlib. The step is run alone (`run --force STORY/STEP`, "
            "warm cache) just before its floor, so both meet the same machine. "
            "Ratio = step / floor.",
            "",
            *table(["figures step", "runner, step alone", "plain matplotlib floor", "ratio"],
                   floor_rows),
            "A parameter change in notebook 02, after the runs above: the runner reruns 02 and "
            "every step whose inputs changed, up to all figures in both languages.", "",
            *table(["measure", "value"], change_rows)]


# --- growth: synthetic ledgers ---------------------------------------------------------------

_CONSONANTS = "bdgklmprst"  # no c, n, v, z: no syllables spell a number word
_VOWELS = "aeiou"


def place_name(i: int) -> str:
    syllables = []
    i += 1
    while i:
        i, r = divmod(i, len(_CONSONANTS) * len(_VOWELS))
        syllables.append(_CONSONANTS[r // len(_VOWELS)] + _VOWELS[r % len(_VOWELS)])
    return "".join(syllables).capitalize()


def write_synthetic_ledger(size: int, folder: Path) -> dict[str, Path]:
    """An article of ``size`` sentences, each with one distinct figure, and its full ledger."""
    folder.mkdir(parents=True, exist_ok=True)
    sentences, claims = [], []
    for i in range(size):
        figure = f"up to {1000 + 7 * i:,} people" if i % 2 == 0 else f"${3 + i % 900} million"
        quote = f"Officials in {place_name(i)} {place_name(i + size)} said {figure} were linked"
        sentences.append(quote + " to the compounds.")
        claims.append([f"S{i:06d}", quote, figure, "synthetic_measure", "", "", "", "",
                       "synthetic", "reviewed", ""])
    files = {name: folder / f"{name}.csv" for name in ("claims", "sources", "ignored")}
    files["article"] = folder / "article.txt"
    files["article"].write_text("In 2023, a synthetic article was written.\n\n"
                                + "\n\n".join(sentences) + "\n", encoding="utf-8")

    def write(path: Path, header: Sequence[str], rows: Table) -> None:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows([list(header), *rows])
        path.write_text(buffer.getvalue(), encoding="utf-8")

    write(files["claims"], ledger.CLAIM_COLUMNS, claims)
    write(files["sources"], ledger.SOURCE_COLUMNS,
          [["synthetic", "Benchmark", "Synthetic ledger", "2024-01-01", "https://example.org/s",
            "2024-01-01", "report", "read", ""]])
    write(files["ignored"], ledger.IGNORED_COLUMNS, [["2023", "1", "year", "a year"]])
    return files


def figures_without_coverage(files: dict[str, Path]) -> Any:
    """The figures table built as build_figures does, minus the coverage check."""
    import pandas as pd

    article = ledger.read_article(files["article"])
    claims = registry.read("claims", path=files["claims"])
    spans = ledger.claim_spans(article, claims, "claims.csv")
    figures = pd.concat([claims, ledger.parse_claims(claims, "claims.csv")], axis=1)
    figures["span_start"] = [s.start for s in spans]
    figures["span_end"] = [s.end for s in spans]
    for column in ("low", "high", "point"):
        figures[column] = figures[column].astype(float)
    return figures[list(ledger.FIGURE_COLUMNS)]


def chunked_ratios(figures: Any, draws: int, chunk: int = 1000) -> int:
    """A ratio for each neighbouring pair of claims, a DrawBank per chunk of claims (so draws
    for 100,000 quantities never sit in memory at once)."""
    table_ = reference.load_reference(REPO / registry.path("reference", STORY))
    settings = Settings(draws=draws)
    done = 0
    for start in range(0, len(figures), chunk):
        part = figures.iloc[start:start + chunk]
        ids = list(part["claim_id"])
        # claims alternate people and dollars: pair each with the next of the same unit
        specs = [RatioSpec(id=f"{a}_over_{b}".lower(), numerator=[a], denominator=[b],
                           unit="fraction", description={"en": "pair", "id": "pasangan"})
                 for a, b in zip(ids, ids[2:], strict=False)]
        if specs:
            done += len(compute_ratios(part, settings, table_, specs))
    return done


def peak_rss() -> int:
    """This process's peak resident set in bytes. Linux's VmHWM, which starts afresh at exec;
    ru_maxrss would carry over the (larger) parent's peak into a freshly spawned worker."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def growth_worker(size: int, folder: Path, draws: int, phase: str) -> None:
    """Runs in a child process so a slow size can be stopped; one JSON line per result."""
    files = write_synthetic_ledger(size, folder)

    def report(**fields: Any) -> None:
        print(json.dumps({**fields, "max_rss": peak_rss()}), flush=True)

    report(phase="ready")
    if phase == "clean":
        seconds, figures = timed(lambda: ledger.build_figures(
            files["article"], files["claims"], files["sources"], files["ignored"]))
        report(phase="clean", seconds=seconds, rows=len(figures))
    else:
        figures = figures_without_coverage(files)
    seconds, count = timed(lambda: chunked_ratios(figures, draws))
    report(phase="ratios", seconds=seconds, rows=count)


def run_growth_worker(size: int, folder: Path, draws: int, phase: str,
                      timeout: float) -> list[dict[str, Any]]:
    """The worker's JSON lines; stops it (and says so) once a step passes ``timeout``."""
    command = [sys.executable, __file__, "_growth", str(size), str(folder), str(draws), phase]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=REPO)
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    results: list[dict[str, Any]] = []
    deadline = time.monotonic() + max(timeout, WORKER_START_ALLOWANCE)  # imports, files
    while True:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            process.kill()
            process.wait()
            results.append({"phase": "stopped", "seconds": timeout})
            return results
        if line is None:
            if process.wait() != 0:
                raise RuntimeError(f"growth worker for {size:,} claims failed "
                                   f"(exit {process.returncode}); see its stderr above")
            return results
        record = json.loads(line)
        results.append(record)
        deadline = time.monotonic() + timeout  # each step gets the full allowance


def section_growth(args: argparse.Namespace) -> list[str]:
    rows: Table = []
    notes: list[str] = []
    baseline: dict[str, tuple[int, float]] = {}
    with tempfile.TemporaryDirectory(prefix="crimefigures-growth-") as temp:
        for size in args.sizes:
            say(f"growth: {size:,} claims")
            results = run_growth_worker(size, Path(temp) / str(size), args.growth_draws,
                                        "clean", args.growth_timeout)
            by_phase = {r["phase"]: r for r in results}
            ready_rss = by_phase["ready"]["max_rss"]
            if "stopped" in by_phase and "clean" not in by_phase:
                notes.append(
                    f"{size:,} claims: the cleaning step was stopped after "
                    f"{args.growth_timeout:.0f} s. `ledger.check_coverage` compares every "
                    "extracted figure and every number token with every claimed span (`any(...)"
                    " for span in accounted`), so its cost grows with the square of the ledger; "
                    "the ratio step below ran on a table built without that check.")
                rows.append([f"{size:,}", "cleaning (ledger.build_figures)",
                             f"> {args.growth_timeout:.0f} s (stopped)", "—", "—", "—"])
                results = run_growth_worker(size, Path(temp) / f"{size}-ratios",
                                            args.growth_draws, "ratios-only",
                                            args.growth_timeout)
                by_phase = {r["phase"]: r for r in results}
            elif "clean" in by_phase:
                rows.append(_growth_row(size, "cleaning (ledger.build_figures)",
                                        by_phase["clean"], ready_rss, baseline))
            if "ratios" in by_phase:
                before = by_phase.get("clean", by_phase["ready"])["max_rss"]
                rows.append(_growth_row(size, f"ratios ({args.growth_draws:,} draws, pairs)",
                                        by_phase["ratios"], before, baseline))
            else:
                rows.append([f"{size:,}", "ratios", f"> {args.growth_timeout:.0f} s (stopped)",
                             "—", "—", "—"])
    lines = ["## Growth: synthetic ledgers", "",
             "Synthetic articles of N sentences, each with one distinct figure (alternately "
             "'up to 1,007 people' and '$N million'), with a complete claims, sources and "
             "ignored-numbers ledger, written to a temporary folder. Each size runs in a fresh "
             "process; 'peak RSS' is that process's peak resident set (VmHWM: the interpreter and "
             "libraries included); 'RSS rise' is how much the step raised that peak. "
             "The ratio step computes one ratio per neighbouring pair of claims with "
             "`ratios.compute_ratios`, a DrawBank per 1,000 claims. Growth ratio = time over "
             "the smallest size's time, next to the size ratio.", ""]
    lines += table(["claims", "step", "time", "growth ratio (size ratio)", "peak RSS",
                    "RSS rise"], rows)
    return lines + [f"- {note}" for note in notes] + ([""] if notes else [])


def _growth_row(size: int, step: str, record: dict[str, Any], ready_rss: int,
                baseline: dict[str, tuple[int, float]]) -> list[str]:
    first_size, first_seconds = baseline.setdefault(step, (size, record["seconds"]))
    growth = f"{ratio(record['seconds'], first_seconds)} ({size / first_size:,.0f}×)"
    return [f"{size:,}", step, secs(record["seconds"]), growth, mib(record["max_rss"]),
            mib(record["max_rss"] - ready_rss)]


# --- corpus extraction on Dask --------------------------------------------------------------

CORPUS_SEED = 20240327
SENTENCES_PER_TEXT = 5
SENTENCES_PER_PARTITION = 20_000
# A worker's profiler keeps one profile per second of work for the last
# distributed.admin.low-level-log-length (1,000) seconds: bounded, but until that bound it grows
# with the run's length, so a larger corpus would peak higher for the profiler's sake alone
# (measured on 10^6 sentences: pymalloc arenas 97 -> 108 with it, 87 -> 88 without).
WORKER_CONFIG = {"distributed.worker.profile.enabled": False}


def corpus_templates() -> list[str]:
    """Real sentences with a number in them: the shipped corpora's retellings, the parser's
    test sentences and the first story's article."""
    found = base_sentences()
    for story in paths.stories():
        file = REPO / registry.path("retellings", story)
        if file.is_file():
            texts = corpus.read_corpus(file)["text"]
            found += [s.text for text in texts for s in split_sentences(str(text))
                      if any(c.isdigit() for c in s.text)]
    return found


def write_synthetic_corpus(sentences: int, folder: Path, seed: int = CORPUS_SEED) -> int:
    """A corpus of ``sentences`` sentences as Parquet partitions, drawn by a seeded generator
    from real templates with their small numbers shifted; written one partition at a time, so
    the generator never holds the corpus. Returns the number of partitions."""
    import pandas as pd

    rng = random.Random(seed)
    templates = corpus_templates()
    folder.mkdir(parents=True)
    texts = -(-sentences // SENTENCES_PER_TEXT)
    per_partition = SENTENCES_PER_PARTITION // SENTENCES_PER_TEXT
    partitions = -(-texts // per_partition)
    for number in range(partitions):
        first = number * per_partition
        rows = [{"url": f"synthetic/{i}", "outlet": f"outlet {i % 97}",
                 "published": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}", "language": "en",
                 "credited_to": "", "retrieved": "2026-01-01", "role": "report",
                 "text": " ".join(vary(rng.choice(templates), rng.randrange(50))
                                  for _ in range(SENTENCES_PER_TEXT))}
                for i in range(first, min(texts, first + per_partition))]
        pd.DataFrame(rows).to_parquet(folder / f"part.{number:05d}.parquet", index=False)
    return partitions


def worker_peak_rss(dask_worker: Any = None) -> int:
    return peak_rss()


def extract_on_cluster(source: Path, output: Path, workers: int) -> dict[str, Any]:
    """Extract every figure on a fresh LocalCluster of ``workers`` one-thread processes, with
    Dask's statistical profiler off (see WORKER_CONFIG)."""
    import dask
    from distributed import Client, LocalCluster

    # The nanny hands this config to the worker processes it starts.
    with dask.config.set(WORKER_CONFIG), \
            LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                         dashboard_address=None, host="127.0.0.1") as cluster, \
            Client(cluster) as client:
        started = time.perf_counter()
        figures = corpus.extract_corpus(source, output, cluster.scheduler_address)
        seconds = time.perf_counter() - started
        peaks = client.run(worker_peak_rss)
    return {"seconds": seconds, "figures": figures, "peaks": sorted(peaks.values())}


def peak_growth(peak: int, sentences: int, baseline: tuple[int, int]) -> str:
    """The largest worker peak over the first size at or above the window, beside the ratio
    of sizes."""
    first_sentences, first_peak = baseline
    return f"{ratio(peak, first_peak)} ({sentences / first_sentences:,.0f}× sentences)"


def below_window(partitions: int) -> bool:
    """Fewer partitions than the in-flight window: its peak is lower for that reason alone."""
    return partitions < corpus.PARTITIONS_IN_FLIGHT


def section_corpus(args: argparse.Namespace) -> list[str]:
    rows: Table = []
    digests: dict[int, set[str]] = {}
    growth: dict[int, list[tuple[int, int]]] = {}
    with tempfile.TemporaryDirectory(prefix="crimefigures-corpus-") as temp:
        for sentences in args.corpus_sentences:
            folder = Path(temp) / f"corpus-{sentences}"
            say(f"corpus: writing {sentences:,} sentences")
            partitions = write_synthetic_corpus(sentences, folder)
            for workers in args.corpus_workers:
                say(f"corpus: {sentences:,} sentences on {workers} worker(s)")
                output = Path(temp) / f"figures-{sentences}-{workers}.csv"
                result = extract_on_cluster(folder, output, workers)
                digests.setdefault(sentences, set()).add(runner.file_sha256(output))
                output.unlink()
                per_second = sentences / result["seconds"]
                peak = max(result["peaks"])
                # A corpus below the window holds fewer results at once: no baseline for growth.
                if below_window(partitions):
                    size, grown = f"{sentences:,} (below window)", "–"
                else:
                    sizes = growth.setdefault(workers, [])
                    sizes.append((sentences, peak))
                    size, grown = f"{sentences:,}", peak_growth(peak, sentences, sizes[0])
                rows.append([size, str(partitions), str(workers),
                             secs(result["seconds"]), f"{result['figures']:,}",
                             f"{per_second:,.0f}", f"{per_second / workers:,.0f}",
                             " / ".join(mib(p) for p in result["peaks"]), grown])
            shutil.rmtree(folder)
    same = all(len(found) == 1 for found in digests.values())
    lines = ["## Corpus extraction on Dask", "",
             f"A synthetic corpus drawn by a seeded generator (seed {CORPUS_SEED}) from "
             f"{len(corpus_templates()):,} real sentences (the shipped retellings, the parser's "
             f"test sentences, the first story's article), {SENTENCES_PER_TEXT} sentences a "
             f"text, small numbers shifted; written as Parquet partitions of "
             f"{SENTENCES_PER_PARTITION:,} sentences. `text.corpus.extract_corpus` runs on a "
             "`distributed.LocalCluster` of one-thread worker processes and streams the "
             f"figures to a CSV, {corpus.PARTITIONS_IN_FLIGHT} partitions in flight. The "
             "workers run with Dask's statistical profiler off "
             f"({', '.join(f'`{k}: {v}`' for k, v in WORKER_CONFIG.items())}): on, it keeps a "
             "profile per second of work for the last 1,000 seconds, so a worker's memory "
             "grows with the run's length up to that bound, apart from the corpus. 'per core' "
             "is sentences per second over the number of workers; 'peak RSS per worker' is "
             "each worker process's VmHWM after the run (interpreter and libraries included). "
             "'peak growth' is the largest worker's peak over the same worker count's first "
             "size at or above the window (a corpus of at least "
             f"{corpus.PARTITIONS_IN_FLIGHT} partitions), beside the ratio of sizes: streaming "
             "keeps it near 1.00×. A smaller corpus, marked 'below window', holds fewer "
             "results at once and peaks lower for that reason alone, so it is no baseline.", ""]
    lines += table(["sentences", "partitions", "workers", "time", "figures", "sentences/s",
                    "sentences/s per core", "peak RSS per worker",
                    "peak growth from the first size at or above the window (size ratio)"],
                   rows)
    lines += ["", f"- Same output bytes on every worker count: {'yes' if same else 'NO'}."]
    lines += [growth_line(workers, sizes) for workers, sizes in growth.items()]
    return lines + [""]


def growth_line(workers: int, sizes: list[tuple[int, int]]) -> str:
    """The peak's growth from each size at or above the window to the next, and overall."""
    ordered = sorted(sizes)
    if len(ordered) == 1:
        return (f"- {workers} worker(s): one size at or above the window "
                f"({corpus.PARTITIONS_IN_FLIGHT} partitions); no growth to report.")
    steps = [_growth_step(a, b) for a, b in zip(ordered, ordered[1:], strict=False)]
    if len(ordered) > 2:
        steps.append("overall " + _growth_step(ordered[0], ordered[-1]))
    return (f"- {workers} worker(s), peak RSS between sizes at or above the window: "
            + "; ".join(steps) + ".")


def _growth_step(small: tuple[int, int], large: tuple[int, int]) -> str:
    (small_size, small_peak), (large_size, large_peak) = small, large
    return (f"{mib(small_peak)} at {small_size:,} sentences to {mib(large_peak)} at "
            f"{large_size:,} ({large_size / small_size:,.0f}× the sentences): "
            f"{ratio(large_peak, small_peak)}, {(large_peak - small_peak) / 2**20:+,.1f} MiB")


# --- main ----------------------------------------------------------------------------------

RUNNERS: dict[str, Callable[[argparse.Namespace], list[str]]] = {
    "parse": section_parse, "mc": section_mc, "pipeline": section_pipeline,
    "figures": section_figures, "growth": section_growth, "corpus": section_corpus,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("section", nargs="?", default="all", choices=[*SECTIONS, "all"])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000],
                        help="synthetic ledger sizes for the growth section")
    parser.add_argument("--out", default="reports/benchmark.md",
                        help="the Markdown report (relative to the repository root)")
    parser.add_argument("--corpus-size", type=int, default=1000,
                        help="at least this many sentences for the parser section")
    parser.add_argument("--mc-draws", type=int, default=1_000_000)
    parser.add_argument("--growth-draws", type=int, default=10_000)
    parser.add_argument("--growth-timeout", type=float, default=180.0,
                        help="seconds one growth step may take before it is stopped")
    parser.add_argument("--pipeline-steps", nargs="*", default=[],
                        help="pipeline steps to time (default: all)")
    parser.add_argument("--kernel-starts", type=int, default=3)
    parser.add_argument("--figures-change", default="seed=20240328",
                        help="the parameter change (NAME=VALUE) timed in the figures section")
    parser.add_argument("--corpus-sentences", type=int, nargs="+",
                        default=[200_000, 1_000_000, 2_000_000],
                        help="synthetic corpus sizes for the corpus section")
    parser.add_argument("--corpus-workers", type=int, nargs="+", default=[1, 2],
                        help="LocalCluster sizes for the corpus section")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_growth"]:
        growth_worker(int(argv[1]), Path(argv[2]), int(argv[3]), argv[4])
        return 0
    args = build_parser().parse_args(argv)
    sections = SECTIONS if args.section == "all" else (args.section,)
    started = time.perf_counter()
    body: list[str] = []
    for name in sections:
        body += RUNNERS[name](args)
    lines = ["# Benchmark", "",
             f"`python scripts/benchmark.py {' '.join(argv) or 'all'}`: every number below "
             f"comes from this one run ({secs(time.perf_counter() - started)} in all).", ""]
    lines += machine_info() + body
    out = Path(args.out)
    target = out if out.is_absolute() else REPO / out
    written = atomic.write_text(target, "\n".join(lines) + "\n")
    print(written)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
