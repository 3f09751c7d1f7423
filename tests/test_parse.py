"""The hedge-aware figure parser: hedges, ranges, scales, separators, currencies, non-figures."""

from __future__ import annotations

import dataclasses
import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crimefigures.errors import ParameterError, ParseError
from crimefigures.text.extract import extract_figures
from crimefigures.text.parse import FIGURE_FIELDS, Figure, format_number, parse_figure

T = 10**12
B = 10**9
M = 10**6


def record(phrase: str) -> tuple:
    """(bound, low, high, point, unit, noun, hedge) of a phrase, for compact expectations."""
    figure = parse_figure(phrase)
    return (figure.bound, figure.low, figure.high, figure.point, figure.unit, figure.noun,
            figure.hedge)


# --- the record itself ------------------------------------------------------------------------


def test_figure_fields_are_in_the_agreed_order():
    assert FIGURE_FIELDS == ("text", "bound", "low", "high", "point", "unit", "noun", "hedge")
    # unit_as_written is the one field added since: it has a default, and it is not one of the
    # ledger's columns (FIGURE_FIELDS).
    assert tuple(f.name for f in dataclasses.fields(Figure)) == (*FIGURE_FIELDS,
                                                                  "unit_as_written")
    assert parse_figure("3,500 arrests").unit_as_written is None


def test_to_dict_is_ordered_plain_and_json_serialisable():
    figure = parse_figure("nearly 3,500 arrests")
    as_dict = figure.to_dict()
    assert list(as_dict) == list(FIGURE_FIELDS)
    assert as_dict == {"text": "nearly 3,500 arrests", "bound": "approx", "low": None,
                       "high": None, "point": 3500.0, "unit": "count", "noun": "arrests",
                       "hedge": "nearly"}
    assert json.loads(json.dumps(as_dict)) == as_dict


def test_figure_is_frozen_and_keeps_the_phrase_as_given():
    figure = parse_figure("  Up to $3 trillion ")
    assert figure.text == "  Up to $3 trillion "
    assert figure.hedge == "up to"
    with pytest.raises(dataclasses.FrozenInstanceError):
        figure.low = 1.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("phrase", "filled"),
    [
        ("$300 million", {"low": 3e8, "high": 3e8, "point": 3e8}),
        ("about $300 million", {"point": 3e8}),
        ("more than $300 million", {"low": 3e8}),
        ("up to $300 million", {"high": 3e8}),
        ("$200 million to $300 million", {"low": 2e8, "high": 3e8}),
    ],
)
def test_filling_rule_fills_only_the_fields_of_its_bound(phrase, filled):
    figure = parse_figure(phrase)
    for field in ("low", "high", "point"):
        assert getattr(figure, field) == filled.get(field), field


# --- hedges -----------------------------------------------------------------------------------

HEDGE_CASES = [
    # (hedge as written, expected bound)
    ("up to", "upper"), ("as much as", "upper"), ("as many as", "upper"),
    ("fewer than", "upper"), ("less than", "upper"), ("under", "upper"),
    ("no more than", "upper"), ("at most", "upper"),
    ("more than", "lower"), ("over", "lower"), ("at least", "lower"),
    ("in excess of", "lower"), ("upwards of", "lower"),
    ("about", "approx"), ("around", "approx"), ("some", "approx"), ("approximately", "approx"),
    ("roughly", "approx"), ("an estimated", "approx"), ("estimated", "approx"),
    ("nearly", "approx"), ("almost", "approx"), ("close to", "approx"),
    # comparisons written out, and verbs of passing a mark
    ("less than or equal to", "upper"), ("up to and including", "upper"),
    ("more than or equal to", "lower"), ("greater than or equal to", "lower"),
    ("exceeding", "lower"), ("exceeds", "lower"), ("surpassing", "lower"),
    ("topping", "lower"), ("topped", "lower"),
]
BOUND_FIELD = {"upper": "high", "lower": "low", "approx": "point"}


