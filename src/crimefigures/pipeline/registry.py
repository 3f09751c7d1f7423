"""One registry of the project's tables: where each lives for a story, and who makes it.

Every path a notebook, the runner or the site uses for a story's file comes from
here, so ``data/curated/{story}/claims.csv`` is typed once. ``pipeline.yml``
names its steps' inputs and outputs by these table names; the notebooks derive
their default paths from them. ``producer`` is the pipeline step that writes the
table (``curated``/``raw``/``reference`` for files people write or bundle) and
``schema`` the dotted name of its pandera schema, looked up only when asked, so
this module imports nothing of the analysis.

Every table is read with :func:`read` and written with :func:`write`: a CSV table is
checked against its schema both ways (one-line errors naming file, row and field) and
published atomically. A file that is not a plain CSV table (the article, the GDP table
with its cache, the settings record, the analysis spec, a corpus) names its own
``reader``/``writer``, again by dotted name.
"""

from __future__ import annotations

import importlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crimefigures.errors import ParameterError
from crimefigures.pipeline import atomic, paths, tables

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$")


@dataclass(frozen=True)
class Table:
    name: str
    template: str  # "{story}" is replaced by the story's slug; a trailing "/" is a folder
    producer: str
    schema: str = ""  # "module:ATTRIBUTE" of a pandera schema, where the table has one
    description: str = ""
    reader: str = ""  # "module:function(path)" for a file that is not a plain CSV table
    writer: str = ""  # "module:function(value, path)", likewise

    def path(self, story: str) -> str:
        return self.template.format(story=check_slug(story))

    def load_schema(self) -> Any:
        return _attribute(self.schema) if self.schema else None

    def missing_message(self) -> str:
        """'file not found', with the notebook that makes the file when one does."""
        step = self.producer.split("_")[0]
        return f"file not found (run notebook {step} first)" if step.isdigit() else \
            "file not found"


def _attribute(dotted: str) -> Any:
    # imported when used, so the pipeline imports no layer of the flow (tests/test_layers.py)
    module, _, attribute = dotted.partition(":")
    return getattr(importlib.import_module(module), attribute)


TABLES: dict[str, Table] = {t.name: t for t in (
    Table("article", "data/raw/{story}/article.txt", "raw",
          description="the article, as obtained",
          reader="crimefigures.text.article:read_article"),
    Table("article_origin", "data/raw/{story}/article.yml", "raw",
          description="outlet, title, URL, date, credit, language, SHA-256",
          reader="crimefigures.text.article:read_origin"),
    Table("claims", "data/curated/{story}/claims.csv", "curated",
          "crimefigures.text.ledger:CLAIMS_SCHEMA", "one row per claim, quotes verbatim"),
    Table("sources", "data/curated/{story}/sources.csv", "curated",
          "crimefigures.text.ledger:SOURCES_SCHEMA", "the sources, with their origin"),
    Table("ignored", "data/curated/{story}/ignored_numbers.csv", "curated",
          "crimefigures.text.ledger:IGNORED_SCHEMA", "every other number, with the reason"),
    Table("fact_checks", "data/curated/{story}/fact_checks.csv", "curated",
          "crimefigures.analysis.factcheck:FACT_CHECKS_SCHEMA", "what each claim's source says"),
    Table("benchmarks", "data/curated/{story}/benchmarks.csv", "curated",
          "crimefigures.analysis.factcheck:BENCHMARKS_SCHEMA", "published comparison figures"),
    Table("analysis", "data/curated/{story}/analysis.yml", "curated",
          description="the story's ratios, statements, checks and figures",
          reader="crimefigures.analysis.spec:load_spec"),
    Table("retellings", "data/curated/{story}/retellings.csv", "curated",
          description="the story's corpus of retellings: one row per text, figure sentences",
          reader="crimefigures.text.corpus:read_corpus"),
    # the GDP table keeps its own reader: it caches the parsed table and reports a bad
    # key or True/False cell in its own words
    Table("reference", "data/reference/gdp_population.csv", "reference",
          "crimefigures.analysis.reference:REFERENCE_SCHEMA", "cited GDP and population",
          reader="crimefigures.analysis.reference:load_reference"),
    Table("figures", "data/processed/{story}/figures.csv", "01_clean_figures",
          "crimefigures.text.ledger:FIGURES_SCHEMA", "the cleaned figures"),
    Table("ratios", "data/processed/{story}/ratios.csv", "02_ratio_analysis",
          "crimefigures.analysis.ratios:RATIOS_SCHEMA",
          "every ratio: exact interval and Monte Carlo"),
    Table("settings", "data/processed/{story}/settings.json", "02_ratio_analysis",
          description="every setting notebook 02 ran with; 03 and 04 read it",
          reader="crimefigures.analysis.ratios:read_settings",
          writer="crimefigures.analysis.ratios:write_settings"),
    Table("fact_check", "data/processed/{story}/fact_check.csv", "03_range_analysis",
          "crimefigures.analysis.factcheck:COMPARISON_SCHEMA",
          "article against source, computed relations and verdicts"),
    Table("ranges", "data/processed/{story}/ranges.csv", "03_range_analysis",
          "crimefigures.analysis.ranges:RANGES_SCHEMA", "the sensitivity tornado"),
    Table("consistency_checks", "data/processed/{story}/consistency_checks.csv",
          "03_range_analysis", "crimefigures.analysis.ranges:CHECKS_SCHEMA",
          "checks across claims and benchmarks"),
    Table("statements", "data/processed/{story}/statements.csv", "03_range_analysis",
          "crimefigures.analysis.ranges:STATEMENTS_SCHEMA",
          "what survives the sensitivity sweep"),
    Table("figures_en", "figures/{story}/", "04_publication_figures",
          description="publication figures in English, with manifest.json"),
    Table("figures_id", "figures/{story}/id/", "04_publication_figures_id",
          description="publication figures in Indonesian, with manifest.json"),
    Table("drift", "data/processed/{story}/drift.csv", "05_figure_drift",
          "crimefigures.analysis.drift:DRIFT_SCHEMA",
          "claim x retelling: each figure as retold and what changed"),
    Table("drift_unaligned", "data/processed/{story}/drift_unaligned.csv", "05_figure_drift",
          "crimefigures.analysis.drift:UNALIGNED_SCHEMA",
          "figures of the retellings that align to no claim, with the reason"),
    Table("drift_figures_en", "figures/{story}/drift/", "05_figure_drift",
          description="the figure-drift chart in English, with manifest.json"),
    Table("drift_figures_id", "figures/{story}/drift/id/", "05_figure_drift_id",
          description="the figure-drift chart in Indonesian, with manifest.json"),
)}


