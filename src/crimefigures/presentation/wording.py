"""Words and numbers in the reader's language: English ("en") or Indonesian ("id").

Every string a figure shows comes from one catalogue, ``messages.yml``, so a chart is
written once and rendered in either language. Numbers use babel's locale data for the
decimal and group symbols ("4,200.5" in en_US, "4.200,5" in id_ID); the scale words
("trillion", "triliun") and the order of number, unit and currency come from the
catalogue, because they differ between the languages ("$4 tn" but "4 triliun dolar AS").

Rounding is half-up on the decimal value ("2.25" -> "2.3"), which is what readers
expect, rather than the banker's rounding babel would otherwise apply.

Country names are data, not catalogue entries: :func:`territory_name` gives CLDR's name
of an ISO 3166 alpha-3 code in the reader's language ("DEU" -> "Jerman").
"""

from __future__ import annotations

import difflib
import hashlib
import math
import numbers
import re
import string
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib import resources
from typing import Any, Literal

import babel
import babel.dates
import babel.numbers
import yaml
from babel.core import get_global

from crimefigures.errors import InputError, ParameterError

LANGUAGES: tuple[str, ...] = ("en", "id")
BABEL_LOCALES: dict[str, str] = {"en": "en_US", "id": "id_ID"}
CATALOGUE_FILE = "messages.yml"

MoneyStyle = Literal["long", "short", "tick"]

# (factor, name) from small to large; amounts below the first are written in full.
_SCALES: tuple[tuple[int, str], ...] = (
    (10**6, "million"),
    (10**9, "billion"),
    (10**12, "trillion"),
)
_EN_DASH = "–"


# --- Languages and the catalogue ----------------------------------------------------------


# World Bank aggregate codes CLDR knows by its own region codes.
_AGGREGATES: dict[str, str] = {"WLD": "001"}


def territory_name(code: str, language: str, fallback: str) -> str:
    """CLDR's name of a country or aggregate (ISO 3166 alpha-3, as the reference table codes
    them) in ``language``, without CLDR's parenthetical ("X (Y)" -> "X");
    ``fallback`` where CLDR has none."""
    locale = babel.Locale.parse(BABEL_LOCALES[check_language(language)])
    region = _AGGREGATES.get(code) or next(iter(get_global("territory_aliases").get(code, [])),
                                           None)
    name = locale.territories.get(region) if region and region != "ZZ" else None
    return name.split(" (")[0] if name else fallback


def check_language(language: str) -> str:
    """Return ``language`` if it is supported; otherwise raise naming the valid ones."""
    if language not in LANGUAGES:
        raise ParameterError(
            f"unknown language {language!r}; choose one of: {', '.join(LANGUAGES)}",
            field="language",
        )
    return language


def _format_fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def _allowed_variants() -> set[str]:
    return {*LANGUAGES, *(f"{language}_one" for language in LANGUAGES)}


def check_catalogue(entries: Any) -> list[str]:
    """Every problem with a catalogue: missing languages, stray keys, mismatched fields."""
    if not isinstance(entries, Mapping):
        return ["the catalogue must be a mapping of message ids to translations"]
    problems: list[str] = []
    allowed = _allowed_variants()
    for key, entry in entries.items():
        if not isinstance(entry, Mapping):
            problems.append(f"{key}: must map languages to strings")
            continue
        missing = [language for language in LANGUAGES if language not in entry]
        if missing:
            problems.append(f"{key}: missing {', '.join(missing)}")
        stray = sorted(set(entry) - allowed, key=str)
        if stray:
            problems.append(f"{key}: unknown variants {', '.join(map(str, stray))}")
        texts = {variant: text for variant, text in entry.items() if variant in allowed}
        not_text = [variant for variant, text in texts.items() if not isinstance(text, str)]
        if not_text:
            problems.append(f"{key}: not a string in {', '.join(not_text)}")
            continue
        try:
            fields = {variant: _format_fields(text) for variant, text in texts.items()}
        except ValueError as exc:
            problems.append(f"{key}: bad format string ({exc})")
            continue
        if len({frozenset(names) for names in fields.values()}) > 1:
            detail = "; ".join(f"{v}={sorted(names)}" for v, names in sorted(fields.items()))
            problems.append(f"{key}: format fields differ between languages ({detail})")
    return problems