@pytest.mark.parametrize(("hedge", "bound"), HEDGE_CASES)
def test_every_prefix_hedge_sets_its_bound_and_field(hedge, bound):
    figure = parse_figure(f"{hedge} 2,400 victims")
    assert (figure.bound, figure.hedge, figure.noun) == (bound, hedge, "victims")
    assert getattr(figure, BOUND_FIELD[bound]) == 2400.0
    assert [f for f in ("low", "high", "point") if getattr(figure, f) is not None] == [
        BOUND_FIELD[bound]
    ]


def test_hedges_are_case_and_space_insensitive_but_recorded_lower_case():
    assert record("More  Than 100,000 people") == (
        "lower", 1e5, None, None, "count", "people", "more than")
    assert record("~3,000 workers") == ("approx", None, None, 3000.0, "count", "workers", "~")


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("1,000 or more Thai nationals",
         ("lower", 1000.0, None, None, "count", "nationals", "or more")),
        ("10,000-plus workers", ("lower", 1e4, None, None, "count", "workers", "plus")),
        ("7,500+ workers", ("lower", 7500.0, None, None, "count", "workers", "+")),
        ("$5 million or more", ("lower", 5e6, None, None, "USD", None, "or more")),
        ("30-odd gangs", ("approx", None, None, 30.0, "count", "gangs", "odd")),
        ("500 or so people", ("approx", None, None, 500.0, "count", "people", "or so")),
        ("2,000 or fewer people", ("upper", None, 2000.0, None, "count", "people", "or fewer")),
        ("S$2,000 or less", ("upper", None, 2000.0, None, "SGD", None, "or less")),
    ],
)
def test_post_hedges(phrase, expected):
    assert record(phrase) == expected


def test_agreeing_hedges_combine_and_disagreeing_ones_are_an_error():
    assert record("about 500 or so people")[::6] == ("approx", "about or so")
    with pytest.raises(ParseError, match="hedges disagree"):
        parse_figure("up to 500 or more people")


# --- ranges -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("between $4 and $6 billion", ("range", 4e9, 6e9, None, "USD", None, "between")),
        ("between 4 and 6 billion baht", ("range", 4e9, 6e9, None, "THB", None, "between")),
        ("between $2 trillion and $3 trillion",
         ("range", 2e12, 3e12, None, "USD", None, "between")),
        ("$2 trillion to $3 trillion", ("range", 2e12, 3e12, None, "USD", None, None)),
        ("40 to 70 percent", ("range", 40.0, 70.0, None, "percent", None, None)),
        ("about 40 to 70 percent", ("range", 40.0, 70.0, None, "percent", None, "about")),
        ("from 2,000 to 3,000 workers", ("range", 2e3, 3e3, None, "count", "workers", "from")),
        ("$4-6 billion", ("range", 4e9, 6e9, None, "USD", None, None)),
        ("40–50 victims", ("range", 40.0, 50.0, None, "count", "victims", None)),
        ("5—7 million euros", ("range", 5e6, 7e6, None, "EUR", None, None)),
        ("40-70%", ("range", 40.0, 70.0, None, "percent", None, None)),
        ("€1.3-1.5 billion", ("range", 1.3e9, 1.5e9, None, "EUR", None, None)),
        ("$27.4 bn to $36.5 bn", ("range", 27.4e9, 36.5e9, None, "USD", None, None)),
        ("between 40-70%", ("range", 40.0, 70.0, None, "percent", None, "between")),
        ("2-3 million people", ("range", 2e6, 3e6, None, "count", "people", None)),
    ],
)
def test_ranges_carry_scale_and_unit_from_the_second_end(phrase, expected):
    assert record(phrase) == expected


def test_scale_is_not_carried_when_it_would_put_the_first_end_above_the_second():
    assert record("between 500,000 and 1 million people") == (
        "range", 5e5, 1e6, None, "count", "people", "between")


def test_a_plain_dollar_name_defers_to_the_mark_naming_the_dollar():
    assert record("S$3 billion to 4 billion dollars")[:5] == ("range", 3e9, 4e9, None, "SGD")


