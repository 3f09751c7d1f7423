"""Where things live, resolved from the repository root.

Every path the package reads or writes goes through :func:`resolve`, so a
notebook behaves the same from JupyterLab, the runner, plain papermill or any
working directory. ``CRIMEFIGURES_ROOT`` points the whole project at another
copy of the repository (the end-to-end tests run in a temporary one).
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT_ENV = "CRIMEFIGURES_ROOT"
# Set by the runner while a step runs: where its writes are staged (pipeline/atomic.py).
STAGING_ENV = "CRIMEFIGURES_STAGING"
_MARKERS = ("pyproject.toml", "notebooks")


def _find_root() -> Path:
    override = os.environ.get(ROOT_ENV)
    if override:
        return Path(override).resolve()
    for start in (Path.cwd().resolve(), Path(__file__).resolve().parent):
        for candidate in (start, *start.parents):
            if all((candidate / marker).exists() for marker in _MARKERS) and (
                candidate / "src" / "crimefigures"
            ).is_dir():
                return candidate
    raise RuntimeError(
        "cannot find the crimefigures repository root; set CRIMEFIGURES_ROOT"
    )


def repo_root() -> Path:
    """The repository root, looked up afresh so an environment override applies."""
    return _find_root()


def resolve(path: str | os.PathLike[str]) -> Path:
    """An absolute path: relative paths are taken from the repository root."""
    p = Path(path)
    return p if p.is_absolute() else repo_root() / p


def relative(path: str | os.PathLike[str]) -> str:
    """A path as the repository sees it (POSIX, relative to the root when inside)."""
    p = resolve(path)
    try:
        return p.relative_to(repo_root()).as_posix()
    except ValueError:
        return p.as_posix()


def data_raw() -> Path:
    return repo_root() / "data" / "raw"


def data_curated() -> Path:
    return repo_root() / "data" / "curated"


def data_reference() -> Path:
    return repo_root() / "data" / "reference"


def data_processed() -> Path:
    return repo_root() / "data" / "processed"


def figures_dir() -> Path:
    return repo_root() / "figures"


def reports_dir() -> Path:
    return repo_root() / "reports"


def notebooks_dir() -> Path:
    return repo_root() / "notebooks"


def stories() -> list[str]:
    """Every story in the repository: a folder in data/raw with an article.yml.

    Ordered by the article's date, then slug, so the first story is the oldest one.
    """
    import yaml

    found = []
    for origin in sorted(data_raw().glob("*/article.yml")):
        try:
            meta = yaml.safe_load(origin.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError:
            meta = {}
        found.append((str(meta.get("date_published", "")), origin.parent.name))
    return [slug for _, slug in sorted(found)]
