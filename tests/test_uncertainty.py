"""Interval arithmetic, hedge intervals and Monte Carlo draws (quantities.uncertainty)."""

from __future__ import annotations

import math
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from crimefigures.errors import InputError, ParameterError
from crimefigures.quantities.uncertainty import (
    BELOW_HEDGES,
    DISTRIBUTIONS,
    HEDGE_RATIONALE,
    Z_95,
    DrawBank,
    HedgeConstants,
    Interval,
    IntervalDivisionError,
    add,
    analysis_interval,
    div,
    interval_from_record,
    mul,
    percentile_interval,
    sample,
    stable_hash,
    sub,
    summarise,
)
from crimefigures.text.parse import HEDGES, parse_figure

BOUNDED = ("uniform", "triangular")
SMALL_SETTINGS = settings(max_examples=60, deadline=None)


# ---------------------------------------------------------------- strategies


@st.composite
def intervals(draw, min_value=-1e12, max_value=1e12):
    a = draw(st.floats(min_value, max_value))
    b = draw(st.floats(min_value, max_value))
    return Interval(min(a, b), max(a, b))


@st.composite
def positive_intervals(draw):
    low = draw(st.floats(1e-6, 1e13))
    spread = draw(st.floats(1.0, 100.0))
    return Interval(low, low * spread)


@st.composite
def interval_with_point(draw, interval_strategy=None):
    interval = draw(interval_strategy or intervals())
    x = draw(st.floats(interval.low, interval.high))
    return interval, x


# ---------------------------------------------------------------- HedgeConstants


def test_hedge_constants_defaults():
    constants = HedgeConstants()
    assert (
        constants.approx_halfwidth,
        constants.nearly_factor,
        constants.upper_floor_fraction,
        constants.lower_ceiling_factor,
    ) == (0.10, 0.90, 0.50, 1.50)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("approx_halfwidth", -0.01),
        ("approx_halfwidth", 1.0),
        ("approx_halfwidth", math.nan),
        ("nearly_factor", 0.0),
        ("nearly_factor", 1.01),
        ("nearly_factor", -0.5),
        ("upper_floor_fraction", 0.0),
        ("upper_floor_fraction", 1.2),
        ("lower_ceiling_factor", 0.99),
        ("lower_ceiling_factor", math.inf),
        ("lower_ceiling_factor", "1.5"),
        ("nearly_factor", True),
    ],
)
def test_hedge_constants_refuse_out_of_range(field, value):
    with pytest.raises(ParameterError) as caught:
        HedgeConstants(**{field: value})
    assert caught.value.field == field


@pytest.mark.parametrize(
    "values",
    [
        {"approx_halfwidth": 0.0},
        {"nearly_factor": 1.0},
        {"upper_floor_fraction": 1.0},
        {"lower_ceiling_factor": 1.0},
    ],
)
def test_hedge_constants_accept_closed_edges(values):
    HedgeConstants(**values)


def test_hedge_rationale_has_one_sentence_per_constant():
    names = {"approx_halfwidth", "nearly_factor", "upper_floor_fraction", "lower_ceiling_factor"}
    assert set(HEDGE_RATIONALE) == names
    for text in HEDGE_RATIONALE.values():
        assert text.endswith(".") and text.count(". ") == 0


# ---------------------------------------------------------------- Interval basics


@pytest.mark.parametrize(
    ("low", "high"), [(2.0, 1.0), (math.nan, 1.0), (0.0, math.inf), ("1", 2.0), (None, 1.0)]
)
def test_interval_refuses_bad_bounds(low, high):
    with pytest.raises(InputError):
        Interval(low, high)


def test_interval_stores_floats_and_measures():
    interval = Interval(2, 6)
    assert isinstance(interval.low, float) and isinstance(interval.high, float)
    assert interval.width == 4.0
    assert interval.midpoint == 4.0
    assert interval.contains(2.0) and interval.contains(6.0) and interval.contains(3.3)
    assert not interval.contains(6.0000001) and not interval.contains(1.9)


def test_midpoint_of_huge_bounds_does_not_overflow():
    assert Interval(1.5e308, 1.7e308).midpoint == pytest.approx(1.6e308)


def test_overlaps():
    a = Interval(1, 3)
    assert a.overlaps(Interval(3, 5))
    assert a.overlaps(Interval(0, 1))
    assert a.overlaps(Interval(1.5, 2))
    assert not a.overlaps(Interval(3.01, 5))
    assert not Interval(3.01, 5).overlaps(a)


# ---------------------------------------------------------------- Interval arithmetic