def catalogue_text() -> str:
    """The catalogue file as shipped with the package."""
    package = resources.files("crimefigures.presentation")
    return package.joinpath(CATALOGUE_FILE).read_text(encoding="utf-8")


@cache
def load_catalogue() -> dict[str, dict[str, str]]:
    """The parsed, checked catalogue (read once per process)."""
    try:
        # libyaml's safe loader when there is one: the same document, ten times faster.
        entries = yaml.load(catalogue_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML ({exc})", file=CATALOGUE_FILE) from None
    problems = check_catalogue(entries)
    if problems:
        raise InputError("; ".join(problems), file=CATALOGUE_FILE)
    return {key: dict(entry) for key, entry in entries.items()}


def message(key: str, language: str, /, **fields: Any) -> str:
    """The catalogue text for ``key`` in ``language`` with ``fields`` filled in."""
    check_language(language)
    catalogue = load_catalogue()
    if key not in catalogue:
        near = difflib.get_close_matches(key, list(catalogue), n=3)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise ParameterError(f"unknown message id {key!r}{hint}", field="key")
    template = catalogue[key][language]
    missing = sorted(_format_fields(template) - set(fields))
    if missing:
        raise ParameterError(
            f"message {key!r} needs the fields {', '.join(missing)}", field="fields"
        )
    return template.format(**fields)


# --- Plain numbers ------------------------------------------------------------------------


def _to_decimal(value: Any, what: str = "value") -> Decimal:
    if isinstance(value, bool) or not isinstance(value, numbers.Real | Decimal):
        raise ParameterError(f"{what} must be a number, not {value!r}", field=what)
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, numbers.Integral):
        number = Decimal(int(value))
    else:
        # repr gives the shortest decimal that round-trips, so 0.1 stays 0.1.
        number = Decimal(repr(float(value)))
    if not number.is_finite():
        raise ParameterError(f"{what} must be finite, not {value!r}", field=what)
    return number


def _check_digits(digits: int) -> int:
    if isinstance(digits, bool) or not isinstance(digits, int) or not 0 <= digits <= 10:
        raise ParameterError(
            f"digits must be a whole number from 0 to 10, not {digits!r}", field="digits"
        )
    return digits


def _round_half_up(number: Decimal, digits: int) -> Decimal:
    rounded = number.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return rounded.copy_abs() if rounded.is_zero() else rounded  # never "-0"


def _babel(number: Decimal, language: str, pattern: str) -> str:
    return babel.numbers.format_decimal(
        number, format=pattern, locale=BABEL_LOCALES[check_language(language)]
    )


def format_number(value: Any, language: str, digits: int = 0) -> str:
    """Group digits, round half-up to at most ``digits`` decimals, drop trailing zeros.

    ``format_number(4200, "id") == "4.200"``; ``format_number(2.50, "en", 2) == "2.5"``.
    """
    digits = _check_digits(digits)
    number = _round_half_up(_to_decimal(value), digits)
    return _babel(number, language, "#,##0" + ("." + "#" * digits if digits else ""))


def format_decimal(value: Any, language: str, digits: int = 1) -> str:
    """Group digits and show exactly ``digits`` decimals: ``2.5`` -> "2.50" with 2 digits."""
    digits = _check_digits(digits)
    number = _round_half_up(_to_decimal(value), digits)
    return _babel(number, language, "#,##0" + ("." + "0" * digits if digits else ""))


def format_percent(fraction: Any, language: str, digits: int = 0) -> str:
    """A FRACTION as a percentage: ``0.255`` -> "26%" (en) / "26%" (id); "25,5%" with 1 digit.

    The argument is always a fraction of one; pass ``value / 100`` for a value that
    is already in percent. Trailing zeros are dropped.
    """
    digits = _check_digits(digits)
    percent = _round_half_up(_to_decimal(fraction, "fraction") * 100, digits)
    return format_number(percent, language, digits) + "%"


# --- Amounts with scale words -------------------------------------------------------------


def _scale_index(magnitude: Decimal, digits: int) -> int:
    """Which scale writes ``magnitude`` best (-1: none), moving up when rounding carries."""
    index = -1
    for position, (factor, _) in enumerate(_SCALES):
        if magnitude >= factor:
            index = position
    while index + 1 < len(_SCALES):
        factor = _SCALES[index][0] if index >= 0 else 1
        if _round_half_up(magnitude / factor, digits) < _SCALES[index + 1][0] // factor:
            break
        index += 1
    return index


