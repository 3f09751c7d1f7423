"""Read one figure phrase ("nearly 2,000 arrests", "between $4 and $6 billion") into a record.

The reader is driven by the lexicon tables below (hedges, currencies, scales, vague
magnitudes, non-count nouns), so new wording is a table entry, not a new branch. Grammar:

    figure   := [hedge] [between | from] quantity [connector quantity] [post-hedge]
                [physical-unit | noun]
              | [hedge] vague-magnitude [of vague-scale]* [of currency | of noun]
              | [hedge] ("a few" | "several") scale-word+ [currency | noun]
              | [hedge] fraction [of a scale-word [currency]] | [hedge] ratio
    quantity := [currency-mark [currency-mark]] number [scale] [currency-name | percent]

Physical quantities (weights, areas, volumes) are read with pint's default unit registry and
carried in SI base units: unit "kg", "m²" or "m³", with `Figure.unit_as_written` keeping the
text's own unit ("metric tons", "hectares"). A "ton" or "tons" without a qualifier is read as
the METRIC TONNE (1,000 kg), the ton of the Southeast Asian and wire reporting this project
reads, not pint's default short ton; "short ton" and "long ton" are read as written. An acre
is the international acre. Lengths (a distance) are not figures. Fractions and ratios in words
("more than half", "two-thirds", "one in five") are percentages. Every hedge word has one
reading (its bound here; for the approximations just below the figure, "nearly", "just under",
"shy of" and the like, the interval in crimefigures.quantities.uncertainty.BELOW_HEDGES).

The two ends of a range must agree (a year opens only a span of years; a percentage or a
scaled amount of money needs the same on the far end), because "to" also joins a change to
its result: in "rose 16 per cent in 2021 to S$5.4 trillion" and "increased by 42.6 percent
to 39,824" the figure is the first end alone. The counted noun is the head (last noun) of
the noun phrase after the number: "84 land title deeds" counts deeds.

Numbers are read as English text reads them: a comma followed by exactly three digits
groups thousands, a dot is a decimal point. A dot followed by exactly three digits groups
thousands only where nothing else makes sense: several such groups ("1.234.567"), a currency
written that way (EUR, IDR, VND), or a count of things ("3.500 arrests"). A comma followed by
one or two digits is a decimal comma ("3,1 trillion"). Arithmetic is exact (Decimal) until
the final float, so a number written out by `format_number` reads back unchanged.

Anything that only looks like a figure (a year, a date, a clock time, an ordinal, a time
span, a distance, a phone number, a code such as "COVID-19") raises ParseError saying what
it looks like.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields
from decimal import Context, Decimal
from typing import Any, Final

from crimefigures.errors import ParameterError, ParseError

EXACT, APPROX, LOWER, UPPER, RANGE = "exact", "approx", "lower", "upper", "range"
BOUNDS: Final = (EXACT, APPROX, LOWER, UPPER, RANGE)
PERCENT, COUNT = "percent", "count"

# ---------------------------------------------------------------------------------------------
# Lexicon tables
# ---------------------------------------------------------------------------------------------

# A hedge before a range or a vague count ("more than several hundred", "as low as 10-20 baht",
# "up to tens of thousands") bounds the figure by the END of the range that the sentence commits
# to: a lower hedge gives a lower bound at the range's low end (more than some number in
# [300, 900] is surely more than 300), an upper hedge an upper bound at its high end (at most
# some number in [10, 20] is surely at most 20). An approximating hedge ("about 40 to 70
# percent", "nearly several hundred") leaves the range as written: the range is already the
# approximation. The hedge word is kept in the record either way.
HEDGES: Final[dict[str, str]] = {
    "up to": UPPER, "as much as": UPPER, "as many as": UPPER, "fewer than": UPPER,
    "less than": UPPER, "under": UPPER, "no more than": UPPER, "not more than": UPPER,
    "at most": UPPER, "a maximum of": UPPER, "as high as": UPPER,
    # "The better part of X" is more than half of X and less than X: the upper reading, whose
    # analysis interval is [f*X, X] with f = 1/2 by default.
    "the better part of": UPPER,
    "more than": LOWER, "over": LOWER, "at least": LOWER, "in excess of": LOWER,
    "upwards of": LOWER, "no fewer than": LOWER, "no less than": LOWER, "not less than": LOWER,
    "a minimum of": LOWER, "just over": LOWER, "well over": LOWER, "greater than": LOWER,
    "north of": LOWER, "as low as": LOWER, "as little as": LOWER,
    "about": APPROX, "around": APPROX, "some": APPROX, "approximately": APPROX,
    "approx.": APPROX, "roughly": APPROX, "an estimated": APPROX, "estimated": APPROX,
    "circa": APPROX, "~": APPROX,
    # Just short of the figure: an approximation that quantities.uncertainty reads as lying
    # just below it ([n*X, X], its BELOW_HEDGES). Each hedge has that one reading; a test checks
    # that the parser and the interval rules agree, hedge by hedge.
    **dict.fromkeys(
        ("nearly", "almost", "close to", "just under", "nearing", "shy of", "just shy of"),
        APPROX),
    # Comparisons written out in full ("losses less than or equal to S$2,000").
    "less than or equal to": UPPER, "fewer than or equal to": UPPER,
    "equal to or less than": UPPER, "up to and including": UPPER,
    "more than or equal to": LOWER, "greater than or equal to": LOWER,
    "equal to or more than": LOWER, "equal to or greater than": LOWER,
    # Verbs of passing a mark ("monies exceeding S$1.45 billion", "losses topped $1 billion").
    # "top" itself is left out: "the top 10 countries" is a rank, not a bound.
    **dict.fromkeys(
        ("exceed", "exceeds", "exceeded", "exceeding", "surpass", "surpasses", "surpassed",
         "surpassing", "tops", "topped", "topping"), LOWER),
}

# Written after the number: "1,000 or more", "10,000-plus", "5,000+", "30-odd". The hedge is
# recorded without its joining hyphen ("plus", "odd").
POST_HEDGES: Final[dict[str, str]] = {
    "or more": LOWER, "-plus": LOWER, "+": LOWER, "or so": APPROX, "-odd": APPROX,
    "or fewer": UPPER, "or less": UPPER,
}

# Which words join the two ends of a range, by the word that opens it.
RANGE_CONNECTORS: Final[dict[str | None, tuple[str, ...]]] = {
    "between": ("and", "-", "–", "—"),
    "from": ("to", "-", "–", "—"),
    None: ("to", "-", "–", "—"),
}

# Marks written before the amount. "¥" is read as yen, "pesos" as Philippine pesos: the
# reporting this project reads is about Asia; write CN¥ or "yuan" for renminbi. "Bt" is the
# Thai press's mark for baht ("Bt50 million"); "US $18 billion" puts a space after "US".
CURRENCY_MARKS: Final[dict[str, str]] = {
    "US$": "USD", "U.S.$": "USD", "US $": "USD", "U.S. $": "USD", "USD": "USD", "$": "USD",
    "USD$": "USD",
    "S$": "SGD", "SGD": "SGD", "HK$": "HKD", "HKD": "HKD", "A$": "AUD", "AU$": "AUD",
    "AUD": "AUD", "C$": "CAD", "CA$": "CAD", "CAD": "CAD", "NT$": "TWD", "TWD": "TWD",
    "NZ$": "NZD", "NZD": "NZD",
    "€": "EUR", "EUR": "EUR", "£": "GBP", "GBP": "GBP", "CHF": "CHF",
    "¥": "JPY", "JPY": "JPY", "CN¥": "CNY", "RMB": "CNY", "CNY": "CNY",
    "฿": "THB", "THB": "THB", "Bt": "THB", "₱": "PHP", "PHP": "PHP", "RM": "MYR", "MYR": "MYR",
    "Rs.": "INR", "Rs": "INR", "₹": "INR", "INR": "INR", "Rp.": "IDR", "Rp": "IDR",
    "IDR": "IDR", "₫": "VND", "VND": "VND", "KHR": "KHR", "៛": "KHR", "MMK": "MMK", "₩": "KRW",
    "KRW": "KRW", "LAK": "LAK", "BND": "BND",
}

# Marks read as money only where the amount looks like money: glued to digits that carry a
# scale ("P180 million", "P1.5B") or group thousands ("P25,000"). Philippine reporting writes
# pesos as "P", but "P2" is as often a code (a visa class, a lab level), so a bare "P500" is
# left unread: it stays an uncovered number for the coverage check. Written in capitals only.
# Myanmar reporting writes kyat as "K" ("K500 million", "K25,000"), guarded the same way
# ("K9" is a unit, "K2" a mountain).
GUARDED_MARKS: Final[dict[str, str]] = {"P": "PHP", "K": "MMK"}

# Names written after the amount. Plain "dollars" is USD unless a mark or a country
# adjective ("Singapore dollars", see CURRENCY_ADJECTIVES) says which dollar.
_PLAIN_CURRENCY_NAMES: Final[dict[str, str]] = {
    "dollars": "USD", "dollar": "USD",
    "euros": "EUR", "euro": "EUR", "pounds sterling": "GBP", "sterling": "GBP",
    "pounds": "GBP", "pound": "GBP", "yen": "JPY", "yuan": "CNY", "renminbi": "CNY",
    "baht": "THB", "pesos": "PHP", "peso": "PHP", "ringgit": "MYR", "rupees": "INR",
    "rupee": "INR", "rupiah": "IDR", "dong": "VND", "riel": "KHR", "riels": "KHR",
    "kyat": "MMK", "kyats": "MMK", "won": "KRW", "kip": "LAK", "RMB": "CNY",
    **{code: code for code in set(CURRENCY_MARKS.values())},
}
GENERIC_DOLLAR_NAMES: Final = frozenset({"dollars", "dollar"})
DOLLAR_CODES: Final = frozenset({"USD", "SGD", "HKD", "AUD", "CAD", "TWD", "NZD", "BND"})

# A currency name may be led by its country's adjective ("Thai baht", "Philippine pesos",
# "Hong Kong dollars"); each adjective goes only with the names of its own currency, so
# "Thai dollars" stays unread.
CURRENCY_ADJECTIVES: Final[dict[str, str]] = {
    "US": "USD", "U.S.": "USD", "American": "USD", "Singapore": "SGD", "Singaporean": "SGD",
    "Hong Kong": "HKD", "Australian": "AUD", "Canadian": "CAD", "Taiwan": "TWD",
    "New Taiwan": "TWD", "Taiwanese": "TWD", "New Zealand": "NZD", "Brunei": "BND",
    "Thai": "THB", "Philippine": "PHP", "Malaysian": "MYR", "Indian": "INR",
    "Indonesian": "IDR", "Vietnamese": "VND", "Cambodian": "KHR", "Myanmar": "MMK",
    "Burmese": "MMK", "Lao": "LAK", "Laotian": "LAK", "South Korean": "KRW", "Korean": "KRW",
    "Japanese": "JPY", "Chinese": "CNY",
}


def _names_with_adjectives(names: dict[str, str]) -> dict[str, str]:
    """Every "<adjective> <name>" pair where both say the same currency (codes excluded)."""
    pairs = {}
    for adjective, code in CURRENCY_ADJECTIVES.items():
        own = {name for name, named in names.items() if named == code and not name.isupper()}
        if code in DOLLAR_CODES:
            own |= GENERIC_DOLLAR_NAMES
        pairs.update({f"{adjective} {name}": code for name in sorted(own)})
    return pairs


CURRENCY_NAMES: Final[dict[str, str]] = {
    **_PLAIN_CURRENCY_NAMES, **_names_with_adjectives(_PLAIN_CURRENCY_NAMES),
}
# Currency names that are also weights, and the words after them that say so: "pounds of
# cocaine" is not sterling; "50 baht in weight of gold" is the Thai goldsmiths' weight (about
# 15 g), not money, though "30.9 million baht of assets" is. Such a figure is rejected as a
# weight (the names are in NON_COUNT_NOUNS).
WEIGHT_WHEN_FOLLOWED_BY: Final[dict[str, str]] = {
    "pounds": "of", "pound": "of", "baht": "in weight", "Thai baht": "in weight",
}
# Currencies whose own writing groups thousands with dots ("Rp 3.500", "€3.500").
DOT_THOUSANDS_CURRENCIES: Final = frozenset({"EUR", "IDR", "VND"})

# Scale words, written with or without a space. "tr" is read as trillion (as "tn");
# Vietnamese "tr" (triệu, million) is not supported.
SCALE_WORDS: Final[dict[str, int]] = {
    "hundred": 10**2, "thousand": 10**3, "million": 10**6, "billion": 10**9,
    "trillion": 10**12, "lakh crore": 10**12, "lakh": 10**5, "lakhs": 10**5,
    "crore": 10**7, "crores": 10**7, "mil": 10**6, "mln": 10**6, "mn": 10**6,
    "bil": 10**9, "bln": 10**9, "bn": 10**9, "trln": 10**12, "tn": 10**12, "tr": 10**12,
    "juta": 10**6, "miliar": 10**9, "triliun": 10**12, "dozen": 12,
}
# One-letter scales only count glued to the number ("$3m", "5k", "$2B"), or spaced after a
# currency mark ("€5 m"); "5 m" alone is more likely metres.
SCALE_LETTERS: Final[dict[str, int]] = {"k": 10**3, "m": 10**6, "b": 10**9}

# A vague magnitude spans [low, high]; a following "of thousands" etc. multiplies both ends
# ("hundreds of thousands" = [1e5, 1e6]). Most span one order of magnitude (dozens: one to
# twelve dozen); "billions" runs up to a trillion, [1e9, 1e12], as the project specifies.
#
# Conventions for the vaguer counts, each stated here once:
#   "scores of"   [40, 200]  at least two score, short of ten score (then one says hundreds);
#   "a handful"   [3, 10]    more than a couple, no more than the fingers of two hands.
# Both are read only before "of" ("scores of victims"; "a handful from Thailand" too for a
# handful), since "scores" and "handful" are also ordinary nouns ("test scores").
VAGUE_MAGNITUDES: Final[dict[str, tuple[int, int]]] = {
    "scores": (40, 200), "a handful": (3, 10),
    "tens": (10, 100), "dozens": (12, 144), "hundreds": (100, 1000),
    "thousands": (10**3, 10**4), "lakhs": (10**5, 10**6), "millions": (10**6, 10**7),
    "crores": (10**7, 10**8), "billions": (10**9, 10**12), "trillions": (10**12, 10**13),
}
VAGUE_NEEDS_AFTER: Final[dict[str, str]] = {
    "scores": r"\s+of\b|\s*\Z", "a handful": r"\s+(?:of|from)\b|\s*\Z",
}
# "a few" or "several" before scale words multiplies the scale by a vague count:
#   "a few"    [2, 5]   ("a few dozen" = [24, 60], "a few thousand" = [2,000, 5,000]);
#   "several"  [3, 9]   ("several hundred" = [300, 900], "several hundred thousand" = [3e5, 9e5]).
VAGUE_MULTIPLIERS: Final[dict[str, tuple[int, int]]] = {"a few": (2, 5), "several": (3, 9)}
VAGUE_SCALES: Final[dict[str, int]] = {
    "thousands": 10**3, "lakhs": 10**5, "millions": 10**6, "crores": 10**7,
    "billions": 10**9, "trillions": 10**12,
}

# Fractions written in words ("more than half", "nearly a third of", "two-thirds") are read as
# percentages, or, before "of a <scale>", as that share of the scaled amount ("a quarter of a
# trillion dollars" = 2.5e11 USD). A singular fraction after "a"/"one" is read only before
# "of" or after a hedge ("a third of the victims", "close to a third"), and a bare "half" only
# after a hedge or before "of"/"the", never after "first", "second", "last", "the" and the like
# ("in the first half of 2025" is a time). Ratios in words ("one in five", "1 in 4",
# "three out of four") are percentages too.
FRACTION_DENOMINATORS: Final[dict[str, int]] = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
    "fifth": 5, "fifths": 5, "tenth": 10, "tenths": 10,
}
FRACTION_BLOCKED_AFTER: Final = (
    "first", "second", "third", "fourth", "last", "latter", "former", "other", "the", "this",
    "that", "next", "past", "each", "a", "an", "one",
)

# Physical quantities, by the unit as written, each a unit expression of pint's default
# registry. The parser reads a value in the SI base unit of its dimension (KILOGRAM,
# SQUARE_METRE or CUBIC_METRE below) and keeps the unit as written in `Figure.unit_as_written`.
# The conversion factors are pint's, taken once, at the first physical quantity read. An
# unqualified ton is the metric tonne (see the module docstring). Lengths stay unread.
PHYSICAL_UNITS: Final[dict[str, str]] = {
    **dict.fromkeys(("kg", "kgs", "kilogram", "kilograms", "kilogramme", "kilogrammes", "kilo",
                     "kilos"), "kilogram"),
    **dict.fromkeys(("g", "gram", "grams", "gramme", "grammes"), "gram"),
    **dict.fromkeys(("tonne", "tonnes", "ton", "tons", "metric ton", "metric tons",
                     "metric tonne", "metric tonnes"), "metric_ton"),
    **dict.fromkeys(("short ton", "short tons"), "short_ton"),
    **dict.fromkeys(("long ton", "long tons"), "long_ton"),
    **dict.fromkeys(("lb", "lbs", "pound", "pounds"), "pound"),
    **dict.fromkeys(("ounce", "ounces", "oz"), "ounce"),
    **dict.fromkeys(("hectare", "hectares", "ha"), "hectare"),
    # The international acre (43,560 square feet); pint's "acre" is the US survey acre.
    **dict.fromkeys(("acre", "acres"), "43560 * foot ** 2"),
    **dict.fromkeys(("square kilometre", "square kilometres", "square kilometer",
                     "square kilometers", "sq km", "km2", "km²"), "kilometer ** 2"),
    **dict.fromkeys(("square metre", "square metres", "square meter", "square meters",
                     "sq m", "m2", "m²"), "meter ** 2"),
    **dict.fromkeys(("square mile", "square miles", "sq mi"), "mile ** 2"),
    **dict.fromkeys(("litre", "litres", "liter", "liters"), "liter"),
    **dict.fromkeys(("millilitre", "millilitres", "milliliter", "milliliters", "ml"),
                    "milliliter"),
    **dict.fromkeys(("cubic metre", "cubic metres", "cubic meter", "cubic meters", "m3", "m³"),
                    "meter ** 3"),
    **dict.fromkeys(("gallon", "gallons"), "gallon"),
}
# Units that may be glued to the number ("850kg", "1.72kg", "500g"), in lower case only, so a
# code such as "5G" stays a code.
GLUED_PHYSICAL_UNITS: Final = ("kg", "kgs", "g", "lb", "lbs", "oz", "ha", "km2", "km²", "m2",
                               "m²", "m3", "m³", "ml")
KILOGRAM, SQUARE_METRE, CUBIC_METRE = "kg", "m²", "m³"
# pint's dimensionality of each base unit, and the unit string the record carries.
SI_BASE_UNITS: Final[dict[str, str]] = {
    "[mass]": KILOGRAM, "[length] ** 2": SQUARE_METRE, "[length] ** 3": CUBIC_METRE,
}
PHYSICAL: Final = frozenset(SI_BASE_UNITS.values())

NUMBER_WORDS: Final[dict[str, int]] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
TENS_WORDS: Final = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
DIGIT_WORDS: Final = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

# Percent after the number: spaced, glued or hyphenated ("40 percent", "40%", "a 24-percent
# drop"). "pc" (British press, "12pc") only counts glued: "12 pc" may be twelve computers.
PERCENT_WORDS: Final = ("%", "percent", "per cent", "per-cent", "pct")
GLUED_PERCENT_WORDS: Final = ("pc",)

# Words after a number that make it a measure rather than a count, with what it looks like.
NON_COUNT_NOUNS: Final[dict[str, str]] = {
    **dict.fromkeys(
        ("year", "years", "month", "months", "week", "weeks", "day", "days", "hour", "hours",
         "minute", "minutes", "second", "seconds", "decade", "decades", "century",
         "centuries", "yr", "yrs", "hrs"), "a time span"),
    **dict.fromkeys(
        ("kg", "kgs", "kilogram", "kilograms", "kilo", "kilos", "g", "gram", "grams", "tonne",
         "tonnes", "ton", "tons", "t", "lb", "lbs", "pounds", "pound", "ounce", "ounces", "oz",
         "baht"), "a weight"),
    **dict.fromkeys(
        ("km", "kilometre", "kilometres", "kilometer", "kilometers", "mile", "miles", "m",
         "metre", "metres", "meter", "meters", "feet", "ft", "hectares", "hectare", "acres",
         "litres", "liters", "cm", "mm"), "a measurement"),
    **dict.fromkeys(("times", "fold"), "a multiplier"),
    "percentage": "percentage points (a difference between percentages)",
}



def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words that end a noun search: a number followed by one of these has no counted noun.
NOT_NOUNS: Final = _word_set("""
    a an the and or but nor of in on at to for from by with without into onto over under
    since until till per as than that which who whom whose this these those is are was were
    be been being has have had do does did will would can could may might must shall should
    it its they them their he she his her we our you your i me my more less each every all
    worth ago so not also still already now then there here when where while after before
    during between among across against about around through via up down out off again too
    very just only both either neither if because according said say says last next other
    am pm
