"""Find every figure in a text, and every numeric token, for a cited and complete table.

`extract_figures` tries to read a figure (see `crimefigures.text.parse`) at each place one can
begin (a hedge, "between"/"from", a currency mark, digits, a number word, a vague magnitude),
left to right, keeping the longest reading and skipping what it covers. Years, dates, day
names, clock times, ordinals, time spans and measures are never returned.

A figure in brackets straight after another, in another currency or in another unit of the
same dimension, is a conversion of it: "about 5 million baht (US$140,000)" gives two approx
figures, the second marked `conversion_of` the first (its start offset). A conversion written
without a hedge of its own takes the hedge of the figure it converts; one with its own
("(about 340,000 U.S. dollars)") keeps it. "pounds" converting a weight are pounds of weight.

`find_number_tokens` lists EVERY numeric token, figures or not, so a coverage check can demand
that each one is inside an extracted figure or deliberately ignored. Tokens are never merged:
"between $4 billion and $6 billion" holds four tokens ("4", "billion", "6", "billion"),
each inside the one figure's span.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any, Final

from crimefigures.errors import ParseError
from crimefigures.text.parse import (
    APPROX,
    DIGITS_PATTERN,
    EXACT,
    FIGURE_FIELDS,
    LOWER,
    NUMBER_WORDS,
    PHYSICAL,
    TENS_WORDS,
    UPPER,
    Figure,
    as_physical,
    figure_candidates,
    match_figure,
    match_start_at_candidate,
)

EXTRACTED_FIELDS: Final[tuple[str, ...]] = ("start", "end", *FIGURE_FIELDS, "sentence")

# A full stop after one of these (lower-cased, without the stop) does not end a sentence.
ABBREVIATIONS: Final = frozenset({
    "dr", "mr", "mrs", "ms", "prof", "gen", "lt", "col", "capt", "maj", "sgt", "insp", "supt",
    "sen", "rep", "gov", "pres", "st", "jr", "sr", "no", "nos", "vol", "fig", "p", "pp", "art",
    "sec", "para", "inc", "ltd", "co", "corp", "bhd", "pte", "plc", "dept", "vs", "approx",
    "est", "rs", "rp", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "e.g", "i.e", "cf", "al",
})
# Number words counted as numeric tokens even outside a figure ("a decade ago", "one of").
TOKEN_WORDS: Final = (
    *NUMBER_WORDS, "hundred", "hundreds", "thousand", "thousands", "million", "millions",
    "billion", "billions", "trillion", "trillions", "dozen", "dozens", "tens", "decade",
    "decades", "lakh", "lakhs", "crore", "crores",
)

_PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t\r\f\v]*\n")
# Terminal punctuation (with closing quotes or brackets) before a space and a likely sentence
# opening. "$4.2 billion" never matches: no space follows its dot.
_SENTENCE_END_RE = re.compile(r"[.!?]+[\"'’”)\]]*(?=\s+[\"'‘“(\[]*[A-Z0-9])")
_WORD_BEFORE_STOP_RE = re.compile(r"[^\s(\[\"'‘“]+\Z")
_INITIALS_RE = re.compile(r"(?:[a-z]\.)*[a-z]")  # "J", "U.S", "U.N"
_TOKEN_RE = re.compile(
    rf"{DIGITS_PATTERN}"
    rf"|(?<![^\W\d_])(?:(?:{'|'.join(TENS_WORDS)})-(?:one|two|three|four|five|six|seven|eight|"
    rf"nine)|{'|'.join(sorted(TOKEN_WORDS, key=len, reverse=True))})(?![^\W\d_])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class NumberToken:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class ExtractedFigure:
    """A figure found in a text: `text[start:end]` is its phrase (hedge and noun included)."""

    start: int
    end: int
    figure: Figure
    sentence: str
    # The start of the figure this one converts, when it is a conversion in brackets right
    # after it ("5 million baht (US$140,000)"); None otherwise.
    conversion_of: int | None = None

    @property
    def text(self) -> str:
        return self.figure.text

    def to_dict(self) -> dict[str, Any]:
        record = {"start": self.start, "end": self.end, **self.figure.to_dict(),
                  "sentence": self.sentence}
        if self.conversion_of is not None:
            record["conversion_of"] = self.conversion_of
        return record


_CONVERSION_GAP_RE = re.compile(r"\s*[(\[]\s*")
_POUND_NAMES: Final = frozenset({"pound", "pounds"})


def _is_money(unit: str) -> bool:
    return len(unit) == 3 and unit.isupper()


def _as_conversion(text: str, source: ExtractedFigure, start: int,
                   figure: Figure) -> Figure | None:
    """`figure` read as a conversion of `source`, or None when it is not one."""
    if ((text.find("(", source.end, start) < 0 and text.find("[", source.end, start) < 0)
            or not _CONVERSION_GAP_RE.fullmatch(text, source.end, start)):
        return None
    unit, source_unit = figure.unit, source.figure.unit
    if (source_unit in PHYSICAL and unit == "GBP"
            and figure.text.split()[-1].lower() in _POUND_NAMES):
        figure = as_physical(figure, figure.text.split()[-1])  # "1,537 kg (3,380 pounds)"
        unit = figure.unit
    if not ((_is_money(unit) and _is_money(source_unit) and unit != source_unit)
            or (unit in PHYSICAL and unit == source_unit)):
        return None
    bound, value = source.figure.bound, figure.point
    if figure.hedge is None and figure.bound == EXACT and bound in (APPROX, LOWER, UPPER):
        figure = replace(figure, bound=bound, hedge=source.figure.hedge,
                         low=value if bound == LOWER else None,
                         high=value if bound == UPPER else None,
                         point=value if bound == APPROX else None)
    return figure


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with their offsets. Paragraph breaks (a blank line) always split; a full stop
    splits unless it closes an abbreviation or initials ("Dr.", "No.", "U.S.", "J.")."""
    cuts = {0, len(text)}
    if "\n" in text:
        cuts.update(found.start() for found in _PARAGRAPH_BREAK_RE.finditer(text))
    for found in _SENTENCE_END_RE.finditer(text):
        if not _closes_abbreviation(text, found.start()):
            cuts.add(found.end())
    if len(cuts) == 2:  # one sentence: most texts the extractor is given one at a time
        stripped = text.strip()
        if not stripped:
            return []
        offset = len(text) - len(text.lstrip())
        return [_sentence(offset, offset + len(stripped), stripped)]
    sentences = []
    for start, end in pairwise(sorted(cuts)):
        chunk = text[start:end]
        stripped = chunk.strip()
        if stripped:
            offset = start + len(chunk) - len(chunk.lstrip())
            sentences.append(_sentence(offset, offset + len(stripped), stripped))
    return sentences


