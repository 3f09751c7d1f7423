"""Interval and Monte Carlo arithmetic for hedged figures.

A ledger figure such as "about 2,000" or "up to $5 billion" becomes an
*analysis interval* (:func:`analysis_interval`) under the assumptions in
:class:`HedgeConstants`. Ratios and sums of such figures are then reported two
ways:

* **Exact interval arithmetic** (:class:`Interval`): the smallest interval
  guaranteed to hold the result for *every* combination of inputs inside their
  intervals. Bounds are computed with ordinary IEEE rounding and no outward
  rounding; because rounding is monotonic, every floating-point result of the
  same operation on points inside the inputs still lands inside the result.
* **Monte Carlo** (:func:`sample`, :class:`DrawBank`, :func:`summarise`): draws
  from a distribution spread over each input interval, combined draw by draw.

Distributions (:data:`DISTRIBUTIONS`):

``uniform``
    Flat on ``[low, high]``.
``triangular``
    Peaked at the interval's midpoint unless a ``mode`` is given (for instance
    the figure as written), falling to zero at both bounds.
``lognormal90``
    Lognormal whose 5th and 95th percentiles are ``low`` and ``high``. By design
    10% of its draws fall *outside* the interval (5% each side): the interval is
    read as a 90% range, not a hard limit. Bounds must be positive.

What holds between the two views: for ``uniform`` and ``triangular`` every draw
lies inside its input interval, so every MC percentile (p05..p95 included) of a
combination lies inside the exact interval of that combination. For
``lognormal90`` only the inputs' p05/p95 are pinned (to the bounds); combined
draws can and do leave the exact interval.

:class:`DrawBank` hands every named quantity one fixed vector of draws, so a
quantity used twice (``A`` in ``A/(A+B)`` and in ``A+B``) is the same vector
each time and identities such as ``A/(A+B) + B/(A+B) = 1`` hold per draw, up to
a few units in the last place of float rounding.
"""

from __future__ import annotations

import hashlib
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from crimefigures.errors import InputError, ParameterError

DISTRIBUTIONS: tuple[str, ...] = ("uniform", "triangular", "lognormal90")

# Standard normal 95th percentile, scipy.stats.norm.ppf(0.95).
Z_95 = 1.6448536269514722

# Hedges that put the true value just below the figure as written: ``[nX, X]``. This is the
# one statement of their reading; the parser reads each of them as an ``approx`` figure
# (crimefigures.text.parse.HEDGES), and tests/test_uncertainty.py checks, hedge by hedge, that the
# parser and these rules agree.
BELOW_HEDGES: frozenset[str] = frozenset({
    "nearly", "almost", "close to", "just under", "nearing", "shy of", "just shy of",
})

BOUNDS: tuple[str, ...] = ("exact", "approx", "lower", "upper", "range")

HEDGE_RATIONALE: dict[str, str] = {
    "approx_halfwidth": (
        "Reporters round 'about' figures to one or two significant digits, so +/-10% "
        "covers the rounding of a two-digit figure without inventing more doubt than that."
    ),
    "nearly_factor": (
        "'Nearly' and 'almost' are used for values a little short of the round figure, "
        "so the true value is taken to lie within 10% below it and never above it."
    ),
    "upper_floor_fraction": (
        "'Up to' gives only a ceiling, and half the ceiling is a deliberately wide floor "
        "that still keeps the figure's order of magnitude."
    ),
    "lower_ceiling_factor": (
        "'More than' and 'at least' are usually said of a figure not yet at the next round "
        "step, so 1.5 times the floor is a generous ceiling short of doubling it."
    ),
}


class IntervalDivisionError(InputError, ZeroDivisionError):
    """Division by an interval that contains zero (unbounded result)."""


