"""Units of the terms of a ratio, checked before anything is computed.

A unit is a product of base dimensions with integer powers:

- money in one currency (``USD``; every other currency is converted to US dollars at a
  cited annual rate before it enters a ratio, so a ratio never mixes currencies);
- a count of something (``count:arrest``): the noun as the parser read it, singular;
- ``inhabitants``: a population from the reference table;
- a physical unit (``kg``, ``m**2``) as the parser normalised it;
- ``percent`` is no dimension at all: it enters as a fraction (40% is 0.4).

A ratio multiplies its numerator terms and divides by the sum of its denominator terms,
so the terms of a sum must share one unit and the quotient must reduce to the ratio's
declared result unit:

==========================  ========================================
declared result unit        dimensions
==========================  ========================================
``fraction``                none (USD ÷ USD, arrests ÷ arrests, a percent)
``USD``                     money (percent × USD)
``per_capita``              a count of anything ÷ inhabitants
``USD per <noun>``          money ÷ a count of <noun>
``<noun>``                  a count of <noun> (percent × people)
``<noun> per <noun>``       a count over another count
==========================  ========================================
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from crimefigures.errors import InputError

MONEY = "USD"
INHABITANTS = "inhabitants"
FRACTION = "fraction"
PER_CAPITA = "per_capita"
_CURRENCY = re.compile(r"^[A-Z]{3}$")


# Words for people that reporting uses interchangeably; all are counts of people, so
# "individuals" over "people" is a fraction and either over a population is per capita.
PERSON_NOUNS = frozenset({"people", "person", "persons", "individual", "individuals",
                          "victim", "victims", "worker", "workers", "resident", "residents",
                          "citizen", "citizens", "national", "nationals", "migrant",
                          "migrants"})


def singular(noun: str) -> str:
    """'countries' -> 'country', 'arrests' -> 'arrest'; every word for people -> 'people'."""
    word = noun.strip().lower()
    if word in PERSON_NOUNS:
        return "people"
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


@dataclass(frozen=True)
class Unit:
    """A product of dimensions with integer powers; the empty product is a pure number."""

    powers: tuple[tuple[str, int], ...] = ()

    @classmethod
    def base(cls, dimension: str) -> Unit:
        return cls(((dimension, 1),))

    def _combine(self, other: Unit, sign: int) -> Unit:
        total: Counter[str] = Counter(dict(self.powers))
        for dimension, power in other.powers:
            total[dimension] += sign * power
        return Unit(tuple(sorted((d, p) for d, p in total.items() if p)))

    def __mul__(self, other: Unit) -> Unit:
        return self._combine(other, 1)

    def __truediv__(self, other: Unit) -> Unit:
        return self._combine(other, -1)

    def __str__(self) -> str:
        if not self.powers:
            return "a pure number"
        top = [_name(d) + (f"^{p}" if p > 1 else "") for d, p in self.powers if p > 0]
        bottom = [_name(d) + (f"^{-p}" if p < -1 else "") for d, p in self.powers if p < 0]
        text = " × ".join(top) or "1"
        return f"{text} per {' × '.join(bottom)}" if bottom else text


def _name(dimension: str) -> str:
    kind, _, noun = dimension.partition(":")
    return noun if kind == "count" else dimension


def is_currency(unit: str) -> bool:
    return bool(_CURRENCY.match(unit))


def of_figure(unit: str, noun: str | None) -> Unit:
    """The unit of a parsed figure once it enters a ratio (money already in US dollars)."""
    if unit == "percent":
        return Unit()
    if unit == "count":
        return Unit.base(f"count:{singular(noun)}") if noun else Unit()
    if is_currency(unit):
        return Unit.base(MONEY)
    return Unit.base(unit)


def of_yardstick(kind: str) -> Unit:
    """``gdp``/``gdp_imf`` are US dollars a year; ``pop`` is inhabitants."""
    return Unit.base(INHABITANTS) if kind == "pop" else Unit.base(MONEY)


def declared(result_unit: str) -> Unit:
    """The dimensions a ratio's declared result unit stands for (see the module table)."""
    text = result_unit.strip()
    if text == FRACTION:
        return Unit()
    if text == PER_CAPITA:
        raise ValueError("per_capita has a free noun; use matches()")
    top, sep, bottom = text.partition(" per ")
    unit = _word_unit(top)
    return unit / _word_unit(bottom) if sep else unit


def _word_unit(word: str) -> Unit:
    word = word.strip()
    if is_currency(word):
        return Unit.base(MONEY if word == MONEY else word)
    if word in ("inhabitant", INHABITANTS):
        return Unit.base(INHABITANTS)
    return Unit.base(f"count:{singular(word)}")


def matches(result_unit: str, unit: Unit) -> bool:
    """Whether the reduced unit of a ratio is its declared result unit."""
    if result_unit.strip() == PER_CAPITA:
        powers = dict(unit.powers)
        counts = [d for d, p in powers.items() if d.startswith("count:") and p == 1]
        return powers.get(INHABITANTS) == -1 and len(powers) == 2 and len(counts) == 1
    return declared(result_unit) == unit


def check_ratio(ratio_id: str, result_unit: str, numerator: list[tuple[str, Unit]],
                denominator: list[tuple[str, Unit]], *, file: str) -> None:
    """Raise naming the ratio, the term and both units unless the terms reduce as declared."""
    field = f"ratios.{ratio_id}"
    if denominator:
        first_term, first_unit = denominator[0]
        for term, unit in denominator[1:]:
            if unit != first_unit:
                raise InputError(
                    f"ratio {ratio_id}: denominator term {term} is {unit}, but {first_term} "
                    f"is {first_unit}; a sum needs one unit", file=file, field=field)
    top = Unit()
    for _, unit in numerator:
        top = top * unit
    reduced = top / denominator[0][1] if denominator else top
    if matches(result_unit, reduced):
        return
    culprit, culprit_unit = _culprit(reduced, numerator, denominator)
    raise InputError(
        f"ratio {ratio_id}: the terms reduce to {reduced}, not the declared unit "
        f"{result_unit!r}; term {culprit} is {culprit_unit}", file=file, field=field)


def _culprit(reduced: Unit, numerator: list[tuple[str, Unit]],
             denominator: list[tuple[str, Unit]]) -> tuple[str, Unit]:
    """The first term whose dimensions are left over (or missing) in the reduction."""
    leftover = {d for d, _ in reduced.powers}
    for term, unit in [*numerator, *denominator[:1]]:
        if any(d in leftover for d, _ in unit.powers):
            return term, unit
    term, unit = (numerator or denominator)[0]
    return term, unit