""")

# The counted noun is the head of the noun phrase after the number, which in English is its
# LAST noun: "84 land title deeds" counts deeds, "51 police reports" reports. The phrase is
# read as a run of words up to a stop word or punctuation (at most NOUN_RUN_LIMIT words), and
# its head is the first plural in the run ("59 cyber fraudsters from ..."), or, when the run
# has none, the last invariant plural ("470 people live ..."), else the first word that is
# neither a modifier nor capitalised ("one suspect fled": suspect).
NOUN_RUN_LIMIT: Final = 5
# Plurals without a final "s"; they may also modify a later plural ("people smugglers").
INVARIANT_PLURALS: Final = _word_set("""
    people children men women police staff personnel crew
""")
# Words ending in "s" that are not plurals, or plurals that usually modify ("arms dealers",
# "savings accounts"); they never end the run.
NOT_PLURAL_HEADS: Final = _word_set("""
    arms customs goods news sales savings sports series species means
""")
# Words ending like these are not plurals: "business", "Thailand's"; and, written in lower
# case, "virus", "crisis" (a capitalised "-us"/"-is" word is a demonym, "Thais").
NEVER_PLURAL_ENDINGS: Final = ("ss", "'s", "’s")
LOWER_CASE_SINGULAR_ENDINGS: Final = ("us", "is")

# Words that qualify a following head noun ("suspected scammers"); a capitalised word
# ("Chinese nationals") is treated the same way.
NOUN_MODIFIERS: Final = _word_set("""
    suspected alleged foreign local illegal undocumented new additional known reported
    confirmed registered active fake fraudulent online criminal human trafficking trafficked
    scam fraud money bank crypto cryptocurrency mule young female male migrant migrant-worker
    rescued detained arrested missing potential possible individual separate
