"""The package knows no story: nothing of a shipped story is written into src/ or notebooks/.

The words looked for are read from each story's own data, so a new story is covered the day
it is added: its slug, its claim ids, the figures its article writes, the outlets and agencies
it cites, and the economies its analysis names.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml
from conftest import REPO

from crimefigures.pipeline import paths

SOURCE_FILES = sorted(p for p in (REPO / "src" / "crimefigures").rglob("*")
                      if p.suffix in {".py", ".yml", ".j2", ".css", ".json"})
MIN_WORD = 4
# Modules that read the world's vocabulary or upstream tables, where country names are data
# about the world rather than about a story: the parser's currency words ("kyat in Myanmar
# reporting"), and the builders of the bundled reference and exchange-rate tables. Amounts,
# claim ids, slugs, outlets and agencies are looked for there too.
COUNTRY_NAMES_ALLOWED = {"parse.py", "reference.py", "exchange.py"}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def story_words(story: str) -> set[str]:
    curated = REPO / "data" / "curated" / story
    claims = _rows(curated / "claims.csv")
    sources = _rows(curated / "sources.csv")
    words = {story}
    words |= {row["figure_text"] for row in claims}
    words |= {row["attributed_to"] for row in claims}
    # the publishers of bundled reference tables (World Bank, IMF) are the package's own
    # sources, not the story's
    words |= {row["publisher"].split(" (")[0] for row in sources if row["kind"] != "dataset"}
    words -= REFERENCE_PUBLISHERS
    return {w.strip() for w in words if len(w.strip()) >= MIN_WORD}


def country_names(story: str) -> set[str]:
    analysis = yaml.safe_load(
        (REPO / "data" / "curated" / story / "analysis.yml").read_text(encoding="utf-8"))
    areas = {code for code in analysis.get("yardsticks", []) if code != "WLD"}
    reference = _rows(REPO / "data" / "reference" / "gdp_population.csv")
    return {row["area_name"] for row in reference if row["area_code"] in areas}


REFERENCE_PUBLISHERS = {row["publisher"] for row in _rows(
    REPO / "data" / "reference" / "gdp_population.csv")}


def claim_ids(story: str) -> set[str]:
    return {row["claim_id"] for row in _rows(REPO / "data" / "curated" / story / "claims.csv")}


@pytest.mark.parametrize("story", paths.stories())
def test_no_story_word_in_the_package(story: str):
    ids = claim_ids(story)
    found = []
    for file in SOURCE_FILES:
        text = file.read_text(encoding="utf-8")
        words = story_words(story)
        if file.name not in COUNTRY_NAMES_ALLOWED:
            words |= country_names(story)
        for word in words:
            if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text):
                found.append((file.relative_to(REPO).as_posix(), word))
        for claim in ids:
            if re.search(rf"\b{re.escape(claim)}\b", text):
                found.append((file.relative_to(REPO).as_posix(), claim))
    assert not found, found


@pytest.mark.parametrize("story", paths.stories())
def test_notebooks_name_no_claim_id_and_no_story_word(story: str):
    ids = claim_ids(story)
    # the default story parameter names the first slug
    words = (story_words(story) | country_names(story)) - {story}
    for notebook in sorted((REPO / "notebooks").glob("*.ipynb")):
        text = notebook.read_text(encoding="utf-8")
        assert not [c for c in ids if re.search(rf"\b{re.escape(c)}\b", text)], notebook.name
        assert not [w for w in words if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text)], (
            notebook.name, [w for w in words if w in text])


def test_the_scan_finds_a_planted_name(tmp_path: Path):
    """The scan can fail: a story's figure written into a module is found."""
    story = paths.stories()[0]
    planted = sorted(story_words(story))[0]
    text = f'EXAMPLE = "{planted}"\n'
    assert re.search(rf"(?<!\w){re.escape(planted)}(?!\w)", text)
