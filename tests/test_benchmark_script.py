"""scripts/benchmark.py runs end to end on tiny sizes (a smoke test: no time is asserted)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

# Runs notebooks or the CLI in subprocesses: left out of `make test-fast`.
pytestmark = pytest.mark.e2e

SCRIPT = REPO / "scripts" / "benchmark.py"


def benchmark(*args: str, env: dict[str, str] | None = None,
              timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                          cwd=REPO, env={**os.environ, **(env or {})}, timeout=timeout,
                          check=False)


def table_rows(report: str, first_cell: str) -> list[list[str]]:
    return [[cell.strip() for cell in line.strip("|").split("|")]
            for line in report.splitlines() if line.startswith(f"| {first_cell}")]


def test_all_sections_on_tiny_sizes_write_one_report(tmp_path: Path):
    out = tmp_path / "benchmark.md"
    result = benchmark("all", "--sizes", "20", "60", "--corpus-size", "10", "--mc-draws",
                       "2000", "--growth-draws", "100", "--pipeline-steps", "01_clean_figures",
                       "--kernel-starts", "1", "--corpus-sentences", "200", "--corpus-workers",
                       "1", "2", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(out)
    report = out.read_text(encoding="utf-8")
    for heading in ("# Benchmark", "## Parser and extractor throughput",
                    "### Quality on the article's 12 figures", "## Monte Carlo",
                    "## Pipeline: runner against plain Python",
                    "## Figures: each step, the plain-matplotlib floor, a parameter change",
                    "## Growth: synthetic ledgers",
                    "## Corpus extraction on Dask"):
        assert heading in report
    assert table_rows(report, "CPUs")[0][1] == str(os.cpu_count())
    assert table_rows(report, "crimefigures")[0][1:] == ["12/12", "12/12"]
    assert table_rows(report, "2,000")[0][1] == "19"  # every ratio of notebook 02
    assert table_rows(report, "no-op rerun: kernels started")[0][1] == "0"
    assert table_rows(report, "runner and plain-python outputs")[0][1] == "yes"
    floors = {row[0]: row for row in table_rows(report, "04_publication_figures")
              if len(row) == 4}  # the floor table: step, runner, floor, ratio
    assert set(floors) == {"04_publication_figures", "04_publication_figures_id"}
    assert all(row[2].endswith("(21 files)") and row[3].endswith("×") for row in floors.values())
    assert "02_ratio_analysis" in table_rows(report, "steps it reran")[0][1]
    growth = table_rows(report, "60")
    assert [row[1] for row in growth] == ["cleaning (ledger.build_figures)",
                                          "ratios (100 draws, pairs)"]
    assert all(row[2].endswith(" s") and "stopped" not in row[2] for row in growth)
    corpus = [row for row in table_rows(report, "200") if len(row) == 9]  # the corpus table
    assert [row[2] for row in corpus] == ["1", "2"]  # workers
    assert corpus[0][0] == "200 (below window)"  # one partition, fewer than in flight
    assert [row[8] for row in corpus] == ["–"] * 2  # below the window: no baseline for growth
    assert "Same output bytes on every worker count: yes" in report


def test_parse_section_without_quantulum3_says_how_to_get_it(tmp_path: Path):
    hidden = tmp_path / "hide"
    (hidden / "quantulum3").mkdir(parents=True)
    (hidden / "quantulum3" / "__init__.py").write_text("raise ImportError('hidden by a test')\n")
    out = tmp_path / "parse.md"
    result = benchmark("parse", "--corpus-size", "10", "--out", str(out),
                       env={"PYTHONPATH": str(hidden)})
    assert result.returncode == 0, result.stderr
    report = out.read_text(encoding="utf-8")
    assert "pip install -r requirements-benchmark.txt" in report
    assert table_rows(report, "quantulum3")[0][1].startswith("not installed")
    assert table_rows(report, "parse, in-process")
    assert not table_rows(report, "quantulum3 parse")


def test_slow_growth_step_is_stopped_with_a_note(tmp_path: Path):
    out = tmp_path / "growth.md"
    result = benchmark("growth", "--sizes", "3000", "--growth-timeout", "0.2",
                       "--growth-draws", "100", "--out", str(out))
    assert result.returncode == 0, result.stderr
    report = out.read_text(encoding="utf-8")
    assert "> 0 s (stopped)" in report
    assert "the cleaning step was stopped" in report and "check_coverage" in report


def test_the_corpus_growth_line_states_the_peak_ratio_between_sizes(monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location("benchmark_script", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # its dataclasses look themselves up
    spec.loader.exec_module(module)
    mib = 2**20
    line = module.growth_line(2, [(2_000_000, 330 * mib), (1_000_000, 300 * mib)])
    assert line == ("- 2 worker(s), peak RSS between sizes at or above the window: 300.0 MiB at "
                    "1,000,000 sentences to 330.0 MiB at 2,000,000 (2× the sentences): 1.10×, "
                    "+30.0 MiB.")
    three = module.growth_line(1, [(1_000_000, 300 * mib), (4_000_000, 303 * mib),
                                   (2_000_000, 330 * mib)])
    assert three.split(": ", 1)[1].split("; ") == [
        "300.0 MiB at 1,000,000 sentences to 330.0 MiB at 2,000,000 (2× the sentences): 1.10×, "
        "+30.0 MiB",
        "330.0 MiB at 2,000,000 sentences to 303.0 MiB at 4,000,000 (2× the sentences): 0.92×, "
        "-27.0 MiB",
        "overall 300.0 MiB at 1,000,000 sentences to 303.0 MiB at 4,000,000 (4× the sentences): "
        "1.01×, +3.0 MiB."]
    assert "no growth to report" in module.growth_line(1, [(10, mib)])
    assert module.below_window(module.corpus.PARTITIONS_IN_FLIGHT - 1)
    assert not module.below_window(module.corpus.PARTITIONS_IN_FLIGHT)