""")

MONTHS: Final = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug",
    "Sep", "Sept", "Oct", "Nov", "Dec",
)
WEEKDAYS: Final = (
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
)
ORDINAL_WORDS: Final = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "twentieth", "thirtieth", "hundredth", "thousandth",
    "millionth",
)
# A number straight after one of these is a label or an age, not a figure.
LABEL_WORDS: Final[dict[str, str]] = {
    **dict.fromkeys(
        ("No.", "Nos.", "number", "article", "section", "chapter", "page", "room", "flight",
         "route", "level", "phase", "tier", "category", "paragraph", "clause", "resolution",
         "grade"),
        "a label or reference number (such as 'Article 5')"),
    **dict.fromkeys(("aged", "age", "ages"), "an age"),
}
# After one of these, "from A to B" is a change from one value to another, not a range
# ("losses rose from $3 billion to $4 billion"): each value is a figure of its own.
CHANGE_VERBS: Final = (
    "rose", "rise", "rises", "rising", "risen", "fell", "fall", "falls", "falling", "fallen",
    "grew", "grow", "grows", "growing", "grown", "increased", "increase", "increases",
    "increasing", "decreased", "decrease", "decreases", "decreasing", "declined", "decline",
    "declines", "declining", "dropped", "drop", "drops", "dropping", "jumped", "jump", "jumps",
    "jumping", "climbed", "climb", "climbs", "climbing", "surged", "surge", "surges",
    "surging", "soared", "soar", "soars", "soaring", "plunged", "plunge", "plunges",
    "plunging", "slumped", "shrank", "shrunk", "shrinks", "shrinking", "doubled", "tripled",
    "went up", "went down", "gone up", "gone down", "up", "down",
)

def _si_factor(registry: Any, unit: str) -> tuple[Decimal, str]:
    """How many SI base units one `unit` (a pint expression) is, and that base unit's string."""
    base = registry.parse_expression(unit).to_base_units()
    return Decimal(f"{base.magnitude:.15g}"), SI_BASE_UNITS[str(base.dimensionality)]


@functools.cache
def _physical_factors() -> dict[str, tuple[Decimal, str]]:
    """Each written unit's factor to its SI base unit, from pint's default registry. Built at
    the first weight, area or volume read: importing pint and building its registry takes a
    third of a second, which a process that reads no physical quantity (the figures step, a
    parameter change) should not pay."""
    import pint

    registry = pint.UnitRegistry()
    return {written.lower(): _si_factor(registry, unit)
            for written, unit in PHYSICAL_UNITS.items()}


# ---------------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One figure phrase read into numbers. See the module docstring for the filling rule."""

    text: str
    bound: str
    low: float | None
    high: float | None
    point: float | None
    unit: str
    noun: str | None
    hedge: str | None
    # For a physical quantity (unit "kg", "m²" or "m³"), the unit as the text writes it
    # ("metric tons", "hectares"); None for money, percentages and counts.
    unit_as_written: str | None = None

    def to_dict(self) -> dict[str, Any]:
        # Shallow on purpose: dataclasses.asdict deep-copies every field, which dominated
        # the cost of reading a 100,000-claim ledger.
        record = {name: getattr(self, name) for name in FIGURE_FIELDS}
        if self.unit_as_written is not None:
            record["unit_as_written"] = self.unit_as_written
        return record


# The fields every record has, and the ledger's columns: `unit_as_written` is left out (it is
# in `to_dict` only for physical quantities), so tables written before it keep their columns.
FIGURE_FIELDS: Final[tuple[str, ...]] = tuple(
    field.name for field in fields(Figure) if field.name != "unit_as_written"
)


def _figure(text: str, bound: str, low: float | None, high: float | None, point: float | None,
            unit: str, noun: str | None, hedge: str | None,
            unit_as_written: str | None) -> Figure:
    """Figure(...), without the frozen dataclass's field-by-field __setattr__ (a third of the
    cost of building a record showed in the profile). Same object, same equality."""
    figure = object.__new__(Figure)
    figure.__dict__.update(text=text, bound=bound, low=low, high=high, point=point, unit=unit,
                           noun=noun, hedge=hedge, unit_as_written=unit_as_written)
    return figure


@dataclass(frozen=True)
class FigureMatch:
    """A figure found at a position in a longer text (what `extract` builds on)."""

    start: int
    end: int
    figure: Figure
    # Spelled out with no scale or unit and either no noun or a value below two ("one of",
    # "two of them", "one official"): in running prose these are rarely reported figures.
    likely_prose: bool
    # Why a connector and a quantity right after the figure were not read as the far end of a
    # range ("42.6 percent to 39,824": a change and its result), or None.
    unjoined: str | None = None


# The scanner's own records are plain slotted classes (never changed once made): a frozen
# dataclass sets each field through object.__setattr__, which showed in the profile.
@dataclass(slots=True)
class _Quantity:
    number_start: int
    end: int
    digits: str | None  # the digit run as written, or None for a number written in words
    word_value: Decimal | None
    scale: int | None
    currency: str | None
    generic_dollar: bool  # named only as "dollars", so a mark on the other end may say which
    percent: bool
    after: str | None = None  # `_lead` at `end`, when it was read there


@dataclass(slots=True)
class _Scan:
    end: int
    hedge: str | None = None
    hedge_bound: str | None = None
    opener: str | None = None
    first: _Quantity | None = None
    second: _Quantity | None = None
    vague: tuple[int, int] | None = None
    vague_currency: str | None = None
    post_hedge: str | None = None
    post_bound: str | None = None
    noun: str | None = None
    unjoined: str | None = None
    physical: str | None = None  # the physical unit as written, a key of PHYSICAL_UNITS
    fixed: tuple[Decimal, str] | None = None  # a fraction or ratio's value and unit


# ---------------------------------------------------------------------------------------------
# Patterns built from the tables
# ---------------------------------------------------------------------------------------------


def _phrase(word: str) -> str:
    """A table entry as a pattern: any run of spaces between words, word edges at letters."""
    body = re.escape(word).replace(r"\ ", r"\s+")
    if word[0].isalpha():
        body = rf"(?<![^\W\d_]){body}"
    if word[-1].isalpha():
        body = rf"{body}(?![^\W\d_])"
    return body


def _alternation(words: Iterable[str]) -> str:
    """Longest first, so "no more than" wins over "more than"."""
    return "|".join(_phrase(word) for word in sorted(set(words), key=len, reverse=True))


def _norm(words: str) -> str:
    lowered = words.lower()
    if " " not in lowered and lowered.isprintable():  # no whitespace of any kind
        return lowered
    return " ".join(lowered.split())


def _index(table: dict[str, Any]) -> dict[str, Any]:
    """The table keyed as `_norm` writes what a case-insensitive pattern matched."""
    return {_norm(key): value for key, value in table.items()}


_I = re.IGNORECASE
_SPACES = "[ \u00a0\u2009\u202f]"
_HEDGES = _index(HEDGES)
_POST_HEDGES = _index(POST_HEDGES)
_MARKS = _index(CURRENCY_MARKS)
_NAMES = _index(CURRENCY_NAMES)
_SCALES = _index({**SCALE_WORDS, **SCALE_LETTERS})
_NON_COUNT = _index(NON_COUNT_NOUNS)
_LABELS = _index(LABEL_WORDS)

_HEDGE_ALT = _alternation(HEDGES)
_MARK_ALT = _alternation(CURRENCY_MARKS)
_NAME_ALT = "|".join(
    _phrase(name)
    + (rf"(?!\s+{_phrase(WEIGHT_WHEN_FOLLOWED_BY[name])})" if name in WEIGHT_WHEN_FOLLOWED_BY
       else "")
    for name in sorted(CURRENCY_NAMES, key=len, reverse=True)
)
_SCALE_WORD_ALT = _alternation(SCALE_WORDS)
_VAGUE_ALT = _alternation(VAGUE_MAGNITUDES)
# A digit run with its separators: "3,500", "1,00,000", "3.1", "3,1", "3 500" (any space kind).
DIGITS_PATTERN = rf"\d{{1,3}}(?:{_SPACES}\d{{3}}(?!\d))+(?:[.,]\d+)?|\d+(?:[.,]\d+)*"
_TENS_UNITS = (
    rf"(?:{_alternation(TENS_WORDS)})(?:[-\s](?:{_alternation(DIGIT_WORDS)}))?"
    rf"|{_alternation(w for w in NUMBER_WORDS if w not in TENS_WORDS)}"
)
_WORD_NUMBER_PATTERN = (
    rf"(?:{_alternation(('a', 'an', *DIGIT_WORDS))})\s+hundred(?:\s+(?:and\s+)?(?:{_TENS_UNITS}))?"
    rf"|{_TENS_UNITS}"
    rf"|(?:{_alternation(('half a', 'half', 'an', 'a'))})(?=\s+(?:{_SCALE_WORD_ALT}))"
)

_HEDGE_RE = re.compile(rf"(?P<hedge>{_HEDGE_ALT})\s*", _I)
_OPENER_RE = re.compile(rf"(?P<opener>{_alternation(('between', 'from'))})\s+", _I)
# A mark may be doubled when both say the same currency ("USD $5 million", "US$ USD 5").
_MARK_RE = re.compile(rf"(?P<mark>{_MARK_ALT})(?:\s*(?P<mark2>{_MARK_ALT}))?\s*(?=\d)", _I)
_GUARDED_MARK_RE = re.compile(rf"(?P<mark>{_alternation(GUARDED_MARKS)})(?=\d)")
_GROUPED_THOUSANDS_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DIGITS_RE = re.compile(DIGITS_PATTERN)
_WORD_NUMBER_RE = re.compile(_WORD_NUMBER_PATTERN, _I)
_SCALE_RE = re.compile(rf"\s*(?P<word>{_SCALE_WORD_ALT})|(?P<letter>[kmb])(?![^\W\d_])", _I)
_SPACED_LETTER_RE = re.compile(r"\s+(?P<letter>[kmb])(?![^\W\d_])", _I)
_PERCENT_RE = re.compile(
    rf"\s*%|(?:\s*|-)(?:{_alternation(PERCENT_WORDS[1:])})"
    rf"|(?:{_alternation(GLUED_PERCENT_WORDS)})",
    _I,
)
_NAME_RE = re.compile(rf"\s+(?P<name>{_NAME_ALT})|\s*(?P<name_sign>៛)", _I)
_OF_NAME_RE = re.compile(rf"\s+of\s+(?P<name>{_NAME_ALT})", _I)
_VAGUE_RE = re.compile(
    "|".join(
        rf"(?P<v{i}>{_phrase(word)})" + (rf"(?={VAGUE_NEEDS_AFTER[word]})"
                                         if word in VAGUE_NEEDS_AFTER else "")
        for i, word in enumerate(sorted(VAGUE_MAGNITUDES, key=len, reverse=True))
    ),
    _I,
)
_VAGUE_WORDS: Final = tuple(sorted(VAGUE_MAGNITUDES, key=len, reverse=True))
_FULL_SCALE_WORDS: Final = {w: v for w, v in SCALE_WORDS.items() if len(w) > 3 or w == "mil"}
_FULL_SCALE_ALT = _alternation(_FULL_SCALE_WORDS)
_FEW_RE = re.compile(
    rf"(?P<few>{_alternation(VAGUE_MULTIPLIERS)})\s+"
    rf"(?P<scales>(?:{_FULL_SCALE_ALT})(?:\s+(?:{_FULL_SCALE_ALT}))*)",
    _I,
)
_FULL_SCALE_RE = re.compile(_FULL_SCALE_ALT, _I)
_NUMBER_WORD_ALT = _alternation(NUMBER_WORDS)
_SINGULAR_DENOMINATORS: Final = ("half", "third", "quarter", "fifth", "tenth")
_PLURAL_DENOMINATORS: Final = tuple(
    d for d in FRACTION_DENOMINATORS if d not in _SINGULAR_DENOMINATORS)
_FRACTION_RE = re.compile(
    rf"(?P<num>{_alternation(('a', 'an', 'one'))})[\s-]+"
    rf"(?P<den>{_alternation(_SINGULAR_DENOMINATORS)})"
    rf"|(?P<nums>{_alternation(w for w in DIGIT_WORDS if w != 'one')})[\s-]+"
    rf"(?P<dens>{_alternation(_PLURAL_DENOMINATORS)})"
    rf"|(?P<half>{_phrase('half')})(?!-)",
    _I,
)
# (or the end of the text: a phrase read on its own, "half", is the fraction)
_OF_AHEAD_RE = re.compile(r"\s+of(?![^\W\d_])|\s*\Z", _I)
_HALF_AHEAD_RE = re.compile(r"\s+(?:of|the)(?![^\W\d_])|\s*\Z", _I)
_FRACTION_OF_SCALE_RE = re.compile(
    rf"\s+of\s+(?:a|an|one)\s+(?P<scale>{_alternation(_FULL_SCALE_WORDS)})", _I)
