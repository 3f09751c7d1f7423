"""The forms issue 15 added: physical quantities, fractions and ratios, vague counts, hedges,
currency marks, conversions in brackets, and what must still never be a figure.

Real sentences for each group are in `sentences/cited_reporting_forms.tsv` (tested by
test_cited_reporting.py); the conversions below are real sentences too, with their sources.
The phrase-level cases here pin the conventions stated in crimefigures.text.parse.
"""

from __future__ import annotations

import pint
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crimefigures.errors import ParseError
from crimefigures.text import parse
from crimefigures.text.extract import extract_figures
from crimefigures.text.parse import (
    GLUED_PHYSICAL_UNITS,
    PHYSICAL_UNITS,
    format_number,
    parse_figure,
)

# A registry of our own, so the parser's factors are checked against pint, not against
# themselves.
UNITS = pint.UnitRegistry()


def _reading(phrase: str) -> tuple:
    figure = parse_figure(phrase)
    return (figure.bound, figure.low, figure.high, figure.point, figure.unit, figure.noun,
            figure.hedge)


def _same(got: tuple, expected: tuple) -> bool:
    """Numbers to 1e-12 relative, everything else exactly."""
    return len(got) == len(expected) and all(
        g == pytest.approx(e, rel=1e-12) if isinstance(e, float) else g == e
        for g, e in zip(got, expected, strict=True))


# --- physical quantities ----------------------------------------------------------------------


@pytest.mark.parametrize("written", sorted(PHYSICAL_UNITS))
def test_every_unit_as_written_converts_as_pint_says(written):
    if written in ("pound", "pounds"):  # sterling, unless a weight follows ("3 pounds of")
        figure = extract_figures(f"Police seized 3 {written} of heroin.")[0].figure
    else:
        figure = parse_figure(f"3 {written}")
    expected = (3 * UNITS.parse_expression(PHYSICAL_UNITS[written])).to_base_units()
    assert figure.point == pytest.approx(expected.magnitude, rel=1e-12)
    assert figure.unit == {"kilogram": "kg", "meter ** 2": "m²", "meter ** 3": "m³"}[
        str(expected.units)]
    assert figure.unit_as_written == written
    assert figure.noun is None


def test_an_acre_is_the_international_acre():
    assert parse_figure("1 acre").point == pytest.approx(4046.8564224, rel=1e-12)
    assert UNITS.Quantity(1, "acre").to("m**2").magnitude != pytest.approx(4046.8564224,
                                                                         rel=1e-9)


def test_a_ton_without_qualifier_is_a_metric_tonne_not_pints_short_ton():
    assert parse_figure("240 tons").point == 240_000.0
    assert parse_figure("240 ton").point == 240_000.0
    # pint's own "ton" is the short ton; the parser's choice is stated in its table.
    assert UNITS.Quantity(240, "ton").to("kg").magnitude == pytest.approx(217_724.16)
    assert parse_figure("240 short tons").point == pytest.approx(217_724.16)
    assert parse_figure("240 long tons").point == pytest.approx(243_851.258112)
    assert "METRIC TONNE" in parse.__doc__


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("1.2 metric tonnes", ("exact", 1200.0, 1200.0, 1200.0, "kg", None, None)),
        ("240 tons", ("exact", 240e3, 240e3, 240e3, "kg", None, None)),
        ("850 kg", ("exact", 850.0, 850.0, 850.0, "kg", None, None)),
        ("850kg", ("exact", 850.0, 850.0, 850.0, "kg", None, None)),
        ("45,000 hectares", ("exact", 4.5e8, 4.5e8, 4.5e8, "m²", None, None)),
        ("12 square kilometres", ("exact", 1.2e7, 1.2e7, 1.2e7, "m²", None, None)),
        ("3,000 litres", ("exact", 3.0, 3.0, 3.0, "m³", None, None)),
        ("about 2 million litres", ("approx", None, None, 2000.0, "m³", None, "about")),
        ("up to 5 tonnes", ("upper", None, 5000.0, None, "kg", None, "up to")),
        ("between 2 and 3 tonnes", ("range", 2000.0, 3000.0, None, "kg", None, "between")),
        ("1.5-2 tonnes", ("range", 1500.0, 2000.0, None, "kg", None, None)),
        ("25.450 kg", ("exact", 25.45, 25.45, 25.45, "kg", None, None)),
    ],
)
def test_physical_quantities(phrase, expected):
    assert _same(_reading(phrase), expected), _reading(phrase)