@pytest.mark.parametrize(
    ("phrase", "why"),
    [
        ("70 to 40 percent", "range runs backwards"),
        ("$5 million to €6 million", "different currencies"),
        ("S$5 million to 6 million baht", "different currencies"),
        ("40 to 70% or more", "range cannot also carry"),
        ("5% to $6", "both money and a percentage"),
        ("£5 million yen", "the mark says GBP but the name says JPY"),
    ],
)
def test_inconsistent_ranges_and_units_raise(phrase, why):
    with pytest.raises(ParseError, match=why):
        parse_figure(phrase)


@pytest.mark.parametrize(
    ("phrase", "why"),
    [
        # "increased by 42.6 percent to 39,824": a change and its result, not a range
        ("42.6 percent to 39,824", "a percentage cannot run to a bare number"),
        ("40% to 70", "a percentage cannot run to a bare number"),
        ("$5 million to 39,824", "an amount of money cannot run to a bare number"),
        ("from 5% to $6", "both money and a percentage"),
        ("between $5 million and €6 million", "different currencies"),
        # "rose 16 per cent in 2021 to S$5.4 trillion": a year never opens a range
        ("2021 to S$5.4 trillion", "looks like a year"),
        ("2020 to 3,000 people", "looks like a year"),
    ],
)
def test_ends_that_disagree_are_not_joined_into_a_range(phrase, why):
    with pytest.raises(ParseError, match=why):
        parse_figure(phrase)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("$4,000-6,000", ("range", 4e3, 6e3, None, "USD", None, None)),
        ("$4 to 6 billion", ("range", 4e9, 6e9, None, "USD", None, None)),
        ("between US $18 billion and $37 billion",
         ("range", 1.8e10, 3.7e10, None, "USD", None, "between")),
        ("40%-50%", ("range", 40.0, 50.0, None, "percent", None, None)),
    ],
)
def test_ends_that_agree_or_carry_from_the_second_end_still_join(phrase, expected):
    assert record(phrase) == expected


def test_two_years_still_read_whole_as_a_span_of_years():
    with pytest.raises(ParseError, match="a span of years"):
        parse_figure("2019 to 2021")


# --- vague magnitudes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "low", "high", "unit", "noun"),
    [
        ("tens of thousands", 1e4, 1e5, "count", None),
        ("hundreds of thousands of people", 1e5, 1e6, "count", "people"),
        ("millions of people", 1e6, 1e7, "count", "people"),
        ("billions of dollars", 1e9, 1e12, "USD", None),
        ("thousands of victims", 1e3, 1e4, "count", "victims"),
        ("hundreds of Filipinos", 100.0, 1000.0, "count", "filipinos"),
        ("dozens of arrests", 12.0, 144.0, "count", "arrests"),
        ("tens of millions of dollars", 1e7, 1e8, "USD", None),
        ("hundreds of millions of yuan", 1e8, 1e9, "CNY", None),
        ("lakhs of rupees", 1e5, 1e6, "INR", None),
    ],
)
def test_vague_magnitudes_are_ranges(phrase, low, high, unit, noun):
    figure = parse_figure(phrase)
    assert (figure.bound, figure.low, figure.high, figure.point) == ("range", low, high, None)
    assert (figure.unit, figure.noun) == (unit, noun)


def test_a_hedge_before_a_vague_magnitude_bounds_it_at_its_near_end():
    # (was a range with the hedge word only, so "up to" set no bound; see the note above HEDGES)
    assert record("up to tens of thousands of people") == (
        "upper", None, 1e5, None, "count", "people", "up to")
    assert record("about tens of thousands of people") == (
        "range", 1e4, 1e5, None, "count", "people", "about")