def _sentence(start: int, end: int, text: str) -> Sentence:
    """Sentence(start, end, text) without the frozen dataclass's per-field __setattr__ (one
    for every text `extract_figures` reads)."""
    sentence = object.__new__(Sentence)
    sentence.__dict__.update(start=start, end=end, text=text)
    return sentence


def _closes_abbreviation(text: str, stop: int) -> bool:
    if text[stop] != "." or text.startswith("..", stop):
        return False
    word = _WORD_BEFORE_STOP_RE.search(text, max(0, stop - 30), stop)
    if word is None:
        return False
    lowered = word.group().lower()
    return lowered in ABBREVIATIONS or bool(_INITIALS_RE.fullmatch(lowered))


def extract_figures(text: str) -> list[ExtractedFigure]:
    """Every figure in `text`, in order, each with the (stripped) sentence it sits in.

    Spelled-out numbers that read as prose ("one of them", "two of the suspects") are left
    out; `find_number_tokens` still lists them for the coverage check.
    """
    sentences = split_sentences(text)
    starts = [sentence.start for sentence in sentences]
    found: list[ExtractedFigure] = []
    covered_to = start_covered_to = 0
    # The places FIGURE_START_RE.finditer would find, found faster: FIGURE_CANDIDATE_RE finds
    # every place one can begin (and more), FIGURE_START_RE confirms it there, and a confirmed
    # start hides the candidates inside it, as finditer's non-overlapping matches do.
    for candidate in figure_candidates(text):  # FIGURE_CANDIDATE_RE.finditer, faster
        position = candidate.start()
        if position < start_covered_to:
            continue
        start = match_start_at_candidate(text, candidate)  # FIGURE_START_RE.match, faster
        if start is None:
            continue
        start_covered_to = start.end()
        if position < covered_to:
            continue
        try:
            matched = match_figure(text, position)
        except ParseError as error:
            # A year, date, code or measure is not a figure; skip all of it when its extent is
            # known ("aged 18 to 30" must not yield "30"), else try the next start.
            covered_to = max(covered_to, getattr(error, "end", None) or 0)
            continue
        if matched is None or matched.likely_prose:
            continue
        sentence = sentences[bisect.bisect_right(starts, matched.start) - 1].text
        figure, conversion_of = matched.figure, None
        if found and (converted := _as_conversion(text, found[-1], matched.start, figure)):
            figure, conversion_of = converted, found[-1].start
        extracted = object.__new__(ExtractedFigure)  # no frozen per-field __setattr__
        extracted.__dict__.update(start=matched.start, end=matched.end, figure=figure,
                                  sentence=sentence, conversion_of=conversion_of)
        found.append(extracted)
        covered_to = matched.end
    return found


def find_number_tokens(text: str) -> list[NumberToken]:
    """Every digit run (with its separators) and number word in `text`, years and dates too."""
    return [NumberToken(m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(text)]


def uncovered_tokens(text: str, figures: list[ExtractedFigure]) -> list[NumberToken]:
    """The numeric tokens that no extracted figure's span contains."""
    spans = [(figure.start, figure.end) for figure in figures]
    return [token for token in find_number_tokens(text)
            if not any(start <= token.start and token.end <= end for start, end in spans)]