def test_the_unit_as_written_is_kept_and_travels_in_to_dict():
    figure = parse_figure("1.2 metric tonnes")
    assert figure.unit_as_written == "metric tonnes"
    assert figure.to_dict()["unit_as_written"] == "metric tonnes"
    assert "unit_as_written" not in parse_figure("$5 million").to_dict()


@pytest.mark.parametrize(
    ("phrase", "looks_like"),
    [("125 kilometers", "a measurement"), ("5 m", "a measurement"), ("5G", "a code"),
     ("3 heavy tonnes", "a weight"), ("50 baht in weight", "a weight")],
)
def test_distances_codes_and_odd_weights_stay_unread(phrase, looks_like):
    with pytest.raises(ParseError, match=looks_like):
        parse_figure(phrase)


def test_a_physical_figure_stops_at_its_unit_in_a_sentence():
    found = extract_figures("Police seized 1.2 metric tonnes of methamphetamine and 850kg of "
                            "heroin across 45,000 hectares.")
    assert [(f.text, f.figure.unit) for f in found] == [
        ("1.2 metric tonnes", "kg"), ("850kg", "kg"), ("45,000 hectares", "m²")]


# --- fractions and ratios in words ------------------------------------------------------------

THIRD, TWO_THIRDS = 100 / 3, 200 / 3


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("more than half", ("lower", 50.0, None, None, "percent", None, "more than")),
        ("nearly half", ("approx", None, None, 50.0, "percent", None, "nearly")),
        ("nearly a third", ("approx", None, None, THIRD, "percent", None, "nearly")),
        ("two-thirds", ("exact", TWO_THIRDS, TWO_THIRDS, TWO_THIRDS, "percent", None, None)),
        ("two thirds", ("exact", TWO_THIRDS, TWO_THIRDS, TWO_THIRDS, "percent", None, None)),
        ("three-quarters", ("exact", 75.0, 75.0, 75.0, "percent", None, None)),
        ("one in five", ("exact", 20.0, 20.0, 20.0, "percent", None, None)),
        ("three out of four", ("exact", 75.0, 75.0, 75.0, "percent", None, None)),
        ("one in every three", ("exact", THIRD, THIRD, THIRD, "percent", None, None)),
        ("1 in 4", ("exact", 25.0, 25.0, 25.0, "percent", None, None)),
        ("a quarter of a trillion dollars",
         ("exact", 2.5e11, 2.5e11, 2.5e11, "USD", None, None)),
        ("about half of a million baht", ("approx", None, None, 5e5, "THB", None, "about")),
        ("half a million", ("exact", 5e5, 5e5, 5e5, "count", None, None)),
        ("at least half a dozen states", ("lower", 6.0, None, None, "count", "states",
                                          "at least")),
    ],
)
def test_fractions_and_ratios(phrase, expected):
    assert _same(_reading(phrase), expected), _reading(phrase)


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("Losses in the first half of 2025 rose.", []),
        ("The third quarter was quiet.", []),
        ("Half-year results were strong.", []),
        ("Nearly a third of the victims were women.", [("Nearly a third", "percent")]),
        ("Half of the victims were women.", [("Half", "percent")]),
        ("A third of the victims were women.", [("A third", "percent")]),
        ("A third man was arrested.", []),
        # not a ratio: the bare number stays a count, and the year stays out
        ("Police arrested 3 in Bangkok in 2023.", [("3", "count")]),
    ],
)
def test_fractions_only_where_they_are_shares(sentence, found):
    assert [(f.text, f.figure.unit) for f in extract_figures(sentence)] == found


