"""Shared test helpers: run the CLI in a subprocess against a chosen repository root."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
FIRST_STORY = "interpol-2024-03"  # the story the project started with
FIXTURE_STORY = "fixture-story"
FIXTURE = REPO / "tests" / "fixtures" / "fixture_notebook.ipynb"
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


def first_story_only(root: Path) -> Path:
    """Remove every story but the first from a copy: tests of the runner's and the site's
    machinery need one story, and each further story would only add minutes."""
    for origin in (root / "data" / "raw").glob("*/article.yml"):
        story = origin.parent.name
        if story != FIRST_STORY:
            for top in ("data/raw", "data/curated", "data/processed", "figures", "reports"):
                shutil.rmtree(root / top / story, ignore_errors=True)
    return root


def built_once(tmp_path_factory: pytest.TempPathFactory, worker_id: str, name: str,
               build: Callable[[Path], None]) -> Path:
    """A folder built once per test session and shared by every pytest-xdist worker: the
    first to arrive builds it (``build(folder)``) while the others wait on a file lock."""
    from filelock import FileLock

    base = tmp_path_factory.getbasetemp()
    shared = base if worker_id == "master" else base.parent  # this session's, all workers'
    folder = shared / name
    with FileLock(str(shared / f"{name}.lock")):
        if not (folder / ".built").is_file():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            build(folder)
            (folder / ".built").write_text("")
    return folder


@pytest.fixture(scope="session")
def executed_first_story(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """A copy of the repository (the first story only) on which the whole pipeline has run
    once, from nothing. Tests that need executed notebooks or published outputs copy it
    instead of running the pipeline again; never modify it in place."""
    def build(folder: Path) -> None:
        result = run_cli("run", root=first_story_only(copy_repo(folder / "repo")))
        assert result.returncode == 0, result.stderr

    return built_once(tmp_path_factory, worker_id, "executed", build) / "repo"


def copy_tree(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    return copy_repo(tmp_path / "repo")


@pytest.fixture
def fixture_root(tmp_path: Path) -> Path:
    """A one-notebook project whose notebook writes its ``content: str`` parameter verbatim and
    can be told to fail (``fail: bool``)."""
    root = tmp_path / "proj"
    (root / "notebooks").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'fixture'\n")
    shutil.copy(FIXTURE, root / "notebooks" / "fixture.ipynb")
    pipeline = {"notebooks": {"fixture": {
        "notebook": "notebooks/fixture.ipynb", "inputs": [],
        "outputs": ["data/processed/{story}/fixture.txt"], "parameters": {}}}}
    (root / "notebooks" / "pipeline.yml").write_text(yaml.safe_dump(pipeline))
    origin = root / "data" / "raw" / FIXTURE_STORY / "article.yml"
    origin.parent.mkdir(parents=True)
    origin.write_text("date_published: 2024-01-01\n")
    return root