def _scaled_piece(
    magnitude: Decimal, index: int, digits: int, language: str, style: MoneyStyle
) -> str:
    """A non-negative magnitude written at scale ``index``: "5.2 trillion", "4,200"."""
    if index < 0:
        return format_number(magnitude, language, digits)
    factor, name = _SCALES[index]
    number = format_number(magnitude / factor, language, digits)
    return f"{number} {message(f'scale_{name}_{style}', language)}"


def format_amount(
    value: Any, language: str, *, digits: int = 1, style: MoneyStyle = "long"
) -> str:
    """A number with a scale word from a million up: "5.2 million", "5,2 juta", "4,200"."""
    digits = _check_digits(digits)
    check_language(language)
    number = _to_decimal(value)
    magnitude = number.copy_abs()
    index = _scale_index(magnitude, digits)
    piece = _scaled_piece(magnitude, index, digits, language, style)
    shows_zero = index < 0 and _round_half_up(magnitude, digits).is_zero()
    return ("-" if number < 0 and not shows_zero else "") + piece


def _check_style(style: str) -> MoneyStyle:
    if style not in ("long", "short", "tick"):
        raise ParameterError(f"style must be long, short or tick, not {style!r}", field="style")
    return style  # type: ignore[return-value]


def format_money(
    value_usd: Any, language: str, *, digits: int = 1, style: MoneyStyle = "long"
) -> str:
    """US dollars for a reader.

    long:  en "$5.2 trillion", id "5,2 triliun dolar AS" (prose, captions)
    short: en "$5.2 tn",       id "US$5,2 T"             (labels, legends)
    tick:  en "$4 tn",         id "4 triliun"            (axis ticks; unit in the axis label)
    """
    style = _check_style(style)
    amount = format_amount(value_usd, language, digits=digits, style=style)
    sign, amount = ("-", amount[1:]) if amount.startswith("-") else ("", amount)
    return sign + message(f"money_{style}", language, amount=amount)


def _noun(noun_key: str, language: str, value: Decimal) -> str:
    catalogue = load_catalogue()
    if not noun_key.startswith("noun_") or noun_key not in catalogue:
        nouns = sorted(key for key in catalogue if key.startswith("noun_"))
        raise ParameterError(
            f"unknown noun {noun_key!r}; choose one of: {', '.join(nouns)}", field="noun_key"
        )
    entry = catalogue[noun_key]
    singular = entry.get(f"{language}_one")
    return singular if singular is not None and value == 1 else entry[language]


def format_count(value: Any, noun_key: str, language: str, *, digits: int = 1) -> str:
    """A count of things: en "4,200 arrests", id "4.200 penangkapan".

    Below a million the count is rounded to a whole number; from a million up it takes
    a scale word with at most ``digits`` decimals ("1.2 million people").
    """
    digits = _check_digits(digits)
    check_language(language)
    number = _to_decimal(value)
    magnitude = number.copy_abs()
    # Whole numbers below a million, so 999,999.6 people become "1 million", not "1,000,000".
    index = max(_scale_index(magnitude, digits), _scale_index(magnitude, 0))
    shown_digits = digits if index >= 0 else 0
    piece = _scaled_piece(magnitude, index, shown_digits, language, "long")
    whole = _round_half_up(magnitude, 0)
    sign = "-" if number < 0 and (index >= 0 or not whole.is_zero()) else ""
    noun = _noun(noun_key, language, whole if index < 0 else magnitude)
    return message("count", language, amount=sign + piece, noun=noun)


