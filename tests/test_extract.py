"""Figure extraction: the article's golden figures, press sentences, non-figures, coverage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crimefigures.text.extract import (
    EXTRACTED_FIELDS,
    extract_figures,
    find_number_tokens,
    split_sentences,
    uncovered_tokens,
)
from crimefigures.text.parse import (
    FIGURE_CANDIDATE_RE,
    figure_candidates,
    format_number,
    parse_figure,
)

REPO = Path(__file__).resolve().parents[1]
ARTICLE = (REPO / "data" / "raw" / "interpol-2024-03" / "article.txt").read_text(encoding="utf-8")
CORPUS_LINES = (Path(__file__).parent / "sentences" / "press_style.txt").read_text(
    encoding="utf-8"
).splitlines()


def records(text: str) -> list[tuple]:
    return [
        (f.text, f.figure.bound, f.figure.low, f.figure.high, f.figure.point, f.figure.unit,
         f.figure.noun, f.figure.hedge)
        for f in extract_figures(text)
    ]


# --- the article ------------------------------------------------------------------------------

ARTICLE_FIGURES = [
    ("up to $3 trillion", "upper", None, 3e12, None, "USD", None, "up to"),
    ("millions of people", "range", 1e6, 1e7, None, "count", "people", None),
    ("$50 billion", "exact", 5e10, 5e10, 5e10, "USD", None, None),
    ("between $2 trillion and $3 trillion", "range", 2e12, 3e12, None, "USD", None, "between"),
    ("$3.1 trillion", "exact", 3.1e12, 3.1e12, 3.1e12, "USD", None, None),
    ("about 40 to 70 percent", "range", 40.0, 70.0, None, "percent", None, "about"),
    ("nearly 3,500 arrests", "approx", None, None, 3500.0, "count", "arrests", "nearly"),
    ("$300 million", "exact", 3e8, 3e8, 3e8, "USD", None, None),
    ("34 countries", "exact", 34.0, 34.0, 34.0, "count", "countries", None),
    ("hundreds of thousands of people", "range", 1e5, 1e6, None, "count", "people", None),
    ("more than 100,000 people", "lower", 1e5, None, None, "count", "people", "more than"),
    ("up to 120,000 individuals", "upper", None, 1.2e5, None, "count", "individuals", "up to"),
]


def test_article_figures_are_exactly_the_golden_list():
    assert records(ARTICLE) == ARTICLE_FIGURES


def test_article_spans_and_sentences():
    for found in extract_figures(ARTICLE):
        assert ARTICLE[found.start:found.end] == found.text
        assert found.text in found.sentence
        assert found.sentence == found.sentence.strip()
    countries = next(f for f in extract_figures(ARTICLE) if f.figure.noun == "countries")
    assert countries.sentence == (
        "Interpol reported that its operations in Asia have resulted in nearly 3,500 arrests and "
        "the seizure of $300 million in illegally obtained assets in 34 countries since 2021."
    )


def test_article_non_figures_are_the_only_uncovered_numbers():
    figures = extract_figures(ARTICLE)
    uncovered = uncovered_tokens(ARTICLE, figures)
    assert [t.text for t in uncovered] == ["27", "decade", "2021", "2021"]
    contexts = [ARTICLE[t.start - 7:t.end] for t in uncovered]
    assert contexts == ["(March 27", "able a decade", " since 2021", "oup in 2021"]
    assert not any("Wednesday" in f.text for f in figures)


def test_every_extracted_figure_reads_back_the_same_on_its_own():
    for text in (ARTICLE, *CORPUS_LINES):
        for found in extract_figures(text):
            alone = parse_figure(found.text)
            if found.conversion_of is None:
                assert alone == found.figure
            else:  # a conversion in brackets takes the hedge of the figure it converts
                # (and pounds converting a weight are pounds of weight, not sterling)
                assert (alone.text, alone.bound, alone.hedge) == (found.text, "exact", None)
                if found.figure.unit_as_written is None:
                    assert alone.point in (found.figure.low, found.figure.point,
                                           found.figure.high)


def test_to_dict_has_a_stable_order_and_is_json_serialisable():
    found = extract_figures(ARTICLE)[0]
    as_dict = found.to_dict()
    assert tuple(as_dict) == EXTRACTED_FIELDS == (
        "start", "end", "text", "bound", "low", "high", "point", "unit", "noun", "hedge",
        "sentence",
    )
    assert as_dict["text"] == "up to $3 trillion"
    assert json.loads(json.dumps(as_dict)) == as_dict


# --- press sentences --------------------------------------------------------------------------


def test_corpus_has_at_least_sixty_sentences_each_with_a_figure():
    assert len(CORPUS_LINES) >= 60
    assert all(line.strip() for line in CORPUS_LINES)
    for line in CORPUS_LINES:
        assert extract_figures(line), line


def line_with(fragment: str) -> str:
    matches = [line for line in CORPUS_LINES if fragment in line]
    assert len(matches) == 1, fragment
    return matches[0]


CORPUS_EXPECTED = {
    "S$3 billion": [("more than S$3 billion", "lower", 3e9, None, None, "SGD", None,
                     "more than")],
    "2 billion baht": [("about 2 billion baht", "approx", None, None, 2e9, "THB", None,
                        "about")],
    "Rs 1,750 crore": [("Rs 1,750 crore", "exact", 1.75e10, 1.75e10, 1.75e10, "INR", None,
                        None)],
    "€2.5 billion": [("€2.5 billion", "exact", 2.5e9, 2.5e9, 2.5e9, "EUR", None, None)],
    "HK$8.8 million": [("27 people", "exact", 27.0, 27.0, 27.0, "count", "people", None),
                       ("HK$8.8 million", "exact", 8.8e6, 8.8e6, 8.8e6, "HKD", None, None)],
    "₫1.2 trillion": [("some 1,000 victims", "approx", None, None, 1e3, "count", "victims",
                       "some"),
                      ("₫1.2 trillion", "exact", 1.2e12, 1.2e12, 1.2e12, "VND", None, None)],
    "Rp 3,1 triliun": [("Rp 3,1 triliun", "exact", 3.1e12, 3.1e12, 3.1e12, "IDR", None, None)],
    "12 billion yuan": [("12 billion yuan", "exact", 1.2e10, 1.2e10, 1.2e10, "CNY", None,
                         None)],
    "fewer than 2,000": [("fewer than 2,000 foreigners", "upper", None, 2e3, None, "count",
                          "foreigners", "fewer than")],
    "August 2023": [("Up to 100,000 workers", "upper", None, 1e5, None, "count", "workers",
                     "up to")],
    "500 kilograms": [("500 kilograms", "exact", 500.0, 500.0, 500.0, "kg", None, None),
                      ("about 1.5 billion baht", "approx", None, None, 1.5e9, "THB", None,
                       "about")],
    "Between 2019 and 2023": [("between $18 billion and $37 billion", "range", 1.8e10, 3.7e10,
                               None, "USD", None, "between")],
    "3 million pounds": [("roughly 3 million pounds", "approx", None, None, 3e6, "GBP", None,
                          "roughly")],
    "50 billion won": [("50 billion won", "exact", 5e10, 5e10, 5e10, "KRW", None, None)],
    "Dozens of": [("Dozens of Indonesians", "range", 12.0, 144.0, None, "count", "indonesians",
                   None)],
    "Tens of thousands": [("Tens of thousands of people", "range", 1e4, 1e5, None, "count",
                           "people", None)],
    "billions of dollars": [("billions of dollars", "range", 1e9, 1e12, None, "USD", None,
                             None)],
    "18% year on year": [("18%", "exact", 18.0, 18.0, 18.0, "percent", None, None),
                         ("RM1.2bn", "exact", 1.2e9, 1.2e9, 1.2e9, "MYR", None, None)],
    "₹2 lakh crore": [("₹2 lakh crore", "exact", 2e12, 2e12, 2e12, "INR", None, None)],
    "1,00,000 SIM": [("1,00,000 SIM cards", "exact", 1e5, 1e5, 1e5, "count", "cards", None)],
    "Malaysians": [("five Chinese nationals", "exact", 5.0, 5.0, 5.0, "count", "nationals",
                    None),
                   ("two Malaysians", "exact", 2.0, 2.0, 2.0, "count", "malaysians", None)],
    "two million dollars": [("two million dollars", "exact", 2e6, 2e6, 2e6, "USD", None, None)],
    "~$20 million": [("~$20 million", "approx", None, None, 2e7, "USD", None, "~")],
    "No more than 10 per cent": [("No more than 10 per cent", "upper", None, 10.0, None,
                                  "percent", None, "no more than")],
    "$27.4 bn": [("$27.4 bn to $36.5 bn", "range", 2.74e10, 3.65e10, None, "USD", None, None)],
    "120 million riel": [("120 million riel", "exact", 1.2e8, 1.2e8, 1.2e8, "KHR", None, None)],
    "2.5 billion kyat": [("2.5 billion kyat", "exact", 2.5e9, 2.5e9, 2.5e9, "MMK", None, None)],
    "10,000-plus": [("10,000-plus workforce", "lower", 1e4, None, None, "count", "workforce",
                     "plus")],
    "7,500+": [("7,500+ workers", "lower", 7500.0, None, None, "count", "workers", "+"),
               ("30 countries", "exact", 30.0, 30.0, 30.0, "count", "countries", None)],
    "€1.3-1.5 billion": [("€1.3-1.5 billion", "range", 1.3e9, 1.5e9, None, "EUR", None,
                          None)],
    "40–50 victims": [("40–50 victims", "range", 40.0, 50.0, None, "count", "victims", None)],
    "5—7 million euros": [("5—7 million euros", "range", 5e6, 7e6, None, "EUR", None, None)],
    "3.2 pct": [("3.2 pct", "exact", 3.2, 3.2, 3.2, "percent", None, None)],
    "€3.500 from": [("€3.500", "exact", 3500.0, 3500.0, 3500.0, "EUR", None, None)],
    "3\u2009500 victims": [("3\u2009500 victims", "exact", 3500.0, 3500.0, 3500.0, "count",
                            "victims", None)],
    "From 2,000 to 3,000": [("From 2,000 to 3,000 workers", "range", 2e3, 3e3, None, "count",
                             "workers", "from")],
    "120k dollars": [("120k dollars", "exact", 1.2e5, 1.2e5, 1.2e5, "USD", None, None)],
    "€3.500.000": [("more than 2,400 transactions", "lower", 2400.0, None, None, "count",
                    "transactions", "more than"),
                   ("€3.500.000", "exact", 3.5e6, 3.5e6, 3.5e6, "EUR", None, None)],
    "A$1.3bn": [("A$1.3bn", "exact", 1.3e9, 1.3e9, 1.3e9, "AUD", None, None)],
    "between 4 and 6 billion baht": [("between 4 and 6 billion baht", "range", 4e9, 6e9, None,
                                      "THB", None, "between")],
}


@pytest.mark.parametrize("fragment", list(CORPUS_EXPECTED))
def test_specific_press_sentences_yield_specific_records(fragment):
    assert records(line_with(fragment)) == CORPUS_EXPECTED[fragment]


def test_corpus_numbers_left_uncovered_are_exactly_the_non_figures():
    uncovered = [
        (number, token.text)
        for number, line in enumerate(CORPUS_LINES, start=1)
        for token in uncovered_tokens(line, extract_figures(line))
    ]
    by_text = sorted(text for _, text in uncovered)
    # "two years", "2022", "5 March", "2023" (twice), "2019", "1990s", "12 June 2024": time
    # spans, years and dates ("500 kilograms" is a figure since weights are read).
    assert by_text == sorted(["two", "2022", "5", "2023", "2023", "2019", "2023",
                              "1990", "12", "2024"])


# --- what is not a figure ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "The raid took place on Wednesday (March 27) near the border.",
        "The raid took place on 27 March, officials said.",
        "The law was passed in 2021 and amended in 2023.",
        "Police moved in at 2.15pm and again at 10:30 on Friday.",
        "It was the 3rd raid this year and the first in the province.",
        "Revenues doubled in the 2012–13 financial year.",
        "The gangs have operated since the 1990s.",
        "Such schemes were unimaginable a decade ago.",
        "The COVID-19 pandemic pushed workers online.",
        "A 25-year-old man was arrested.",
        "Officers walked 500 kilometres to the camp.",
        "He was sentenced to three years in prison.",
        "The compound was built two to three years ago.",
        "Raids on 5 and 6 June found nothing.",
        "Under Article 5 of the law, the assets can be frozen.",
        "The victims, aged 18 to 30, were recruited online.",
        "One of the suspects fled, and two of them were caught.",
    ],
)
def test_non_figures_are_never_extracted(sentence):
    assert extract_figures(sentence) == []
    assert find_number_tokens(sentence), "the coverage check must still see these numbers"


# --- reporting of changes, regional marks and compound nouns -----------------------------------


@pytest.mark.parametrize(
    ("sentence", "figures", "uncovered"),
    [
        # a change and its result are two figures, never a range
        ("Assets rose 16 per cent in 2021 to S$5.4 trillion.",
         ["16 per cent", "S$5.4 trillion"], ["2021"]),
        ("The number of cases increased by 42.6 percent to 39,824, police said.",
         ["42.6 percent", "39,824"], []),
        ("It compared with a global increase of 12pc to $112tr the same year.",
         ["12pc", "$112tr"], []),
        ("Total losses dropped by 25 per cent to HK$2.8 billion.",
         ["25 per cent", "HK$2.8 billion"], []),
        ("Losses fell from 2021 to S$3 billion in the year.", ["S$3 billion"], ["2021"]),
        # after a verb of change, "from A to B" is two values, not a range
        ("Reported losses jumped from $1.5bn to $2.6bn in a year.", ["$1.5bn", "$2.6bn"], []),
        ("Arrests rose from about 3,000 to 4,000 people.", ["about 3,000", "4,000 people"], []),
        ("It went up from 5% to 9%.", ["5%", "9%"], []),
        # ... and a first value that would borrow the second's unit is left for the ledger
        ("Their share fell from 70 to 40 percent.", ["40 percent"], ["70"]),
        ("Seizures grew from 3 to 4 billion baht.", ["4 billion baht"], ["3"]),
        # "between" after such a verb is still a range: the change is the range's
        ("Losses rose between 3 and 4 percent.", ["between 3 and 4 percent"], []),
        # without the verb it is a range as written
        ("Estimates run from $1.5bn to $2.6bn.", ["from $1.5bn to $2.6bn"], []),
        ("The gang converted $5 million to €6 million.", ["$5 million", "€6 million"], []),
        # regional marks; a bare "P" with a code-like number is not money
        ("The gang cost the victims at least Bt50 million, police said.",
         ["at least Bt50 million"], []),
        ("Agents confiscated over P180 million in cash and P25,000 in coins.",
         ["over P180 million", "P25,000"], []),
        ("He held a P2 visa and paid a P500 fine.", [], ["2", "500"]),
        ("Losses were between US $18 billion and $37 billion.",
         ["between US $18 billion and $37 billion"], []),
        # verb and comparison hedges
        ("Monies in bank accounts exceeding S$1.45 billion were seized.",
         ["exceeding S$1.45 billion"], []),
        ("Most cases involved losses less than or equal to S$2,000.",
         ["less than or equal to S$2,000"], []),
        # "baht in weight" is the Thai gold weight
        ("The assets include 50 baht in weight of gold and 10 million baht in cash.",
         ["10 million baht"], ["50"]),
        # hyphenated percentages
        ("The country saw a 24-percent decrease and a 20.5-percent drop.",
         ["24-percent", "20.5-percent"], []),
    ],
)
def test_sentences_from_reporting_yield_the_figures_a_reader_takes(sentence, figures,
                                                                    uncovered):
    found = extract_figures(sentence)
    assert [f.text for f in found] == figures
    assert [t.text for t in uncovered_tokens(sentence, found)] == uncovered


@pytest.mark.parametrize(
    ("sentence", "text", "noun"),
    [
        ("A total of 51 police reports have been lodged.", "51 police reports", "reports"),
        ("Police arrested 59 cyber fraudsters from eight states.", "59 cyber fraudsters",
         "fraudsters"),
        ("The seized assets include 84 land title deeds, officials said.",
         "84 land title deeds", "deeds"),
        ("A total of 4,666 telecom fraud suspects in Myanmar were handed over.",
         "4,666 telecom fraud suspects", "suspects"),
        ("About 470 people live in the camp.", "About 470 people", "people"),
        ("Police said 12 victims lost money.", "12 victims", "victims"),
    ],
)
def test_the_counted_noun_is_the_head_of_the_compound(sentence, text, noun):
    found = extract_figures(sentence)
    assert [(f.text, f.figure.noun) for f in found][0] == (text, noun)


def test_hedge_words_without_a_number_are_prose():
    assert records("Some of the victims were held for over a year, up to the border.") == []


# --- number tokens ----------------------------------------------------------------------------


def test_number_tokens_list_every_number_including_years_dates_and_words():
    text = "On March 27, 2021, twenty-five of the hundreds of thousands, one decade on, 3 500."
    assert [t.text for t in find_number_tokens(text)] == [
        "27", "2021", "twenty-five", "hundreds", "thousands", "one", "decade", "3 500",
    ]
    for token in find_number_tokens(text):
        assert text[token.start:token.end] == token.text


def test_tokens_inside_one_figure_stay_separate():
    text = "between $2 trillion and $3 trillion"
    assert [t.text for t in find_number_tokens(text)] == ["2", "trillion", "3", "trillion"]
    assert uncovered_tokens(text, extract_figures(text)) == []


# --- sentence splitting -----------------------------------------------------------------------


def test_split_sentences_keeps_abbreviations_and_decimals_together():
    text = ("The U.S. Treasury said $3.1 trillion moved. Dr. Lim of No. 5 Precinct agreed! "
            "Was it J. Stock? \"Yes,\" he said.\n\nNew paragraph without a stop\n\nLast one.")
    assert [s.text for s in split_sentences(text)] == [
        "The U.S. Treasury said $3.1 trillion moved.",
        "Dr. Lim of No. 5 Precinct agreed!",
        "Was it J. Stock?",
        "\"Yes,\" he said.",
        "New paragraph without a stop",
        "Last one.",
    ]
    for sentence in split_sentences(text):
        assert text[sentence.start:sentence.end] == sentence.text


def test_split_sentences_on_line_breaks_after_a_stop():
    text = "First sentence ends here.\nSecond starts on a new line.\r\n\r\nThird."
    assert [s.text for s in split_sentences(text)] == [
        "First sentence ends here.", "Second starts on a new line.", "Third.",
    ]


def test_split_sentences_of_empty_text():
    assert split_sentences("") == []
    assert split_sentences(" \n\n ") == []


def test_the_article_splits_into_its_sentences():
    sentences = [s.text for s in split_sentences(ARTICLE)]
    assert len(sentences) == 20
    assert sentences[2].startswith("Interpol announced on Wednesday (March 27)")
    assert sentences[-1] == "Terima kasih telah membaca sampai di sini"


# --- properties -------------------------------------------------------------------------------


@given(
    value=st.integers(min_value=0, max_value=10**13),
    hedge=st.sampled_from(["", "up to ", "more than ", "about ", "nearly ", "at least "]),
    unit=st.sampled_from([("{} people", "count"), ("${}", "USD"), ("{} percent", "percent"),
                          ("€{}", "EUR"), ("{} baht", "THB")]),
)
def test_a_figure_in_a_sentence_is_found_with_its_exact_span(value, hedge, unit):
    template, code = unit
    phrase = hedge + template.format(format_number(value))
    text = f"In 2023, police said {phrase} were involved, a spokesman told reporters."
    found = extract_figures(text)
    assert [f.text for f in found] == [phrase]
    figure = found[0].figure
    assert figure.unit == code
    assert float(value) in (figure.low, figure.high, figure.point)
    assert [t.text for t in uncovered_tokens(text, found)] == ["2023"]


# Words and marks where figures begin, in any case, with the characters whose lower case moves
# offsets ("İ") or that IGNORECASE folds to an ASCII letter though str.lower() does not ("ı",
# "ſ", the Kelvin sign).
CANDIDATE_PIECES = ["About", "ABOUT", "over", "Over", "between", "From", "some", "Several",
                    "a few", "A FEW", "dozens", "Hundreds", "one", "Two", "half", "US$", "RM",
                    "P", "K", "€", "$", "5", "3,500", "2.4", "million", "bn", "people", "İ",
                    "ı", "ſ", "K", "ſome", "abouı", "naïve", "café", "—", "-", "(", ")", ",",
                    ".", "’s", "Thailand's", "x5", "5x"]


@given(st.lists(st.sampled_from(CANDIDATE_PIECES), max_size=25),
       st.lists(st.sampled_from(["", " ", "  ", "\n"]), min_size=25, max_size=25))
def test_the_lowered_candidate_scan_finds_what_the_case_blind_one_finds(pieces, gaps):
    text = "".join(piece + gap for piece, gap in zip(pieces, gaps, strict=False))
    fast = [(m.start(), m.end()) for m in figure_candidates(text)]
    assert fast == [(m.start(), m.end()) for m in FIGURE_CANDIDATE_RE.finditer(text)], text
