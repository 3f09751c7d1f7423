"""Paths resolve from the repository root, whatever the working directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from crimefigures.pipeline import paths


def test_relative_paths_resolve_from_the_root(monkeypatch, tmp_path: Path):
    monkeypatch.delenv(paths.ROOT_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert paths.repo_root() == REPO
    assert paths.resolve("data/raw/x/article.txt") == REPO / "data" / "raw" / "x" / "article.txt"
    assert paths.relative(REPO / "figures" / "x.png") == "figures/x.png"


def test_environment_override_points_at_another_copy(monkeypatch, tmp_path: Path):
    monkeypatch.setenv(paths.ROOT_ENV, str(tmp_path))
    assert paths.data_processed() == tmp_path / "data" / "processed"


@pytest.mark.e2e  # renders or runs in fresh processes: not in make test-fast
def test_plain_papermill_from_another_directory(tmp_path: Path):
    """The notebook runs under plain papermill from /tmp, with no runner and no env override."""
    env = {k: v for k, v in os.environ.items() if k != paths.ROOT_ENV}
    output = tmp_path / "figures.csv"
    result = subprocess.run(
        [sys.executable, "-m", "papermill", str(REPO / "notebooks" / "01_clean_figures.ipynb"),
         str(tmp_path / "executed.ipynb"), "-k", "crimefigures", "-p", "output_path",
         str(output), "--no-progress-bar"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    committed = REPO / "data" / "processed" / "interpol-2024-03" / "figures.csv"
    assert output.read_bytes() == committed.read_bytes()
