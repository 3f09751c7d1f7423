"""End to end: every notebook through the runner into a temporary copy of the repository.

The committed `data/processed/` and `figures/` must be exactly what a fresh run makes, so
readers who never run anything see current results.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REPO, built_once, copy_repo, run_cli

from crimefigures.pipeline import runner

# one worker for this module: its fixtures are shared by its tests
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("outputs_current")]


def _published(root: Path) -> dict[str, bytes]:
    files = {}
    for folder in ("data/processed", "figures"):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and path.name != "README.md":
                files[path.relative_to(root).as_posix()] = path.read_bytes()
    return files


@pytest.fixture(scope="session")  # session: kept while the worker runs other modules too
def fresh_run(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> tuple[Path, str]:
    def build(folder: Path) -> None:
        result = run_cli("run", "--force", root=copy_repo(folder / "repo"))
        assert result.returncode == 0, result.stderr
        (folder / "output.txt").write_text(result.stdout + result.stderr)

    folder = built_once(tmp_path_factory, worker_id, "e2e", build)
    return folder / "repo", (folder / "output.txt").read_text()


def test_every_pipeline_step_ran(fresh_run):
    root, output = fresh_run
    summary = json.loads((root / "reports" / "run_summary.json").read_text())
    steps = [s.name for s in runner.load_pipeline(REPO / "notebooks" / "pipeline.yml")]
    assert sorted(n["name"] for n in summary["notebooks"]) == sorted(steps)
    assert {n["status"] for n in summary["notebooks"]} == {"ran"}
    for step in runner.load_pipeline(REPO / "notebooks" / "pipeline.yml"):
        assert (root / step.executed_path).is_file(), step.name


def test_clean_run_prints_no_warnings(fresh_run):
    _, output = fresh_run
    assert "warn" not in output.lower(), output


def test_committed_outputs_equal_a_fresh_run(fresh_run):
    root, _ = fresh_run
    fresh, committed = _published(root), _published(REPO)
    assert sorted(fresh) == sorted(committed)
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert not stale, f"committed outputs differ from a fresh run: {stale}"


def test_executed_notebooks_carry_no_machine_paths_or_times(fresh_run):
    root, _ = fresh_run
    for path in (root / "reports").glob("*/notebooks/*.ipynb"):
        text = path.read_text()
        assert str(root) not in text and "start_time" not in text, path.name
