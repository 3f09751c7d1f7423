"""Publish a figure with its data and its provenance.

:func:`publish_figure` writes ``<name>.png`` (200 dpi), ``.svg`` and ``.pdf`` through
:func:`crimefigures.presentation.style.save_figure` (byte-deterministic) and ``<name>.csv``, the
numbers the figure draws, through :func:`crimefigures.pipeline.atomic.write_csv`; it returns the
figure's manifest entry. :func:`write_manifest` collects the entries of one output
folder into ``manifest.json``: for every figure its files, title, caption, alt text,
the notebook and parameters that made it, the SHA-256 of every input file and the
sources it cites. Everything is written atomically (and staged while the runner runs).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from crimefigures.errors import InputError, ParameterError
from crimefigures.pipeline import atomic, params, paths
from crimefigures.presentation import style

MANIFEST_NAME = "manifest.json"
CSV_FORMAT = "csv"
FILE_KINDS: tuple[str, ...] = (*style.FORMATS, CSV_FORMAT)
_NAME = re.compile(r"^[a-z0-9][a-z0-9_]*$")
SOURCE_FIELDS = ("source_id", "publisher", "title", "url")


def canonical_json(value: Any) -> str:
    """Sorted keys, two-space indent, UTF-8 text: equal values give equal bytes."""
    try:
        return json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False,
                          allow_nan=False) + "\n"
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"not representable as JSON ({exc})", field="parameters") from None


def parameters_sha256(parameters: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_json(dict(parameters)).encode("utf-8")).hexdigest()


def input_hashes(files: Iterable[str | Path]) -> dict[str, str]:
    """``{path relative to the repository: sha256}`` for each input file."""
    hashes = {}
    for file in files:
        resolved = paths.resolve(file)
        try:
            digest = hashlib.sha256(resolved.read_bytes()).hexdigest()
        except FileNotFoundError:
            raise InputError("input file not found", file=paths.relative(resolved)) from None
        hashes[paths.relative(resolved)] = digest
    return dict(sorted(hashes.items()))


def notebook_parameters(notebook: str | Path, namespace: Mapping[str, Any]) -> dict[str, Any]:
    """The values of every parameter ``notebook`` declares, as the running notebook has
    them (``globals()``), so the manifest records exactly what was run."""
    declared = params.parameter_names(paths.resolve(notebook))
    missing = [name for name in declared if name not in namespace]
    if missing:
        raise ParameterError("declared parameter is not defined", file=notebook,
                             field=missing[0])
    return {name: namespace[name] for name in declared}


def source_records(source_ids: Sequence[str], sources: pd.DataFrame) -> list[dict[str, str]]:
    """Publisher, title and address of each cited source, from sources.csv."""
    by_id = sources.set_index("source_id")
    missing = [s for s in source_ids if s not in by_id.index]
    if missing:
        raise InputError(f"source {missing[0]!r} is not in sources.csv", field="source_id")
    return [{"source_id": s, **{f: str(by_id.loc[s, f]) for f in SOURCE_FIELDS[1:]}}
            for s in dict.fromkeys(source_ids)]


def _check_entry_fields(name: str, data: pd.DataFrame, texts: Mapping[str, str]) -> None:
    if not isinstance(name, str) or not _NAME.match(name):
        raise ParameterError(f"figure name {name!r} must be lower-case letters, digits and "
                             "underscores", field="name")
    if not isinstance(data, pd.DataFrame) or data.empty:
        raise ParameterError(f"{name}: data must be the non-empty table the figure draws",
                             field="data")
    for what, text in texts.items():
        if not isinstance(text, str) or not text.strip():
            raise ParameterError(f"{name}: a published figure needs a {what}", field=what)


def publish_figure(
    fig: Figure,
    name: str,
    *,
    output_dir: str | Path,
    data: pd.DataFrame,
    title: str,
    caption: str,
    alt: str,
    sources: Sequence[Mapping[str, str]],
    notebook: str,
    parameters: Mapping[str, Any],
    inputs: Mapping[str, str],
) -> dict[str, Any]:
    """Save ``fig`` as PNG, SVG and PDF and ``data`` as CSV in ``output_dir``; return the
    manifest entry (file paths relative to the repository root)."""
    _check_entry_fields(name, data, {"title": title, "caption": caption, "alt": alt})
    if not sources:
        raise ParameterError(f"{name}: a published figure cites at least one source",
                             field="sources")
    stem = paths.resolve(output_dir) / name
    entry_parameters = json.loads(canonical_json(dict(parameters)))
    saved = style.save_figure(fig, stem)
    saved[CSV_FORMAT] = atomic.write_csv(stem.with_name(f"{name}.{CSV_FORMAT}"), data)
    return {
        "name": name,
        "files": {kind: paths.relative(saved[kind]) for kind in FILE_KINDS},
        "title": title,
        "caption": caption,
        "alt": alt,
        "notebook": notebook,
        "parameters": entry_parameters,
        "parameters_sha256": parameters_sha256(entry_parameters),
        "inputs": dict(sorted(inputs.items())),
        "sources": [dict(source) for source in sources],
    }


def publish_chart(chart: Any, *, sources_table: pd.DataFrame, output_dir: str | Path,
                  notebook: str, parameters: Mapping[str, Any],
                  inputs: Mapping[str, str]) -> dict[str, Any]:
    """:func:`publish_figure` for a :class:`crimefigures.presentation.charts.Chart`."""
    return publish_figure(
        chart.figure, chart.name, output_dir=output_dir, data=chart.data, title=chart.title,
        caption=chart.caption, alt=chart.alt,
        sources=source_records(chart.source_ids, sources_table), notebook=notebook,
        parameters=parameters, inputs=inputs,
    )


def skipped_entry(name: str, reason: str) -> dict[str, Any]:
    """The manifest entry of a figure kind the story has no data for."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise ParameterError(f"figure name {name!r} must be lower-case letters, digits and "
                             "underscores", field="name")
    if not isinstance(reason, str) or not reason.strip():
        raise ParameterError(f"{name}: a skipped figure needs a reason", field="skipped")
    return {"name": name, "skipped": reason}