_FRACTION_BLOCKED_RE = re.compile(rf"(?:{_alternation(FRACTION_BLOCKED_AFTER)})\s+\Z", _I)
_RATIO_NUMBER = rf"(?<![\d,.])\d{{1,3}}(?![\d,.]\d)|{_NUMBER_WORD_ALT}"
_RATIO_RE = re.compile(
    rf"(?P<rn>{_RATIO_NUMBER})\s+(?:in|out\s+of)\s+(?:every\s+)?(?P<rd>{_RATIO_NUMBER})"
    rf"(?![^\W_])",
    _I,
)
_PHYSICAL_RE = re.compile(rf"\s*(?P<unit>{_alternation(PHYSICAL_UNITS)})(?!\d)", _I)
_GLUED_UNIT_FIRSTS: Final = frozenset(unit[0] for unit in GLUED_PHYSICAL_UNITS)
_GLUED_PHYSICAL_RE = re.compile(rf"(?:{_alternation(GLUED_PHYSICAL_UNITS)})(?![\w²³])")
_VAGUE_OF_SCALE_RE = re.compile(rf"\s+of\s+(?P<scale>{_alternation(VAGUE_SCALES)})", _I)
_POST_HEDGE_RE = re.compile(rf"\s*(?P<post>{_alternation(POST_HEDGES)})", _I)
_WORD = r"[^\W\d_][\w'’-]*"
_NOUN_RE = re.compile(rf"\s+(?P<word>{_WORD})")
_OF_NOUN_RE = re.compile(rf"\s+of\s+(?P<word>{_WORD})", _I)
_CONNECTOR_RES: Final = {
    opener: re.compile(
        "|".join(rf"\s+{c}\s+" if c.isalpha() else rf"\s*{c}\s*" for c in connectors), _I
    )
    for opener, connectors in RANGE_CONNECTORS.items()
}
_MONTH_ALT = _alternation(MONTHS)
_MONTH_WORDS: Final = frozenset(MONTHS)
_MONTH_BEFORE_RE = re.compile(rf"(?:{_MONTH_ALT})\.?\s+\Z")
# Days listed before a month: "27 March", "5 and 6 June", "5-7 May".
_DAYS_THEN_MONTH_RE = re.compile(
    rf"(?:(?:\s*,\s*|\s+(?:and|or|to|&)\s+|\s*[-–—]\s*)\d{{1,2}}(?:st|nd|rd|th)?)*"
    rf"\s+(?:of\s+)?(?:{_MONTH_ALT})(?![^\W\d_])"
)
_CONTEXT_WORDS: Final = frozenset(
    word.lower().rstrip(".") for word in (*MONTHS, *LABEL_WORDS))
_LABEL_BEFORE_RE = re.compile(rf"(?P<label>{_alternation(LABEL_WORDS)})\s*\Z", _I)
_CHANGE_BEFORE_RE = re.compile(rf"\b(?:{_alternation(CHANGE_VERBS)})\s+(?:from\s+)?\Z", _I)
_GLUED_BEFORE: Final = (
    (re.compile(r"[^\W\d_]-?\Z"), "part of a code or name (such as 'COVID-19')"),
    (re.compile(r"\d[:.]\Z"), "part of a clock time"),
    (re.compile(r"\d/\Z"), "part of a date or a fraction"),
    (re.compile(r"(?:1[89]|20)\d\d\s*[-–—]\s*\Z"), "part of a span of years"),
)
# What a _GLUED_BEFORE pattern can end with besides a letter (str.isalnum is re's \w, less "_").
_GLUED_BEFORE_ENDS: Final = "-–—:./"
_GLUED_AFTER: Final = (
    (re.compile(r"(?:st|nd|rd|th)(?![^\W\d_])", _I), "an ordinal (such as '3rd')"),
    (re.compile(r"s(?![^\W\d_])"), "a decade (such as 'the 1990s')"),
    (re.compile(r"\s*(?:a\.m\.|p\.m\.|am|pm)(?![^\W\d_])", _I), "a clock time"),
    (re.compile(r"[:h]\d\d"), "a clock time"),
    (re.compile(r"/\d"), "a date or a fraction"),
    (re.compile(r"-(?!plus(?![^\W\d_])|odd(?![^\W\d_]))[^\W\d_]", _I),
     "part of a compound word (such as '25-year-old')"),
    (re.compile(r"[^\W\d_]"), "part of a code or name (such as '5G')"),
)

# What a _GLUED_AFTER pattern can start with besides a letter, a digit or a space.
_GLUED_AFTER_FIRSTS: Final = frozenset(":/-")
# The same, as one pattern: its first alternative that matches names what the number is part of.
_GLUED_AFTER_RE: Final = re.compile("|".join(
    f"(?P<g{i}>{'(?i:' if pattern.flags & _I else '(?:'}{pattern.pattern}))"
    for i, (pattern, _) in enumerate(_GLUED_AFTER)
))

_YEAR = r"(?:1[89]|20)\d\d"
# A phone number is never a figure: a number straight after "+" (a country code), a number
# with a leading zero ("012-345 6789", "(02)"), three or more digit groups joined by hyphens
# or spaces that are not all thousands groups ("1-800-123-4567", "3-2266 2222"), or a bare
# number after a word for calling ("call 1599 or 997", "hotline 1441").
_PHONE_RUN_RE = re.compile(r"\d+(?:[-‐ ]\d+)+")
_PHONE_JOINERS: Final = frozenset("-‐ ")
PHONE_WORDS: Final = (
    "call", "calls", "calling", "dial", "dialling", "dialing", "ring", "hotline", "hotlines",
    "helpline", "phone", "telephone", "tel", "tel.", "mobile", "whatsapp", "fax", "sms",
)
# A cheap first look: the last word before a number _PHONE_CONTEXT_RE can match after ("" when
# the number follows a bracket, a comma or a slash).
_PHONE_CONTEXT_LAST: Final = frozenset({
    "", *(word.rstrip(".") for word in PHONE_WORDS), "on", "at", "the", "hotline", "helpline",
    "number", "numbers", "no", "line", "us", "police", "centre", "center", "or", "and",
})
_PHONE_CONTEXT_RE = re.compile(
    rf"(?:{_alternation(PHONE_WORDS)})"
    r"(?:\s+(?:on|at|the|hotline|helpline|number|numbers|no\.|line|us|police|centre|center)"
    r"(?![^\W\d_])|[\s:(]|[\d()+.\s-]+(?:or|and|/|,)\s*)*\Z",
    _I,
)
_WEEKDAY_ALT = _alternation(WEEKDAYS)
# Whole phrases that are not figures, tried before reading; the first match names the reason.
NON_FIGURE_PHRASES: Final = tuple(
    (re.compile(pattern, flags), what)
    for pattern, flags, what in (
        (rf"(?:(?:in|since|by|until|till|before|after|during|of|from|the|year|fy)\s+)?{_YEAR}",
         _I, "a year"),
        (r"(?:the\s+)?(?:(?:1[89]|20)?\d0s|'\d0s)", _I, "a decade (such as 'the 1990s')"),
        (rf"(?:(?:in|from|between)\s+)?{_YEAR}\s*(?:[-–—/]|to|and)\s*(?:\d\d|{_YEAR})",
         _I, "a span of years"),
        (rf"(?:on\s+)?(?:(?:{_WEEKDAY_ALT}),?\s+)?\(?(?:{_MONTH_ALT})\.?\s+"
         rf"\d{{1,2}}(?:st|nd|rd|th)?\)?(?:,?\s+{_YEAR})?", 0, "a date"),
        (rf"(?:on\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTH_ALT})\.?(?:,?\s+{_YEAR})?",
         0, "a date"),
        (rf"(?:{_MONTH_ALT})\.?\s+{_YEAR}", 0, "a date"),
        (r"\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}", 0, "a date"),
        (rf"(?:on\s+)?(?:{_WEEKDAY_ALT})", _I, "a day name"),
        # ... but not an amount with its mark and scale glued on ("RM2bil", "P5B").
        (rf"(?!(?i:{_MARK_ALT}|{_alternation(GUARDED_MARKS)})\d+(?i:{_SCALE_WORD_ALT}|[kmb])\Z)"
         r"[^\W\d_]+-?\d+[^\W\d_]*", 0, "part of a code or name (such as 'COVID-19')"),
        (r"\d{1,2}(?:[:.]\d\d)?\s*(?:a\.m\.|p\.m\.|am|pm)|\d{1,2}:\d\d(?::\d\d)?", _I,
         "a clock time"),
        (rf"(?:the\s+)?(?:\d+(?:st|nd|rd|th)|{_alternation(ORDINAL_WORDS)})", _I,
         "an ordinal (such as '3rd')"),
        (r"(?:(?:a|an|one|a\s+few|several|\d+|[a-z]+)\s+)?"
         r"(?:decades?|years?|months?|weeks?|days?|hours?|centur(?:y|ies))(?:\s+ago)?",
         _I, "a time span"),
    )
)

# The same, as one pattern: its first alternative that matches the whole phrase names the reason.
_NON_FIGURE_RE: Final = re.compile("|".join(
    f"(?P<n{i}>{'(?i:' if pattern.flags & _I else '(?:'}{pattern.pattern}))"
    for i, (pattern, _) in enumerate(NON_FIGURE_PHRASES)
))


# How a phrase that one of NON_FIGURE_PHRASES matches whole can end: with a digit, a bracket
# or a dot, as one token, or with one of these words (a month, a weekday, a word of time, an
# ordinal, a clock's am/pm) or a word holding a digit ("the 1990s", "21st"). Any other phrase
# ("about 2 billion baht") skips the pattern.
_NON_FIGURE_LAST_WORDS: Final = frozenset(
    word.lower() for word in (
        *MONTHS, *WEEKDAYS, *ORDINAL_WORDS, "am", "pm", "a.m", "p.m", "ago", "decade", "decades",
        "year", "years", "month", "months", "week", "weeks", "day", "days", "hour", "hours",
        "century", "centuries",
    )
)


def _may_be_non_figure(phrase: str) -> bool:
    if not phrase or phrase[-1].isdigit() or phrase[-1] in ").'’":
        return True
    parts = phrase.rsplit(None, 1)
    if len(parts) == 1:
        return True
    last = parts[1].lower().rstrip(".")
    return last in _NON_FIGURE_LAST_WORDS or (
        not last.isalpha() and _DIGIT_RE.search(last) is not None)


_DIGIT_RE: Final = re.compile(r"\d")


def _non_figure_reason(*phrases: str) -> str | None:
    """What the first of NON_FIGURE_PHRASES that matches one of `phrases` whole says."""
    first = None
    for phrase in phrases:
        if (_may_be_non_figure(phrase) and (m := _NON_FIGURE_RE.fullmatch(phrase))
                and m.lastgroup):
            index = int(m.lastgroup[1:])
            first = index if first is None else min(first, index)
    return None if first is None else NON_FIGURE_PHRASES[first][1]


# Where a figure can begin: a hedge, "between"/"from", a currency mark, digits, a number word
# or a vague magnitude. `extract` tries each in turn. The leading guard (not inside a word or
# number; a letter, digit or symbol mark next) lets most positions fail at once.
_SYMBOL_STARTS = "".join(sorted({w[0] for w in (*HEDGES, *CURRENCY_MARKS) if not w[0].isalnum()}))
_START_GUARD = rf"(?<![^\W_])(?=[^\W_]|[{re.escape(_SYMBOL_STARTS)}])"
_FRACTION_START = (rf"(?:a|an|one)[\s-]+(?:{_alternation((*_SINGULAR_DENOMINATORS, 'few'))})"
                   rf"|{_alternation(('half', 'several'))}")
