"""The curated ledger: claims, sources and ignored numbers, and the figures table.

The ledger is typed by a person (quotes, attributions, sources); the numbers are
not: they come from :func:`crimefigures.text.parse.parse_figure` applied to each
claim's ``figure_text``. Every check here fails with one line naming the file,
the row (as a CSV line number, header = line 1) and the field. The files are read and
written through :mod:`crimefigures.pipeline.registry` with the schemas below.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from crimefigures.errors import InputError, ParseError
from crimefigures.pipeline import paths, registry, tables
from crimefigures.text.article import read_article
from crimefigures.text.extract import extract_figures, find_number_tokens
from crimefigures.text.parse import FIGURE_FIELDS, parse_figure

CLAIM_COLUMNS = ("claim_id", "quote", "figure_text", "measure", "geography", "period",
                 "attributed_to", "reported_by", "primary_source_id", "status", "notes")
CLAIM_REQUIRED = ("claim_id", "quote", "figure_text", "measure", "status")
SOURCE_COLUMNS = ("source_id", "publisher", "title", "date_published", "url", "date_accessed",
                  "kind", "access", "notes")
SOURCE_REQUIRED = ("source_id", "publisher", "title", "url", "kind", "access")
IGNORED_COLUMNS = ("text", "occurrence", "category", "reason")
IGNORED_REQUIRED = IGNORED_COLUMNS
PARSE_COLUMNS = tuple(f for f in FIGURE_FIELDS if f != "text")
FIGURE_COLUMNS = (*CLAIM_COLUMNS, *PARSE_COLUMNS, "span_start", "span_end")

BOUNDS = ("exact", "approx", "lower", "upper", "range")
IGNORED_CATEGORIES = ("date", "year", "day_of_week", "time_span", "clock_time", "ordinal",
                      "other")
SOURCE_KINDS = ("article", "wire", "news_report", "press_release", "report", "dataset",
                "web_page")
SOURCE_ACCESS = ("read", "secondary", "not_confirmed")
_DATE = r"^(\d{4}(-\d{2}(-\d{2})?)?)?$"


def _text(**checks) -> pa.Column:
    return pa.Column(str, nullable=False, **checks)


def ledger_schema(columns: dict[str, pa.Column], required: tuple[str, ...]) -> pa.DataFrameSchema:
    """A typed ledger file: exactly these columns in this order, ``required`` never blank."""
    return pa.DataFrameSchema(columns, strict=True, ordered=True,
                              metadata={"required": required})


CLAIMS_SCHEMA = ledger_schema({
    "claim_id": _text(checks=pa.Check.str_matches(r"^[A-Za-z0-9_\-]+$"), unique=True),
    "quote": _text(),
    "figure_text": _text(),
    "measure": _text(checks=pa.Check.str_matches(r"^[a-z][a-z0-9_]*$")),
    "geography": _text(),
    "period": _text(),
    "attributed_to": _text(),
    "reported_by": _text(),
    "primary_source_id": _text(),
    "status": _text(checks=pa.Check.isin(["draft", "reviewed"])),
    "notes": _text(),
}, CLAIM_REQUIRED)

SOURCES_SCHEMA = ledger_schema({
    "source_id": _text(checks=pa.Check.str_matches(r"^[a-z0-9_]+$"), unique=True),
    "publisher": _text(),
    "title": _text(),
    "date_published": _text(checks=pa.Check.str_matches(_DATE)),
    "url": _text(checks=pa.Check.str_matches(r"^https?://\S+$")),
    "date_accessed": _text(checks=pa.Check.str_matches(_DATE)),
    "kind": _text(checks=pa.Check.isin(list(SOURCE_KINDS))),
    "access": _text(checks=pa.Check.isin(list(SOURCE_ACCESS))),
    "notes": _text(),
}, SOURCE_REQUIRED)

IGNORED_SCHEMA = ledger_schema({
    "text": _text(),
    "occurrence": pa.Column(int, pa.Check.ge(1)),
    "category": _text(checks=pa.Check.isin(list(IGNORED_CATEGORIES))),
    "reason": _text(),
}, IGNORED_REQUIRED)

FIGURES_SCHEMA = pa.DataFrameSchema(
    {
        **{c: _text() for c in CLAIM_COLUMNS},
        "bound": _text(checks=pa.Check.isin(list(BOUNDS))),
        "low": pa.Column(float, pa.Check.ge(0), nullable=True),
        "high": pa.Column(float, pa.Check.ge(0), nullable=True),
        "point": pa.Column(float, pa.Check.ge(0), nullable=True),
        "unit": _text(checks=pa.Check.str_matches(r"^([A-Z]{3}|percent|count)$")),
        "noun": pa.Column(str, nullable=True),
        "hedge": pa.Column(str, nullable=True),
        "span_start": pa.Column(int, pa.Check.ge(0)),
        "span_end": pa.Column(int, pa.Check.ge(0)),
    },
    checks=[
        pa.Check(lambda d: (d["low"].isna() | d["high"].isna() | (d["low"] <= d["high"])),
                 error="low <= high"),
        pa.Check(lambda d: d["span_start"] < d["span_end"], error="span_start < span_end"),
    ],
    strict=True,
    ordered=True,
    unique=["claim_id"],
    # a figure with no counted noun or no hedge has none, not an empty word
    metadata={"blank_is_missing": ("noun", "hedge")},
)


# --- checks --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def covers(self, start: int, end: int) -> bool:
        return self.start <= start and end <= self.end


def nth_occurrence(text: str, part: str, n: int) -> int:
    """Offset of the n-th (1-based) occurrence of part in text, or -1."""
    offset = -1
    for _ in range(n):
        offset = text.find(part, offset + 1)
        if offset < 0:
            return -1
    return offset


def first_occurrences(text: str, parts: set[str], key_length: int = 32) -> dict[str, int]:
    """The offset of each part's first occurrence in text (-1 if absent).

    One str.find per part from the start of the text costs the sum of the offsets, which
    grows with the square of a long article. Instead one pass records where each part's
    first key_length characters first appear, and each part is searched from there: its
    first occurrence cannot start before its prefix's.
    """
    keys = {part[:key_length] for part in parts if len(part) >= key_length}
    key_at: dict[str, int] = {}
    for at in range(len(text) - key_length + 1):
        if not keys:
            break
        key = text[at:at + key_length]
        if key in keys:
            key_at[key] = at
            keys.discard(key)
    found = {}
    for part in parts:
        if len(part) < key_length:
            found[part] = text.find(part)
        else:
            start = key_at.get(part[:key_length])
            found[part] = -1 if start is None else text.find(part, start)
    return found


def claim_spans(article: str, claims: pd.DataFrame, claims_name: str) -> list[Span]:
    """Where each claim's figure sits in the article; quote and figure must be verbatim."""
    quote_at = first_occurrences(article, set(claims["quote"]))
    spans = []
    for index, quote, figure_text in zip(claims.index, claims["quote"], claims["figure_text"],
                                         strict=True):
        row = int(index) + 2
        if quote_at[quote] < 0:
            raise InputError("quote is not in the article (it must be verbatim)",
                             file=claims_name, row=row, field="quote")
        figure_at = quote.find(figure_text)
        if figure_at < 0:
            raise InputError("figure_text is not inside the quote", file=claims_name, row=row,
                             field="figure_text")
        start = quote_at[quote] + figure_at
        spans.append(Span(start, start + len(figure_text)))
    return spans