# --- scales and number words ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("3 thousand", 3e3), ("2.5 million", 2.5e6), ("$3 billion", 3e9), ("$3 trillion", 3e12),
        ("5k", 5e3), ("$5K", 5e3), ("$4.5m", 4.5e6), ("€5 m", 5e6), ("US$1.5 bn", 1.5e9),
        ("RM1.2bn", 1.2e9), ("$2B", 2e9), ("€3 mn", 3e6), ("$1.03 tn", 1.03e12),
        ("$2 tr", 2e12), ("Rs 1,750 crore", 1.75e10), ("3.5 lakh", 3.5e5),
        ("₹2 lakh crore", 2e12), ("Rp 3,1 triliun", 3.1e12), ("Rp 450 miliar", 4.5e11),
        ("five", 5.0), ("forty", 40.0), ("a dozen", 12.0), ("two dozen", 24.0),
        ("two million", 2e6), ("one hundred", 100.0), ("twenty-five", 25.0),
        ("seven hundred and fifty", 750.0), ("a hundred thousand", 1e5),
        ("half a million", 5e5), ("a million", 1e6), ("Forty-two", 42.0),
    ],
)
def test_scales_and_number_words(phrase, value):
    figure = parse_figure(phrase)
    assert figure.bound == "exact"
    assert figure.point == pytest.approx(value, rel=1e-15)


def test_single_letter_scale_needs_to_be_glued_or_follow_a_currency_mark():
    with pytest.raises(ParseError, match="measurement"):
        parse_figure("5 m")


# --- separators -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("3,500", 3500.0),
        ("1,234,567", 1234567.0),
        ("1,234.5", 1234.5),
        ("€3.500", 3500.0),  # euro writing: the dot groups thousands
        ("Rp 3.500", 3500.0),
        ("3.500 arrests", 3500.0),  # a count of arrests is whole
        ("€3.500.000", 3.5e6),
        ("1.234.567", 1234567.0),
        ("1.234,5", 1234.5),
        ("3 500", 3500.0),
        ("3\u2009500", 3500.0),  # thin space
        ("3\u00a0500", 3500.0),  # no-break space
        ("3\u202f500", 3500.0),  # narrow no-break space
        ("1,00,000", 1e5),  # Indian grouping
        ("12,34,567", 1234567.0),
        ("3.1", 3.1),
        ("3,1 trillion", 3.1e12),  # decimal comma: one digit after the comma
        ("12,5%", 12.5),
        ("3.500", 3.5),  # no context: English reading, a decimal point
        ("$3.500 million", 3.5e6),  # a scale makes it a decimal
    ],
)
def test_separators(phrase, value):
    assert parse_figure(phrase).point == pytest.approx(value, rel=1e-15)


@pytest.mark.parametrize("phrase", ["1,23,4", "12345,678", "1.23.4", "3,500,00", "1,2,3"])
def test_misplaced_separators_raise(phrase):
    with pytest.raises(ParseError, match="separators"):
        parse_figure(phrase)


# --- currencies and percent -------------------------------------------------------------------

CURRENCY_CASES = [
    ("$5 million", "USD"), ("US$5 million", "USD"), ("USD 5 million", "USD"),
    ("5 million US dollars", "USD"), ("5 million dollars", "USD"), ("€5 million", "EUR"),
    ("EUR 5 million", "EUR"), ("5 million euros", "EUR"), ("£5 million", "GBP"),
    ("GBP 5 million", "GBP"), ("5 million pounds", "GBP"), ("5 million pounds sterling", "GBP"),
    ("¥5 billion", "JPY"), ("5 billion yen", "JPY"), ("5 billion yuan", "CNY"),
    ("5 billion renminbi", "CNY"), ("RMB 5 billion", "CNY"), ("CN¥5 billion", "CNY"),
    ("S$5 million", "SGD"), ("5 million Singapore dollars", "SGD"), ("HK$5 million", "HKD"),
    ("A$5 million", "AUD"), ("5 million baht", "THB"), ("THB 5 million", "THB"),
    ("฿5 million", "THB"), ("5 million pesos", "PHP"), ("PHP 5 million", "PHP"),
    ("₱5 million", "PHP"), ("5 million ringgit", "MYR"), ("RM5 million", "MYR"),
    ("MYR 5 million", "MYR"), ("5 million rupees", "INR"), ("Rs 5 crore", "INR"),
    ("Rs. 5 crore", "INR"), ("INR 5 crore", "INR"), ("₹5 crore", "INR"),
    ("5 billion rupiah", "IDR"), ("Rp 5 miliar", "IDR"), ("IDR 5 billion", "IDR"),
    ("5 billion dong", "VND"), ("VND 5 billion", "VND"), ("₫5 billion", "VND"),
    ("5 million riel", "KHR"), ("KHR 5 million", "KHR"), ("5 million kyat", "MMK"),
    ("MMK 5 million", "MMK"), ("5 billion won", "KRW"), ("₩5 billion", "KRW"),
]


