"""The raw article, the curated ledger and the figures table."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import REPO
from hypothesis import given
from hypothesis import strategies as st

from crimefigures.errors import InputError
from crimefigures.pipeline import paths, registry
from crimefigures.text import ledger

ARTICLE = REPO / "data" / "raw" / "interpol-2024-03" / "article.txt"
CURATED = REPO / "data" / "curated" / "interpol-2024-03"
# The seed article's SHA-256 as handed to the project (the shared seed, not in a user's clone).
SEED_SHA256 = "52c3ff88f22307f20e3b70c39f995566d2fce304826213e0d2584a3ae6bea9b9"


@pytest.mark.parametrize("story", paths.stories())
def test_every_raw_article_matches_its_recorded_hash_and_origin(story: str):
    origin = yaml.safe_load((REPO / "data" / "raw" / story / "article.yml").read_text())
    data = (REPO / "data" / "raw" / story / "article.txt").read_bytes()
    assert hashlib.sha256(data).hexdigest() == origin["sha256"]
    assert len(data) == origin["bytes"]
    for key in ("outlet", "title", "url", "date_published", "credited_to", "language"):
        assert origin[key], key


def test_the_first_story_is_the_seed_article_byte_for_byte():
    origin = yaml.safe_load((ARTICLE.parent / "article.yml").read_text())
    assert hashlib.sha256(ARTICLE.read_bytes()).hexdigest() == SEED_SHA256 == origin["sha256"]
    assert str(origin["date_published"]) == "2024-03-30"
    assert origin["credited_to"] == "CNN | Reuters"


@pytest.fixture(scope="module")
def figures() -> pd.DataFrame:
    return ledger.build_figures(ARTICLE, CURATED / "claims.csv", CURATED / "sources.csv",
                                CURATED / "ignored_numbers.csv")


def _row(figures: pd.DataFrame, text: str) -> pd.Series:
    return figures.set_index("figure_text").loc[text]


def test_hedges_read_as_written(figures: pd.DataFrame):
    up_to = _row(figures, "up to $3 trillion")
    assert (up_to["bound"], up_to["high"], up_to["unit"]) == ("upper", 3e12, "USD")
    assert pd.isna(up_to["low"]) and pd.isna(up_to["point"])
    between = _row(figures, "between $2 trillion and $3 trillion")
    assert (between["bound"], between["low"], between["high"]) == ("range", 2e12, 3e12)
    nearly = _row(figures, "nearly 3,500 arrests")
    assert (nearly["bound"], nearly["point"], nearly["noun"]) == ("approx", 3500, "arrests")
    more = _row(figures, "more than 100,000 people")
    assert (more["bound"], more["low"]) == ("lower", 1e5)
    assert _row(figures, "up to 120,000 individuals")["bound"] == "upper"
    share = _row(figures, "about 40 to 70 percent")
    assert (share["bound"], share["low"], share["high"], share["unit"]) == ("range", 40, 70,
                                                                            "percent")


def test_every_claim_has_its_span_in_the_article(figures: pd.DataFrame):
    article = ARTICLE.read_text(encoding="utf-8")
    for row in figures.itertuples():
        assert article[row.span_start:row.span_end] == row.figure_text
    assert len(figures) == len(pd.read_csv(CURATED / "claims.csv"))


def test_processed_figures_table_is_what_the_ledger_gives(figures: pd.DataFrame):
    committed = registry.read("figures", CURATED.name)
    pd.testing.assert_frame_equal(committed.reset_index(drop=True),
                                  figures.reset_index(drop=True), check_dtype=False)


# --- bad ledgers -----------------------------------------------------------------------------


@pytest.fixture
def ledger_copy(tmp_path: Path) -> Path:
    for name in ("claims.csv", "sources.csv", "ignored_numbers.csv"):
        shutil.copy(CURATED / name, tmp_path / name)
    shutil.copy(ARTICLE, tmp_path / "article.txt")
    return tmp_path


def _build(folder: Path) -> pd.DataFrame:
    return ledger.build_figures(folder / "article.txt", folder / "claims.csv",
                                folder / "sources.csv", folder / "ignored_numbers.csv")


def _edit_claims(folder: Path, edit) -> None:
    claims = pd.read_csv(folder / "claims.csv", dtype=str, keep_default_na=False)
    claims = edit(claims)
    claims.to_csv(folder / "claims.csv", index=False)


def _expect(folder: Path, *parts: str) -> None:
    with pytest.raises(InputError) as info:
        _build(folder)
    message = str(info.value)
    assert "\n" not in message
    for part in parts:
        assert part in message, message


def test_quote_not_in_article(ledger_copy: Path):
    def edit(c):
        c.loc[2, "quote"] = "An international syndicate generates $50 billion in annual revenue"
        return c
    _edit_claims(ledger_copy, edit)
    _expect(ledger_copy, "claims.csv", "row 4", "'quote'", "not in the article")


def test_figure_that_does_not_parse(ledger_copy: Path):
    article = ledger_copy / "article.txt"
    article.write_text(article.read_text().replace("34 countries", "many countries"))

    def edit(c):
        c.loc[8, "quote"] = c.loc[8, "quote"].replace("34 countries", "many countries")
        c.loc[7, "quote"] = c.loc[7, "quote"].replace("34 countries", "many countries")
        c.loc[8, "figure_text"] = "many countries"
        return c
    _edit_claims(ledger_copy, edit)
    _expect(ledger_copy, "row 10", "'figure_text'", "does not parse")


def test_duplicate_claim_id(ledger_copy: Path):
    def edit(c):
        c.loc[1, "claim_id"] = "C01"
        return c
    _edit_claims(ledger_copy, edit)
    _expect(ledger_copy, "claims.csv", "'claim_id'")


def test_missing_and_extra_columns(ledger_copy: Path):
    _edit_claims(ledger_copy, lambda c: c.drop(columns="measure"))
    _expect(ledger_copy, "row 1", "'measure'", "missing column")
    shutil.copy(CURATED / "claims.csv", ledger_copy / "claims.csv")
    _edit_claims(ledger_copy, lambda c: c.assign(extra="x"))
    _expect(ledger_copy, "row 1", "'extra'", "unexpected column")


def test_blank_required_field(ledger_copy: Path):
    def edit(c):
        c.loc[5, "figure_text"] = "  "
        return c
    _edit_claims(ledger_copy, edit)
    _expect(ledger_copy, "row 7", "'figure_text'", "blank")


def test_unknown_source(ledger_copy: Path):
    def edit(c):
        c.loc[0, "primary_source_id"] = "nowhere_2024"
        return c
    _edit_claims(ledger_copy, edit)
    _expect(ledger_copy, "row 2", "'primary_source_id'", "nowhere_2024")


def test_uncovered_number_is_named_with_its_offset(ledger_copy: Path):
    ignored = pd.read_csv(ledger_copy / "ignored_numbers.csv")
    ignored[ignored["text"] != "March 27"].to_csv(ledger_copy / "ignored_numbers.csv",
                                                  index=False)
    offset = ARTICLE.read_text().index("27)")
    _expect(ledger_copy, "article.txt", f"offset {offset}", "'27'")


def test_dropped_claim_fails_coverage(ledger_copy: Path):
    _edit_claims(ledger_copy, lambda c: c[c["claim_id"] != "C03"])
    _expect(ledger_copy, "$50 billion", "neither claims.csv nor ignored_numbers.csv")


@pytest.mark.parametrize("content, words", [
    (b"", "empty"),
    (b"   \n", "empty"),
    ("Up to $3 trillion".encode("utf-16"), "UTF-16"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
    (b"caf\xe9 $3 trillion", "not valid UTF-8"),
])
def test_unreadable_articles(tmp_path: Path, content: bytes, words: str):
    path = tmp_path / "article.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=words):
        ledger.read_article(path)


def test_draft_ledger_for_another_article(tmp_path: Path):
    article = tmp_path / "story.txt"
    article.write_text("Police in Manila said on Friday that more than 700 people were rescued "
                       "from a scam hub. Losses reached about 2 billion pesos in 2023.\n")
    claims, ignored = ledger.draft_ledger(article, tmp_path / "ledger")
    drafted = pd.read_csv(claims, dtype=str, keep_default_na=False)
    assert list(drafted["figure_text"]) == ["more than 700 people", "about 2 billion pesos"]
    assert set(drafted["status"]) == {"draft"}
    assert "2023" in pd.read_csv(ignored, dtype=str)["text"].tolist()
    sources = tmp_path / "ledger" / "sources.csv"
    shutil.copy(CURATED / "sources.csv", sources)
    built = ledger.build_figures(article, claims, sources, ignored)
    assert list(built["unit"]) == ["count", "PHP"]
    with pytest.raises(InputError, match="refusing to overwrite"):
        ledger.draft_ledger(article, tmp_path / "ledger")


# --- first_occurrences: the one-pass search behind claim_spans --------------------------------

_SMALL_ALPHABET = st.text(alphabet="ab .", max_size=80)


@given(text=_SMALL_ALPHABET, parts=st.sets(st.text(alphabet="ab .", min_size=1, max_size=40),
                                           max_size=8),
       key_length=st.integers(min_value=1, max_value=12))
def test_first_occurrences_agrees_with_str_find(text: str, parts: set[str],
                                                key_length: int) -> None:
    # A small alphabet makes shared prefixes and overlapping repeats common, the cases where
    # searching from a prefix's first position could go wrong.
    found = ledger.first_occurrences(text, parts, key_length=key_length)
    assert found == {part: text.find(part) for part in parts}


def test_claim_spans_use_the_first_occurrence_whatever_the_row_order() -> None:
    article = "Up to 5 people fled. Police said 7 people fled. Up to 5 people fled."
    claims = pd.DataFrame({"quote": ["Police said 7 people fled.", "Up to 5 people fled."],
                           "figure_text": ["7 people", "Up to 5 people"]})
    spans = ledger.claim_spans(article, claims, "claims.csv")
    assert [(s.start, s.end) for s in spans] == [(33, 41), (0, 14)]
