"""Catalogue, language checks and locale number formatting (en / id)."""

from __future__ import annotations

import math
import string
from decimal import Decimal

import pytest
import yaml

from crimefigures.errors import ParameterError
from crimefigures.presentation import wording as i18n
from crimefigures.presentation.wording import (
    LANGUAGES,
    check_catalogue,
    format_count,
    format_decimal,
    format_interval,
    format_money,
    format_number,
    format_percent,
    message,
)


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


# --- The catalogue ------------------------------------------------------------------------


def test_every_message_has_every_language_with_the_same_fields():
    raw = yaml.safe_load(i18n.catalogue_text())
    assert isinstance(raw, dict) and raw
    for key, entry in raw.items():
        for language in LANGUAGES:
            assert isinstance(entry.get(language), str), f"{key} lacks {language}"
            assert entry[language].strip(), f"{key} is empty in {language}"
        field_sets = {frozenset(_fields(text)) for text in entry.values()}
        assert len(field_sets) == 1, f"{key}: format fields differ: {entry}"
    assert check_catalogue(raw) == []


def test_catalogue_check_reports_missing_languages_and_mismatched_fields():
    broken = {
        "only_english": {"en": "hello"},
        "fields_differ": {"en": "{span} orders", "id": "{rentang} orde"},
        "stray": {"en": "a", "id": "b", "fr": "c"},
    }
    problems = check_catalogue(broken)
    assert any("only_english" in p and "missing id" in p for p in problems)
    assert any("fields_differ" in p and "format fields differ" in p for p in problems)
    assert any("stray" in p and "fr" in p for p in problems)


@pytest.mark.parametrize(
    "key",
    [
        "log_scale", "source", "sources", "article", "primary_source", "us_dollars", "people",
        "per_1000_inhabitants", "made_with", "estimate", "hedge_up_to", "hedge_more_than",
        "hedge_about", "hedge_nearly", "verdict_consistent",
        "verdict_overstated", "verdict_understated", "verdict_misattributed",
        "verdict_hedge_inverted", "verdict_scope_changed", "verdict_date_changed",
        "verdict_unverified",
    ],
)  # fmt: skip
def test_catalogue_holds_the_shared_phrases(key):
    entry = i18n.load_catalogue()[key]
    assert entry["en"].strip() and entry["id"].strip()
    assert entry["en"] != entry["id"]  # translated, not copied


def test_indonesian_phrases_are_proper_indonesian():
    assert message("log_scale", "id") == "skala logaritmik"
    assert message("per_1000_inhabitants", "id") == "per 1.000 penduduk"
    assert message("us_dollars", "id") == "dolar AS"
    assert message("source", "id") == "Sumber"
    assert message("estimate", "id") == "perkiraan"
    assert message("scale_thousand_long", "id") == "ribu"
    assert message("hedge_up_to", "id", value="3") == "hingga 3"
    assert message("hedge_or_more", "id", value="3") == "3 atau lebih"


def test_unknown_language_is_refused_naming_the_valid_ones():
    for call in (
        lambda: message("log_scale", "fr"),
        lambda: format_money(1e9, "fr"),
        lambda: format_number(1, "EN"),
        lambda: format_count(3, "noun_people", "in"),
        lambda: format_interval(1, 2, "usd", "de"),
    ):
        with pytest.raises(ParameterError, match="choose one of: en, id"):
            call()


def test_unknown_message_id_is_named_with_suggestions():
    with pytest.raises(ParameterError, match="'log_scal'.*log_scale"):
        message("log_scal", "en")


def test_missing_format_field_is_named():
    with pytest.raises(ParameterError, match="plain_interval.*high, low"):
        message("plain_interval", "en")


# --- Plain numbers ------------------------------------------------------------------------


def test_number_grouping_follows_the_locale():
    assert format_number(3500, "en") == "3,500"
    assert format_number(3500, "id") == "3.500"
    assert format_number(1234567.891, "id", 2) == "1.234.567,89"
    assert format_number(2.5, "en", 2) == "2.5"  # trailing zeros dropped


def test_rounding_is_half_up_not_bankers():
    assert format_number(2.25, "en", 1) == "2.3"
    assert format_number(2.5, "en") == "3"
    assert format_number(-0.04, "en", 1) == "0"  # never "-0"