# --- vague counts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("a few dozen", ("range", 24.0, 60.0, None, "count", None, None)),
        ("several dozen victims", ("range", 36.0, 108.0, None, "count", "victims", None)),
        ("scores of victims", ("range", 40.0, 200.0, None, "count", "victims", None)),
        ("a handful of suspects", ("range", 3.0, 10.0, None, "count", "suspects", None)),
        ("several hundred", ("range", 300.0, 900.0, None, "count", None, None)),
        ("a few thousand people", ("range", 2e3, 5e3, None, "count", "people", None)),
        ("several hundred thousand dollars", ("range", 3e5, 9e5, None, "USD", None, None)),
        ("a few million baht", ("range", 2e6, 5e6, None, "THB", None, None)),
        ("dozens of victims", ("range", 12.0, 144.0, None, "count", "victims", None)),
        ("tens of thousands", ("range", 1e4, 1e5, None, "count", None, None)),
    ],
)
def test_vague_counts_follow_their_stated_conventions(phrase, expected):
    assert _same(_reading(phrase), expected), _reading(phrase)


def test_scores_and_handful_as_ordinary_nouns_are_not_counts():
    assert extract_figures("The test scores were published.") == []
    assert extract_figures("He grabbed a handful and ran.") == []


# --- hedges -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "bound", "hedge"),
    [
        ("as high as $37 billion", "upper", "as high as"),
        ("as low as 5,000 people", "lower", "as low as"),
        ("nearing 10,000 victims", "approx", "nearing"),
        ("north of $500 million", "lower", "north of"),
        ("shy of 1 million", "approx", "shy of"),
        ("just shy of 1 million", "approx", "just shy of"),
        ("the better part of $1 billion", "upper", "the better part of"),
        ("some 300 or so", "approx", "some or so"),
        ("just under $40 billion", "approx", "just under"),
        ("upwards of 1,000", "lower", "upwards of"),
        ("well over 1,000", "lower", "well over"),
        ("at most 1,000", "upper", "at most"),
        ("no fewer than 1,000", "lower", "no fewer than"),
    ],
)
def test_hedges(phrase, bound, hedge):
    figure = parse_figure(phrase)
    assert (figure.bound, figure.hedge) == (bound, hedge)


# A hedge before a range or a vague count bounds it at the end the sentence commits to (the note
# above parse.HEDGES): a lower hedge at the low end, an upper hedge at the high end; an
# approximating hedge keeps the range.
@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("exceed several hundred", ("lower", 300.0, None, None, "count", None, "exceed")),
        ("more than several hundred victims",
         ("lower", 300.0, None, None, "count", "victims", "more than")),
        ("more than a few dozen", ("lower", 24.0, None, None, "count", None, "more than")),
        ("over a handful of suspects",
         ("lower", 3.0, None, None, "count", "suspects", "over")),
        ("north of tens of millions of dollars",
         ("lower", 1e7, None, None, "USD", None, "north of")),
        ("as low as 10-20 baht", ("lower", 10.0, None, None, "THB", None, "as low as")),
        ("at least 10 to 20 people", ("lower", 10.0, None, None, "count", "people", "at least")),
        ("more than 1.5-2 tonnes", ("lower", 1500.0, None, None, "kg", None, "more than")),
        ("up to 10-20", ("upper", None, 20.0, None, "count", None, "up to")),
        ("as high as 40 to 70 percent",
         ("upper", None, 70.0, None, "percent", None, "as high as")),
        ("up to a few million baht", ("upper", None, 5e6, None, "THB", None, "up to")),
        ("the better part of several hundred",
         ("upper", None, 900.0, None, "count", None, "the better part of")),
        ("up to between 2 and 3 tonnes", ("upper", None, 3000.0, None, "kg", None, "up to")),
        ("about 10-20 baht", ("range", 10.0, 20.0, None, "THB", None, "about")),
        ("nearly several hundred", ("range", 300.0, 900.0, None, "count", None, "nearly")),
    ],
)
def test_a_hedge_before_a_range_or_vague_count_bounds_its_near_end(phrase, expected):
    assert _same(_reading(phrase), expected), _reading(phrase)