def manifest_text(entries: Iterable[Mapping[str, Any]]) -> str:
    """The manifest document: figures sorted by name, keys sorted, stable JSON."""
    figures = sorted((dict(entry) for entry in entries), key=lambda entry: entry["name"])
    names = [entry["name"] for entry in figures]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ParameterError(f"figure {duplicates[0]!r} appears twice", field="entries")
    return canonical_json({"figures": figures})


def write_manifest(entries: Iterable[Mapping[str, Any]], output_dir: str | Path) -> Path:
    """Write ``<output_dir>/manifest.json``; returns its published path."""
    return atomic.write_text(paths.resolve(output_dir) / MANIFEST_NAME, manifest_text(entries))


def read_manifest(output_dir: str | Path) -> dict[str, Any]:
    file = paths.resolve(output_dir) / MANIFEST_NAME
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("manifest not found (run notebook 04)",
                         file=paths.relative(file)) from None


@dataclass
class Publication:
    """The figures one notebook run publishes into one folder, and their manifest."""

    output_dir: str | Path
    notebook: str
    parameters: Mapping[str, Any]
    inputs: Mapping[str, str]
    sources_table: pd.DataFrame
    entries: list[dict[str, Any]] = field(default_factory=list)

    def add(self, chart: Any) -> None:
        """Publish one :class:`charts.Chart` (and show it in a notebook)."""
        self.entries.append(publish_chart(
            chart, sources_table=self.sources_table, output_dir=self.output_dir,
            notebook=self.notebook, parameters=self.parameters, inputs=self.inputs))

    def add_or_skip(self, name: str, build: Callable[..., Any], *args: Any,
                    **kwargs: Any) -> dict[str, Any]:
        """Publish ``build(*args, **kwargs)``, or, when it raises
        :class:`charts.NoData`, record ``name`` as skipped with the reason;
        returns the manifest entry."""
        from crimefigures.presentation.charts import (
            NoData,  # charts imports matplotlib and the analysis
        )

        try:
            chart = build(*args, **kwargs)
        except NoData as exc:
            entry = skipped_entry(name, exc.reason)
            self.entries.append(entry)
            return entry
        if chart.name != name:
            raise ParameterError(f"built {chart.name!r}, not {name!r}", field="name")
        self.add(chart)
        return self.entries[-1]

    @property
    def published(self) -> list[dict[str, Any]]:
        return [e for e in self.entries if not e.get("skipped")]

    @property
    def skipped(self) -> list[dict[str, Any]]:
        return [e for e in self.entries if e.get("skipped")]

    def finish(self) -> Path:
        """Write the manifest of everything added."""
        return write_manifest(self.entries, self.output_dir)

    def summary(self) -> pd.DataFrame:
        """Name, title and alt text of each figure (or why it was skipped), for the notebook."""
        return pd.DataFrame(
            [{"figure": e["name"], "title": e.get("title", ""),
              "alt text": e.get("alt", f"skipped: {e.get('skipped', '')}")}
             for e in self.entries], columns=["figure", "title", "alt text"]).set_index("figure")
