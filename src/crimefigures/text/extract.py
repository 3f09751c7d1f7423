"""Find every figure in a text, and every numeric token, for a cited and complete table.

`extract_figures` tries to read a figure (see `crimefigures.text.parse`) at each place one can
begin (a hedge, "between"/"from", a currency mark, digits, a number word, a vague magnitude),
left to right, keeping the longest reading and skipping what it covers. Years, dates, day
names, clock times, ordinals, time spans and measures are never returned.

`find_number_tokens` lists EVERY numeric token, figures or not, so a coverage check can demand
that each one is inside an extracted figure or deliberately ignored. Tokens are never merged:
"between $4 billion and $6 billion" holds four tokens ("4", "billion", "6", "billion"),
each inside the one figure's span.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Final

from crimefigures.errors import ParseError
from crimefigures.text.parse import (
    DIGITS_PATTERN,
    FIGURE_FIELDS,
    FIGURE_START_RE,
    NUMBER_WORDS,
    TENS_WORDS,
    Figure,
    match_figure,
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

    @property
    def text(self) -> str:
        return self.figure.text

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, **self.figure.to_dict(),
                "sentence": self.sentence}


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with their offsets. Paragraph breaks (a blank line) always split; a full stop
    splits unless it closes an abbreviation or initials ("Dr.", "No.", "U.S.", "J.")."""
    cuts = {0, len(text)}
    cuts.update(found.start() for found in _PARAGRAPH_BREAK_RE.finditer(text))
    for found in _SENTENCE_END_RE.finditer(text):
        if not _closes_abbreviation(text, found.start()):
            cuts.add(found.end())
    sentences = []
    for start, end in pairwise(sorted(cuts)):
        chunk = text[start:end]
        stripped = chunk.strip()
        if stripped:
            offset = start + len(chunk) - len(chunk.lstrip())
            sentences.append(Sentence(offset, offset + len(stripped), stripped))
    return sentences


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
    covered_to = 0
    for candidate in FIGURE_START_RE.finditer(text):
        if candidate.start() < covered_to:
            continue
        try:
            matched = match_figure(text, candidate.start())
        except ParseError as error:
            # A year, date, code or measure is not a figure; skip all of it when its extent is
            # known ("aged 18 to 30" must not yield "30"), else try the next start.
            covered_to = max(covered_to, getattr(error, "end", None) or 0)
            continue
        if matched is None or matched.likely_prose:
            continue
        sentence = sentences[bisect.bisect_right(starts, matched.start) - 1].text
        found.append(ExtractedFigure(matched.start, matched.end, matched.figure, sentence))
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