def ignored_spans(article: str, ignored: pd.DataFrame, ignored_name: str) -> list[Span]:
    spans = []
    for index, entry in ignored.iterrows():
        at = nth_occurrence(article, entry["text"], int(entry["occurrence"]))
        if at < 0:
            raise InputError(f"occurrence {entry['occurrence']} of this text is not in the "
                             "article", file=ignored_name, row=int(index) + 2, field="text")
        spans.append(Span(at, at + len(entry["text"])))
    return spans


def check_sources(claims: pd.DataFrame, sources: pd.DataFrame, claims_name: str) -> None:
    known = set(sources["source_id"])
    for index, source_id, status in zip(claims.index, claims["primary_source_id"],
                                        claims["status"], strict=True):
        if status == "draft" and not source_id.strip():
            continue  # a draft ledger for a new story has no sources yet
        if source_id not in known:
            raise InputError(f"unknown source {source_id!r} (not in sources.csv)",
                             file=claims_name, row=int(index) + 2, field="primary_source_id")


class SpanIndex:
    """Spans sorted by start, with the furthest end seen so far: O(log n) coverage tests."""

    def __init__(self, spans: list[Span]) -> None:
        ordered = sorted(spans, key=lambda span: span.start)
        self.starts = [span.start for span in ordered]
        self.reach = list(accumulate((span.end for span in ordered), max))

    def _reach_before(self, position: int, *, inclusive: bool) -> int:
        find = bisect_right if inclusive else bisect_left
        index = find(self.starts, position) - 1
        return self.reach[index] if index >= 0 else -1

    def covers(self, start: int, end: int) -> bool:
        """Some span starts at or before start and ends at or after end."""
        return self._reach_before(start, inclusive=True) >= end

    def overlaps(self, start: int, end: int) -> bool:
        """Some span starts before end and ends after start."""
        return self._reach_before(end, inclusive=False) > start


