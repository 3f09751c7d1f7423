"""PDF font subsets made once per font and glyph set, not once per PDF.

A PDF with TrueType text (``pdf.fonttype = 42``) embeds a subset of each font holding only
the glyphs it uses; matplotlib builds it with fontTools, which reads and rewrites the font's
layout tables every time (about a fifth of the figures step). The subset depends only on the
font file, the glyphs, and the matplotlib and fontTools versions, so :func:`cached_subsets`
keeps each one, in memory and in ``reports/cache/font-subsets/`` (build output, never
committed), keyed by exactly those. A figure re-drawn with new numbers uses the same glyphs,
so a parameter change finds its subsets made; the PDF bytes are the same either way
(tests/test_style.py compares a cold and a warm save).

matplotlib has no hook for this: the cache stands in for its private
``_backend_pdf_ps.get_glyphs_subset`` while a PDF is written, and refuses to run if that
function is gone (a matplotlib upgrade must look at this module again).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from io import BytesIO
from pathlib import Path
from typing import Any

import matplotlib as mpl
from matplotlib.backends import _backend_pdf_ps

from crimefigures.pipeline import atomic, paths

CACHE_DIR = "reports/cache/font-subsets"
_SUBSETTER = "get_glyphs_subset"
_memory: dict[str, tuple[bytes, dict[int, int]]] = {}


@functools.cache
def _file_sha256(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def subset_key(fontfile: Any, glyphs: Iterable[int]) -> str:
    """What the subset's bytes depend on: versions, the font file's content and face, glyphs."""
    from fontTools import version as fonttools_version

    face = getattr(fontfile, "face_index", 0)
    text = "|".join(
        [
            mpl.__version__,
            fonttools_version,
            _file_sha256(os.fspath(fontfile)),
            str(face),
            ",".join(map(str, sorted(int(g) for g in glyphs))),
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _read(key: str) -> tuple[bytes, dict[int, int]] | None:
    file = paths.resolve(CACHE_DIR) / f"{key}.json"
    try:
        record = json.loads(file.read_text(encoding="utf-8"))
        return base64.b64decode(record["font"]), {int(a): int(b) for a, b in record["map"]}
    except (OSError, ValueError, KeyError, TypeError):  # absent or half-written: make it anew
        return None


def _write(key: str, font: bytes, glyph_map: dict[int, int]) -> None:
    record = {
        "font": base64.b64encode(font).decode("ascii"),
        "map": sorted([int(a), int(b)] for a, b in glyph_map.items()),
    }
    atomic.write_cache(f"{CACHE_DIR}/{key}.json", json.dumps(record).encode("utf-8"))


def _subset(original: Callable[..., Any], fontfile: Any, glyphs: Any) -> tuple[bytes, dict]:
    key = subset_key(fontfile, glyphs)
    found = _memory.get(key) or _read(key)
    if found is None:
        with original(fontfile, glyphs) as made:
            found = (
                _backend_pdf_ps.font_as_file(made.font).getvalue(),
                dict(made.glyph_index_map),
            )
        _write(key, *found)
    _memory[key] = found
    return found


def _cached(original: Callable[..., Any]) -> Callable[..., AbstractContextManager[Any]]:
    def get_glyphs_subset(fontfile: Any, glyphs: Any) -> AbstractContextManager[Any]:
        from fontTools.ttLib import TTFont

        font, glyph_map = _subset(original, fontfile, set(glyphs))
        # Read back as fontTools wrote it: lazily, with the head table's dates and bounds as
        # the subset left them (a TTFont re-dates itself on save by default).
        return _backend_pdf_ps.SubsetResults(
            TTFont(BytesIO(font), lazy=True, recalcBBoxes=False, recalcTimestamp=False),
            dict(glyph_map),
        )._as_cm()

    return get_glyphs_subset


@contextmanager
def cached_subsets() -> Iterator[None]:
    """While in this block, matplotlib's PDF backend takes font subsets from the cache."""
    original = getattr(_backend_pdf_ps, _SUBSETTER, None)
    if original is None or not hasattr(_backend_pdf_ps, "SubsetResults"):
        raise RuntimeError(
            f"matplotlib {mpl.__version__} has no _backend_pdf_ps.{_SUBSETTER}; "
            "crimefigures.presentation.fontcache needs updating"
        )
    setattr(_backend_pdf_ps, _SUBSETTER, _cached(original))
    try:
        yield
    finally:
        setattr(_backend_pdf_ps, _SUBSETTER, original)