def test_decimal_shows_exactly_the_digits_asked_for():
    assert format_decimal(2.5, "en", 2) == "2.50"
    assert format_decimal(2.5, "id", 2) == "2,50"
    assert format_decimal(Decimal("3"), "en", 0) == "3"


def test_percent_takes_a_fraction():
    assert format_percent(0.255, "en") == "26%"
    assert format_percent(0.255, "id", 1) == "25,5%"
    assert format_percent(1.5, "en") == "150%"


@pytest.mark.parametrize("bad", [math.nan, math.inf, True, "3", None])
def test_non_numbers_are_refused(bad):
    with pytest.raises(ParameterError):
        format_number(bad, "en")


# --- Money --------------------------------------------------------------------------------


def test_money_long_and_short_in_both_languages():
    assert format_money(3.1e12, "en") == "$3.1 trillion"
    assert format_money(3.1e12, "id") == "3,1 triliun dolar AS"
    assert format_money(3.1e12, "en", style="short") == "$3.1 tn"
    assert format_money(3.1e12, "id", style="short") == "US$3,1 T"
    assert format_money(5e10, "en") == "$50 billion"
    assert format_money(5e10, "id") == "50 miliar dolar AS"
    assert format_money(3e8, "id") == "300 juta dolar AS"
    assert format_money(3500, "en") == "$3,500"
    assert format_money(3500, "id") == "3.500 dolar AS"


def test_money_rounding_carries_into_the_next_scale_word():
    assert format_money(999.96e9, "en") == "$1 trillion"
    assert format_money(999.94e9, "en") == "$999.9 billion"


def test_negative_money_keeps_its_sign_before_the_currency():
    assert format_money(-2e9, "en", style="short") == "-$2 bn"
    assert format_money(-2e9, "id") == "-2 miliar dolar AS"


def test_unknown_money_style_is_refused():
    with pytest.raises(ParameterError, match="long, short or tick"):
        format_money(1e9, "en", style="medium")


# --- Counts and intervals -----------------------------------------------------------------


def test_counts_name_what_is_counted():
    assert format_count(3500, "noun_arrests", "en") == "3,500 arrests"
    assert format_count(3500, "noun_arrests", "id") == "3.500 penangkapan"
    assert format_count(1, "noun_arrests", "en") == "1 arrest"
    assert format_count(1, "noun_arrests", "id") == "1 penangkapan"
    assert format_count(1.23e6, "noun_people", "en") == "1.2 million people"
    assert format_count(1.23e6, "noun_people", "id") == "1,2 juta orang"
    assert format_count(999_999.6, "noun_people", "en") == "1 million people"


def test_unknown_noun_is_refused_listing_the_nouns():
    with pytest.raises(ParameterError, match="noun_arrests"):
        format_count(3, "arrests", "en")


def test_money_intervals():
    assert format_interval(2e12, 3e12, "usd", "en") == "$2–3 trillion"
    assert format_interval(2e12, 3e12, "usd", "id") == "2–3 triliun dolar AS"
    assert format_interval(2e12, 3e12, "usd", "en", style="short") == "$2–3 tn"
    assert format_interval(5e11, 3e12, "usd", "en") == "$500 billion–$3 trillion"
    assert format_interval(5e11, 3e12, "usd", "id") == "500 miliar–3 triliun dolar AS"


def test_count_and_percent_intervals():
    assert format_interval(2000, 3500, "noun_victims", "en") == "2,000–3,500 victims"
    assert format_interval(2000, 3500, "noun_victims", "id") == "2.000–3.500 korban"
    assert format_interval(2e6, 3.5e6, "noun_people", "id") == "2–3,5 juta orang"
    assert format_interval(0.2, 0.305, "percent", "id") == "20–30,5%"


def test_reversed_or_negative_intervals_are_refused():
    with pytest.raises(ParameterError, match="above high"):
        format_interval(3, 2, "usd", "en")
    with pytest.raises(ParameterError, match="negative"):
        format_interval(-1, 2, "noun_people", "en")


def test_unknown_interval_unit_is_refused():
    with pytest.raises(ParameterError, match="'usd', 'percent' or a noun key"):
        format_interval(1, 2, "euros", "en")


# --- Hedges and bounds: every word the parser can record has wording in both languages ----