_START_ALTERNATIVES: Final = (
    _HEDGE_ALT, _alternation(("between", "from")), rf"(?:{_MARK_ALT})(?=\s*(?:\d|{_MARK_ALT}))",
    rf"(?-i:{_GUARDED_MARK_RE.pattern})", DIGITS_PATTERN, _WORD_NUMBER_PATTERN, _VAGUE_ALT,
    _FRACTION_START,
)
FIGURE_START_RE: Final = re.compile(
    _START_GUARD + "(?:" + "|".join(f"(?:{pattern})" for pattern in _START_ALTERNATIVES) + ")",
    _I,
)



def _trie_pattern(words: Iterable[str]) -> str:
    """One pattern for a set of words, with shared prefixes factored out ("a(?:bout|n)?"), so
    the regex engine tries a few branches at each position instead of hundreds."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        branches = [re.escape(char) + build(node[char]) for char in sorted(node) if char]
        if not branches:
            return ""
        if len(branches) == 1 and "" not in node:
            return branches[0]
        return f"(?:{'|'.join(branches)})" + ("?" if "" in node else "")

    return build(trie)


def _first_letters(entry: str) -> str | None:
    found = re.match(r"[^\W\d_]+", entry)
    return found.group().lower() if found else None


# Where FIGURE_START_RE can match, as a cheap pattern (see crimefigures.text.extract): a digit, a
# symbol mark, or a word it can start with. A word that starts only entries of two or more
# words ("the" in "the better part of", "at" in "at least") is a candidate only before a next
# word (or mark) one of them has, so the commonest words of English rarely reach the loop.
def _start_entries() -> list[str]:
    """The literal beginnings of everything FIGURE_START_RE matches (see its alternatives)."""
    scales = [*SCALE_WORDS, "hundred"]
    entries = [*HEDGES, "between", "from", *CURRENCY_MARKS, *GUARDED_MARKS, *NUMBER_WORDS,
               *DIGIT_WORDS, *TENS_WORDS, "half", *VAGUE_MAGNITUDES, "several"]
    entries += [f"{n} hundred" for n in ("a", "an", *DIGIT_WORDS)]
    entries += [f"{n} {scale}" for n in ("a", "an", "half") for scale in scales]
    entries += [f"{n}{joint}{d}" for n in ("a", "an", "one") for joint in (" ", "-")
                for d in (*_SINGULAR_DENOMINATORS, "few")]
    entries += list(VAGUE_MULTIPLIERS)
    return entries


def _next_token(rest: str) -> str:
    """What `_lead` reads at the start of `rest`: a word's letters or one symbol, lower case."""
    rest = rest.lstrip()
    return (_first_letters(rest) or rest[0]).lower()


def _start_words() -> dict[str, frozenset[str] | None]:
    """Each first word, with the next tokens its entries allow (None: it can stand alone)."""
    allowed: dict[str, set[str] | None] = {}
    for entry in _start_entries():
        word = _first_letters(entry)
        if word is None:
            continue
        rest = entry[len(word):]
        if not rest or allowed.get(word, set()) is None:
            allowed[word] = None
        else:
            allowed.setdefault(word, set()).add(_next_token(rest))  # type: ignore[union-attr]
    return {w: None if a is None else frozenset(a) for w, a in allowed.items()}


FIGURE_START_WORDS: Final = _start_words()


def _candidate_pattern() -> str:
    alone = sorted(w for w, nexts in FIGURE_START_WORDS.items() if nexts is None)
    parts = [rf"\d|[{re.escape(_SYMBOL_STARTS)}]", rf"{_trie_pattern(alone)}(?![^\W\d_])"]
    for word, nexts in sorted(FIGURE_START_WORDS.items()):
        if nexts is None:
            continue
        words = sorted(n for n in nexts if n[0].isalpha())
        symbols = "".join(sorted(n for n in nexts if not n[0].isalpha()))
        # (no word edge after the next word: "a hundred" also starts "a Hundreds")
        ahead = [_trie_pattern(words)] if words else []
        ahead += [f"[{re.escape(symbols)}]"] if symbols else []
        parts.append(rf"{re.escape(word)}(?![^\W\d_])(?=\s*(?:{'|'.join(ahead)}))")
    return rf"(?<![^\W_])(?:{'|'.join(parts)})"


FIGURE_CANDIDATE_RE: Final = re.compile(_candidate_pattern(), _I)
# The same pattern, case-sensitive, for a text already lowered: re's IGNORECASE costs at every
# character, and this scan visits every character of a corpus (it was a fifth of `extract`).
_LOWERED_CANDIDATE_RE: Final = re.compile(_candidate_pattern())
# Characters that IGNORECASE matches to an ASCII letter but str.lower() leaves as they are
# (dotless i, long s): a text holding one is scanned with FIGURE_CANDIDATE_RE itself.
_FOLDED_APART: Final = ("ı", "ſ")


def figure_candidates(text: str) -> Iterator[re.Match[str]]:
    """FIGURE_CANDIDATE_RE.finditer(text), faster: the same matches at the same offsets, their
    text in lower case. Lowering is used only where it moves no offset ("İ" lowers to two
    characters) and folds every letter as IGNORECASE would."""
    lowered = text.lower()
    if len(lowered) == len(text) and _FOLDED_APART[0] not in text and (
            _FOLDED_APART[1] not in text):
        return _LOWERED_CANDIDATE_RE.finditer(lowered)
    return FIGURE_CANDIDATE_RE.finditer(text)

# First looks. Each big alternation above is tried only when the word (or mark) where it would
# start is one it can start with; these sets come from the same tables, so a skipped pattern is
# one that could not have matched.
_LEAD_RE = re.compile(r"(\s*)([^\W\d_]+|\S)?")


def _firsts(entries: Iterable[str]) -> frozenset[str]:
    """The lower-case first word (its letters) or first symbol of each entry."""
    return frozenset((_first_letters(entry) or entry[0]).lower() for entry in entries)


_HEDGE_FIRSTS: Final = _firsts(HEDGES)
_MARK_FIRSTS: Final = _firsts(CURRENCY_MARKS)
_FRACTION_FIRSTS: Final = _firsts((*NUMBER_WORDS, "a", "an", "half"))
_VAGUE_FIRSTS: Final = _firsts((*VAGUE_MAGNITUDES, *VAGUE_MULTIPLIERS))
_SCALE_FIRSTS: Final = _firsts(SCALE_WORDS) | set(SCALE_LETTERS)
_PERCENT_FIRSTS: Final = _firsts((*PERCENT_WORDS, *GLUED_PERCENT_WORDS)) | {"-"}
_NAME_FIRSTS: Final = _firsts((*CURRENCY_NAMES, "៛"))
_PHYSICAL_FIRSTS: Final = _firsts(PHYSICAL_UNITS)
# Everything a quantity, fraction or vague count can start with (digits aside).
_QUANTITY_FIRSTS: Final = (
    _MARK_FIRSTS | _firsts(GUARDED_MARKS) | _FRACTION_FIRSTS | _VAGUE_FIRSTS
    | _firsts(("a", "an", "half", *NUMBER_WORDS, *DIGIT_WORDS, *TENS_WORDS))
)


def _by_first(entries: Iterable[str], pattern: Callable[[list[str]], str]) -> dict[str, Any]:
    """One compiled pattern per first word (or symbol), each of the entries that begin with it
    in the order the full alternation tries them (longest first): where that word is written,
    no other entry can match, so the small pattern matches what the big one would."""
    groups: dict[str, list[str]] = {}
    for entry in sorted(entries, key=len, reverse=True):
        groups.setdefault((_first_letters(entry) or entry[0]).lower(), []).append(entry)
    return {word: re.compile(pattern(group), _I) for word, group in groups.items()}


def _name_alternation(names: list[str]) -> str:
    return "|".join(
        _phrase(name) + (rf"(?!\s+{_phrase(WEIGHT_WHEN_FOLLOWED_BY[name])})"
                         if name in WEIGHT_WHEN_FOLLOWED_BY else "")
        for name in names
    )


_HEDGE_BY_FIRST: Final = _by_first(HEDGES, lambda hs: rf"(?P<hedge>{_alternation(hs)})\s*")
_MARK_BY_FIRST: Final = _by_first(
    CURRENCY_MARKS,
    lambda ms: rf"(?P<mark>{_alternation(ms)})(?:\s*(?P<mark2>{_MARK_ALT}))?\s*(?=\d)")
_NAME_BY_FIRST: Final = {
    **_by_first(CURRENCY_NAMES, lambda ns: rf"\s+(?P<name>{_name_alternation(ns)})"),
    "៛": re.compile(r"\s*(?P<name_sign>៛)(?P<name>)"),  # (an empty name: read as KHR)
}
_CONNECTOR_FIRSTS: Final = _firsts(c for cs in RANGE_CONNECTORS.values() for c in cs)
_POST_HEDGE_FIRSTS: Final = _firsts(POST_HEDGES)


def _lead(text: str, pos: int) -> str:
    """The lower-case word (its letters) or the symbol at `pos`, after any spaces."""
    word = _LEAD_MATCH(text, pos)[2]  # type: ignore[index]
    return word.lower() if word else ""


_LEAD_MATCH: Final = _LEAD_RE.match


# FIGURE_START_RE cut down to the entries that begin with one word, in the same order, so
# the first alternative that matches (and so the extent of the match) is the same: an entry
# whose first word is another cannot match where this word is written.
def _entries_by_first_word(entries: Iterable[str], pattern: Callable[[list[str]], str],
                           ) -> dict[str, str]:
    ordered = sorted(set(entries), key=len, reverse=True)
    words = {word for entry in ordered if (word := _first_letters(entry))}
    return {word: pattern([e for e in ordered if _first_letters(e) == word]) for word in words}


_WORD_NUMBER_FIRSTS: Final = frozenset(
    ("a", "an", "half", *NUMBER_WORDS, *DIGIT_WORDS, *TENS_WORDS))
_START_PARTS: Final = (
    _entries_by_first_word(HEDGES, _alternation),
    {"between": _phrase("between"), "from": _phrase("from")},
    _entries_by_first_word(
        CURRENCY_MARKS, lambda marks: rf"(?:{_alternation(marks)})(?=\s*(?:\d|{_MARK_ALT}))"),
    _entries_by_first_word(
        GUARDED_MARKS, lambda marks: rf"(?-i:{_alternation(marks)})(?=\d)"),
    {},  # digits: only at a digit
    dict.fromkeys(_WORD_NUMBER_FIRSTS, _WORD_NUMBER_PATTERN),
    _entries_by_first_word(VAGUE_MAGNITUDES, _alternation),
    dict.fromkeys(("a", "an", "one", "half", "several"), _FRACTION_START),
)
_START_BY_WORD: dict[str, re.Pattern[str] | None] = {}


def _start_for_word(word: str) -> re.Pattern[str] | None:
    if word not in _START_BY_WORD:
        parts = [part[word] for part in _START_PARTS if word in part]
        _START_BY_WORD[word] = re.compile(
            _START_GUARD + "(?:" + "|".join(f"(?:{p})" for p in parts) + ")", _I,
        ) if parts else None
    return _START_BY_WORD[word]


for _word in sorted({word for part in _START_PARTS for word in part}):
    _start_for_word(_word)  # compiled now, not in the middle of the first text read


def match_figure_start(text: str, pos: int) -> re.Match[str] | None:
    """FIGURE_START_RE.match(text, pos), faster: at a digit only the digits can match, and at
    a word only the entries that begin with that word."""
    char = text[pos]
    if char.isdigit():
        return _DIGITS_RE.match(text, pos) if _START_GUARD_RE.match(text, pos) else None
    if char.isalpha():
        word = _LEAD_RE.match(text, pos).group(2).lower()  # type: ignore[union-attr]
        pattern = _start_for_word(word)
        return pattern.match(text, pos) if pattern else None
    return FIGURE_START_RE.match(text, pos)


_START_GUARD_RE: Final = re.compile(_START_GUARD)


