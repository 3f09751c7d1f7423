"""A story's analysis, declared in ``data/curated/<story>/analysis.yml`` and validated here.

The file says which ratios to compute (numerator and denominator terms, scale, result
unit, a description in English and Indonesian), which of them are the headlines, the
statements tested under the sensitivity sweep, the consistency checks, the economies to
draw as yardsticks, and the choices a figure cannot take from the data. A term is a
claim id (``C7``) or a yardstick: ``gdp:DEU`` (GDP from the settings' publisher,
release and year), ``gdp_imf:FRA`` (the IMF whatever the settings say), ``pop:KHM``.
In a check a term may also be ``source:C7`` (the primary source's figure for a claim)
or ``bench:<benchmark_id>``.

Any problem is one line naming the file and the key path (``ratios[3].unit``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from crimefigures.errors import InputError
from crimefigures.pipeline import paths

Identifier = Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
Term = Annotated[str, Field(pattern=r"^([A-Za-z0-9_-]+|(gdp|gdp_imf|pop):[A-Z]{3}"
                                    r"|source:[A-Za-z0-9_-]+|bench:[a-z0-9_]+)$")]
YARDSTICK_KINDS = ("gdp", "gdp_imf", "pop")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Words(_Strict):
    """The same text in English and Indonesian."""

    en: str = Field(min_length=1)
    id: str = Field(min_length=1)

    def get(self, language: str) -> str:
        return self.id if language == "id" else self.en


class RatioSpec(_Strict):
    """numerator terms multiplied, over denominator terms summed, times scale."""

    id: Identifier
    numerator: list[Term] = Field(min_length=1)
    denominator: list[Term] = Field(default_factory=list)
    scale: float = Field(default=1.0, gt=0)
    unit: str = Field(min_length=1)
    description: Words

    @property
    def ratio_id(self) -> str:
        return self.id

    @model_validator(mode="after")
    def _terms_are_ratio_terms(self) -> RatioSpec:
        for term in (*self.numerator, *self.denominator):
            if term.startswith(("source:", "bench:")):
                raise ValueError(f"{term}: a ratio's terms are claims or yardsticks "
                                 "(source: and bench: terms belong in checks)")
        return self


class StatementSpec(_Strict):
    """A sentence that holds when the ratio's whole exact interval is on one side."""

    id: Identifier
    ratio: Identifier
    comparison: Literal["above", "below"]
    threshold: float
    text: Words

    def holds(self, low: float, high: float) -> bool:
        return low > self.threshold if self.comparison == "above" else high < self.threshold


class Expression(_Strict):
    """One side of a check: a ratio's exact interval, a number, or terms (summed) over terms."""

    ratio: Identifier | None = None
    value: float | None = None
    terms: list[Term] = Field(default_factory=list)
    over: list[Term] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_kind(self) -> Expression:
        kinds = [self.ratio is not None, self.value is not None, bool(self.terms)]
        if sum(kinds) != 1:
            raise ValueError("give exactly one of ratio, value or terms")
        if self.over and not self.terms:
            raise ValueError("'over' needs 'terms'")
        return self

    def describe(self) -> str:
        if self.ratio is not None:
            return f"ratio {self.ratio}"
        if self.value is not None:
            return f"{self.value:.4g}"
        top = " + ".join(self.terms)
        return f"({top}) / ({' + '.join(self.over)})" if self.over else top


class CheckSpec(_Strict):
    id: Identifier
    question: Words
    left: Expression
    right: Expression
    test: Literal["overlaps", "inside", "below", "above", "same_high"]


class FigureChoices(_Strict):
    """What a figure kind draws where the data alone cannot say; every key is optional."""

    yardstick_ratios: list[Identifier] = Field(default_factory=list)
    distribution_ratios: list[Identifier] = Field(default_factory=list)
    per_capita_ratios: list[Identifier] = Field(default_factory=list)
    small_amount: str | None = None
    large_amount: str | None = None
    per_count: str | None = None
    tornado_ratio: Identifier | None = None
    # What a claim measures (measure_<measure>) and what a ratio divides (ratio_<id>), in
    # the story's own words; the figures build a plainer label from the data without them.
    labels: dict[str, Words] = Field(default_factory=dict)
    titles: dict[str, Words] = Field(default_factory=dict)
    captions: dict[str, Words] = Field(default_factory=dict)