def _parser_hedges() -> list[tuple[str, str]]:
    """(hedge as the figure records it, its bound), for every word the parser knows."""
    from crimefigures.text import parse

    pre = list(parse.HEDGES.items())
    post = [(hedge.lstrip("-"), bound) for hedge, bound in parse.POST_HEDGES.items()]
    return [*pre, *post, ("between", parse.RANGE), ("from", parse.RANGE)]


@pytest.mark.parametrize(("hedge", "bound"), _parser_hedges())
def test_every_hedge_the_parser_records_is_worded_in_both_languages(hedge, bound):
    from crimefigures.presentation import charts

    texts = {}
    for language in LANGUAGES:
        text = charts.hedged_text(hedge, bound, "<N>", language)
        assert "<N>" in text and text.strip(), (hedge, language)
        texts[language] = text
    if hedge not in ("between", "from"):  # a range opener adds nothing to the range
        assert texts["en"] != "<N>" and texts["id"] != "<N>", hedge
        assert texts["en"] != texts["id"], f"{hedge}: not translated"


def test_the_catalogue_covers_exactly_the_parsers_hedges():
    """No hedge without wording, and no wording for a hedge the parser cannot record."""
    from crimefigures.presentation import charts

    keys = {charts.hedge_key(hedge) for hedge, _ in _parser_hedges()}
    in_catalogue = {key for key in i18n.load_catalogue() if key.startswith("hedge_")}
    assert keys == in_catalogue


@pytest.mark.parametrize("bound", ["exact", "approx", "upper", "lower", "range"])
def test_every_bound_without_a_hedge_word_is_worded_in_both_languages(bound):
    from crimefigures.presentation import charts
    from crimefigures.text import parse

    assert bound in parse.BOUNDS
    texts = {language: charts.hedged_text(None, bound, "<N>", language)
             for language in LANGUAGES}
    assert all("<N>" in text for text in texts.values())
    if bound in ("approx", "upper", "lower"):
        assert texts["en"] != texts["id"]


@pytest.mark.parametrize(("hedge", "bound"), [h for h in _parser_hedges()
                                              if h[0] not in ("between", "from")])
def test_a_parsed_hedged_figure_reads_back_in_both_languages(hedge, bound):
    """Parse '<hedge> 5,000 people' (or '5,000<post-hedge> people') and word it."""
    from crimefigures.presentation import charts
    from crimefigures.text import parse

    post = {h.lstrip("-"): h for h in parse.POST_HEDGES}
    phrase = (f"5,000{post[hedge]} people" if hedge in ("+", "plus", "odd")
              else f"5,000 {post[hedge]} people" if hedge in post
              else f"{hedge} 5,000 people")
    figure = parse.parse_figure(phrase)
    assert figure.bound == bound
    value = figure.high if bound == "upper" else figure.low if bound == "lower" else figure.point
    for language in LANGUAGES:
        text = charts.figure_phrase(figure.bound, value, value, figure.hedge, figure.unit,
                                    figure.noun, language)
        assert format_number(5000, language) in text, (phrase, language, text)


def test_no_area_names_in_the_catalogue():
    """Country names come from the reference table and CLDR, not the catalogue."""
    assert not [key for key in i18n.load_catalogue() if key.startswith("area_")]
    assert i18n.territory_name("FRA", "id", "x") == "Prancis"
    assert i18n.territory_name("MMR", "id", "x") == "Myanmar"  # CLDR's "(Burma)" dropped
    assert i18n.territory_name("WLD", "id", "x") == "Dunia"
    assert i18n.territory_name("XXX", "id", "fallback") == "fallback"


@pytest.mark.parametrize(("bound", "hedge", "en", "id"), [
    ("exact", None, "SGD 5.4 billion", "5,4 miliar SGD"),
    ("upper", "up to", "up to SGD 5.4 billion", "hingga 5,4 miliar SGD"),
    ("range", None, "SGD 4–6 billion", "4–6 miliar SGD"),
])  # fmt: skip
def test_money_in_other_currencies_is_worded_by_its_code(bound, hedge, en, id):
    from crimefigures.presentation import charts

    low, high = (4e9, 6e9) if bound == "range" else (5.4e9, 5.4e9)
    for language, expected in (("en", en), ("id", id)):
        assert charts.figure_phrase(bound, low, high, hedge, "SGD", None, language) == expected