def match_start_at_candidate(text: str, candidate: re.Match[str]) -> re.Match[str] | None:
    """match_figure_start at a FIGURE_CANDIDATE_RE match, whose guard already holds and whose
    text is the word (or the digit or symbol) there."""
    token = candidate.group()
    if token[0].isdigit():
        return _DIGITS_RE.match(text, candidate.start())
    if token[0].isalpha():
        pattern = _start_for_word(token.lower())
        return pattern.match(text, candidate.start()) if pattern else None
    return FIGURE_START_RE.match(text, candidate.start())

# ---------------------------------------------------------------------------------------------
# Scanning
# ---------------------------------------------------------------------------------------------


class _Unreadable(ParseError):
    """A ParseError that remembers its reason, so `parse_figure` can name the whole phrase."""

    def __init__(self, phrase: str, reason: str, *, not_a_figure: bool) -> None:
        self.reason, self.not_a_figure = reason, not_a_figure
        self.end: int | None = None  # where the rejected phrase ends, when it was read whole
        super().__init__(
            f"{phrase!r} is not a figure: it looks like {reason}" if not_a_figure
            else f"cannot read {phrase!r} as a figure: {reason}"
        )

    def about(self, phrase: str) -> _Unreadable:
        return _Unreadable(phrase, self.reason, not_a_figure=self.not_a_figure)


def _not_a_figure(phrase: str, what: str, *, end: int | None = None) -> _Unreadable:
    error = _Unreadable(phrase, what, not_a_figure=True)
    error.end = end
    return error


def _cannot_read(phrase: str, why: str) -> _Unreadable:
    return _Unreadable(phrase, why, not_a_figure=False)


def _snippet(text: str, start: int, end: int) -> str:
    return " ".join(text[max(0, start):end].split())


def _word_value(written: str) -> Decimal:
    value = Decimal(0)
    for word in re.split(r"[\s-]+", written.lower()):
        if word == "half":
            return Decimal("0.5")
        if word in ("a", "an"):
            value += 1
        elif word == "hundred":
            value *= 100
        elif word != "and":
            value += NUMBER_WORDS[word]
    return value


def _check_phone(text: str, quantity: _Quantity) -> None:
    """Raise when a bare number is (part of) a phone number; see _PHONE_RUN_RE."""
    digits, at = quantity.digits, quantity.number_start
    if (digits is None or quantity.currency or quantity.percent or quantity.scale
            or quantity.end != at + len(digits)):
        return
    # (a run needs a joiner right after the digits: most numbers are spared the pattern)
    run = (_PHONE_RUN_RE.match(text, at)
           if text[quantity.end:quantity.end + 1] in _PHONE_JOINERS else None)
    groups = run.group().replace("‐", "-").replace("-", " ").split() if run else [digits]
    end = run.end() if run else quantity.end
    plus = at > 0 and text[at - 1] == "+" and not (at > 1 and text[at - 2].isalnum())
    if (plus or (len(digits) > 1 and digits[0] == "0" and digits[1].isdigit())
            or (len(groups) >= 3 and run is not None and "-" in run.group().replace("‐", "-")
                and not all(len(g) == 3 for g in groups[1:]))
            or (_last_word(text, max(0, at - 40), at) in _PHONE_CONTEXT_LAST
                and _PHONE_CONTEXT_RE.search(text, max(0, at - 40), at))):
        raise _not_a_figure(_snippet(text, at, end), "a phone number", end=end)


def _last_word(text: str, start: int, end: int) -> str:
    """The letters that end the last word of text[start:end] (a final dot and spaces dropped),
    in lower case: the only word a month or label before a number can be."""
    head = text[start:end].rstrip()
    if head.endswith("."):
        head = head[:-1]
    if not head or head[-1].isspace():
        return ""
    tail = head.rsplit(None, 1)[-1]  # the letters are in the last whitespace-free token
    if tail.isalpha():
        return tail.lower()
    i = len(tail)
    while i and tail[i - 1].isalpha():
        i -= 1
    return tail[i:].lower()


def _check_context_before(text: str, start: int, number_end: int) -> None:
    """A month or a label word just before the figure makes it a date, a label or an age."""
    if start == 0:
        return
    window_start = max(0, start - 24)
    if _last_word(text, window_start, start) not in _CONTEXT_WORDS:
        return  # the patterns below can only match after one of these words
    if month := _MONTH_BEFORE_RE.search(text, window_start, start):
        raise _not_a_figure(_snippet(text, month.start(), number_end), "a date")
    if label := _LABEL_BEFORE_RE.search(text, window_start, start):
        raise _not_a_figure(_snippet(text, label.start(), number_end),
                            _LABELS[_norm(label.group("label"))])


def _check_glued_before(text: str, number_start: int, number_end: int) -> None:
    if number_start == 0:
        return
    previous = text[number_start - 1]
    if previous.isspace():
        # only "2019 - 20" can match across spaces: a dash must come before them
        before = text[max(0, number_start - 8):number_start].rstrip()
        if not before or before[-1] not in "-–—":
            return
    elif not previous.isalnum() and previous not in _GLUED_BEFORE_ENDS:
        return  # a bracket, a quote, a comma: no pattern below ends with one
    window_start = max(0, number_start - 8)
    for pattern, what in _GLUED_BEFORE:
        if pattern.search(text, window_start, number_start):
            raise _not_a_figure(_snippet(text, window_start, number_end).split()[-1], what)


def _check_glued_after(text: str, number_start: int, pos: int) -> None:
    if (found := _GLUED_AFTER_RE.match(text, pos)) and found.lastgroup:
        what = _GLUED_AFTER[int(found.lastgroup[1:])][1]
        word = re.match(r"\S*[\w%]", text[number_start:])
        raise _not_a_figure(word.group() if word else text[number_start:pos], what)


def _scan_quantity(text: str, pos: int, lead: str | None = None) -> _Quantity | None:
    currency, guarded = None, False
    if lead is None:
        lead = _lead(text, pos)
    if lead in _MARK_FIRSTS and (mark := _MARK_BY_FIRST[lead].match(text, pos)):
        currency, pos = _MARKS[_norm(mark.group("mark"))], mark.end()
        if mark.group("mark2") and (other := _MARKS[_norm(mark.group("mark2"))]) != currency:
            raise _cannot_read(_snippet(text, mark.start(), pos),
                               f"its marks say two currencies ({currency} and {other})")
    elif lead in ("p", "k") and (mark := _GUARDED_MARK_RE.match(text, pos)):
        currency, pos, guarded = GUARDED_MARKS[mark.group("mark")], mark.end(), True
    number_start = pos
    digits, word_value = None, None
    if found := _DIGITS_RE.match(text, pos):
        digits = found.group()
        if currency is None:
            _check_glued_before(text, pos, found.end())
    elif found := _WORD_NUMBER_RE.match(text, pos):
        word_value = _word_value(found.group())
    else:
        return None
    pos = number_end = found.end()
    if (digits is not None and currency is None and text[pos:pos + 1] in _GLUED_UNIT_FIRSTS
            and _GLUED_PHYSICAL_RE.match(text, pos)):
        # "850kg": the unit is read with the rest of the figure (see _scan)
        return _Quantity(number_start, pos, digits, None, None, None, False, False)
    scale = None
    after, after_at = _lead(text, pos), pos
    if after in _SCALE_FIRSTS and (scaled := _SCALE_RE.match(text, pos) or (
        _SPACED_LETTER_RE.match(text, pos) if currency else None
    )):
        written = scaled[scaled.lastgroup]  # the word or the letter, whichever matched
        scale, pos = _SCALES[_norm(written)], scaled.end()
    if guarded and scale is None and not _GROUPED_THOUSANDS_RE.fullmatch(digits or ""):
        return None  # "P2", "P500": see GUARDED_MARKS
    percent = generic_dollar = False
    if scale is not None:
        after, after_at = _lead(text, pos), pos
    if after in _PERCENT_FIRSTS and (marked := _PERCENT_RE.match(text, pos)):
        percent, pos = True, marked.end()
    elif after in _NAME_BY_FIRST and (named := _NAME_BY_FIRST[after].match(text, pos)):
        name = _norm(named.group("name") or "KHR")
        named_code = _NAMES[name]
        generic = name in GENERIC_DOLLAR_NAMES
        if currency and named_code != currency and not (generic and currency in DOLLAR_CODES):
            raise _cannot_read(_snippet(text, number_start, named.end()),
                               f"the mark says {currency} but the name says {named_code}")
        generic_dollar = currency is None and generic
        currency, pos = currency or named_code, named.end()
    if pos == number_end and (
            (after_char := text[pos:pos + 1]).isalnum() or after_char.isspace()
            or after_char in _GLUED_AFTER_FIRSTS):
        _check_glued_after(text, number_start, pos)
    return _Quantity(number_start, pos, digits, word_value, scale, currency, generic_dollar,
                     percent, after if pos == after_at else None)


def _scan_noun(text: str, pos: int, after_vague: bool) -> tuple[str | None, int]:
    """The counted head noun and where it ends (see NOUN_RUN_LIMIT for the rule)."""
    run = _noun_run(text, pos, after_vague)
    if not run:
        return None, pos
    head = _head_of(run)
    for word, end in run[:head + 1]:
        if (lowered := word.lower()) in _NON_COUNT:
            raise _not_a_figure(_snippet(text, pos - 12, end), _NON_COUNT[lowered], end=end)
    return run[head][0].lower(), run[head][1]


def _noun_run(text: str, pos: int, after_vague: bool) -> list[tuple[str, int]]:
    """The words after a number up to a stop word, punctuation or the first plural."""
    run: list[tuple[str, int]] = []
    found = (_OF_NOUN_RE if after_vague else _NOUN_RE).match(text, pos)
    while found and len(run) < NOUN_RUN_LIMIT:
        word = found.group("word")
        lowered = word.lower()
        if not run and word in _MONTH_WORDS:
            raise _not_a_figure(_snippet(text, pos - 4, found.end()), "a date", end=found.end())
        if _ends_noun_phrase(lowered):
            break
        run.append((word, found.end()))
        if _is_plural(word):
            break
        found = _NOUN_RE.match(text, found.end())
    return run


def _ends_noun_phrase(lowered: str) -> bool:
    """A stop word, an adverb, a past tense or a number word cannot be in the noun phrase."""
    return (
        lowered in NOT_NOUNS or lowered in NUMBER_WORDS or lowered.endswith("ly")
        or (lowered.endswith("ed") and lowered not in NOUN_MODIFIERS)
    )


def _is_plural(word: str) -> bool:
    """A regular plural; a capitalised word ending in "s" is a demonym ("Thais", "Kenyans")."""
    lowered = word.lower()
    if (lowered in NOT_PLURAL_HEADS or not lowered.endswith("s")
            or lowered.endswith(NEVER_PLURAL_ENDINGS)):
        return False
    return word[0].isupper() or not lowered.endswith(LOWER_CASE_SINGULAR_ENDINGS)


def _head_of(run: list[tuple[str, int]]) -> int:
    """The index of the head noun in a run of words (see NOUN_RUN_LIMIT)."""
    words = [word for word, _ in run]
    if _is_plural(words[-1]):
        return len(words) - 1
    invariant = [i for i, word in enumerate(words) if word.lower() in INVARIANT_PLURALS]
    if invariant:
        return invariant[-1]
    return next(
        (i for i, word in enumerate(words)
         if word.lower() not in NOUN_MODIFIERS and not word[0].isupper()),
        len(words) - 1,
    )