def _is_real(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _is_int(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


@dataclass(frozen=True)
class HedgeConstants:
    """How far a hedge word widens a figure. See :data:`HEDGE_RATIONALE` for the defaults.

    * ``approx_halfwidth`` h: approx X -> ``[X(1-h), X(1+h)]``.
    * ``nearly_factor`` n: "nearly"/"almost"/"close to"/"just under"/"nearing"/"shy of" X
      (:data:`BELOW_HEDGES`) -> ``[nX, X]``.
    * ``upper_floor_fraction`` f: upper X ("up to X") -> ``[fX, X]``.
    * ``lower_ceiling_factor`` c: lower X ("more than X") -> ``[X, cX]``.
    """

    approx_halfwidth: float = 0.10
    nearly_factor: float = 0.90
    upper_floor_fraction: float = 0.50
    lower_ceiling_factor: float = 1.50

    def __post_init__(self) -> None:
        for spec in fields(self):
            value = getattr(self, spec.name)
            if not _is_real(value) or not math.isfinite(value):
                raise ParameterError(f"must be a finite number, got {value!r}", field=spec.name)
        self._require(0 <= self.approx_halfwidth < 1, "approx_halfwidth", "0 <= h < 1")
        self._require(0 < self.nearly_factor <= 1, "nearly_factor", "0 < n <= 1")
        self._require(0 < self.upper_floor_fraction <= 1, "upper_floor_fraction", "0 < f <= 1")
        self._require(self.lower_ceiling_factor >= 1, "lower_ceiling_factor", "c >= 1")

    def _require(self, ok: bool, name: str, rule: str) -> None:
        if not ok:
            raise ParameterError(f"must satisfy {rule}, got {getattr(self, name)!r}", field=name)


@dataclass(frozen=True)
class Interval:
    """A closed interval ``[low, high]`` of finite floats with exact interval arithmetic.

    ``+ - * /`` work between intervals and with plain numbers (taken as
    degenerate intervals). ``*`` and ``/`` take the min and max over the four
    corner results, so they are correct for any signs; a divisor containing
    zero raises :class:`IntervalDivisionError` (an :class:`InputError` and a
    :class:`ZeroDivisionError`).
    """

    low: float
    high: float

    # Makes numpy scalars defer to our reflected operators instead of broadcasting.
    __array_ufunc__ = None

    def __post_init__(self) -> None:
        for name in ("low", "high"):
            value = getattr(self, name)
            if not _is_real(value) or not math.isfinite(value):
                raise InputError(
                    f"interval bound must be a finite number, got {value!r}", field=name
                )
            object.__setattr__(self, name, float(value))
        if self.low > self.high:
            raise InputError(f"interval low {self.low!r} is above high {self.high!r}", field="low")

    @classmethod
    def degenerate(cls, value: float) -> Interval:
        """The one-point interval ``[value, value]``."""
        return cls(value, value)

    @property
    def width(self) -> float:
        return self.high - self.low

    @property
    def midpoint(self) -> float:
        # Halving first keeps the sum of two huge bounds from overflowing.
        return self.low / 2 + self.high / 2

    def contains(self, x: float) -> bool:
        return self.low <= x <= self.high

    def overlaps(self, other: Interval) -> bool:
        return self.low <= other.high and other.low <= self.high

    def __add__(self, other: Interval | float) -> Interval:
        return add(self, other)

    def __radd__(self, other: float) -> Interval:
        return add(other, self)

    def __sub__(self, other: Interval | float) -> Interval:
        return sub(self, other)

    def __rsub__(self, other: float) -> Interval:
        return sub(other, self)

    def __mul__(self, other: Interval | float) -> Interval:
        return mul(self, other)

    def __rmul__(self, other: float) -> Interval:
        return mul(other, self)

    def __truediv__(self, other: Interval | float) -> Interval:
        return div(self, other)

    def __rtruediv__(self, other: float) -> Interval:
        return div(other, self)


def as_interval(value: Interval | float) -> Interval:
    """An interval as is, or a number as the degenerate interval at that number."""
    if isinstance(value, Interval):
        return value
    if _is_real(value):
        return Interval.degenerate(value)
    raise InputError(f"expected an Interval or a number, got {type(value).__name__}")


def _from_corners(corners: list[float], operation: str) -> Interval:
    if not all(math.isfinite(c) for c in corners):
        raise InputError(f"interval {operation} overflows: result bounds are not finite")
    return Interval(min(corners), max(corners))


def add(a: Interval | float, b: Interval | float) -> Interval:
    a, b = as_interval(a), as_interval(b)
    return _from_corners([a.low + b.low, a.high + b.high], "addition")


def sub(a: Interval | float, b: Interval | float) -> Interval:
    a, b = as_interval(a), as_interval(b)
    return _from_corners([a.low - b.high, a.high - b.low], "subtraction")


def mul(a: Interval | float, b: Interval | float) -> Interval:
    a, b = as_interval(a), as_interval(b)
    corners = [x * y for x in (a.low, a.high) for y in (b.low, b.high)]
    return _from_corners(corners, "multiplication")


def div(a: Interval | float, b: Interval | float) -> Interval:
    """``a / b``; refuses a divisor interval that contains zero."""
    a, b = as_interval(a), as_interval(b)
    if b.contains(0.0):
        raise IntervalDivisionError(
            f"cannot divide by the interval [{b.low!r}, {b.high!r}]: it contains zero, "
            "so the quotient is unbounded"
        )
    # Dividing by each corner directly (not multiplying by 1/b) keeps one rounding per bound.
    corners = [x / y for x in (a.low, a.high) for y in (b.low, b.high)]
    return _from_corners(corners, "division")


def _present(value: float | None) -> bool:
    # A missing ledger value arrives as None, or as NaN once it has passed through pandas.
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _require_value(value: float | None, name: str, bound: str) -> float:
    if not _present(value):
        raise InputError(f"bound {bound!r} needs a value for {name!r}", field=name)
    if not _is_real(value):
        raise InputError(f"{name} must be a number, got {value!r}", field=name)
    return float(value)


def _ordered(x: float, y: float) -> Interval:
    # Negative figures flip the scaled bounds; the interval is the same span either way.
    return Interval(min(x, y), max(x, y))


def analysis_interval(
    bound: str,
    low: float | None,
    high: float | None,
    point: float | None,
    hedge: str | None,
    constants: HedgeConstants | None = None,
) -> Interval:
    """The interval an analysis should use for one parsed figure.

    ``exact`` and ``range`` are taken as written; ``approx``, ``lower`` and
    ``upper`` are widened by ``constants`` (defaults: :class:`HedgeConstants`).
    An ``approx`` figure hedged with one of :data:`BELOW_HEDGES` lies just
    below the figure; any other ``approx`` hedge is symmetric. A missing value
    (None or NaN) that the bound needs raises :class:`InputError`.
    """
    constants = HedgeConstants() if constants is None else constants
    if bound == "exact":
        value = _require_value(point, "point", bound)
        for name, other in (("low", low), ("high", high)):
            if _present(other) and other != value:
                raise InputError(
                    f"exact figure {value!r} disagrees with {name} {other!r}", field=name
                )
        return Interval.degenerate(value)
    if bound == "approx":
        value = _require_value(point, "point", bound)
        if _normal_hedge(hedge) in BELOW_HEDGES:
            return _ordered(constants.nearly_factor * value, value)
        h = constants.approx_halfwidth
        return _ordered(value * (1 - h), value * (1 + h))
    if bound == "lower":
        value = _require_value(low, "low", bound)
        return _ordered(value, constants.lower_ceiling_factor * value)
    if bound == "upper":
        value = _require_value(high, "high", bound)
        return _ordered(constants.upper_floor_fraction * value, value)
    if bound == "range":
        return Interval(_require_value(low, "low", bound), _require_value(high, "high", bound))
    raise InputError(
        f"unknown bound {bound!r}; expected one of {', '.join(BOUNDS)}", field="bound"
    )


def interval_from_record(
    record: Mapping[str, Any], constants: HedgeConstants | None = None
) -> Interval:
    """:func:`analysis_interval` for a parse record (a mapping or a pandas row)."""
    return analysis_interval(
        record["bound"],
        record.get("low"),
        record.get("high"),
        record.get("point"),
        record.get("hedge"),
        constants,
    )


def _normal_hedge(hedge: str | None) -> str | None:
    if not isinstance(hedge, str):
        return None
    return " ".join(hedge.lower().split())


def _check_distribution(distribution: str) -> None:
    if distribution not in DISTRIBUTIONS:
        raise ParameterError(
            f"unknown distribution {distribution!r}; valid names: {', '.join(DISTRIBUTIONS)}",
            field="distribution",
        )


def _check_draws(draws: int) -> None:
    if not _is_int(draws) or draws < 1:
        raise ParameterError(f"draws must be an integer >= 1, got {draws!r}", field="draws")


def _check_mode(interval: Interval, distribution: str, mode: float | None) -> float | None:
    if mode is None:
        return None
    if distribution != "triangular":
        raise ParameterError(
            f"mode applies only to the triangular distribution, not {distribution!r}",
            field="mode",
        )
    if not _is_real(mode) or not interval.contains(mode):
        raise ParameterError(
            f"triangular mode {mode!r} is outside [{interval.low!r}, {interval.high!r}]",
            field="mode",
        )
    return float(mode)


def _check_lognormal_bounds(interval: Interval) -> None:
    for name in ("low", "high"):
        value = getattr(interval, name)
        if value <= 0:
            raise ParameterError(
                f"distribution 'lognormal90' needs positive bounds, but {name} is {value!r}",
                field=name,
            )


def sample(
    interval: Interval,
    distribution: str,
    rng: np.random.Generator,
    draws: int,
    *,
    mode: float | None = None,
) -> np.ndarray:
    """``draws`` samples spread over ``interval`` (see the module docstring per distribution).

    ``mode`` (triangular only) moves the peak from the midpoint, e.g. to the
    figure as written. A degenerate interval gives a constant vector.
    """
    _check_distribution(distribution)
    _check_draws(draws)
    if not isinstance(interval, Interval):
        raise ParameterError(
            f"expected an Interval, got {type(interval).__name__}", field="interval"
        )
    if not isinstance(rng, np.random.Generator):
        raise ParameterError(f"expected a numpy Generator, got {type(rng).__name__}", field="rng")
    peak = _check_mode(interval, distribution, mode)
    if distribution == "lognormal90":
        _check_lognormal_bounds(interval)
    low, high = interval.low, interval.high
    if low == high:
        return np.full(draws, low)
    if distribution == "lognormal90":
        mu = (math.log(low) + math.log(high)) / 2
        sigma = (math.log(high) - math.log(low)) / (2 * Z_95)
        return rng.lognormal(mean=mu, sigma=sigma, size=draws)
    if distribution == "uniform":
        values = rng.uniform(low, high, size=draws)
    else:
        values = rng.triangular(low, interval.midpoint if peak is None else peak, high, draws)
    # low + (high - low) * u can round one ulp past a bound; the interval is a hard limit here.
    return np.clip(values, low, high, out=values)


def stable_hash(key: str) -> int:
    """A 64-bit hash of ``key`` that is the same in every process (unlike ``hash()``)."""
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big")


class DrawBank:
    """One fixed vector of draws per named quantity, shared by every analysis.

    Each key's generator is seeded from ``SeedSequence([seed, stable_hash(key)])``,
    so a key's draws depend only on the seed and the key, never on which keys
    were asked for first. Vectors are cached and read-only; asking for a key
    again with a different interval or mode is refused rather than answered
    with draws that belong to another quantity.
    """

    def __init__(self, seed: int, draws: int, distribution: str) -> None:
        if not _is_int(seed) or seed < 0:
            raise ParameterError(f"seed must be an integer >= 0, got {seed!r}", field="seed")
        _check_draws(draws)
        _check_distribution(distribution)
        self.seed = int(seed)
        self.draws = int(draws)
        self.distribution = distribution
        self._cache: dict[str, tuple[Interval, float | None, np.ndarray]] = {}

    def __repr__(self) -> str:
        return (
            f"DrawBank(seed={self.seed}, draws={self.draws}, distribution={self.distribution!r})"
        )

    def __contains__(self, key: object) -> bool:
        return key in self._cache

    def generator_for(self, key: str) -> np.random.Generator:
        """A fresh generator for ``key``, independent of every other key's."""
        return np.random.default_rng(np.random.SeedSequence([self.seed, stable_hash(key)]))

    def draws_for(self, key: str, interval: Interval, *, mode: float | None = None) -> np.ndarray:
        """The draws for quantity ``key`` over ``interval`` (the same array on every call)."""
        if not isinstance(key, str) or not key:
            raise ParameterError(f"key must be a non-empty string, got {key!r}", field="key")
        cached = self._cache.get(key)
        if cached is not None:
            seen_interval, seen_mode, values = cached
            if seen_interval != interval or seen_mode != mode:
                raise InputError(
                    f"key {key!r} was drawn over {seen_interval} (mode {seen_mode!r}), "
                    f"now asked for over {interval} (mode {mode!r})",
                    field="key",
                )
            return values
        values = sample(
            interval, self.distribution, self.generator_for(key), self.draws, mode=mode
        )
        values.flags.writeable = False
        self._cache[key] = (interval, mode, values)
        return values


def _as_samples(samples: np.ndarray) -> np.ndarray:
    values = np.asarray(samples, dtype=float)
    if values.ndim != 1 or values.size == 0:
        raise InputError(f"expected a non-empty 1-D array of samples, got shape {values.shape}")
    if not np.all(np.isfinite(values)):
        raise InputError("samples contain NaN or infinite values")
    return values


def summarise(samples: np.ndarray) -> dict[str, float]:
    """``mc_p05``, ``mc_p50``, ``mc_p95`` (numpy's default linear percentiles) and ``mc_mean``."""
    values = _as_samples(samples)
    p05, p50, p95 = np.percentile(values, [5, 50, 95])
    return {
        "mc_p05": float(p05),
        "mc_p50": float(p50),
        "mc_p95": float(p95),
        "mc_mean": float(values.mean()),
    }


def percentile_interval(samples: np.ndarray, lower: float = 5.0, upper: float = 95.0) -> Interval:
    """The interval between two percentiles of ``samples`` (default p05..p95)."""
    if not (_is_real(lower) and _is_real(upper) and 0 <= lower <= upper <= 100):
        raise ParameterError(
            f"percentiles must satisfy 0 <= lower <= upper <= 100, got {lower!r}, {upper!r}",
            field="percentiles",
        )
    low, high = np.percentile(_as_samples(samples), [lower, upper])
    return Interval(float(low), float(high))


_HEDGE_RULES: tuple[tuple[str, str, str], ...] = (
    ("approx_halfwidth", "about / around / some X", "[X(1-h), X(1+h)]"),
    ("nearly_factor", "nearly / almost / close to X", "[f*X, X]"),
    ("upper_floor_fraction", "up to / as many as X", "[f*X, X]"),
    ("lower_ceiling_factor", "more than / at least X", "[X, c*X]"),
)


def hedge_rules_table(constants: HedgeConstants) -> Any:
    """The hedge rules with the values in force and why, for display in a notebook."""
    import pandas as pd  # only the notebooks need a table

    return pd.DataFrame(
        [{"constant": name, "hedge as written": hedge, "analysis interval": rule,
          "value": getattr(constants, name), "why this default": HEDGE_RATIONALE[name]}
         for name, hedge, rule in _HEDGE_RULES]
    ).set_index("constant")
