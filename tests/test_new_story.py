"""A new story in two commands, from a text file or a saved page, run end to end."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml
from conftest import FIRST_STORY, REPO, copy_repo, first_story_only, run_cli

ARTICLE = REPO / "tests" / "fixtures" / "new_story_article.txt"
PAGE = REPO / "tests" / "fixtures" / "new_story_page.html"
SLUG = "fixture-2024-06"
URL = "https://news.example.org/2024/06/scam-centres-drain-billions"


def _hashes(root: Path, story: str) -> dict[str, str]:
    found = {}
    for top in ("data/raw", "data/curated", "data/processed", "figures", "reports"):
        for path in sorted((root / top / story).rglob("*")):
            if path.is_file():
                found[path.relative_to(root).as_posix()] = hashlib.sha256(
                    path.read_bytes()).hexdigest()
    return found


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return first_story_only(copy_repo(tmp_path / "repo"))


def test_new_story_from_text_writes_every_file_and_passes_check_story(root: Path):
    made = run_cli("new-story", SLUG, "--article", str(ARTICLE), "--url", URL,
                   "--outlet", "Example News", "--date", "2024-06-04", root=root)
    assert made.returncode == 0, made.stderr
    raw, curated = root / "data" / "raw" / SLUG, root / "data" / "curated" / SLUG
    assert (raw / "article.txt").read_bytes() == ARTICLE.read_bytes()
    origin = yaml.safe_load((raw / "article.yml").read_text())
    assert origin["sha256"] == hashlib.sha256(ARTICLE.read_bytes()).hexdigest()
    assert origin["url"] == URL and origin["outlet"] == "Example News"
    for name in ("claims.csv", "sources.csv", "ignored_numbers.csv", "fact_checks.csv",
                 "benchmarks.csv", "analysis.yml"):
        assert (curated / name).is_file(), name
    analysis = yaml.safe_load((curated / "analysis.yml").read_text())
    ids = [r["id"] for r in analysis["ratios"]]
    # each money claim over world GDP and the named economies; people per 1,000 in Cambodia
    assert any(r.endswith("_to_wld_gdp") for r in ids)
    assert any(r.endswith("_to_khm_gdp") for r in ids) and any(r.endswith("_to_tha_gdp")
                                                                for r in ids)
    assert any(r.endswith("_per_1000_khm") for r in ids)
    checked = run_cli("check-story", SLUG, root=root)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.strip() == f"{SLUG}: every file is valid"


def test_check_story_prints_one_line_per_problem(root: Path):
    assert run_cli("new-story", SLUG, "--article", str(ARTICLE), "--url", URL,
                   root=root).returncode == 0
    curated = root / "data" / "curated" / SLUG
    claims = curated / "claims.csv"
    claims.write_text(claims.read_text().replace("more than 100,000 people are held",
                                                 "more than 100,000 people were held", 1))
    (curated / "benchmarks.csv").write_text("benchmark_id,source_id\n")
    analysis = curated / "analysis.yml"
    analysis.write_text(analysis.read_text().replace("unit: fraction", "unit: [fraction]", 1))
    checked = run_cli("check-story", SLUG, root=root)
    assert checked.returncode == 1
    lines = checked.stdout.strip().splitlines()
    assert len(lines) == 3, lines
    assert lines[0].startswith(f"data/curated/{SLUG}/claims.csv, row ")
    assert "field 'quote'" in lines[0]
    assert lines[1].startswith(f"data/curated/{SLUG}/analysis.yml, field 'ratios[0].unit'")
    assert lines[2].startswith(f"data/curated/{SLUG}/benchmarks.csv, row 1")


def test_check_story_names_a_ratio_whose_units_do_not_reduce(root: Path):
    assert run_cli("new-story", SLUG, "--article", str(ARTICLE), "--url", URL,
                   root=root).returncode == 0
    analysis = root / "data" / "curated" / SLUG / "analysis.yml"
    analysis.write_text(analysis.read_text().replace("unit: fraction", "unit: USD", 1))
    checked = run_cli("check-story", SLUG, root=root)
    assert checked.returncode == 1
    lines = checked.stdout.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"data/curated/{SLUG}/analysis.yml, field 'ratios.")
    assert "not the declared unit 'USD'" in lines[0]


def test_new_story_refuses_an_existing_slug_and_a_missing_address(root: Path):
    taken = run_cli("new-story", FIRST_STORY, "--article", str(ARTICLE), "--url", URL,
                    root=root)
    assert taken.returncode == 1 and "exists already" in taken.stderr
    no_url = run_cli("new-story", SLUG, "--article", str(ARTICLE), root=root)
    assert no_url.returncode == 1 and "--url" in no_url.stderr
    assert not (root / "data" / "raw" / SLUG).exists()


def test_new_story_from_a_saved_page_takes_its_text_and_metadata(root: Path):
    made = run_cli("new-story", SLUG, "--article", str(PAGE), root=root)
    assert made.returncode == 0, made.stderr
    raw = root / "data" / "raw" / SLUG
    assert (raw / "article.html").read_bytes() == PAGE.read_bytes()
    text = (raw / "article.txt").read_text()
    assert "more than 100,000 people" in text
    assert "Subscribe" not in text and "All rights reserved" not in text  # boilerplate gone
    origin = yaml.safe_load((raw / "article.yml").read_text())
    assert origin["url"] == URL
    assert origin["title"] == "Scam centres drain billions from the region, report says"
    assert str(origin["date_published"]) == "2024-06-04"
    assert "Reporter" in origin["credited_to"]  # as trafilatura reads the byline
    assert run_cli("check-story", SLUG, root=root).returncode == 0


@pytest.mark.e2e
def test_a_new_story_runs_all_four_notebooks_and_builds_its_pages_alone(root: Path):
    first_before = _hashes(root, FIRST_STORY)
    assert run_cli("new-story", SLUG, "--article", str(ARTICLE), "--url", URL,
                   "--outlet", "Example News", "--date", "2024-06-04", root=root).returncode == 0
    result = run_cli("run", "--story", SLUG, root=root)
    assert result.returncode == 0, result.stderr
    for step in ("01_clean_figures", "02_ratio_analysis", "03_range_analysis",
                 "04_publication_figures", "04_publication_figures_id"):
        assert (root / "reports" / SLUG / "notebooks" / f"{step}.ipynb").is_file(), step
    processed = root / "data" / "processed" / SLUG
    for table in ("figures.csv", "ratios.csv", "settings.json", "fact_check.csv",
                  "ranges.csv", "statements.csv"):
        assert (processed / table).is_file(), table
    assert set((processed / "fact_check.csv").read_text().split("\n")[1].split(",")) & {
        "unverified"}  # nobody has checked the draft's claims yet
    for manifest in (root / "figures" / SLUG / "manifest.json",
                     root / "figures" / SLUG / "id" / "manifest.json"):
        assert manifest.is_file()
    site = run_cli("site", root=root)
    assert site.returncode == 0, site.stderr
    assert (root / "reports" / "site" / SLUG / "index.html").is_file()
    assert f'href="{SLUG}/index.html"' in (root / "reports" / "site" / "index.html").read_text()
    assert _hashes(root, FIRST_STORY) == {k: v for k, v in _hashes(root, FIRST_STORY).items()
                                          if not k.startswith("reports/")} | {
        k: v for k, v in first_before.items() if k.startswith("reports/")}
    assert {k: v for k, v in _hashes(root, FIRST_STORY).items()} == first_before