def _scan(text: str, start: int) -> _Scan | None:
    pos = start
    hedge = hedge_bound = opener = None
    lead = _lead(text, pos)
    if lead in _HEDGE_BY_FIRST and (found := _HEDGE_BY_FIRST[lead].match(text, pos)):
        hedge = _norm(found.group("hedge"))
        hedge_bound, pos = _HEDGES[hedge], found.end()
        lead = _lead(text, pos)
    if lead in ("between", "from") and (found := _OPENER_RE.match(text, pos)):
        opener, pos = found.group("opener").lower(), found.end()
        lead = _lead(text, pos)
    if not (lead.isdigit() or lead in _QUANTITY_FIRSTS):
        return None  # no number, mark, fraction or vague magnitude can start here
    if opener == "from" and _after_change_verb(text, start):
        return None  # "rose from A to B": A and B are read one at a time, from A
    if opener is None and pos < len(text) and (
            (text[pos].isdigit() and _RATIO_RE.match(text, pos))
            or lead in _FRACTION_FIRSTS or lead in _VAGUE_FIRSTS):
        # fractions, ratios and vague counts start with a letter or (ratios) a digit
        if (found := _scan_fraction(text, start, pos, hedge, hedge_bound)) is not None:
            return found
        if lead in _VAGUE_FIRSTS:
            if _VAGUE_RE.match(text, pos):
                return _scan_vague(text, pos, hedge, hedge_bound)
            if _FEW_RE.match(text, pos):
                return _scan_few(text, pos, hedge, hedge_bound)
    first = _scan_quantity(text, pos, lead)
    if first is None:
        return None
    _check_phone(text, first)
    if _is_day_number(first) and (month := _DAYS_THEN_MONTH_RE.match(text, first.end)):
        raise _not_a_figure(_snippet(text, first.number_start, month.end()), "a date",
                            end=month.end())
    pos, second, unjoined = first.end, None, None
    after = first.after if first.after is not None else _lead(text, pos)
    if after in _CONNECTOR_FIRSTS and (joined := _CONNECTOR_RES[opener].match(text, pos)):
        second = _scan_quantity(text, joined.end())
        if second and opener is None and _after_change_verb(text, start):
            if _borrows_unit(first, second):
                raise _cannot_read(_snippet(text, start, second.end), _CHANGE_WITHOUT_UNIT)
            second = None
        elif second and (unjoined := _join_refusal(first, second)):
            if opener:
                raise _cannot_read(_snippet(text, start, second.end), unjoined)
            second = None
        pos = second.end if second else pos
    if opener and second is None:
        return None  # "between"/"from" without a second number is ordinary prose
    post_hedge = post_bound = None
    if second is not None:
        after = second.after if second.after is not None else _lead(text, pos)
    if after in _POST_HEDGE_FIRSTS and (found := _POST_HEDGE_RE.match(text, pos)):
        post_bound = _POST_HEDGES[_norm(found.group("post"))]
        post_hedge, pos = _norm(found.group("post")).lstrip("-"), found.end()
        after = _lead(text, pos)
    noun = physical = None
    if not (first.currency or first.percent
            or (second is not None and (second.currency or second.percent))):
        if after in _PHYSICAL_FIRSTS and (unit := _PHYSICAL_RE.match(text, pos)):
            physical, pos = unit.group("unit"), unit.end()
        else:
            noun, pos = _scan_noun(text, pos, after_vague=False)
    try:
        _check_context_before(text, start, pos)
    except _Unreadable as error:
        error.end = pos
        raise
    return _Scan(pos, hedge, hedge_bound, opener, first, second, post_hedge=post_hedge,
                 post_bound=post_bound, noun=noun, unjoined=unjoined, physical=physical)


def _after_change_verb(text: str, start: int) -> bool:
    """Only asked once a range opener or connector is seen: most figures never pay for it."""
    window = max(0, start - 40)
    return (_last_word(text, window, start) in _CHANGE_LAST_WORDS
            and bool(_CHANGE_BEFORE_RE.search(text, window, start)))


# The word _CHANGE_BEFORE_RE must end with: a change verb's last word, or "from" after one.
_CHANGE_LAST_WORDS: Final = frozenset(
    {verb.split()[-1].lower() for verb in CHANGE_VERBS} | {"from"})


_CHANGE_WITHOUT_UNIT: Final = (
    "it is a change from one value to another, not a range, and the first value has no unit "
    "or scale of its own; claim each value with its unit (such as '70 percent')")


def _borrows_unit(first: _Quantity, second: _Quantity) -> bool:
    """A range's first end may borrow the second's unit or scale; a change's first value may
    not, so reading it alone would give the wrong number ("fell from 70 to 40 percent")."""
    return (
        (second.currency is not None and first.currency is None)
        or (second.percent and not first.percent)
        or (second.scale is not None and first.scale is None)
    )


def _is_day_number(quantity: _Quantity) -> bool:
    return bool(
        quantity.digits and len(quantity.digits) <= 2 and quantity.scale is None
        and quantity.currency is None and not quantity.percent
    )


def _scan_fraction(text: str, start: int, pos: int, hedge: str | None,
                   hedge_bound: str | None) -> _Scan | None:
    """A fraction or a ratio in words, read as a percentage or a share of a scaled amount."""
    if found := _RATIO_RE.match(text, pos):
        numerator, denominator = (_small_number(found.group(g)) for g in ("rn", "rd"))
        if not 0 < numerator <= denominator:
            return None
        value = Decimal(numerator) / Decimal(denominator) * 100
        return _Scan(found.end(), hedge, hedge_bound, fixed=(value, PERCENT))
    if text[pos].isdigit():
        return None  # only a ratio starts with digits
    found = _FRACTION_RE.match(text, pos)
    if found is None:
        return None
    end = found.end()
    if found.group("half"):
        if _WORD_NUMBER_RE.match(text, pos):
            return None  # "half a dozen", "half a million": a number, not a share
        numerator, denominator = 1, 2
        if hedge is None and not _HALF_AHEAD_RE.match(text, end):
            return None
    elif found.group("den"):
        numerator, denominator = 1, FRACTION_DENOMINATORS[found.group("den").lower()]
        if hedge is None and not _OF_AHEAD_RE.match(text, end):
            return None
    else:
        numerator = NUMBER_WORDS[found.group("nums").lower()]
        denominator = FRACTION_DENOMINATORS[found.group("dens").lower()]
        if numerator >= denominator:
            return None
    if hedge is None and _FRACTION_BLOCKED_RE.search(text, max(0, start - 12), start):
        return None  # "the first half of 2025", "a third quarter"
    share = Decimal(numerator) / Decimal(denominator)
    if scaled := _FRACTION_OF_SCALE_RE.match(text, end):
        amount = share * SCALE_WORDS[_norm(scaled.group("scale"))]
        end, unit, noun = scaled.end(), COUNT, None
        if named := _NAME_RE.match(text, end):
            unit, end = _NAMES[_norm(named.group("name") or "KHR")], named.end()
        else:  # "a quarter of a million victims"
            noun, end = _scan_noun(text, end, after_vague=False)
        return _Scan(end, hedge, hedge_bound, fixed=(amount, unit), noun=noun)
    return _Scan(end, hedge, hedge_bound, fixed=(share * 100, PERCENT))


def _small_number(written: str) -> int:
    return int(written) if written.isdigit() else NUMBER_WORDS[written.lower()]


def _scan_few(text: str, pos: int, hedge: str | None, hedge_bound: str | None) -> _Scan:
    """"a few dozen", "several hundred thousand dollars": see VAGUE_MULTIPLIERS."""
    found = _FEW_RE.match(text, pos)
    assert found is not None
    low, high = VAGUE_MULTIPLIERS[_norm(found.group("few"))]
    for scale in _FULL_SCALE_RE.findall(found.group("scales")):
        factor = SCALE_WORDS[_norm(scale)]
        low, high = low * factor, high * factor
    pos = found.end()
    currency = noun = None
    if named := (_NAME_RE.match(text, pos) or _OF_NAME_RE.match(text, pos)):
        currency, pos = _NAMES[_norm(named.group("name") or "KHR")], named.end()
    else:
        noun, pos = _scan_noun(text, pos, after_vague=False)
    return _Scan(pos, hedge, hedge_bound, vague=(low, high), vague_currency=currency, noun=noun)


def _scan_vague(text: str, pos: int, hedge: str | None, hedge_bound: str | None) -> _Scan:
    found = _VAGUE_RE.match(text, pos)
    assert found is not None and found.lastgroup is not None
    low, high = VAGUE_MAGNITUDES[_VAGUE_WORDS[int(found.lastgroup[1:])]]
    pos = found.end()
    while scaled := _VAGUE_OF_SCALE_RE.match(text, pos):
        factor = VAGUE_SCALES[scaled.group("scale").lower()]
        low, high, pos = low * factor, high * factor, scaled.end()
    currency = noun = None
    if named := _OF_NAME_RE.match(text, pos):
        currency, pos = _NAMES[_norm(named.group("name"))], named.end()
    else:
        noun, pos = _scan_noun(text, pos, after_vague=True)
    return _Scan(pos, hedge, hedge_bound, vague=(low, high), vague_currency=currency, noun=noun)


# ---------------------------------------------------------------------------------------------
# Building the record
# ---------------------------------------------------------------------------------------------


def _read_digits(phrase: str, digits: str, *, dot_groups_thousands: bool) -> Decimal:
    """The value of a digit run, by the separator rules in the module docstring."""
    if digits.isdigit():
        return Decimal(digits)
    grouped = _SPACES_RE.sub("", digits)
    if grouped != digits and not _PLAIN_NUMBER_RE.fullmatch(grouped):
        raise _cannot_read(phrase, f"{digits!r} mixes spaces with other separators")
    commas, dots = grouped.count(","), grouped.count(".")
    if commas and dots:
        decimal_mark = "." if grouped.rfind(".") > grouped.rfind(",") else ","
        group_mark = "," if decimal_mark == "." else "."
        whole, _, fraction = grouped.rpartition(decimal_mark)
        if grouped.count(decimal_mark) > 1 or not _valid_groups(whole, group_mark):
            raise _cannot_read(phrase, f"{digits!r} has misplaced separators")
        return Decimal(f"{whole.replace(group_mark, '')}.{fraction}")
    if commas:
        if _valid_groups(grouped, ","):
            return Decimal(grouped.replace(",", ""))
        whole, _, fraction = grouped.partition(",")
        if commas == 1 and len(fraction) != 3:
            return Decimal(f"{whole}.{fraction}")  # decimal comma: "3,1 trillion"
        raise _cannot_read(phrase, f"{digits!r} has misplaced thousands separators")
    if dots:
        whole, _, fraction = grouped.partition(".")
        if dots > 1:
            if _DOT_GROUPS_RE.fullmatch(grouped):
                return Decimal(grouped.replace(".", ""))
            raise _cannot_read(phrase, f"{digits!r} has misplaced separators")
        if len(fraction) == 3 and dot_groups_thousands:
            return Decimal(whole + fraction)
        return Decimal(grouped)
    return Decimal(grouped)


_SPACES_RE = re.compile(_SPACES)
_PLAIN_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)?")
_DOT_GROUPS_RE = re.compile(r"\d{1,3}(?:\.\d{3})+")
# English (3,500,000) or Indian (35,00,000) grouping, by the grouping mark.
_GROUPS_RES: Final = {
    mark: re.compile(rf"\d{{1,3}}(?:{re.escape(mark)}\d{{3}})+"
                     rf"|\d{{1,2}}(?:{re.escape(mark)}\d{{2}})+{re.escape(mark)}\d{{3}}")
    for mark in ",."
}
_YEAR_RE = re.compile(r"(?:1[89]|20)\d\d")
_YEAR_END_RE = re.compile(r"\d\d|(?:1[89]|20)\d\d")


def _valid_groups(whole: str, mark: str) -> bool:
    """English (3,500,000) or Indian (35,00,000) grouping, or no grouping at all."""
    return bool(whole.isdigit() or _GROUPS_RES[mark].fullmatch(whole))


def _mantissa(phrase: str, quantity: _Quantity, *, is_count_with_noun: bool) -> Decimal:
    if quantity.digits is None:
        assert quantity.word_value is not None
        return quantity.word_value
    dot_groups = quantity.scale is None and (
        quantity.currency in DOT_THOUSANDS_CURRENCIES or is_count_with_noun
    )
    return _read_digits(phrase, quantity.digits, dot_groups_thousands=dot_groups)