def format_interval(
    low: Any,
    high: Any,
    unit: str,
    language: str,
    *,
    digits: int = 1,
    style: Literal["long", "short"] = "long",
) -> str:
    """A range: unit "usd" -> "$6–8 trillion" / "6–8 triliun dolar AS"; "percent" takes
    FRACTIONS -> "20–30%"; a noun key ("noun_people") -> "2–3 million people".

    Both ends share one scale word when the low end takes the same scale on its own
    (or is 0); otherwise each end carries its own ("$500 billion–$8 trillion").
    """
    digits = _check_digits(digits)
    check_language(language)
    low_number, high_number = _to_decimal(low, "low"), _to_decimal(high, "high")
    if low_number > high_number:
        raise ParameterError(f"interval low {low!r} is above high {high!r}", field="low")
    if unit not in ("usd", "percent") and unit not in load_catalogue():
        raise ParameterError(
            f"unknown interval unit {unit!r}; use 'usd', 'percent' or a noun key "
            "such as 'noun_people'",
            field="unit",
        )
    if unit == "percent":
        return message(
            "percent_interval",
            language,
            low=format_number(low_number * 100, language, digits),
            high=format_number(high_number * 100, language, digits),
        )
    if low_number < 0:
        raise ParameterError(f"a {unit} interval cannot be negative ({low!r})", field="low")
    if unit == "usd":
        style = _check_style(style)  # type: ignore[assignment]
        if style == "tick":
            raise ParameterError("intervals are written long or short", field="style")
        low_piece, high_piece, shared = _interval_pieces(
            low_number, high_number, digits, language, style
        )
        kind = "" if shared else "mixed_"
        return message(f"money_interval_{kind}{style}", language, low=low_piece, high=high_piece)
    noun = _noun(unit, language, Decimal(2))
    count_digits = digits if _scale_index(high_number, digits) >= 0 else 0
    low_piece, high_piece, _ = _interval_pieces(
        low_number, high_number, count_digits, language, "long"
    )
    return message("count_interval", language, low=low_piece, high=high_piece, noun=noun)


def format_amount_interval(low: Any, high: Any, language: str, *, digits: int = 1,
                           style: MoneyStyle = "long") -> str:
    """A range of amounts sharing a scale word where they can: "4–6 billion", "4–6 miliar"
    (the caller adds the unit, e.g. a currency code)."""
    digits = _check_digits(digits)
    check_language(language)
    low_number, high_number = _to_decimal(low, "low"), _to_decimal(high, "high")
    if not 0 <= low_number <= high_number:
        raise ParameterError(f"interval {low!r}–{high!r} is not ordered and non-negative",
                             field="low")
    low_piece, high_piece, _ = _interval_pieces(low_number, high_number, digits, language,
                                                _check_style(style))
    return message("plain_interval", language, low=low_piece, high=high_piece)


def _interval_pieces(
    low: Decimal, high: Decimal, digits: int, language: str, style: MoneyStyle
) -> tuple[str, str, bool]:
    """The two ends as text, and whether they share the high end's scale word.

    They share it only when the low end would take the same scale on its own (or is 0):
    "6–8 trillion", never "0.01–8 trillion", which hides the low end's size.
    """
    index = _scale_index(high, digits)
    if low.is_zero() or _scale_index(low, digits) == index:
        factor = _SCALES[index][0] if index >= 0 else 1
        low_text = format_number(low / factor, language, digits)
        return low_text, _scaled_piece(high, index, digits, language, style), True
    return (
        _scaled_piece(low, _scale_index(low, digits), digits, language, style),
        _scaled_piece(high, index, digits, language, style),
        False,
    )


# --- Readable precision: what the figures, the README, the site and the notebooks show --------


def percent_digits(value: float) -> int:
    """Decimals that give a share two significant figures: 63%, 2.3%, 0.015%."""
    percent = abs(float(value)) * 100
    if percent == 0:
        return 0
    return max(0, 1 - math.floor(math.log10(percent)))


def percent_text(value: float, language: str) -> str:
    return format_percent(value, language, percent_digits(value))


def percent_range(low: float, high: float, language: str) -> str:
    """'63–95%'; a single share when both ends round alike."""
    digits = percent_digits(min(abs(low), abs(high)) or high)
    if format_percent(low, language, digits) == format_percent(high, language, digits):
        return format_percent(low, language, digits)
    return format_interval(low, high, "percent", language, digits=digits)


def number_digits(value: float) -> int:
    """Decimals that give a plain number two significant figures (none from 10 up)."""
    magnitude = abs(float(value))
    return 0 if magnitude == 0 or magnitude >= 10 else min(10, 1 - math.floor(
        math.log10(magnitude)))


def value_text(value: float, unit: str, language: str) -> str:
    """A ratio's value: a share as a percentage, anything else as a plain number."""
    if unit == "fraction":
        return percent_text(value, language)
    return format_amount(value, language, digits=number_digits(value))


