"""A catalogue of bad inputs: each one fails with one line and publishes nothing.

Every case runs ``python -m crimefigures run`` in a subprocess against its own copy of a
repository on which the whole pipeline has already run once (so every output exists), breaks
one input, and checks three things:

* the exit code is non-zero (2 for parameter and usage errors, found before any kernel starts;
  1 for bad input files and notebook failures);
* stderr ends with ONE line starting with ``error:`` that names the file, the row or offset
  and the field where there is one (no traceback, no second ``error:`` line); a failure inside
  a notebook reads ``error: notebooks/X.ipynb failed in cell N: InputError: <file, row, field>``;
* every previously published output under ``data/processed/``, ``figures/`` and ``reports/`` is
  byte-identical to what it was before the run. A failed run legitimately updates
  ``reports/run_summary.json``, ``reports/run_state.json`` and ``reports/<story>/failed/``, and
  the lock
  file ``reports/.run.lock`` and the staging area ``reports/.staging/`` are not outputs, so
  those are left out of the comparison (staging must hold no file afterwards, though).

Parameter errors must also leave ``reports/run_summary.json`` untouched: no run started.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import FIRST_STORY, REPO, run_cli

# Runs notebooks or the CLI in subprocesses: left out of `make test-fast`.
pytestmark = pytest.mark.e2e

PROTECTED = ("data/processed", "figures", "reports")
UPDATED_BY_A_FAILED_RUN = ("reports/run_summary.json", "reports/run_state.json")
NOT_OUTPUTS = ("reports/.staging/", "reports/.run.lock")

ARTICLE = "data/raw/interpol-2024-03/article.txt"
CLAIMS = "data/curated/interpol-2024-03/claims.csv"
SOURCES = "data/curated/interpol-2024-03/sources.csv"
IGNORED = "data/curated/interpol-2024-03/ignored_numbers.csv"
REFERENCE = "data/reference/gdp_population.csv"
ANALYSIS = "data/curated/interpol-2024-03/analysis.yml"
NB01 = "notebooks/01_clean_figures.ipynb"
NB02 = "notebooks/02_ratio_analysis.ipynb"
NB03 = "notebooks/03_range_analysis.ipynb"

Mutation = Callable[[Path], None]


# --- reading the real inputs, so expected rows and offsets follow the curated data --------


def _rows(relative: str) -> list[dict[str, str]]:
    with (REPO / relative).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _line_of(relative: str, column: str, value: str) -> int:
    """CSV line number (header = 1) of the first row whose column equals value."""
    for number, row in enumerate(_rows(relative), start=2):
        if row[column] == value:
            return number
    raise LookupError(f"{value!r} not in {relative} column {column}")


def _reference_line(indicator: str, area: str, source: str, vintage: str, year: str) -> int:
    key = (indicator, area, source, vintage, year)
    for number, row in enumerate(_rows(REFERENCE), start=2):
        if tuple(row[c] for c in ("indicator", "area_code", "source", "vintage", "year")) == key:
            return number
    raise LookupError(key)


ARTICLE_TEXT = (REPO / ARTICLE).read_text(encoding="utf-8")
ARTICLE_BYTES = ARTICLE_TEXT.encode("utf-8")
CUT = len(ARTICLE_TEXT) // 2  # mid-article: later quotes no longer match
FIRST_CUT_CLAIM_LINE = next(
    number for number, row in enumerate(_rows(CLAIMS), start=2)
    if row["quote"] not in ARTICLE_TEXT[:CUT]
)
NUL_OFFSET = ARTICLE_BYTES.index(b"Interpol") + len("Interpol")
LATIN1_OFFSET = ARTICLE_BYTES.index(b"Jurgen") + 1
FIRST_REFERENCE_LINE = 2
DECADE_OFFSET = ARTICLE_TEXT.index("a decade") + len("a ")
FRANCE_GDP_LINE = _reference_line("gdp_current_usd", "FRA", "imf_weo", "2024-10", "2024")


# --- mutations ------------------------------------------------------------------------------


def write_bytes(relative: str, data: bytes) -> Mutation:
    def mutate(root: Path) -> None:
        (root / relative).write_bytes(data)

    return mutate


def write_text(relative: str, text: str) -> Mutation:
    return write_bytes(relative, text.encode("utf-8"))


def delete(relative: str) -> Mutation:
    def mutate(root: Path) -> None:
        (root / relative).unlink()

    return mutate


def replace(relative: str, old: str, new: str) -> Mutation:
    def mutate(root: Path) -> None:
        path = root / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {relative}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return mutate


def _rewrite_csv(root: Path, relative: str,
                 change: Callable[[list[str], list[list[str]]], None]) -> None:
    path = root / relative
    with path.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    change(header, rows)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")


def set_cell(relative: str, line: int, column: str, value: str) -> Mutation:
    def change(header: list[str], rows: list[list[str]]) -> None:
        rows[line - 2][header.index(column)] = value

    return lambda root: _rewrite_csv(root, relative, change)


def drop_column(relative: str, column: str) -> Mutation:
    def change(header: list[str], rows: list[list[str]]) -> None:
        at = header.index(column)
        for row in (header, *rows):
            del row[at]

    return lambda root: _rewrite_csv(root, relative, change)


def add_column(relative: str, column: str) -> Mutation:
    def change(header: list[str], rows: list[list[str]]) -> None:
        header.append(column)
        for row in rows:
            row.append("x")

    return lambda root: _rewrite_csv(root, relative, change)


def drop_line(relative: str, line: int) -> Mutation:
    return lambda root: _rewrite_csv(root, relative, lambda _, rows: rows.pop(line - 2))


def copy_line_over(relative: str, source: int, target: int) -> Mutation:
    """Line ``target`` becomes a copy of line ``source`` (a duplicated key)."""

    def change(_: list[str], rows: list[list[str]]) -> None:
        rows[target - 2] = list(rows[source - 2])

    return lambda root: _rewrite_csv(root, relative, change)


def header_only(relative: str) -> Mutation:
    return lambda root: _rewrite_csv(root, relative, lambda _, rows: rows.clear())


def unchanged(root: Path) -> None:
    """Parameter cases break no file."""


def make_file_at(relative: str) -> Mutation:
    """Replace a directory by a plain file: writes below it fail even for root."""

    def mutate(root: Path) -> None:
        shutil.rmtree(root / relative)
        (root / relative).write_text("a file where a directory should be\n")

    return mutate


def zero_bound_published(root: Path) -> None:
    """C04 read as 'between $0 trillion and $3 trillion', accepted and published by notebook 01.

    Notebook 01 runs here, before the outputs are hashed, so the failing run below changes
    nothing that was published: only lognormal90 (which needs positive bounds) is refused.
    """
    old, new = "between $2 trillion and $3 trillion", "between $0 trillion and $3 trillion"
    replace(ARTICLE, old, new)(root)
    for _ in range(2):  # the quote and figure_text of the same claim
        replace(CLAIMS, old, new)(root)
    prepared = run_cli("run", "01_clean_figures", root=root)
    assert prepared.returncode == 0, prepared.stderr


def parameter_file(text: str) -> Mutation:
    def mutate(root: Path) -> None:
        (root.parent / "params.yml").write_text(text, encoding="utf-8")

    return mutate


PARAMS_FILE = "../params.yml"  # relative to the copy, which is the subprocess's working dir


# --- the catalogue --------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    mutate: Mutation
    exit_code: int
    words: tuple[str, ...]  # every one must appear in the error line
    notebook: str | None = None  # the notebook the error is raised in, if any
    args: tuple[str, ...] = ()


def claim_line(claim_id: str) -> int:
    return _line_of(CLAIMS, "claim_id", claim_id)


CASES = [
    # the article
    Case("article-empty", write_bytes(ARTICLE, b""), 1, (ARTICLE, "empty"), NB01),
    Case("article-binary", write_bytes(ARTICLE, ARTICLE_BYTES[:NUL_OFFSET] + b"\x00\x01\x02"
                                       + ARTICLE_BYTES[NUL_OFFSET:]), 1,
         (ARTICLE, f"offset {NUL_OFFSET}", "binary"), NB01),
    Case("article-utf16", write_bytes(ARTICLE, ARTICLE_TEXT.encode("utf-16")), 1,
         (ARTICLE, "offset 0", "UTF-16"), NB01),
    Case("article-latin1", write_bytes(ARTICLE, ARTICLE_BYTES.replace(b"Jurgen", b"J\xfcrgen")),
         1, (ARTICLE, f"offset {LATIN1_OFFSET}", "UTF-8"), NB01),
    Case("article-truncated", write_text(ARTICLE, ARTICLE_TEXT[:CUT]), 1,
         (CLAIMS, f"row {FIRST_CUT_CLAIM_LINE}", "field 'quote'", "not in the article"), NB01),
    Case("article-without-figures",
         write_text(ARTICLE, "Interpol held a briefing.\n\nNobody counted anything.\n"), 1,
         (CLAIMS, "row 2", "field 'quote'", "not in the article"), NB01),
    Case("article-missing", delete(ARTICLE), 1,
         (ARTICLE, f"field '{FIRST_STORY}/01_clean_figures.inputs'", "missing")),
    Case("article-uncovered-number", drop_line(IGNORED, _line_of(IGNORED, "text", "a decade")),
         1, (ARTICLE, f"offset {DECADE_OFFSET}", "'decade'", "neither"), NB01),
    # the claims ledger
    Case("claim-quote-not-in-article",
         set_cell(CLAIMS, claim_line("C03"), "quote", "A syndicate generates $50 billion"), 1,
         (CLAIMS, f"row {claim_line('C03')}", "field 'quote'"), NB01),
    Case("claim-figure-does-not-parse",
         set_cell(CLAIMS, claim_line("C01"), "figure_text", "up to $3 trillion annually"), 1,
         (CLAIMS, f"row {claim_line('C01')}", "field 'figure_text'", "does not parse"), NB01),
    Case("claim-figure-not-in-quote",
         set_cell(CLAIMS, claim_line("C08"), "figure_text", "$400 million"), 1,
         (CLAIMS, f"row {claim_line('C08')}", "field 'figure_text'", "not inside the quote"),
         NB01),
    Case("claim-duplicate-id", set_cell(CLAIMS, claim_line("C03"), "claim_id", "C02"), 1,
         (CLAIMS, f"row {claim_line('C02')}", "field 'claim_id'", "'C02'"), NB01),
    Case("claim-missing-column", drop_column(CLAIMS, "notes"), 1,
         (CLAIMS, "row 1", "field 'notes'", "missing column"), NB01),
    Case("claim-extra-column", add_column(CLAIMS, "confidence"), 1,
         (CLAIMS, "row 1", "field 'confidence'", "unexpected column"), NB01),
    Case("claim-blank-required-field", set_cell(CLAIMS, claim_line("C05"), "measure", " "), 1,
         (CLAIMS, f"row {claim_line('C05')}", "field 'measure'", "blank"), NB01),
    Case("claim-unknown-source",
         set_cell(CLAIMS, claim_line("C06"), "primary_source_id", "nosuch_2024"), 1,
         (CLAIMS, f"row {claim_line('C06')}", "field 'primary_source_id'", "'nosuch_2024'"),
         NB01),
    Case("claim-bad-status", set_cell(CLAIMS, claim_line("C02"), "status", "approved"), 1,
         (CLAIMS, f"row {claim_line('C02')}", "field 'status'", "'approved'"), NB01),
    Case("claims-empty-file", write_bytes(CLAIMS, b""), 1, (CLAIMS, "empty"), NB01),
    Case("claims-missing", delete(CLAIMS), 1,
         (CLAIMS, f"field '{FIRST_STORY}/01_clean_figures.inputs'", "missing")),
    # sources and ignored numbers
    Case("source-bad-url",
         set_cell(SOURCES, _line_of(SOURCES, "source_id", "reuters_2024_03_27"), "url",
                  "bangkokpost.com/world"), 1,
         (SOURCES, f"row {_line_of(SOURCES, 'source_id', 'reuters_2024_03_27')}",
          "field 'url'"), NB01),
    Case("ignored-occurrence-not-a-number", set_cell(IGNORED, 2, "occurrence", "first"), 1,
         (IGNORED, "row 2", "field 'occurrence'", "whole number"), NB01),
    Case("ignored-occurrence-not-in-article",
         set_cell(IGNORED, _line_of(IGNORED, "text", "a decade"), "occurrence", "3"), 1,
         (IGNORED, f"row {_line_of(IGNORED, 'text', 'a decade')}", "field 'text'"), NB01),
    # the reference table (notebook 01 is unchanged and skipped; notebook 02 fails)
    Case("reference-missing", delete(REFERENCE), 1, (REFERENCE, "missing")),
    Case("reference-empty", write_bytes(REFERENCE, b""), 1, (REFERENCE, "empty"), NB02),
    Case("reference-header-only", header_only(REFERENCE), 1, (REFERENCE, "no data rows"), NB02),
    Case("reference-gdp-not-a-number", set_cell(REFERENCE, FIRST_REFERENCE_LINE, "value", "lots"),
         1, (REFERENCE, f"row {FIRST_REFERENCE_LINE}", "field 'value'", "'lots'"), NB02),
    Case("reference-gdp-negative",
         set_cell(REFERENCE, FIRST_REFERENCE_LINE, "value", "-2.5e12"), 1,
         (REFERENCE, f"row {FIRST_REFERENCE_LINE}", "field 'value'", "positive"), NB02),
    Case("reference-country-missing",
         set_cell(REFERENCE, FIRST_REFERENCE_LINE, "area_code", ""), 1,
         (REFERENCE, f"row {FIRST_REFERENCE_LINE}", "field 'area_code'", "missing"), NB02),
    Case("reference-year-missing", set_cell(REFERENCE, FIRST_REFERENCE_LINE, "year", ""), 1,
         (REFERENCE, f"row {FIRST_REFERENCE_LINE}", "field 'year'", "missing"), NB02),
    Case("reference-duplicate-key",
         copy_line_over(REFERENCE, FIRST_REFERENCE_LINE, FIRST_REFERENCE_LINE + 1), 1,
         (REFERENCE, f"row {FIRST_REFERENCE_LINE + 1}", "duplicate key",
          f"first at row {FIRST_REFERENCE_LINE}"), NB02),
    Case("reference-france-gdp-row-absent",
         drop_line(REFERENCE, FRANCE_GDP_LINE), 1, (REFERENCE, "FRA", "2024"), NB02),
    # parameters: refused before any kernel starts
    Case("param-unknown", unchanged, 2, ("field 'colour'", "unknown parameter"),
         args=("-p", "colour=red")),
    Case("param-misspelled", unchanged, 2, ("field 'drwas'", "did you mean draws?"),
         args=("-p", "drwas=1000")),
    Case("param-draws-string", unchanged, 2,
         ("field 'draws'", "'many' is not a valid int"),
         args=("-p", "draws=many")),
    Case("param-draws-negative", unchanged, 2, ("field 'draws'", "at least 1"),
         args=("-p", "draws=-5")),
    Case("param-draws-float", unchanged, 2, ("field 'draws'", "not a valid int"),
         args=("-p", "draws=1e5")),
    Case("param-unknown-distribution", unchanged, 2,
         ("field 'distribution'", "'normal'", "uniform, triangular, lognormal90"),
         args=("-p", "distribution=normal")),
    Case("param-nearly-factor-above-one", unchanged, 2,
         ("field 'nearly_factor'", "1.5", "(0.0, 1.0]"), args=("-p", "nearly_factor=1.5")),
    Case("param-upper-floor-zero", unchanged, 2,
         ("field 'upper_floor_fraction'", "(0.0, 1.0]"), args=("-p", "upper_floor_fraction=0")),
    Case("param-gdp-source-misspelled", unchanged, 2,
         ("field 'gdp_source'", "did you mean imf_weo?"), args=("-p", "gdp_source=imf_web")),
    Case("param-file-not-a-mapping", parameter_file("- draws\n- 1000\n"), 2,
         ("params.yml", "expected a mapping"), args=("-f", PARAMS_FILE)),
    Case("param-file-not-yaml", parameter_file("draws: [1000\n"), 2,
         ("params.yml", "not valid YAML"), args=("-f", PARAMS_FILE)),
    Case("param-file-wrong-type", parameter_file("draws: many\n"), 2,
         ("field 'draws'", "'many' is not a valid int"), args=("-f", PARAMS_FILE)),
    Case("param-file-unknown-name", parameter_file("drwas: 1000\n"), 2,
         ("field 'drwas'", "did you mean draws?"), args=("-f", PARAMS_FILE)),
    Case("param-unknown-notebook", unchanged, 2,
         ("notebooks/pipeline.yml", "unknown notebook", "did you mean 02_ratio_analysis?"),
         args=("02_ratio_analyss",)),
    Case("lognormal90-zero-bound", zero_bound_published, 1,
         ("ParameterError", "field 'low'", "lognormal90", "positive bounds"), NB02,
         args=("-p", "distribution=lognormal90")),
    # notebooks and the pipeline file
    Case("notebook-not-json", write_text(NB03, "this is not a notebook\n"), 2,
         (NB03, "cannot read notebook parameters")),
    Case("notebook-truncated-json",
         lambda root: (root / NB02).write_bytes((REPO / NB02).read_bytes()[:500]), 2,
         (NB02, "cannot read notebook parameters")),
    Case("pipeline-not-yaml", write_text("notebooks/pipeline.yml", "notebooks: [\n"), 1,
         ("notebooks/pipeline.yml", "not valid YAML")),
    # outputs that cannot be written: chmod does not stop root, so the directory the
    # executed notebooks go to is replaced by a plain file (ENOTDIR/EEXIST hit root too).
    # the story's analysis.yml: checked before anything is computed
    Case("analysis-units-mismatch",
         replace(ANALYSIS, "numerator: [C08]\n    denominator: [C04]",
                 "numerator: [C06]\n    denominator: [C08]"), 1,
         (ANALYSIS, "field 'ratios.seized_to_illicit_flows'", "ratio seized_to_illicit_flows",
          "not the declared unit 'fraction'", "term C08 is USD"), NB02),
    Case("analysis-missing-unit", replace(ANALYSIS, "    unit: USD per arrest\n", ""), 1,
         (ANALYSIS, "field 'ratios[14].unit'", "Field required"), NB02),
    Case("analysis-unknown-headline",
         replace(ANALYSIS, "headlines:\n", "headlines:\n  - no_such_ratio\n"), 1,
         (ANALYSIS, "headlines: 'no_such_ratio' is not a ratio"), NB02),
    Case("analysis-unknown-claim", replace(ANALYSIS, "numerator: [C03]", "numerator: [C99]"),
         1, (ANALYSIS, "uses claim C99, which is not in the figures table"), NB02),
    Case("analysis-not-yaml", write_text(ANALYSIS, "ratios: [\n"), 1,
         (ANALYSIS, "not valid YAML"), NB02),
    Case("story-unknown", unchanged, 2, ("field 'story'", f"did you mean {FIRST_STORY}?"),
         args=("--story", "interpol-2024-3")),
    Case("story-as-parameter", unchanged, 2, ("field 'story'", "--story"),
         args=("-p", "story=x")),
    Case("output-dir-is-a-file", make_file_at("reports/interpol-2024-03/notebooks"), 1,
         ("reports/interpol-2024-03/notebooks/01_clean_figures.ipynb", "cannot write output"),
         args=("--force",)),
]


# --- the test -------------------------------------------------------------------------------


def output_hashes(root: Path) -> dict[str, str]:
    """SHA-256 of every published output (see the module docstring for what is left out)."""
    hashes = {}
    for top in PROTECTED:
        for path in sorted((root / top).rglob("*")):
            relative = path.relative_to(root).as_posix()
            if not path.is_file() or relative in UPDATED_BY_A_FAILED_RUN:
                continue
            if any(relative == skip or relative.startswith(skip) for skip in NOT_OUTPUTS):
                continue
            if "/failed/" in relative:  # reports/<story>/failed/: a failed run's notebook
                continue
            hashes[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


@pytest.fixture(scope="module")
def prepared(executed_first_story: Path) -> Path:
    """A copy of the repository on which the whole pipeline has run: every output exists."""
    root = executed_first_story  # each case copies it before breaking the first story's files
    assert (root / "reports" / "run_summary.json").is_file()
    assert list((root / "figures").rglob("*.*")), "the pipeline published no figure"
    return root


def test_catalogue_is_large_and_names_are_unique():
    assert len(CASES) >= 30
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_fails_in_one_line_and_publishes_nothing(
    case: Case, prepared: Path, tmp_path: Path
):
    root = tmp_path / "repo"
    shutil.copytree(prepared, root)
    case.mutate(root)
    before = output_hashes(root)
    summary = root / "reports" / "run_summary.json"
    summary_before = summary.read_bytes()

    result = run_cli("run", *case.args, root=root)

    assert result.returncode == case.exit_code, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines, "no error message"
    message = lines[-1]
    assert message.startswith("error: "), result.stderr
    assert sum(line.startswith("error:") for line in lines) == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    if case.notebook:
        assert re.match(rf"error: {re.escape(case.notebook)} failed in cell \d+: \w+Error: ",
                        message), message
    for word in case.words:
        assert word in message, f"{word!r} missing from: {message}"

    assert output_hashes(root) == before
    staged = [p for p in (root / "reports" / ".staging").rglob("*") if p.is_file()]
    assert staged == []
    if case.exit_code == 2:
        assert summary.read_bytes() == summary_before  # refused before any run started