def check_coverage(article: str, article_name: str, accounted: list[Span]) -> None:
    """Every figure extract finds and every number token is claimed or ignored."""
    index = SpanIndex(accounted)
    for figure in extract_figures(article):
        if not index.overlaps(figure.start, figure.end):
            raise InputError(f"figure {figure.text!r} is in neither claims.csv nor "
                             "ignored_numbers.csv", file=article_name, offset=figure.start)
    for token in find_number_tokens(article):
        if not index.covers(token.start, token.end):
            raise InputError(f"number {token.text!r} is in neither claims.csv nor "
                             "ignored_numbers.csv", file=article_name, offset=token.start)


def parse_claims(claims: pd.DataFrame, claims_name: str) -> pd.DataFrame:
    records = []
    for index, figure_text in zip(claims.index, claims["figure_text"], strict=True):
        try:
            figure = parse_figure(figure_text)
        except ParseError as exc:
            raise InputError(f"figure does not parse ({exc.message})", file=claims_name,
                             row=int(index) + 2, field="figure_text") from None
        record = figure.to_dict()
        records.append({k: record[k] for k in PARSE_COLUMNS})
    return pd.DataFrame.from_records(records, columns=list(PARSE_COLUMNS), index=claims.index)


# --- the figures table ---------------------------------------------------------------------


def build_figures(
    article_path: str | Path,
    claims_path: str | Path,
    sources_path: str | Path,
    ignored_path: str | Path,
) -> pd.DataFrame:
    """One row per claim: the ledger columns, the parse fields and the figure's span."""
    article = read_article(article_path)
    claims_name = paths.relative(claims_path)
    claims = registry.read("claims", path=claims_path)
    if claims.empty:
        raise InputError("no claims: the file has a header but no rows", file=claims_name,
                         row=2)
    sources = registry.read("sources", path=sources_path)
    ignored = registry.read("ignored", path=ignored_path)
    check_sources(claims, sources, claims_name)
    spans = claim_spans(article, claims, claims_name)
    accounted = spans + ignored_spans(article, ignored, paths.relative(ignored_path))
    check_coverage(article, paths.relative(article_path), accounted)
    figures = pd.concat([claims, parse_claims(claims, claims_name)], axis=1)
    figures["span_start"] = [s.start for s in spans]
    figures["span_end"] = [s.end for s in spans]
    for column in ("low", "high", "point"):
        figures[column] = figures[column].astype(float)
    return tables.validate(figures[list(FIGURE_COLUMNS)], FIGURES_SCHEMA, "figures")


def file_sha256(path: str | Path) -> str:
    return hashlib.sha256(paths.resolve(path).read_bytes()).hexdigest()


# --- drafting a ledger for a new article ---------------------------------------------------


def draft_ledger(article_path: str | Path, out_dir: str | Path) -> list[Path]:
    """Draft claims.csv (every extracted figure) and ignored_numbers.csv for a new story."""
    article = read_article(article_path)
    out = Path(out_dir).resolve()
    targets = [out / "claims.csv", out / "ignored_numbers.csv"]
    for target in targets:
        if target.exists():
            raise InputError("refusing to overwrite an existing ledger", file=target)
    figures = extract_figures(article)
    claims = pd.DataFrame(
        [{"claim_id": f"D{i:03d}", "quote": f.sentence, "figure_text": f.text,
          "measure": "to_review", "geography": "", "period": "", "attributed_to": "",
          "reported_by": "", "primary_source_id": "", "status": "draft", "notes": ""}
         for i, f in enumerate(figures, start=1)],
        columns=list(CLAIM_COLUMNS),
    )
    claimed = [Span(f.start, f.end) for f in figures]
    counts: dict[str, int] = {}
    ignored_rows = []
    for token in find_number_tokens(article):
        counts[token.text] = counts.get(token.text, 0) + 1
        if not any(span.covers(token.start, token.end) for span in claimed):
            ignored_rows.append({"text": token.text, "occurrence": counts[token.text],
                                 "category": "other", "reason": "to review"})
    ignored = pd.DataFrame(ignored_rows, columns=list(IGNORED_COLUMNS))
    out.mkdir(parents=True, exist_ok=True)
    registry.write("claims", claims, path=targets[0])
    registry.write("ignored", ignored, path=targets[1])
    return targets
