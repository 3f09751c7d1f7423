"""The README's findings: generated from data/processed, and checked against it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import FIRST_STORY, REPO, copy_repo, run_cli

from crimefigures.errors import InputError
from crimefigures.presentation import readme, wording

PROCESSED = REPO / "data" / "processed" / FIRST_STORY
MANIFEST = f"figures/{FIRST_STORY}/manifest.json"


def findings() -> list[str]:
    return readme.findings_sentences(FIRST_STORY)


@pytest.fixture
def copy_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = copy_repo(tmp_path / "repo")
    monkeypatch.setenv("CRIMEFIGURES_ROOT", str(root))
    return root


def a_readme(block: str) -> str:
    gallery = f"{readme.GALLERY_START}{readme.gallery_block(MANIFEST)}{readme.GALLERY_END}"
    stories = f"{readme.STORIES_START}{readme.stories_block()}{readme.STORIES_END}"
    return (f"# title\n\nintro\n\n{readme.START_MARKER}{block}{readme.END_MARKER}\n\n"
            f"{stories}\n\n{gallery}\n\n## after\n")


def test_readme_block_is_what_the_committed_data_gives(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CRIMEFIGURES_ROOT", str(REPO))
    expected = readme.render_block(findings())
    assert readme.readme_block(REPO / "README.md") == expected


def test_there_are_three_to_six_sentences_with_the_headline_numbers():
    sentences = findings()
    assert 3 <= len(sentences) <= 7
    ratios = pd.read_csv(PROCESSED / "ratios.csv").set_index("ratio_id")
    france = ratios.loc["illicit_flows_to_france_gdp_article"]
    world = ratios.loc["illicit_flows_to_world_gdp"]
    text = " ".join(sentences)
    assert wording.percent_range(france["low"], france["high"], "en") in text
    assert wording.percent_range(world["low"], world["high"], "en") in text
    statements = pd.read_csv(PROCESSED / "statements.csv")
    for statement in statements["statement"]:
        assert statement.rstrip(".") in text


def test_sentences_follow_the_data(copy_root: Path):
    before = findings()
    ratios_file = copy_root / "data" / "processed" / FIRST_STORY / "ratios.csv"
    ratios = pd.read_csv(ratios_file)
    ratios.loc[ratios["ratio_id"] == "illicit_flows_to_france_gdp_article", "low"] = 0.5
    ratios.to_csv(ratios_file, index=False)
    after = findings()
    assert "50–97%" in after[0] and "50–97%" not in before[0]
    assert after[1:] == before[1:]


def test_check_fails_on_a_readme_whose_numbers_were_altered(copy_root: Path, capsys):
    current = readme.render_block(findings())
    assert "65–97%" in current
    path = copy_root / "README.md"
    path.write_text(a_readme(current), encoding="utf-8")
    assert readme.main(check=True) == 0
    altered = a_readme(current.replace("65–97%", "66–97%", 1))
    path.write_text(altered, encoding="utf-8")
    capsys.readouterr()
    assert readme.main(check=True) == 1
    message = capsys.readouterr().err.strip()
    assert "README.md" in message and len(message.splitlines()) == 1
    assert path.read_text(encoding="utf-8") == altered  # --check writes nothing


def test_check_fails_when_the_data_changes_under_a_current_readme(copy_root: Path):
    path = copy_root / "README.md"
    path.write_text(a_readme(readme.render_block(findings())), encoding="utf-8")
    statements_file = copy_root / "data" / "processed" / FIRST_STORY / "statements.csv"
    statements = pd.read_csv(statements_file, keep_default_na=False)
    statements.loc[0, "verdict"] = "fails under every setting"
    statements.to_csv(statements_file, index=False)
    assert readme.main(check=True) == 1


def test_main_rewrites_only_the_block(copy_root: Path):
    path = copy_root / "README.md"
    path.write_text(a_readme("\nstale numbers: 12%\n"), encoding="utf-8")
    assert readme.main(check=False) == 0
    text = path.read_text(encoding="utf-8")
    assert text == a_readme(readme.render_block(findings()))
    assert "stale numbers" not in text
    assert readme.main(check=True) == 0


def test_missing_markers_are_a_one_line_input_error(copy_root: Path):
    (copy_root / "README.md").write_text("# title\n\nno markers here\n", encoding="utf-8")
    with pytest.raises(InputError, match="findings:start"):
        readme.main(check=True)
    result = run_cli("readme", "--check", root=copy_root)
    assert result.returncode == 1
    assert result.stderr.startswith("error: README.md: needs exactly one <!-- findings:start -->")
    assert len(result.stderr.strip().splitlines()) == 1


def test_dollar_signs_are_escaped_for_markdown_maths():
    block = readme.render_block(["The $2–3 trillion and the $300 million."])
    assert r"- The \$2–3 trillion and the \$300 million." in block


@pytest.mark.parametrize(("low", "high", "text"), [
    (0.6451612903225806, 0.967741935483871, "65–97%"),
    (0.018171094758034384, 0.027256642137051576, "1.8–2.7%"),
    (0.0001, 0.00015, "0.01–0.015%"),
    (0.25, 0.25, "25%"),
    (0.0, 0.5, "0–50%"),
])
def test_percent_ranges_are_the_wording_modules(low: float, high: float, text: str):
    """The README writes shares exactly as the figures and the site do (one wording module)."""
    assert wording.percent_range(low, high, "en") == text


@pytest.mark.parametrize(("value", "text"), [
    (3e8, "$300 million"), (3.1e12, "$3.1 trillion"), (5e10, "$50 billion"),
    (3.13001e12, "$3.13 trillion"), (85714.29, "$85,714"),
])
def test_money(value: float, text: str):
    assert wording.money_text(value, "en") == text


def test_money_ranges():
    assert wording.money_range(2e12, 3e12, "en") == "$2–3 trillion"
    assert wording.money_range(5e8, 2e12, "en") == "$500 million–$2 trillion"
    assert wording.money_range(3e8, 3e8, "en") == "$300 million"


def test_the_findings_are_written_in_both_languages_from_the_catalogue():
    english, indonesian = findings(), readme.findings_sentences(FIRST_STORY, "id")
    assert len(english) == len(indonesian)
    assert "Monte Carlo median" in english[0] and "median Monte Carlo" in indonesian[0]
    assert "65–97%" in english[0] and "65–97%" in indonesian[0]


def test_committed_readme_blocks_are_current():
    """Both generated blocks (findings and the figure gallery) match the committed data."""
    assert readme.main(check=True) == 0


def test_gallery_lists_every_english_figure_with_its_caption():
    import json

    entries = json.loads((REPO / MANIFEST).read_text())["figures"]
    block = readme.gallery_block(MANIFEST)
    for entry in entries:
        if entry.get("skipped"):
            continue
        assert f"]({entry['files']['png']})" in block
        assert entry["files"]["csv"] in block
    assert MANIFEST in block


def test_the_story_table_has_a_row_per_story_with_its_first_finding():
    from crimefigures.pipeline import paths

    block = readme.stories_block()
    for story in paths.stories():
        row = next(line for line in block.splitlines() if line.startswith(f"| [`{story}`]"))
        first = readme.findings_sentences(story)[0]
        assert readme._markdown_text(first).replace("|", "/") in row
        assert f"reports/site/{story}/index.html" in row