def check_slug(story: str) -> str:
    if not isinstance(story, str) or not SLUG.match(story):
        raise ParameterError("a story slug is 3-64 lower-case letters, digits and '-', "
                             f"starting and ending with a letter or digit; got {story!r}",
                             field="story")
    return story


def table(name: str) -> Table:
    try:
        return TABLES[name]
    except KeyError:
        raise ParameterError(f"unknown table {name!r}; tables: {', '.join(TABLES)}",
                             field="table") from None


def path(name: str, story: str) -> str:
    """A table's path for a story, relative to the repository root."""
    return table(name).path(story)


def story_paths(story: str, **overrides: str) -> dict[str, str]:
    """Every table's path for a story; a non-empty override (``claims="x.csv"``) wins."""
    unknown = set(overrides) - set(TABLES)
    if unknown:
        raise ParameterError(f"unknown table {sorted(unknown)[0]!r}", field="table")
    return {name: (overrides.get(name) or t.path(story)) for name, t in TABLES.items()}


def output_dirs(story: str) -> dict[str, str]:
    """The folders a story's outputs go to (reports are build output, not committed)."""
    check_slug(story)
    return {"processed": f"data/processed/{story}", "figures": f"figures/{story}",
            "reports": f"reports/{story}"}


def _target(t: Table, story: str, path: str | os.PathLike[str]) -> str | os.PathLike[str]:
    if str(path):
        return path
    if not story:
        raise ParameterError(f"reading or writing {t.name!r} needs a story or a path",
                             field="story")
    return t.path(story)


def read(name: str, story: str = "", path: str | os.PathLike[str] = "") -> Any:
    """A table, typed and validated; ``path`` (when given) instead of the story's file."""
    t = table(name)
    target = _target(t, story, path)
    if t.reader:
        return _attribute(t.reader)(target)
    if t.template.endswith("/"):
        raise ParameterError(f"{name!r} is a folder of figures, not a table", field="table")
    return tables.read_csv(target, t.load_schema(), t.missing_message())


def write(name: str, frame: Any, story: str = "", path: str | os.PathLike[str] = "") -> Path:
    """Validate a table against its schema and publish it atomically; returns its path."""
    t = table(name)
    target = _target(t, story, path)
    if t.writer:
        return _attribute(t.writer)(frame, target)
    if t.template.endswith("/") or not t.template.endswith(".csv"):
        raise ParameterError(f"{name!r} is not a table this package writes", field="table")
    schema = t.load_schema()
    if schema is not None:
        tables.validate(frame, schema, paths.relative(target))
    return atomic.write_csv(target, frame)
