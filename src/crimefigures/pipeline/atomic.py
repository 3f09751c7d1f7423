"""Publish files so a reader sees the old version or the new one, never half of one.

Each write goes to a temporary file in the target's directory and is renamed
into place. When the runner executes a notebook it sets ``CRIMEFIGURES_STAGING``:
writes then land in that staging directory and are renamed into place only once
the whole notebook has succeeded, so a failing notebook publishes nothing.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from crimefigures.errors import InputError
from crimefigures.pipeline import paths


def staged_path(target: Path) -> Path:
    """Where a write to ``target`` really goes (the staging copy while the runner runs)."""
    staging = os.environ.get(paths.STAGING_ENV)
    if not staging:
        return target
    return Path(staging) / paths.relative(target)


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` atomically; returns the published (not the staged) path."""
    with open_binary(path) as handle:
        handle.write(data)
    return paths.resolve(path)


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    return write_bytes(path, text.encode("utf-8"))


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The canonical CSV form of a table: UTF-8, LF endings, shortest round-trip floats."""
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")


def write_csv(path: str | os.PathLike[str], frame: pd.DataFrame) -> Path:
    return write_bytes(path, csv_bytes(frame))


@contextmanager
def open_binary(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """A handle to write a large file piece by piece (a streamed table), published atomically
    when the block ends without an error, like :func:`write_bytes`."""
    target = paths.resolve(path)
    destination = staged_path(target)
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{destination.name}.", dir=destination.parent)
    except OSError as exc:
        raise InputError(f"cannot write output ({exc.strerror})",
                         file=paths.relative(target)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, destination)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_cache(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace a cache file whole, best effort and never staged: a cache is not an output (what
    a failing notebook learned is still right), and one that cannot be written only costs time."""
    target = paths.resolve(path)
    tmp = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except OSError:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
