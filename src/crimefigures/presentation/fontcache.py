"""Font work done once: PDF font subsets per font and glyph set, not per PDF; text metrics per
kind of renderer, not per renderer.

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

Text metrics: matplotlib measures every string (tick labels, titles, footers) once per
renderer, and saving one figure makes up to two renderers per format (one lays the figure
out, one draws it), so each figure of a step measured its strings four to six times and
re-measured the tick labels and footers the figure before had measured. A string's size
depends only on the kind of renderer, its resolution, the font properties and the settings
in force, so :func:`shared_text_metrics` keeps one measurement per exactly those, for the
rest of the process, in place of matplotlib's per-renderer cache (its private
``text._get_text_metrics_function``; the same refusal applies). The bytes are the same with
and without it (tests/test_style.py).
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
_METRICS_FUNCTION = "_get_text_metrics_function"
_MAX_METRICS = 65_536  # strings measured in one process before the store starts again
_memory: dict[str, tuple[bytes, dict[int, int]]] = {}
_metrics: dict[tuple[Any, ...], tuple[float, float, float]] = {}


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
    original = _private(_backend_pdf_ps, _SUBSETTER)
    _private(_backend_pdf_ps, "SubsetResults")
    setattr(_backend_pdf_ps, _SUBSETTER, _cached(original))
    try:
        yield
    finally:
        setattr(_backend_pdf_ps, _SUBSETTER, original)


def _private(module: Any, name: str) -> Any:
    original = getattr(module, name, None)
    if original is None:
        raise RuntimeError(
            f"matplotlib {mpl.__version__} has no {module.__name__}.{name}; "
            "crimefigures.presentation.fontcache needs updating"
        )
    return original


def _renderer_kind(renderer: Any) -> tuple[Any, ...]:
    """What a renderer's measurements depend on besides the string: its class, the class of
    the renderer it hands text to (PDF and SVG both wrap theirs in a MixedModeRenderer), and
    its resolution."""
    inner = getattr(renderer, "_renderer", None)
    return type(renderer), type(inner), getattr(renderer, "dpi", None), getattr(inner, "dpi", None)


@contextmanager
def shared_text_metrics() -> Iterator[None]:
    """While in this block, a string measured by one renderer is not measured again by another
    of the same kind and resolution under the same settings (see the module docstring)."""
    from matplotlib import text as mtext

    original = _private(mtext, _METRICS_FUNCTION)
    settings = repr(sorted(mpl.rcParams.items()))  # hinting, kerning, font lists, mathtext

    def metrics_function(renderer: Any) -> Callable[..., tuple[float, float, float]]:
        kind = (_renderer_kind(renderer), settings)

        def measure(text: str, prop: Any, ismath: Any, dpi: float) -> tuple[float, float, float]:
            key = (kind, text, prop, ismath, dpi)  # prop: matplotlib's copy, keyed as it keys
            found = _metrics.get(key)
            if found is None:
                if len(_metrics) >= _MAX_METRICS:
                    _metrics.clear()
                found = _metrics[key] = renderer.get_text_width_height_descent(
                    text, prop, ismath=ismath)
            return found

        return measure

    setattr(mtext, _METRICS_FUNCTION, metrics_function)
    try:
        yield
    finally:
        setattr(mtext, _METRICS_FUNCTION, original)