class StorySettings(_Strict):
    """Defaults this story's analysis runs with where notebook 02 leaves a setting unset."""

    gdp_source: Literal["imf_weo", "world_bank"] | None = None
    weo_vintage: str | None = None
    gdp_year: int | None = Field(default=None, ge=1960, le=2030)
    population_year: int | None = Field(default=None, ge=1960, le=2030)
    exchange_rate_year: int | None = Field(default=None, ge=1960, le=2030)


class GdpChoice(_Strict):
    """One denominator the sensitivity sweep tries: a publisher, its release and a year."""

    source: Literal["imf_weo", "world_bank"]
    vintage: str | None = None
    year: int = Field(ge=1960, le=2030)

    @model_validator(mode="after")
    def _vintage_for_imf(self) -> GdpChoice:
        if (self.source == "imf_weo") != (self.vintage is not None):
            raise ValueError("an IMF choice names its release (vintage); a World Bank one "
                             "does not")
        return self


class Sensitivity(_Strict):
    gdp: list[GdpChoice] = Field(default_factory=list)


class AnalysisSpec(_Strict):
    title: Words | None = None
    settings: StorySettings = Field(default_factory=StorySettings)
    sensitivity: Sensitivity = Field(default_factory=Sensitivity)
    yardsticks: list[Annotated[str, Field(pattern=r"^[A-Z]{3}$")]] = Field(default_factory=list)
    ratios: list[RatioSpec] = Field(min_length=1)
    headlines: list[Identifier] = Field(default_factory=list)
    statements: list[StatementSpec] = Field(default_factory=list)
    checks: list[CheckSpec] = Field(default_factory=list)
    figures: FigureChoices = Field(default_factory=FigureChoices)

    @model_validator(mode="after")
    def _references_resolve(self) -> AnalysisSpec:
        ids = [r.id for r in self.ratios]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"ratio id {duplicates[0]!r} is used twice")
        known = set(ids)
        wanted = [("headlines", h) for h in self.headlines]
        wanted += [(f"statements.{s.id}.ratio", s.ratio) for s in self.statements]
        wanted += [(f"checks.{c.id}.{side}.ratio", e.ratio) for c in self.checks
                   for side, e in (("left", c.left), ("right", c.right)) if e.ratio]
        choices = self.figures
        wanted += [("figures.yardstick_ratios", r) for r in choices.yardstick_ratios]
        wanted += [("figures.distribution_ratios", r) for r in choices.distribution_ratios]
        wanted += [("figures.per_capita_ratios", r) for r in choices.per_capita_ratios]
        if choices.tornado_ratio:
            wanted.append(("figures.tornado_ratio", choices.tornado_ratio))
        for where, ratio_id in wanted:
            if ratio_id not in known:
                raise ValueError(f"{where}: {ratio_id!r} is not a ratio in 'ratios'")
        return self

    def ratio(self, ratio_id: str) -> RatioSpec:
        for spec in self.ratios:
            if spec.id == ratio_id:
                return spec
        raise KeyError(ratio_id)

    def claim_terms(self) -> set[str]:
        """Every claim id the analysis names, in ratios and checks."""
        terms = [t for r in self.ratios for t in (*r.numerator, *r.denominator)]
        terms += [t.removeprefix("source:") for c in self.checks
                  for e in (c.left, c.right) for t in (*e.terms, *e.over)]
        return {t for t in terms if ":" not in t}


def _key_path(location: tuple[int | str, ...]) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def parse_spec(document: object, *, file: str) -> AnalysisSpec:
    try:
        return AnalysisSpec.model_validate(document)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = _key_path(tuple(p for p in error["loc"] if not str(p).startswith("function-")))
        message = error["msg"].removeprefix("Value error, ")
        raise InputError(message, file=file, field=where) from None


def load_spec(path: str | Path) -> AnalysisSpec:
    """Read and validate a story's analysis.yml."""
    file = paths.resolve(path)
    name = paths.relative(file)
    try:
        document = yaml.safe_load(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("file not found (each story declares its analysis here; "
                         "python -m crimefigures new-story writes a starter)", file=name) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark else ""
        raise InputError(f"not valid YAML{line}", file=name) from None
    return parse_spec(document, file=name)