def test_a_hedged_range_in_a_sentence_keeps_its_bound():
    found = extract_figures("Losses exceed several hundred million dollars, while pills sell "
                            "for as low as 10-20 baht each.")
    assert [(f.text, f.figure.bound, f.figure.low) for f in found] == [
        ("exceed several hundred million dollars", "lower", 3e8),
        ("as low as 10-20 baht", "lower", 10.0)]


@given(
    hedge=st.sampled_from(sorted(h for h, b in parse.HEDGES.items() if b in ("lower", "upper"))),
    # (below a million: format_number writes "1 million", and "1 million-2 million" is not
    # how a range is written)
    low=st.integers(min_value=1, max_value=400_000),
    width=st.integers(min_value=0, max_value=500_000),
    template=st.sampled_from(["{}-{}", "{} to {} people", "${} to ${}", "{}-{} tonnes"]),
)
def test_a_bounding_hedge_before_any_range_keeps_the_end_it_bounds(hedge, low, width, template):
    high = low + width
    figure = parse_figure(f"{hedge} " + template.format(format_number(low), format_number(high)))
    factor = 1000.0 if "tonnes" in template else 1.0
    assert figure.bound == parse.HEDGES[hedge]
    assert figure.hedge == hedge
    if figure.bound == "lower":
        assert (figure.low, figure.high) == (low * factor, None)
    else:
        assert (figure.low, figure.high) == (None, high * factor)


# --- currency marks and abbreviations ---------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "value", "code"),
    [
        ("USD$5 million", 5e6, "USD"), ("USD $5 million", 5e6, "USD"),
        ("US$ USD 5 million", 5e6, "USD"), ("$1.15 million USD", 1.15e6, "USD"),
        ("RM2.3bil", 2.3e9, "MYR"), ("RM2bil", 2e9, "MYR"), ("RM750mil", 7.5e8, "MYR"),
        ("RM5 juta", 5e6, "MYR"), ("៛4,000", 4e3, "KHR"), ("4,000៛", 4e3, "KHR"),
        ("4,000 riel", 4e3, "KHR"), ("K500 million", 5e8, "MMK"), ("K25,000", 2.5e4, "MMK"),
        ("RMB 5 million", 5e6, "CNY"), ("5 million RMB", 5e6, "CNY"),
        ("5 million yuan", 5e6, "CNY"), ("Rp 3,1 triliun", 3.1e12, "IDR"),
        ("₱5.2 billion", 5.2e9, "PHP"), ("NT$5 billion", 5e9, "TWD"), ("A$5 million", 5e6, "AUD"),
        ("Rs 1,750 crore", 1.75e10, "INR"), ("Rs 5 lakh", 5e5, "INR"),
    ],
)
def test_currency_marks_and_abbreviations(phrase, value, code):
    figure = parse_figure(phrase)
    assert (figure.point, figure.unit) == (pytest.approx(value, rel=1e-12), code)


@pytest.mark.parametrize("phrase", ["K9", "K2", "P2"])
def test_guarded_marks_alone_are_codes(phrase):
    with pytest.raises(ParseError):
        parse_figure(phrase)


def test_doubled_marks_that_disagree_are_refused():
    with pytest.raises(ParseError, match="two currencies"):
        parse_figure("US$ S$ 5 million")


# --- a conversion in brackets -----------------------------------------------------------------