def value_range(low: float, high: float, unit: str, language: str) -> str:
    if unit == "fraction":
        return percent_range(low, high, language)
    digits = number_digits(min(abs(low), abs(high)) or high)
    if format_number(low, language, digits) == format_number(high, language, digits):
        return format_amount(low, language, digits=digits)
    return message("plain_interval", language, low=format_amount(low, language, digits=digits),
                   high=format_amount(high, language, digits=digits))


def money_digits(value: float) -> int:
    """Decimals that give a dollar amount three significant figures within its scale word."""
    magnitude = abs(float(value))
    if magnitude < 1e6:
        return 0
    mantissa = magnitude / 10 ** (3 * math.floor(math.log10(magnitude) / 3))
    return 2 if mantissa < 10 else 1 if mantissa < 100 else 0


def money_text(value: float, language: str, style_name: str = "long") -> str:
    return format_money(value, language, digits=money_digits(value), style=style_name)


def money_range(low: float, high: float, language: str, style_name: str = "long") -> str:
    if low == high:
        return money_text(low, language, style_name)
    digits = max(money_digits(low), money_digits(high))
    return format_interval(low, high, "usd", language, digits=digits, style=style_name)


# --- Lists and releases ----------------------------------------------------------------


def join_words(items: Sequence[str], language: str) -> str:
    """'a', 'a and b', 'a, b and c' ('a, b dan c')."""
    if len(items) == 1:
        return items[0]
    head = message("list_separator", language).join(items[:-1])
    return message("list_and", language, head=head, last=items[-1])

def items_text(items: Sequence[str], language: str) -> str:
    return message("item_separator", language).join(items)

def vintage_label(vintage: str, language: str) -> str:
    """'2024-10' -> 'Oct 2024' / 'Okt 2024' (babel's month names)."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", vintage)
    if match is None:
        raise InputError(f"IMF vintage {vintage!r} is not YYYY-MM", field="weo_vintage")
    month = date(int(match[1]), int(match[2]), 1)
    return babel.dates.format_date(month, "MMM y", locale=BABEL_LOCALES[language])


# --- Tables a notebook shows: numbers as a reader reads them, not as floats ----------------


def interval_text(low: float, high: float, unit: str, language: str) -> str:
    """An interval in its unit as the figures write it: '$2–3 trillion', '63–95%', '1.2–1.8
    per 1,000 inhabitants' (``unit`` as ratios.csv or a term table records it)."""
    if unit in ("USD", "US dollars"):
        # "$3.05 trillion", not "$3.05–3.05 trillion", when both ends round alike
        same = money_text(low, language) == money_text(high, language)
        return money_text(low, language) if same else money_range(low, high, language)
    if unit in ("fraction", "a pure number"):
        return percent_range(low, high, language)
    return f"{value_range(low, high, unit, language)} {unit}"


def styled(frame: Any, language: str = "en", *, money: Sequence[str] = (),
           percent: Sequence[str] = (), points: Sequence[str] = (),
           factor: Sequence[str] = ()) -> Any:
    """A table (HTML from a pandas Styler) that writes each matching column (shell patterns
    such as ``gdp_*``)
    the way the figures do: ``money`` in US dollars ("$105.4 trillion"), ``percent`` as
    shares of one ("63%"), ``points`` as values already in percent ("24.1%"), ``factor`` as
    multiples ("1.35×"). Other columns are shown as they are."""
    import fnmatch

    def pick(patterns: Sequence[str]) -> list[str]:
        return [c for c in frame.columns if any(fnmatch.fnmatch(str(c), p) for p in patterns)]

    def safe(write):
        return lambda v: "" if v is None or v != v else write(v)  # NaN is not equal to itself

    # a float column no pattern names still reads as a number, not as "0.100000"
    formats = {c: safe(lambda v: format_number(v, language, 4))
               for c in frame.select_dtypes("float").columns}
    formats |= {c: safe(lambda v: money_text(v, language)) for c in pick(money)}
    formats |= {c: safe(lambda v: percent_text(v, language)) for c in pick(percent)}
    formats |= {c: safe(lambda v: format_number(v, language, 1) + "%") for c in pick(points)}
    formats |= {c: safe(lambda v: format_decimal(v, language, 2) + "×") for c in pick(factor)}
    # A fixed id instead of pandas' random one, and HTML rather than the Styler itself (whose
    # plain-text form names a memory address), so an executed notebook is the same every run.
    from IPython.display import HTML

    tag = hashlib.sha256("|".join(map(str, frame.columns)).encode()).hexdigest()[:8]
    return HTML(frame.style.format(formats, na_rep="").set_uuid(f"cf{tag}").to_html())