def test_hand_checked_ratio():
    result = Interval(2e12, 3e12) / Interval(3.1e12, 3.1e12)
    assert result.low == pytest.approx(0.6451612903225806, rel=1e-15)
    assert result.high == pytest.approx(0.9677419354838710, rel=1e-15)
    assert result == div(Interval(2e12, 3e12), 3.1e12)


def test_hand_checked_operations():
    a, b = Interval(1, 2), Interval(3, 5)
    assert a + b == add(a, b) == Interval(4, 7)
    assert a - b == sub(a, b) == Interval(-4, -1)
    assert a * b == mul(a, b) == Interval(3, 10)
    assert b / a == div(b, a) == Interval(1.5, 5)


def test_general_corner_rule_for_mixed_signs():
    assert Interval(-2, 3) * Interval(-5, 4) == Interval(-15, 12)
    assert Interval(-2, 3) / Interval(-4, -1) == Interval(-3, 2)
    assert Interval(-6, -3) / Interval(2, 3) == Interval(-3, -1)


def test_scalars_on_either_side():
    a = Interval(1, 2)
    assert a + 1 == 1 + a == Interval(2, 3)
    assert 10 - a == Interval(8, 9)
    assert a - 10 == Interval(-9, -8)
    assert 3 * a == a * 3 == Interval(3, 6)
    assert -1 * a == Interval(-2, -1)
    assert 4 / a == Interval(2, 4)
    assert a / 2 == Interval(0.5, 1)


def test_numpy_scalars_defer_to_interval():
    result = np.float64(2.0) * Interval(1, 2)
    assert result == Interval(2, 4)
    assert np.float64(1.0) / Interval(2, 4) == Interval(0.25, 0.5)


@pytest.mark.parametrize(
    "divisor", [Interval(-1, 1), Interval(0, 2), Interval(-2, 0), Interval(0, 0), 0, 0.0]
)
def test_division_by_interval_containing_zero_is_refused(divisor):
    with pytest.raises(InputError, match="contains zero") as caught:
        Interval(1, 2) / divisor
    assert isinstance(caught.value, ZeroDivisionError)
    assert isinstance(caught.value, IntervalDivisionError)


def test_overflow_is_refused_not_infinite():
    with pytest.raises(InputError, match="overflow"):
        Interval(1e308, 1e308) * 10


def test_non_numbers_are_refused():
    with pytest.raises(InputError):
        add(Interval(1, 2), "3")


OPERATIONS = [(add, lambda x, y: x + y), (sub, lambda x, y: x - y), (mul, lambda x, y: x * y)]


@SMALL_SETTINGS
@given(
    interval_with_point(),
    interval_with_point(),
    st.sampled_from(OPERATIONS),
)
def test_exact_interval_contains_every_pointwise_result(left, right, operation):
    (a, x), (b, y) = left, right
    interval_op, point_op = operation
    assert interval_op(a, b).contains(point_op(x, y))


@SMALL_SETTINGS
@given(interval_with_point(), interval_with_point())
def test_exact_quotient_contains_every_pointwise_quotient(left, right):
    (a, x), (b, y) = left, right
    if b.contains(0.0):
        with pytest.raises(IntervalDivisionError):
            div(a, b)
        return
    corners = [p / q for p in (a.low, a.high) for q in (b.low, b.high)]
    if not all(math.isfinite(c) for c in corners):
        # A subnormal divisor can push a bound past the float range: refused, not inf.
        with pytest.raises(InputError, match="overflow"):
            div(a, b)
        return
    assert div(a, b).contains(x / y)


# ---------------------------------------------------------------- analysis_interval


def test_hand_checked_hedge_intervals():
    constants = HedgeConstants()
    approx = analysis_interval("approx", None, None, 3500, "about", constants)
    assert approx.low == pytest.approx(3150) and approx.high == pytest.approx(3850)
    nearly = analysis_interval("approx", None, None, 3500, "nearly", constants)
    assert nearly.low == pytest.approx(3150) and nearly.high == 3500
    upper = analysis_interval("upper", None, 3e12, None, "up to", constants)
    assert upper == Interval(1.5e12, 3e12)
    lower = analysis_interval("lower", 1e5, None, None, "more than", constants)
    assert lower == Interval(1e5, 1.5e5)


@pytest.mark.parametrize("hedge", ["nearly", "almost", "close to", "just under", "Nearly", None])
def test_below_hedges_point_below_the_figure(hedge):
    result = analysis_interval("approx", None, None, 1000, hedge)
    if hedge is None:
        assert result == Interval(900, 1100)
    else:
        assert result == Interval(900, 1000)