# A country's adjective before its own currency's name; regional marks; "US $" with a space.
NATIONAL_CURRENCY_CASES = [
    ("between 1 million and 2 million Thai baht", "THB"), ("5 million Philippine pesos", "PHP"),
    ("5 million Malaysian ringgit", "MYR"), ("5 crore Indian rupees", "INR"),
    ("5 billion Indonesian rupiah", "IDR"), ("5 billion Chinese yuan", "CNY"),
    ("5 million Hong Kong dollars", "HKD"), ("5 million Singapore dollars", "SGD"),
    ("5 million US dollars", "USD"), ("5 billion Vietnamese dong", "VND"),
    ("5 million Brunei dollars", "BND"), ("5 billion South Korean won", "KRW"),
    ("Bt50 million", "THB"), ("Bt 50 million", "THB"), ("US $18 billion", "USD"),
    ("U.S. $18 billion", "USD"), ("P180 million", "PHP"), ("P1.5B", "PHP"),
    ("P25,000", "PHP"),
]


@pytest.mark.parametrize(("phrase", "code"), CURRENCY_CASES + NATIONAL_CURRENCY_CASES)
def test_currency_marks_and_names(phrase, code):
    figure = parse_figure(phrase)
    assert (figure.unit, figure.noun) == (code, None)


def test_pounds_of_something_is_a_weight_not_sterling():
    figure = parse_figure("500 pounds")
    assert figure.unit == "GBP"
    found = extract_figures("Police seized 500 pounds of cocaine.")
    assert [(f.text, f.figure.unit, f.figure.unit_as_written) for f in found] == [
        ("500 pounds", "kg", "pounds")]
    assert found[0].figure.point == pytest.approx(500 * 0.45359237, rel=1e-12)


@pytest.mark.parametrize("phrase", ["50 baht in weight", "50 Thai baht in weight"])
def test_baht_in_weight_is_the_gold_weight_not_money(phrase):
    with pytest.raises(ParseError, match="a weight"):
        parse_figure(phrase)
    assert record("30.9 million baht")[4] == "THB"


def test_a_country_adjective_goes_only_with_its_own_currency():
    assert record("5 million Thai dollars")[4:6] == ("count", "dollars")
    assert record("2,000 Chinese nationals")[4:6] == ("count", "nationals")


@pytest.mark.parametrize(
    ("phrase", "why"),
    [("P2", "a code or name"), ("P500", "a code or name"),
     ("p180 million", "no figure starts it"), ("P 180 million", "no figure starts it")],
)
def test_a_bare_p_is_pesos_only_glued_to_a_scaled_or_grouped_amount(phrase, why):
    with pytest.raises(ParseError, match=why):
        parse_figure(phrase)


@pytest.mark.parametrize(
    "phrase",
    ["40 percent", "40 per cent", "40%", "40pct", "40 pct", "40pc", "40-percent", "40-per-cent",
     "40-pct"],
)
def test_percent_forms_keep_the_value_as_written(phrase):
    assert record(phrase) == ("exact", 40.0, 40.0, 40.0, "percent", None, None)