def _is_year_like(quantity: _Quantity) -> bool:
    return bool(
        quantity.digits and quantity.scale is None and _YEAR_RE.fullmatch(quantity.digits)
    )


def _join_refusal(first: _Quantity, second: _Quantity) -> str | None:
    """Why `second` cannot be the far end of a range that `first` opens, or None if it can.

    "to" also joins a change to its result ("rose 16 per cent in 2021 to S$5.4 trillion",
    "increased by 42.6 percent to 39,824"), so the ends must agree: a year opens only a span
    of years, and a unit or scale on the first end must be on the second too. The first end
    may lack what the second carries ("40 to 70 percent", "between $4 and $6 billion").
    """
    if _is_bare_year(first) and not _closes_year_span(second):
        return "a year cannot open a range"
    if conflict := _currency_conflict(first, second):
        return conflict
    if (first.percent or second.percent) and (first.currency or second.currency):
        return "it is both money and a percentage"
    if first.percent and not second.percent:
        return "a percentage cannot run to a bare number"
    if first.currency and not second.currency and first.scale and not second.scale:
        return "an amount of money cannot run to a bare number"
    return None


def _is_bare_year(quantity: _Quantity) -> bool:
    return quantity.currency is None and not quantity.percent and _is_year_like(quantity)


def _closes_year_span(quantity: _Quantity) -> bool:
    """The far end of a span of years ("2012-13", "2019 to 2021"), which `_build` rejects."""
    return bool(
        quantity.currency is None and not quantity.percent and quantity.scale is None
        and quantity.digits and _YEAR_END_RE.fullmatch(quantity.digits)
    )


def _currency_conflict(first: _Quantity, second: _Quantity) -> str | None:
    """Two ends naming different currencies; a plain "dollars" agrees with any dollar."""
    ends = [q for q in (first, second) if q.currency]
    specific = {q.currency for q in ends if not q.generic_dollar}
    generic = any(q.generic_dollar for q in ends)
    if len(specific) > 1 or (generic and specific and not specific <= DOLLAR_CODES):
        return f"its two ends are in different currencies ({sorted({q.currency for q in ends})})"
    return None


def _merge_currency(first: _Quantity, second: _Quantity | None) -> str | None:
    """One currency for both ends (which `_join_refusal` let through as agreeing)."""
    if second is None:
        return first.currency  # a plain "dollars" is already USD
    ends = [q for q in (first, second) if q and q.currency]
    specific = {q.currency for q in ends if not q.generic_dollar}
    if specific:
        return specific.pop()
    return "USD" if ends else None


_EXACT_CONTEXT: Final = Context(prec=80)


def _scaled(mantissa: Decimal, scale: int | Decimal | None) -> Decimal:
    if not scale or scale == 1:
        return mantissa
    return _EXACT_CONTEXT.multiply(mantissa, scale)


def _build(phrase: str, scan: _Scan) -> Figure:
    if scan.vague is not None:
        low, high = scan.vague
        unit = scan.vague_currency or COUNT
        return _range(phrase, scan, low, high, unit, scan.noun if unit == COUNT else None)
    if scan.fixed is not None:
        value, unit = scan.fixed
        if scan.post_hedge:
            raise _cannot_read(phrase, f"a fraction cannot also carry {scan.post_hedge!r}")
        return _single(phrase, scan, value, unit, scan.noun if unit == COUNT else None)
    first, second = scan.first, scan.second
    assert first is not None
    if scan.physical is not None:
        return _build_physical(phrase, scan, first, second)
    currency = _merge_currency(first, second)
    percent = first.percent or bool(second and second.percent)
    if currency and percent:
        raise _cannot_read(phrase, "it is both money and a percentage")
    unit = currency or (PERCENT if percent else COUNT)
    if unit == COUNT and (_is_year_like(first) or (second and _is_year_like(second))):
        if second and (_is_year_like(first) and second.digits
                       and _YEAR_END_RE.fullmatch(second.digits)):
            raise _not_a_figure(phrase, "a span of years")
        raise _not_a_figure(
            phrase, "a year (write a count of 1900 to 2099 with a thousands separator)"
        )
    with_noun = unit == COUNT and scan.noun is not None
    low_value = _mantissa(phrase, first, is_count_with_noun=with_noun)
    noun = scan.noun if unit == COUNT else None
    if second is None:
        return _single(phrase, scan, _scaled(low_value, first.scale), unit, noun)
    high_value = _mantissa(phrase, second, is_count_with_noun=with_noun)
    # "between $4 and $6 billion": the scale of the second end carries to the first, unless
    # that would put the first end above the second ("between 500,000 and 1 million").
    first_scale = first.scale
    if first_scale is None and second.scale and low_value <= high_value:
        first_scale = second.scale
    low, high = _scaled(low_value, first_scale), _scaled(high_value, second.scale)
    if low > high:
        raise _cannot_read(phrase, "the range runs backwards (its first end is the larger)")
    if scan.post_hedge:
        raise _cannot_read(phrase, f"a range cannot also carry {scan.post_hedge!r}")
    return _range(phrase, scan, low, high, unit, noun)


def _build_physical(phrase: str, scan: _Scan, first: _Quantity,
                    second: _Quantity | None) -> Figure:
    """A weight, an area or a volume, in the SI base unit (see PHYSICAL_UNITS)."""
    assert scan.physical is not None
    written = " ".join(scan.physical.split())
    factor, unit = _physical_factors()[written.lower()]
    low_value = _mantissa(phrase, first, is_count_with_noun=False)
    if second is None:
        value = _scaled(_scaled(low_value, first.scale), factor)
        return _single(phrase, scan, value, unit, None, written)
    high_value = _mantissa(phrase, second, is_count_with_noun=False)
    first_scale = first.scale
    if first_scale is None and second.scale and low_value <= high_value:
        first_scale = second.scale
    low = _scaled(_scaled(low_value, first_scale), factor)
    high = _scaled(_scaled(high_value, second.scale), factor)
    if low > high:
        raise _cannot_read(phrase, "the range runs backwards (its first end is the larger)")
    if scan.post_hedge:
        raise _cannot_read(phrase, f"a range cannot also carry {scan.post_hedge!r}")
    return _range(phrase, scan, low, high, unit, None, written)


def _range(phrase: str, scan: _Scan, low: Decimal | int, high: Decimal | int, unit: str,
           noun: str | None, unit_as_written: str | None = None) -> Figure:
    """A range, or the bound a lower or upper hedge before it makes of its near end (see the
    comment above HEDGES)."""
    if scan.hedge_bound == LOWER:
        return _figure(phrase, LOWER, float(low), None, None, unit, noun, scan.hedge,
                       unit_as_written)
    if scan.hedge_bound == UPPER:
        return _figure(phrase, UPPER, None, float(high), None, unit, noun, scan.hedge,
                       unit_as_written)
    return _figure(phrase, RANGE, float(low), float(high), None, unit, noun,
                   scan.hedge or scan.opener, unit_as_written)


def _single(phrase: str, scan: _Scan, value: Decimal, unit: str, noun: str | None,
            unit_as_written: str | None = None) -> Figure:
    hedge, bound = scan.hedge, scan.hedge_bound
    if scan.post_hedge:
        if hedge and bound != scan.post_bound:
            raise _cannot_read(phrase, f"its hedges disagree ({hedge} / {scan.post_hedge})")
        hedge = f"{hedge} {scan.post_hedge}" if hedge else scan.post_hedge
        bound = scan.post_bound
    number = float(value)
    if not hedge:
        return _figure(phrase, EXACT, number, number, number, unit, noun, None, unit_as_written)
    return _figure(phrase, bound, number if bound == LOWER else None,
                   number if bound == UPPER else None, number if bound == APPROX else None,
                   unit, noun, hedge, unit_as_written)


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def _read(text: str, start: int) -> tuple[_Scan, Figure] | None:
    """The scan and the record of the figure at `start` (see `match_figure`)."""
    scan = _scan(text, start)
    if scan is None:
        return None
    try:
        return scan, _build(text[start:scan.end], scan)
    except _Unreadable as error:
        error.end = scan.end
        raise


def match_figure(text: str, start: int) -> FigureMatch | None:
    """Read the longest figure beginning at `start` in `text`.

    Returns None when nothing there reads as a figure, and raises ParseError when something
    there looks like a number but is not a figure (a year, a date, "25-year-old"). When the
    rejected phrase was read whole ("aged 18 to 30", "2012–13"), the error's `end` says where
    it stops, so a caller need not try again inside it.
    """
    read = _read(text, start)
    if read is None:
        return None
    scan, figure = read
    first = scan.first
    likely_prose = bool(
        first and first.digits is None and first.scale is None and scan.second is None
        and figure.unit == COUNT and figure.bound == EXACT
        and (figure.noun is None or (first.word_value or 0) < 2)
    )
    found = object.__new__(FigureMatch)  # as _figure: no frozen per-field __setattr__
    found.__dict__.update(start=start, end=scan.end, figure=figure, likely_prose=likely_prose,
                          unjoined=scan.unjoined)
    return found


def parse_figure(text: str) -> Figure:
    """Read ONE figure phrase ("up to $5 billion", "27 countries") into a Figure."""
    if not isinstance(text, str):
        raise ParseError(f"a figure phrase must be text, not {type(text).__name__}")
    stripped = text.strip()
    phrase = stripped.rstrip(".,;:!?").strip()  # closing punctuation is not part of a figure
    if not phrase:
        raise _cannot_read(text, "it is empty")
    if what := (_non_figure_reason(stripped, phrase) if phrase != stripped
                else _non_figure_reason(phrase)):
        raise _not_a_figure(text, what)
    try:
        read = _read(phrase, 0)  # (match_figure without the FigureMatch it would build)
    except _Unreadable as error:
        raise error.about(text) from None
    if read is None:
        raise _cannot_read(text, "no figure starts it (a figure needs a number, a number word "
                                 "or a vague magnitude such as 'thousands', and 'between' or "
                                 "'from' needs two of them)")
    scan, figure = read
    if rest := phrase[scan.end:].strip():
        raise _cannot_read(text, scan.unjoined or f"unexpected words {rest!r} after the figure")
    if figure.text == text:
        return figure
    return _figure(text, figure.bound, figure.low, figure.high, figure.point, figure.unit,
                   figure.noun, figure.hedge, figure.unit_as_written)


def as_physical(figure: Figure, written: str) -> Figure:
    """`figure` (a bare amount, such as "3,380 pounds" read as sterling) re-read in the physical
    unit `written` (a key of PHYSICAL_UNITS), for a caller that knows it is a weight."""
    factor, unit = _physical_factors()[_norm(written)]

    def convert(value: float | None) -> float | None:
        return None if value is None else float(Decimal(repr(value)) * factor)

    return Figure(figure.text, figure.bound, convert(figure.low), convert(figure.high),
                  convert(figure.point), unit, None, figure.hedge, written)


_FORMAT_SCALES: Final = (("trillion", 12), ("billion", 9), ("million", 6))


def format_number(value: float) -> str:
    """Write a non-negative number so that `parse_figure` reads it back exactly.

    3500 -> "3,500"; 3e12 -> "3 trillion"; 2.5e9 -> "2.5 billion"; 1234567 -> "1,234,567".
    """
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ParameterError(f"format_number needs a number, not {type(value).__name__}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ParameterError(f"format_number cannot write {value!r}")
    if value < 0:
        raise ParameterError(f"format_number writes figures, which are never negative: {value}")
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    for word, exponent in _FORMAT_SCALES:
        mantissa = number.scaleb(-exponent)
        if 1 <= mantissa < 1000 and mantissa == mantissa.quantize(Decimal("0.001")):
            return f"{_grouped(mantissa)} {word}"
    return _grouped(number)


def _grouped(number: Decimal) -> str:
    normal = number.normalize()
    if normal == normal.to_integral_value():
        normal = normal.quantize(Decimal(1))
    return f"{normal:,f}"
