"""The parser and extractor on REAL sentences quoted from other outlets' reporting.

Each row of `sentences/cited_reporting.tsv` (and of `cited_reporting_forms.tsv`, the forms added
for issue 15: weights, areas, volumes, fractions, hedges, vague counts, currency marks) is a
verbatim sentence with the figure a careful
reader takes from it, filled by hand (see the file's header). The expectations are never bent
to what the parser returns: a failing row is a parser bug to fix, not a row to edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from crimefigures.text.extract import extract_figures
from crimefigures.text.parse import BOUNDS, COUNT, PERCENT, PHYSICAL, parse_figure

CORPUS = Path(__file__).parent / "sentences" / "cited_reporting.tsv"
FORMS_CORPUS = CORPUS.with_name("cited_reporting_forms.tsv")
COLUMNS = ("sentence", "figure_text", "bound", "low", "high", "point", "unit", "noun", "outlet",
           "url")
# Which of low/high/point each bound fills (the parser's filling rule).
FILLED_BY_BOUND = {
    "exact": {"low", "high", "point"},
    "approx": {"point"},
    "lower": {"low"},
    "upper": {"high"},
    "range": {"low", "high"},
}


@dataclass(frozen=True)
class CitedRow:
    file: str
    line: int
    sentence: str
    figure_text: str
    bound: str
    low: float | None
    high: float | None
    point: float | None
    unit: str
    noun: str | None
    outlet: str
    url: str

    @property
    def id(self) -> str:
        return f"{self.file}:{self.line}:{self.figure_text}"


def _number_or_none(cell: str) -> float | None:
    return float(cell) if cell else None


def _read_corpus(corpus: Path = CORPUS) -> tuple[list[str], list[CitedRow]]:
    """The header comment lines and the rows, each row checked to have every column."""
    comments, header, rows = [], None, []
    for number, line in enumerate(corpus.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("#"):
            comments.append(line)
            continue
        if not line.strip():
            continue
        cells = line.split("\t")
        if header is None:
            header = tuple(cells)
            continue
        if len(cells) != len(COLUMNS):
            raise AssertionError(f"line {number} has {len(cells)} cells, not {len(COLUMNS)}")
        record = dict(zip(COLUMNS, cells, strict=True))
        rows.append(CitedRow(
            file=corpus.stem, line=number, sentence=record["sentence"],
            figure_text=record["figure_text"],
            bound=record["bound"], low=_number_or_none(record["low"]),
            high=_number_or_none(record["high"]), point=_number_or_none(record["point"]),
            unit=record["unit"], noun=record["noun"] or None, outlet=record["outlet"],
            url=record["url"],
        ))
    assert header == COLUMNS, f"unexpected header {header}"
    return comments, rows


HEADER_COMMENTS, ORIGINAL_ROWS = _read_corpus()
FORMS_HEADER_COMMENTS, FORMS_ROWS = _read_corpus(FORMS_CORPUS)
ROWS = ORIGINAL_ROWS + FORMS_ROWS


def _approx_or_none(expected: float | None) -> object:
    return None if expected is None else pytest.approx(expected, rel=1e-9)


# --- the corpus itself ------------------------------------------------------------------------


def test_corpus_is_large_and_varied_enough():
    currencies = {row.unit for row in ORIGINAL_ROWS} - {COUNT, PERCENT}
    assert len(ORIGINAL_ROWS) >= 40
    assert len(currencies) >= 6, sorted(currencies)
    assert len({row.url for row in ORIGINAL_ROWS}) >= 15


def test_forms_corpus_covers_every_new_group():
    units = {row.unit for row in FORMS_ROWS}
    assert units >= PHYSICAL, "weights, areas and volumes"
    assert {"MYR", "MMK", "KHR", "CNY"} <= units, "the new currency forms"
    assert any(row.unit == PERCENT and row.figure_text[-1].isalpha() for row in FORMS_ROWS)
    assert {"just under", "several", "handful", "bil", "mil"} <= {
        word for row in FORMS_ROWS for word in ("just under", "several", "handful", "bil", "mil")
        if word in row.figure_text}
    assert len({row.url for row in FORMS_ROWS}) >= 15
    assert any("USD$" in row.figure_text for row in FORMS_ROWS), "a doubled mark, glued"
    assert any("few dozen" in row.figure_text.lower() for row in FORMS_ROWS), "a few dozen"


@pytest.mark.parametrize("comments", [HEADER_COMMENTS, FORMS_HEADER_COMMENTS])
def test_header_states_provenance_and_verbatim_copying(comments):
    header = " ".join(comments)
    assert "VERBATIM" in header
    assert "search tool" in header
    assert "whitespace" in header


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_row_is_well_formed(row: CitedRow):
    assert row.figure_text in row.sentence
    assert row.sentence == " ".join(row.sentence.split()), "whitespace not normalised"
    assert row.bound in BOUNDS
    assert row.url.startswith(("http://", "https://"))
    assert row.outlet
    filled = {name for name in ("low", "high", "point") if getattr(row, name) is not None}
    assert filled == FILLED_BY_BOUND[row.bound], "expectation breaks the filling rule"
    if row.bound == "range":
        assert row.low is not None and row.high is not None and row.low < row.high
    if row.noun is not None:
        assert row.unit == COUNT and row.noun == row.noun.lower()


# --- the parser and the extractor on each row -------------------------------------------------


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_parse_figure_reads_the_cited_figure(row: CitedRow):
    figure = parse_figure(row.figure_text)
    assert (figure.bound, figure.unit) == (row.bound, row.unit)
    assert figure.low == _approx_or_none(row.low)
    assert figure.high == _approx_or_none(row.high)
    assert figure.point == _approx_or_none(row.point)
    assert figure.noun == row.noun


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_extract_figures_finds_the_cited_figure_in_its_sentence(row: CitedRow):
    found = [figure.text for figure in extract_figures(row.sentence)]
    assert row.figure_text in found
