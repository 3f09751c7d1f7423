"""One registry of the project's tables: where each lives for a story, and who makes it.

Every path a notebook, the runner or the site uses for a story's file comes from
here, so ``data/curated/{story}/claims.csv`` is typed once. ``pipeline.yml``
names its steps' inputs and outputs by these table names; the notebooks derive
their default paths from them. ``producer`` is the pipeline step that writes the
table (``curated``/``raw``/``reference`` for files people write or bundle) and
``schema`` the dotted name of its pandera schema, looked up only when asked, so
this module imports nothing of the analysis.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from typing import Any

from crimefigures.errors import ParameterError

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$")


@dataclass(frozen=True)
class Table:
    name: str
    template: str  # "{story}" is replaced by the story's slug; a trailing "/" is a folder
    producer: str
    schema: str = ""  # "module:ATTRIBUTE" of a pandera schema, where the table has one
    description: str = ""

    def path(self, story: str) -> str:
        return self.template.format(story=check_slug(story))

    def load_schema(self) -> Any:
        module, _, attribute = self.schema.partition(":")
        return getattr(importlib.import_module(module), attribute)


TABLES: dict[str, Table] = {t.name: t for t in (
    Table("article", "data/raw/{story}/article.txt", "raw",
          description="the article, as obtained"),
    Table("article_origin", "data/raw/{story}/article.yml", "raw",
          description="outlet, title, URL, date, credit, language, SHA-256"),
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
          description="the story's ratios, statements, checks and figures"),
    Table("retellings", "data/curated/{story}/retellings.csv", "curated",
          description="the story's corpus of retellings: one row per text, figure sentences"),
    Table("reference", "data/reference/gdp_population.csv", "reference",
          "crimefigures.analysis.reference:REFERENCE_SCHEMA", "cited GDP and population"),
    Table("figures", "data/processed/{story}/figures.csv", "01_clean_figures",
          "crimefigures.text.ledger:FIGURES_SCHEMA", "the cleaned figures"),
    Table("ratios", "data/processed/{story}/ratios.csv", "02_ratio_analysis",
          "crimefigures.analysis.ratios:RATIOS_SCHEMA",
          "every ratio: exact interval and Monte Carlo"),
    Table("settings", "data/processed/{story}/settings.json", "02_ratio_analysis",
          description="every setting notebook 02 ran with; 03 and 04 read it"),
    Table("fact_check", "data/processed/{story}/fact_check.csv", "03_range_analysis",
          "crimefigures.analysis.factcheck:COMPARISON_SCHEMA",
          "article against source, computed relations and verdicts"),
    Table("ranges", "data/processed/{story}/ranges.csv", "03_range_analysis",
          "crimefigures.analysis.ranges:RANGES_SCHEMA", "the sensitivity tornado"),
    Table("consistency_checks", "data/processed/{story}/consistency_checks.csv",
          "03_range_analysis", description="checks across claims and benchmarks"),
    Table("statements", "data/processed/{story}/statements.csv", "03_range_analysis",
          description="what survives the sensitivity sweep"),
    Table("figures_en", "figures/{story}/", "04_publication_figures",
          description="publication figures in English, with manifest.json"),
    Table("figures_id", "figures/{story}/id/", "04_publication_figures_id",
          description="publication figures in Indonesian, with manifest.json"),
    Table("drift", "data/processed/{story}/drift.csv", "05_figure_drift",
          description="claim x retelling: each figure as retold and what changed"),
    Table("drift_unaligned", "data/processed/{story}/drift_unaligned.csv", "05_figure_drift",
          description="figures of the retellings that align to no claim, with the reason"),
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