# Real sentences (verbatim; read on 2026-12-02 through the search tool's `pages` corpus):
CONVERSIONS = [
    # The Asahi Shimbun (Associated Press), https://ajw-origin.potaufeu.asahi.com/ajw/articles/14868119
    ("BANGKOK--Thai police said Wednesday they busted an international gang that operated call "
     "centers to deceive older Americans into wiring them money, netting more than 3 billion "
     "baht ($87 million).",
     [("more than 3 billion baht", "lower", 3e9, "THB", "more than", None),
      ("$87 million", "lower", 8.7e7, "USD", "more than", "more than 3 billion baht")]),
    # Daily8, https://www.daily8.com/en/article/c07cb2e0eb3a3bc23730ecbf4b8f0e78
    ("UNODC estimates that hundreds of industrial-scale scam centers generate just under $40 "
     "billion (€35 billion) in annual profits.",
     [("hundreds of industrial-scale scam centers", "range", 100.0, "count", None, None),
      ("just under $40 billion", "approx", 4e10, "USD", "just under", None),
      ("€35 billion", "approx", 3.5e10, "EUR", "just under", "just under $40 billion")]),
    # The Irrawaddy, https://www.irrawaddy.com/news/burma/myanmar-military-seizes-us64m-drugs-shan-state.html
    ("NAYPYITAW—The Myanmar military has said it seized over 91 billion kyats (US$64,017,500) "
     "of narcotics, precursor chemicals and related equipment at Kaungkha Village in Shan "
     "State’s Kutkai Township between Friday and Tuesday.",
     [("over 91 billion kyats", "lower", 9.1e10, "MMK", "over", None),
      ("US$64,017,500", "lower", 64017500.0, "USD", "over", "over 91 billion kyats")]),
    # DVB, http://english.dvb.no/police-seize-drugs-worth-over-1-million-in-shan-and-karen-state/
    ("Drugs worth approximately 1.6 billion kyat ($1.15 million USD) were seized in Shan State "
     "over the weekend.",
     [("approximately 1.6 billion kyat", "approx", 1.6e9, "MMK", "approximately", None),
      ("$1.15 million USD", "approx", 1.15e6, "USD", "approximately",
       "approximately 1.6 billion kyat")]),
    # Global Times (Xinhua), http://www.globaltimes.cn/content/1064159.shtml
    ("Police suspected they started the fraud in January 2013 and have gained 3.6 million yuan "
     "(about 545,752 US dollars) in 235 cases.",
     [("3.6 million yuan", "exact", 3.6e6, "CNY", None, None),
      ("about 545,752 US dollars", "approx", 545752.0, "USD", "about", "3.6 million yuan"),
      ("235 cases", "exact", 235.0, "count", None, None)]),
    # Global Times, https://globaltimes.cn/page/202310/1299765.shtml
    ("Chinese police are offering a reward of 100,000 to 500,000 yuan ($3,680 to $68,400) for "
     "clues leading to the arrest of two key ringleaders of a criminal syndicate in northern "
     "Myanmar that has been targeting Chinese citizens in telecommunications and online fraud.",
     [("100,000 to 500,000 yuan", "range", 1e5, "CNY", None, None),
      ("$3,680 to $68,400", "range", 3680.0, "USD", None, "100,000 to 500,000 yuan"),
      ("two key ringleaders", "exact", 2.0, "count", None, None)]),
    # Bakamla IMIC, http://imic.bakamla.go.id/2020/09/04/myanmar-police-seize-metaphentamine-weighing-a-total-of-1380-kg-at-kyeinnali-beach/
    ("Police seized 1,380 kg of crystal meth worth of 32 billion kyats ($23 million) on "
     "Myanmar’s market from a vessel docked southwest of Kyeinnali in southern Rakhine State "
     "on Sunday.",
     [("1,380 kg", "exact", 1380.0, "kg", None, None),
      ("32 billion kyats", "exact", 3.2e10, "MMK", None, None),
      ("$23 million", "exact", 2.3e7, "USD", None, "32 billion kyats")]),
]


def _first_value(figure) -> float:
    return next(v for v in (figure.low, figure.point, figure.high) if v is not None)


@pytest.mark.parametrize(("sentence", "expected"), CONVERSIONS)
def test_a_conversion_in_brackets_takes_the_hedge_of_what_it_converts(sentence, expected):
    found = extract_figures(sentence)
    starts = {f.start: f.text for f in found}
    got = [(f.text, f.figure.bound, _first_value(f.figure), f.figure.unit, f.figure.hedge,
            starts.get(f.conversion_of)) for f in found]
    assert got == expected