def test_hyphenated_percent_keeps_a_decimal():
    assert record("20.5-percent")[:5] == ("exact", 20.5, 20.5, 20.5, "percent")


def test_pc_is_percent_only_when_glued():
    assert record("12 pc")[4:6] == ("count", "pc")


# --- counted nouns ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "noun"),
    [
        ("34 countries", "countries"),
        ("more than 3,000 suspected scammers", "scammers"),
        ("2,000 Chinese nationals", "nationals"),
        ("1,00,000 SIM cards", "cards"),
        ("3.5 lakh bank accounts", "accounts"),
        ("300 Kenyans", "kenyans"),
        ("3,500", None),
        # the head of a compound is its last noun
        ("51 police reports", "reports"),
        ("59 cyber fraudsters", "fraudsters"),
        ("84 land title deeds", "deeds"),
        ("14 luxury vehicles", "vehicles"),
        ("two key ringleaders", "ringleaders"),
        ("4,666 telecom fraud suspects", "suspects"),
        ("20 people smugglers", "smugglers"),
        ("6,500 savings accounts", "accounts"),
        ("1,100 Hong Kong residents", "residents"),
        ("about 1,300 Thais", "thais"),
        ("3 virus samples", "samples"),
        # plurals without an "s", and singular heads
        ("470 people", "people"),
        ("1,000 police", "police"),
        ("one suspect", "suspect"),
        ("10,000-plus workforce", "workforce"),
    ],
)
def test_counted_head_noun(phrase, noun):
    figure = parse_figure(phrase)
    assert (figure.unit, figure.noun) == ("count", noun)


@pytest.mark.parametrize(
    ("phrase", "looks_like"),
    [("5 business days", "a time span"), ("20 gold bars kg", "unexpected words 'kg'"),
     ("3 heavy tonnes", "a weight")],
)
def test_a_measure_word_up_to_the_head_still_rejects_the_figure(phrase, looks_like):
    with pytest.raises(ParseError, match=looks_like):
        parse_figure(phrase)


# --- not figures ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "looks_like"),
    [
        ("in 2021", "a year"), ("2021", "a year"), ("since 2021", "a year"),
        ("March 27", "a date"), ("(March 27)", "a date"), ("27 March", "a date"),
        ("12 June 2024", "a date"), ("Mar. 5", "a date"), ("March 2021", "a date"),
        ("27/03/2024", "a date"), ("2.15pm", "a clock time"), ("10:30", "a clock time"),
        ("10 a.m.", "a clock time"), ("3rd", "an ordinal"), ("first", "an ordinal"),
        ("21st", "an ordinal"), ("2012–13", "a span of years"),
        ("from 2019 to 2021", "a span of years"), ("the 1990s", "a decade"),
        ("a decade ago", "a time span"), ("three years", "a time span"),
        ("Wednesday", "a day name"), ("COVID-19", "a code or name"), ("5G", "a code or name"),
        ("25-year-old", "compound word"), ("500 km", "a measurement"),
        ("5 times", "a multiplier"), ("3 percentage points", "percentage points"),
        ("2021 people", "a year"),
    ],
)
def test_non_figures_raise_saying_what_they_look_like(phrase, looks_like):
    with pytest.raises(ParseError, match="looks like") as raised:
        parse_figure(phrase)
    assert looks_like in str(raised.value)
    assert repr(phrase) in str(raised.value)


@pytest.mark.parametrize(
    ("phrase", "why"),
    [
        ("", "it is empty"),
        ("the cat", "no figure starts it"),
        ("between 5 and", "needs two of them"),
        ("5 dogs barking", "unexpected words 'barking'"),
        ("$5 million annually", "unexpected words 'annually'"),
    ],
)
def test_unreadable_phrases_raise_naming_the_phrase_and_why(phrase, why):
    with pytest.raises(ParseError) as raised:
        parse_figure(phrase)
    message = str(raised.value)
    assert why in message
    assert repr(phrase) in message