def test_exact_and_range_are_taken_as_written():
    assert analysis_interval("exact", 12, 12, 12, None) == Interval(12, 12)
    assert analysis_interval("exact", None, None, 12, None) == Interval(12, 12)
    assert analysis_interval("range", 100, 250, None, "between") == Interval(100, 250)


def test_constants_change_the_interval():
    constants = HedgeConstants(approx_halfwidth=0.2, lower_ceiling_factor=2.0)
    assert analysis_interval("approx", None, None, 100, "about", constants) == Interval(80, 120)
    assert analysis_interval("lower", 10, None, None, None, constants) == Interval(10, 20)


@pytest.mark.parametrize(
    ("bound", "low", "high", "point", "field"),
    [
        ("exact", None, None, None, "point"),
        ("approx", 1.0, 2.0, None, "point"),
        ("lower", None, 5.0, 5.0, "low"),
        ("upper", 5.0, None, 5.0, "high"),
        ("range", 1.0, None, None, "high"),
        ("range", None, 2.0, None, "low"),
        ("range", math.nan, 2.0, None, "low"),
        ("exact", 1.0, 2.0, 1.0, "high"),
        ("fuzzy", 1.0, 2.0, 1.5, "bound"),
    ],
)
def test_missing_or_inconsistent_values_are_refused(bound, low, high, point, field):
    with pytest.raises(InputError) as caught:
        analysis_interval(bound, low, high, point, None)
    assert caught.value.field == field


def test_reversed_range_is_refused():
    with pytest.raises(InputError):
        analysis_interval("range", 5.0, 2.0, None, None)


def test_interval_from_record_reads_a_mapping():
    record = {"bound": "approx", "low": None, "high": None, "point": 200.0, "hedge": "almost"}
    assert interval_from_record(record) == Interval(180, 200)


# ---------------------------------------------------------------- sampling


def test_z95_is_the_normal_95th_percentile():
    assert norm.ppf(0.95) == pytest.approx(Z_95, rel=1e-15)


def test_unknown_distribution_lists_valid_names():
    with pytest.raises(ParameterError) as caught:
        sample(Interval(1, 2), "gaussian", np.random.default_rng(0), 10)
    for name in DISTRIBUTIONS:
        assert name in str(caught.value)


@pytest.mark.parametrize("interval", [Interval(0, 5), Interval(-3, 5), Interval(-5, -1)])
def test_lognormal90_refuses_non_positive_bounds(interval):
    with pytest.raises(ParameterError, match="lognormal90") as caught:
        sample(interval, "lognormal90", np.random.default_rng(0), 10)
    assert caught.value.field == "low"
    assert repr(interval.low) in str(caught.value)


@pytest.mark.parametrize("distribution", DISTRIBUTIONS)
def test_degenerate_interval_gives_a_constant_vector(distribution):
    values = sample(Interval(7.5, 7.5), distribution, np.random.default_rng(0), 100)
    assert values.shape == (100,)
    assert np.all(values == 7.5)


@pytest.mark.parametrize("draws", [0, -5, 2.0, True, "10"])
def test_sample_refuses_bad_draw_counts(draws):
    with pytest.raises(ParameterError):
        sample(Interval(1, 2), "uniform", np.random.default_rng(0), draws)


def test_mode_is_for_triangular_only_and_inside_the_interval():
    rng = np.random.default_rng(0)
    with pytest.raises(ParameterError, match="triangular"):
        sample(Interval(1, 2), "uniform", rng, 10, mode=1.5)
    with pytest.raises(ParameterError, match="outside"):
        sample(Interval(1, 2), "triangular", rng, 10, mode=3.0)


def test_triangular_peaks_at_midpoint_or_given_mode():
    interval = Interval(0, 10)
    centred = sample(interval, "triangular", np.random.default_rng(1), 200_000)
    skewed = sample(interval, "triangular", np.random.default_rng(1), 200_000, mode=0.0)
    assert np.median(centred) == pytest.approx(5.0, abs=0.05)
    # Median of a triangular with mode at the left bound: 10 * (1 - sqrt(1/2)).
    assert np.median(skewed) == pytest.approx(10 * (1 - math.sqrt(0.5)), abs=0.05)


@SMALL_SETTINGS
@given(
    st.one_of(intervals(), positive_intervals()),
    st.sampled_from(BOUNDED),
    st.integers(0, 2**32),
)
def test_bounded_draws_and_their_percentiles_stay_inside(interval, distribution, seed):
    values = sample(interval, distribution, np.random.default_rng(seed), 2_000)
    assert np.all((values >= interval.low) & (values <= interval.high))
    summary = summarise(values)
    for key in ("mc_p05", "mc_p50", "mc_p95"):
        assert interval.contains(summary[key])
    # The mean is a rounded sum, so it may sit an ulp or so past a bound; allow for that only.
    slack = 1e-12 * max(abs(interval.low), abs(interval.high))
    assert interval.low - slack <= summary["mc_mean"] <= interval.high + slack


