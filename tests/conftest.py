"""Shared test helpers: run the CLI in a subprocess against a chosen repository root."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# What a copy of the repository needs to run the pipeline (no .git, .venv or reports).
COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", "reports", "__pycache__", ".pytest_cache",
                                     ".ruff_cache", ".hypothesis", "*.egg-info")


def run_cli(*args: str, root: Path | None = None, timeout: float = 900,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **(env or {})}
    if root is not None:
        environment["CRIMEFIGURES_ROOT"] = str(root)
    return subprocess.run(
        [sys.executable, "-m", "crimefigures", *args], capture_output=True, text=True,
        cwd=root or REPO, env=environment, timeout=timeout, check=False,
    )


def copy_repo(target: Path) -> Path:
    """A working copy of the repository for runs that must not touch the real one."""
    shutil.copytree(REPO, target, ignore=COPY_IGNORE)
    return target


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    return copy_repo(tmp_path / "repo")