def test_a_non_text_phrase_raises():
    with pytest.raises(ParseError, match="must be text"):
        parse_figure(3500)  # type: ignore[arg-type]


# --- format_number ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (3500, "3,500"), (3e12, "3 trillion"), (2.5e9, "2.5 billion"), (1e6, "1 million"),
        (1234567, "1,234,567"), (999_999, "999,999"), (1.125e9, "1.125 billion"),
        (0, "0"), (0.5, "0.5"), (1999, "1,999"), (3.1e12, "3.1 trillion"),
    ],
)
def test_format_number(value, written):
    assert format_number(value) == written


@pytest.mark.parametrize("bad", [-1, math.nan, math.inf, True, "3"])
def test_format_number_rejects_what_is_not_a_figure(bad):
    with pytest.raises(ParameterError):
        format_number(bad)


# --- properties -------------------------------------------------------------------------------

figure_values = st.one_of(
    st.integers(min_value=0, max_value=10**15),
    st.floats(min_value=0, max_value=1e18, allow_nan=False, allow_infinity=False),
    st.decimals(min_value=0, max_value=10**6, places=3).map(float),
)


@given(figure_values)
def test_format_then_parse_gives_the_number_back(value):
    figure = parse_figure(format_number(value))
    assert (figure.bound, figure.unit) == ("exact", "count")
    assert figure.point == float(value)


@given(figure_values, st.sampled_from([("up to ", "upper", "high"),
                                       ("more than ", "lower", "low"),
                                       ("about ", "approx", "point")]))
def test_a_hedge_changes_only_bound_and_hedge(value, hedge_case):
    hedge, bound, field = hedge_case
    plain = parse_figure(format_number(value))
    hedged = parse_figure(hedge + format_number(value))
    assert (hedged.bound, hedged.hedge) == (bound, hedge.strip())
    assert getattr(hedged, field) == float(value)
    assert {f: getattr(hedged, f) for f in ("low", "high", "point") if f != field} == {
        f: None for f in ("low", "high", "point") if f != field
    }
    assert (hedged.unit, hedged.noun) == (plain.unit, plain.noun)


HEDGE_WORDS = [h for h, _ in HEDGE_CASES] + [""]
UNITS = [("${}", ""), ("{} percent", ""), ("{}", " people"), ("{} baht", ""), ("€{}", "")]


@given(
    hedge=st.sampled_from(HEDGE_WORDS),
    first=st.integers(min_value=0, max_value=10**7),
    second=st.one_of(st.none(), st.integers(min_value=0, max_value=10**7)),
    unit=st.sampled_from(UNITS),
)
def test_low_le_point_le_high_wherever_present(hedge, first, second, unit):
    template, noun = unit
    quantity = template.format(format_number(first))
    if second is not None:
        quantity += " to " + template.format(format_number(second))
    phrase = f"{hedge} {quantity}{noun}".strip()
    try:
        figure = parse_figure(phrase)
    except ParseError as error:
        assert second is not None and second < first, phrase
        assert "backwards" in str(error)
        return
    present = [v for v in (figure.low, figure.point, figure.high) if v is not None]
    assert present == sorted(present), phrase
    if figure.bound == "range":
        assert figure.point is None and figure.low is not None and figure.high is not None


@given(st.integers(min_value=1900, max_value=2099))
def test_years_are_never_figures(year):
    for phrase in (f"in {year}", f"{year}", f"since {year}"):
        with pytest.raises(ParseError, match="looks like a year"):
            parse_figure(phrase)


@pytest.mark.parametrize("phrase", ["about 2,000 victims", "1.5 tonnes", "up to $5 billion"])
def test_a_parsed_figure_is_the_record_its_constructor_makes(phrase):
    # (the parser builds records without the dataclass's __init__, for speed)
    figure = parse_figure(phrase)
    rebuilt = Figure(**{field: getattr(figure, field) for field in
                        (*FIGURE_FIELDS, "unit_as_written")})
    assert figure == rebuilt and vars(figure) == vars(rebuilt)