@pytest.mark.parametrize(
    "interval", [Interval(3150, 3850), Interval(1.5e12, 3e12), Interval(0.01, 1.0)]
)
def test_lognormal90_percentiles_are_the_bounds(interval):
    values = sample(interval, "lognormal90", np.random.default_rng(2024), 200_000)
    summary = summarise(values)
    assert summary["mc_p05"] == pytest.approx(interval.low, rel=1e-2)
    assert summary["mc_p95"] == pytest.approx(interval.high, rel=1e-2)
    assert summary["mc_p50"] == pytest.approx(math.sqrt(interval.low * interval.high), rel=1e-2)
    outside = np.mean((values < interval.low) | (values > interval.high))
    assert outside == pytest.approx(0.10, abs=0.01)


@SMALL_SETTINGS
@given(
    positive_intervals(),
    positive_intervals(),
    st.sampled_from(BOUNDED),
    st.integers(0, 2**32),
)
def test_exact_ratio_interval_contains_every_sampled_ratio(numerator, denominator, dist, seed):
    bank = DrawBank(seed, 2_000, dist)
    ratio = bank.draws_for("numerator", numerator) / bank.draws_for("denominator", denominator)
    exact = numerator / denominator
    assert np.all((ratio >= exact.low) & (ratio <= exact.high))


# ---------------------------------------------------------------- reproducibility


def test_same_seed_same_numbers_different_seed_different_numbers():
    interval = Interval(10, 20)
    first = sample(interval, "uniform", np.random.default_rng(5), 1_000)
    again = sample(interval, "uniform", np.random.default_rng(5), 1_000)
    other = sample(interval, "uniform", np.random.default_rng(6), 1_000)
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)

    bank_a, bank_b = DrawBank(5, 1_000, "triangular"), DrawBank(5, 1_000, "triangular")
    bank_c = DrawBank(6, 1_000, "triangular")
    assert np.array_equal(bank_a.draws_for("x", interval), bank_b.draws_for("x", interval))
    assert not np.array_equal(bank_a.draws_for("x", interval), bank_c.draws_for("x", interval))


def test_draw_bank_is_independent_of_key_order():
    keys = {
        "victims": Interval(1e5, 1.5e5),
        "revenue": Interval(1.5e12, 3e12),
        "z": Interval(1, 2),
    }
    forward, backward = DrawBank(11, 500, "uniform"), DrawBank(11, 500, "uniform")
    forward_draws = {key: forward.draws_for(key, iv) for key, iv in keys.items()}
    backward_draws = {key: backward.draws_for(key, iv) for key, iv in reversed(keys.items())}
    for key in keys:
        assert np.array_equal(forward_draws[key], backward_draws[key])


def test_different_keys_get_different_draws():
    bank = DrawBank(3, 500, "uniform")
    interval = Interval(0, 1)
    assert not np.array_equal(bank.draws_for("a", interval), bank.draws_for("b", interval))


def test_draw_bank_returns_the_cached_read_only_vector():
    bank = DrawBank(3, 500, "lognormal90")
    interval = Interval(2, 8)
    first = bank.draws_for("a", interval)
    assert bank.draws_for("a", interval) is first
    assert "a" in bank and "b" not in bank
    with pytest.raises(ValueError):
        first[0] = 0.0


def test_draw_bank_refuses_a_key_reused_for_another_interval():
    bank = DrawBank(3, 500, "triangular")
    bank.draws_for("a", Interval(2, 8))
    with pytest.raises(InputError, match="'a'"):
        bank.draws_for("a", Interval(2, 9))
    with pytest.raises(InputError):
        bank.draws_for("a", Interval(2, 8), mode=3.0)


def test_stable_hash_is_pinned():
    # First 8 bytes of sha256(b"victims") read big-endian (hex 62ee6c11fbf81358).
    assert stable_hash("victims") == 7128754084671656792


def test_draws_are_the_same_in_processes_with_different_hash_seeds():
    script = (
        "from crimefigures.quantities.uncertainty import DrawBank, Interval;"
        "print(DrawBank(1, 5, 'uniform').draws_for('victims', Interval(0, 1)).tolist())"
    )
    outputs = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1