def test_a_conversion_is_marked_in_to_dict_and_pounds_of_weight_are_weight():
    # Written for the test (press_style.txt has it too): a weight and its conversion.
    found = extract_figures("The drugs weighed about 1,537 kilograms (3,380 pounds).")
    assert [f.text for f in found] == ["about 1,537 kilograms", "3,380 pounds"]
    converted = found[1]
    assert converted.to_dict()["conversion_of"] == found[0].start
    assert "conversion_of" not in found[0].to_dict()
    assert (converted.figure.unit, converted.figure.bound, converted.figure.hedge) == (
        "kg", "approx", "about")
    assert converted.figure.point == pytest.approx(3380 * 0.45359237, rel=1e-12)


@pytest.mark.parametrize(
    "sentence",
    ["Police seized 5 million baht (2023 figures) last year.",
     "Losses reached $5 million ($3 million of it in cash).",
     "Nearly half (47 percent) did not engage."],
)
def test_brackets_that_are_not_conversions_are_left_alone(sentence):
    assert all(f.conversion_of is None for f in extract_figures(sentence))


# --- what is never a figure -------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    ["Call the hotline on +66 2 123 4567 for help.", "Victims can call 1599 or 997 to report.",
     "Call 012-345 6789 now.", "Call +60 3-2266 2222 to report.", "Phone 1-800-123-4567.",
     "Dial 191 in an emergency.", "Contact the helpline at 1441."],
)
def test_phone_numbers_are_never_figures(sentence):
    assert extract_figures(sentence) == []


def test_calls_as_a_count_are_still_figures():
    assert [f.text for f in extract_figures("The hotline received more than 3,000 calls.")] == [
        "more than 3,000 calls"]
    assert [f.text for f in extract_figures("Police received calls from 500 victims.")] == [
        "500 victims"]


PHYSICAL_TEMPLATES = [("{} kg", "kg"), ("{} tonnes", "kg"), ("{} hectares", "m²"),
                      ("{} litres", "m³"), ("{} square kilometres", "m²")]


@given(
    value=st.integers(min_value=1, max_value=10**9),
    hedge=st.sampled_from(["", "about ", "more than ", "up to ", "nearly ", "as high as "]),
    unit=st.sampled_from(PHYSICAL_TEMPLATES),
    year=st.integers(min_value=1900, max_value=2099),
    day=st.integers(min_value=1, max_value=28),
    age=st.integers(min_value=18, max_value=80),
    phone=st.tuples(st.integers(10, 99), st.integers(2, 9), st.integers(100, 999),
                    st.integers(1000, 9999)),
)
def test_physical_figures_in_sentences_never_bring_years_dates_times_ages_or_phones(
        value, hedge, unit, year, day, age, phone):
    template, code = unit
    phrase = hedge + template.format(format_number(value))
    country, area, middle, last = phone
    text = (f"On March {day}, {year}, at 10:30 a.m., a {age}-year-old was held with {phrase} "
            f"of drugs; call +{country} {area} {middle} {last} with tips.")
    found = extract_figures(text)
    assert [f.text for f in found] == [phrase]
    assert found[0].figure.unit == code


@given(
    numerator=st.integers(min_value=1, max_value=9),
    denominator=st.integers(min_value=1, max_value=999),
)
def test_ratios_are_the_percentages_they_say(numerator, denominator):
    phrase = f"{numerator} in {denominator}"
    if numerator > denominator:
        with pytest.raises(ParseError):
            parse_figure(phrase)
        return
    figure = parse_figure(phrase)
    assert (figure.bound, figure.unit) == ("exact", "percent")
    assert figure.point == pytest.approx(100 * numerator / denominator, rel=1e-12)


def test_glued_units_are_lower_case_only():
    assert all(unit == unit.lower() for unit in GLUED_PHYSICAL_UNITS)
    with pytest.raises(ParseError, match="a code"):
        parse_figure("5KG")