def figure_value(value: float, unit: str, language: str) -> str:
    """One parsed figure in its unit: '$3 trillion', '2.77 trillion EUR', '40%', '3,500'
    (``unit`` as figures.csv records it: a currency code, ``percent`` or ``count``)."""
    if unit == "USD":
        return money_text(value, language)
    if unit == "percent":  # already in percent, not a share of one
        return percent_text(value / 100, language)
    digits = money_digits(value) if abs(value) >= 1e6 else number_digits(value)
    amount = format_amount(value, language, digits=digits)
    return amount if unit == "count" else f"{amount} {unit}"


def figure_interval(low: float, high: float, unit: str, language: str) -> str:
    """An interval of a figure in its unit: '$1.5–3 trillion', '36–44%', '3,150–3,500'."""
    if unit == "percent":
        return interval_text(low / 100, high / 100, "fraction", language)
    if unit == "count":
        return value_range(low, high, unit, language)
    return interval_text(low, high, unit, language)


def figure_table(figures: Any, language: str = "en") -> Any:
    """The parsed figures a reader checks first, each number written in its unit; an open
    end ("up to" has no low) stays blank."""
    shown = figures[["claim_id", "figure_text", "bound", "low", "point", "high", "unit",
                     "noun", "attributed_to"]].set_index("claim_id")
    for column in ("low", "point", "high"):
        shown[column] = ["" if value != value else figure_value(value, unit, language)
                         for value, unit in zip(shown[column], shown["unit"], strict=True)]
    return styled(shown, language)


def fact_check_table(comparison: Any, figures: Any, language: str = "en") -> Any:
    """The article's interval beside its source's, both in the article figure's unit, with
    the computed relations and the verdict."""
    units = figures.set_index("claim_id")["unit"]
    shown = comparison.set_index("claim_id")
    for side in ("article", "source"):
        shown[f"{side} interval"] = [
            figure_interval(row[f"{side}_low"], row[f"{side}_high"], units[claim], language)
            for claim, row in shown.iterrows()]
    return styled(shown[["figure_text", "article interval", "source_figure_text",
                         "source interval", "source_publisher", "position", "hedge_change",
                         "departures", "verdict", "verdict_basis"]], language)


def tornado_table(tornado: Any, ratios: Any, language: str = "en") -> Any:
    """The sensitivity sweep: each ratio's median at its baseline and at the ends of each
    setting's range, in the ratio's unit, and how far it moves (a share of the baseline)."""
    units = ratios.set_index("ratio_id")["unit"]
    shown = tornado.copy()
    for column in ("baseline_p50", "min_p50", "max_p50"):
        shown[column] = [interval_text(value, value, str(units[ratio]), language)
                         for ratio, value in zip(shown["ratio_id"], shown[column], strict=True)]
    return styled(shown.set_index(["ratio_id", "factor"])[
        ["baseline_p50", "min_p50", "max_p50", "setting_at_min", "setting_at_max",
         "relative_swing"]], language, percent=["relative_swing"])


def ratio_table(ratios: Any, language: str = "en") -> Any:
    """The ratios as a journalist could quote them: the exact range, the middle 90% of the
    Monte Carlo draws and the median, each in the ratio's own unit."""
    import pandas as pd

    rows = []
    for row in ratios.itertuples():
        unit = str(row.unit)
        rows.append({
            "ratio": row.ratio_id,
            "exact range": interval_text(row.low, row.high, unit, language),
            "90% of draws": interval_text(row.mc_p05, row.mc_p95, unit, language),
            "median": interval_text(row.mc_p50, row.mc_p50, unit, language),
        })
    return styled(pd.DataFrame(rows).set_index("ratio"), language)


def term_table(terms: Any, language: str = "en") -> Any:
    """A ratio's inputs (ratios.term_table) with each interval written in its unit."""
    shown = terms.copy()
    shown.insert(1, "interval", [interval_text(r.low, r.high, r.unit, language)
                                 for r in terms.itertuples()])
    return styled(shown.drop(columns=["low", "high"]), language)