@pytest.mark.parametrize(
    ("seed", "draws", "distribution", "field"),
    [
        (-1, 10, "uniform", "seed"),
        (1.0, 10, "uniform", "seed"),
        (True, 10, "uniform", "seed"),
        (1, 0, "uniform", "draws"),
        (1, 2.5, "uniform", "draws"),
        (1, 10, "normal", "distribution"),
    ],
)
def test_draw_bank_validates_its_parameters(seed, draws, distribution, field):
    with pytest.raises(ParameterError) as caught:
        DrawBank(seed, draws, distribution)
    assert caught.value.field == field


@pytest.mark.parametrize("distribution", DISTRIBUTIONS)
def test_shares_sum_to_one_per_draw(distribution):
    bank = DrawBank(42, 100_000, distribution)
    a = bank.draws_for("A", Interval(2e12, 3e12))
    b = bank.draws_for("B", Interval(1e11, 4e11))
    total = bank.draws_for("A", Interval(2e12, 3e12)) + bank.draws_for("B", Interval(1e11, 4e11))
    # Same vectors in both ratios, so only float rounding (a few ulp) separates the sum from 1.
    assert np.allclose(a / total + b / total, 1.0, rtol=1e-15, atol=0.0)


# ---------------------------------------------------------------- summaries


def test_summarise_hand_checked():
    summary = summarise(np.arange(101, dtype=float))
    assert summary == {"mc_p05": 5.0, "mc_p50": 50.0, "mc_p95": 95.0, "mc_mean": 50.0}
    assert all(type(value) is float for value in summary.values())


@pytest.mark.parametrize("samples", [np.array([]), np.array([1.0, np.nan]), np.ones((2, 2))])
def test_summarise_refuses_bad_samples(samples):
    with pytest.raises(InputError):
        summarise(samples)


def test_percentile_interval():
    values = np.arange(101, dtype=float)
    assert percentile_interval(values) == Interval(5, 95)
    assert percentile_interval(values, 25, 75) == Interval(25, 75)
    with pytest.raises(ParameterError):
        percentile_interval(values, 90, 10)


# --- one reading per hedge word: the parser and the interval rules agree ------------------------

# The analysis interval of "<hedge> 1,000" for each reading, under the default constants.
_DEFAULTS = HedgeConstants()
_READINGS = {
    "below": (_DEFAULTS.nearly_factor * 1000, 1000.0),
    "approx": (1000 * (1 - _DEFAULTS.approx_halfwidth), 1000 * (1 + _DEFAULTS.approx_halfwidth)),
    "upper": (_DEFAULTS.upper_floor_fraction * 1000, 1000.0),
    "lower": (1000.0, _DEFAULTS.lower_ceiling_factor * 1000),
}


@pytest.mark.parametrize("hedge", sorted(HEDGES))
def test_each_hedge_has_one_reading_in_the_parser_and_the_interval_rules(hedge):
    figure = parse_figure(f"{hedge} 1,000 people")
    assert (figure.bound, figure.hedge) == (HEDGES[hedge], hedge)
    reading = "below" if hedge in BELOW_HEDGES else HEDGES[hedge]
    interval = interval_from_record(figure.to_dict())
    assert (interval.low, interval.high) == pytest.approx(_READINGS[reading], rel=1e-12)


def test_every_hedge_read_as_just_below_is_an_approximation_in_the_parser():
    approximations = {hedge for hedge, bound in HEDGES.items() if bound == "approx"}
    assert approximations >= BELOW_HEDGES, sorted(BELOW_HEDGES - approximations)


@pytest.mark.parametrize(
    ("phrase", "interval"),
    [
        # "just under X" was read as an upper bound, [0.5X, X]; documented as [0.9X, X].
        ("just under $40 billion", (36e9, 40e9)),
        ("just shy of 1 million", (9e5, 1e6)),
        ("nearing 10,000", (9e3, 1e4)),
        ("as high as $37 billion", (18.5e9, 37e9)),
        ("the better part of $1 billion", (5e8, 1e9)),
        ("north of 500", (500, 750)),
        ("some 300 or so", (270, 330)),
        # a hedge before a range bounds its near end (the note above parse.HEDGES)
        ("more than several hundred", (300, 450)),
        ("as low as 10-20 baht", (10, 15)),
        ("up to 10-20", (10, 20)),
        ("about 10-20", (10, 20)),
    ],
)
def test_new_hedges_give_their_documented_intervals(phrase, interval):
    figure = parse_figure(phrase)
    found = interval_from_record(figure.to_dict())
    assert (found.low, found.high) == pytest.approx(interval, rel=1e-12)
