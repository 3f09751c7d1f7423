"""Bundled, cited annual-average exchange rates, and conversion of amounts to US dollars.

The table ``data/reference/exchange_rates.csv`` is long and tidy: one row per
(currency, year), the rate in **currency units per US dollar**, each row
carrying its own citation. ``scripts/build_reference.py`` builds it offline
from ``data/external/fed_h10_exchange_rates_annual.csv`` (Federal Reserve H.10
annual averages as published on FRED) through :func:`normalise_h10`.

H.10 does not cover every currency news reports use: the Philippine peso,
Indonesian rupiah, Vietnamese dong, Cambodian riel, Myanmar kyat, Lao kip and
the pound sterling are absent. :func:`to_usd` says so, and says how to add a
cited rate (see ``data/reference/README.md``).

Row numbers in error messages are CSV line numbers: the header is row 1, the
first data row is row 2.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from crimefigures.analysis import reference as _ref
from crimefigures.errors import InputError, ParameterError
from crimefigures.pipeline import paths

EXCHANGE_PATH = "data/reference/exchange_rates.csv"
USD = "USD"

H10_PUBLISHER = "Board of Governors of the Federal Reserve System (US)"
H10_DATASET = "H.10 Foreign Exchange Rates, annual averages"
H10_LICENSE = "Public domain (US Federal Reserve data)"
H10_UPSTREAM = "fed_h10_exchange_rates_annual.csv"
FRED_SERIES_URL = "https://fred.stlouisfed.org/series/"


@dataclass(frozen=True)
class H10Series:
    """One H.10 currency: its ISO 4217 code, its FRED annual series, and its quote."""

    currency: str
    series_code: str
    # FRED quotes these as US dollars per unit; the upstream packaging wrote 1/value,
    # so every upstream row is units per US dollar.
    inverted: bool = False


# H.10 country names (as the upstream file spells them) to ISO 4217 codes and FRED
# annual series, per ``exchange_rates_flow.py`` in https://github.com/datasets/exchange-rates.
# Venezuela (AEXVZUS) is left out on purpose: over 2018-2022 the series runs through
# two redenominations (bolivar fuerte VEF, bolivar soberano VES, bolivar digital
# 1 VED = 1,000,000 VES from October 2021), so no single ISO code describes its rows.
H10_SERIES: dict[str, H10Series] = {
    "Australia": H10Series("AUD", "AEXUSAL", inverted=True),
    "Brazil": H10Series("BRL", "AEXBZUS"),
    "Canada": H10Series("CAD", "AEXCAUS"),
    "China": H10Series("CNY", "AEXCHUS"),
    "Denmark": H10Series("DKK", "AEXDNUS"),
    "Euro": H10Series("EUR", "AEXUSEU", inverted=True),
    "Hong Kong": H10Series("HKD", "AEXHKUS"),
    "India": H10Series("INR", "AEXINUS"),
    "Japan": H10Series("JPY", "AEXJPUS"),
    "Malaysia": H10Series("MYR", "AEXMAUS"),
    "Mexico": H10Series("MXN", "AEXMXUS"),
    "New Zealand": H10Series("NZD", "AEXUSNZ", inverted=True),
    "Norway": H10Series("NOK", "AEXNOUS"),
    "Singapore": H10Series("SGD", "AEXSIUS"),
    "South Africa": H10Series("ZAR", "AEXSFUS"),
    "South Korea": H10Series("KRW", "AEXKOUS"),
    "Sweden": H10Series("SEK", "AEXSDUS"),
    "Switzerland": H10Series("CHF", "AEXSZUS"),
    "Taiwan": H10Series("TWD", "AEXTAUS"),
    "Thailand": H10Series("THB", "AEXTHUS"),
}
H10_LEFT_OUT = {"Venezuela": "redenominated within the series (VEF/VES/VED); no single ISO code"}
EXCHANGE_YEARS = range(2019, 2026)

# Currencies news on Southeast Asian scams uses that H.10 does not publish.
NOT_IN_H10 = ("PHP", "IDR", "VND", "KHR", "MMK", "LAK", "GBP")

KEY_COLUMNS = ["currency", "year"]
COLUMNS = [
    "currency",
    "h10_country",
    "year",
    "units_per_usd",
    "inverted_from_fred",
    "publisher",
    "dataset",
    "series_code",
    "url",
    "license",
    "date_accessed",
    "upstream_file",
    "upstream_sha256",
]

HOW_TO_ADD = (
    "to convert another currency, put cited rows (same columns as "
    f"{EXCHANGE_PATH}: units per US dollar, publisher, dataset, series_code, url, "
    "upstream_file, upstream_sha256, date_accessed) in a CSV of your own, e.g. the IMF "
    "WEO implied rate (national-currency GDP NGDP over US-dollar GDP NGDPD) or the World "
    "Bank's PA.NUS.FCRF official rate, and pass table=load_exchange_rates(["
    f"'{EXCHANGE_PATH}', 'your_rates.csv']); see data/reference/README.md"
)


# ---------------------------------------------------------------------------
# Schema and loading
# ---------------------------------------------------------------------------

_H10_MISMATCH = "H.10 row's currency, country and series code do not agree"
_BY_SERIES = {series.series_code: (country, series) for country, series in H10_SERIES.items()}


def _consistent_h10(frame: pd.DataFrame) -> pd.Series:
    """An H.10 row names its own currency, country, series, quote and FRED page."""
    ok = []
    for row in frame[
        ["currency", "h10_country", "series_code", "inverted_from_fred", "publisher", "url"]
    ].itertuples(index=False):
        if row.publisher != H10_PUBLISHER:
            ok.append(True)  # a user's own cited rate: its citation is its own
            continue
        country, series = _BY_SERIES.get(row.series_code, (None, None))
        ok.append(
            series is not None
            and row.currency == series.currency
            and row.h10_country == country
            and bool(row.inverted_from_fred) == series.inverted
            and row.url == FRED_SERIES_URL + series.series_code
        )
    return pd.Series(ok, index=frame.index)


def _h10_mismatch_message(frame: pd.DataFrame, index: int) -> tuple[str, str]:
    code = frame.at[index, "series_code"]
    known = _BY_SERIES.get(code)
    expected = (
        f"{code} is {known[0]} ({known[1].currency}), url {FRED_SERIES_URL}{code}, "
        f"inverted_from_fred {known[1].inverted}"
        if known
        else f"{code!r} is not an H.10 annual series this project maps"
    )
    return (
        f"currency {frame.at[index, 'currency']!r}, h10_country "
        f"{frame.at[index, 'h10_country']!r} and series_code {code!r} do not agree: {expected}",
        "series_code",
    )


def _text(*checks: pa.Check) -> pa.Column:
    return pa.Column(str, list(checks), nullable=False)


EXCHANGE_SCHEMA = pa.DataFrameSchema(
    {
        "currency": _text(pa.Check.str_matches(r"^[A-Z]{3}$")),
        "h10_country": pa.Column(str, nullable=True),
        "year": pa.Column(
            "int64", pa.Check.in_range(*_ref.YEAR_RANGE), nullable=False, coerce=True
        ),
        "units_per_usd": pa.Column(
            "float64",
            [
                pa.Check.gt(0, error="must be a positive number"),
                pa.Check(np.isfinite, error="must be finite"),
            ],
            nullable=False,
            coerce=True,
        ),
        "inverted_from_fred": pa.Column(bool, nullable=False),
        "publisher": _text(pa.Check.str_length(min_value=1)),
        "dataset": _text(pa.Check.str_length(min_value=1)),
        "series_code": _text(pa.Check.str_length(min_value=1)),
        "url": _text(pa.Check.str_startswith("https://")),
        "license": _text(pa.Check.str_length(min_value=1)),
        "date_accessed": _text(pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$")),
        "upstream_file": _text(pa.Check.str_length(min_value=1)),
        "upstream_sha256": _text(pa.Check.str_matches(r"^[0-9a-f]{64}$")),
    },
    checks=[pa.Check(_consistent_h10, error=_H10_MISMATCH)],
    strict=True,
    ordered=True,
    unique=KEY_COLUMNS,
    report_duplicates="exclude_first",
    name="exchange rates reference table",
)


def exchange_key(currency: str, year: int) -> str:
    """The stable identifier of a row, e.g. ``THB:2023``."""
    return f"{currency}:{int(year)}"


def validate_exchange_rates(
    frame: pd.DataFrame, *, display: str = "exchange rate table"
) -> pd.DataFrame:
    """The frame checked and typed by :data:`EXCHANGE_SCHEMA`, or one-line InputError."""
    try:
        return EXCHANGE_SCHEMA.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as error:
        raise _ref._schema_error_to_input_error(
            error,
            frame,
            display,
            columns=COLUMNS,
            key_columns=KEY_COLUMNS,
            key_of=exchange_key,
            table_checks={_H10_MISMATCH: _h10_mismatch_message},
        ) from None


@functools.lru_cache(maxsize=8)
def _load_cached(path: str, mtime_ns: int, size: int) -> pd.DataFrame:
    display = paths.relative(path)
    frame = _ref._read_reference_csv(Path(path), display, COLUMNS)
    frame = _ref._parse_bools(frame, display, "inverted_from_fred")
    return validate_exchange_rates(frame, display=display)


def _load_one(path: str | os.PathLike[str]) -> tuple[pd.DataFrame, str]:
    resolved = paths.resolve(path)
    try:
        stat = resolved.stat()
    except OSError:
        raise InputError("exchange rate file not found", file=paths.relative(resolved)) from None
    frame = _load_cached(str(resolved), stat.st_mtime_ns, stat.st_size).copy()
    return frame, paths.relative(resolved)


def load_exchange_rates(
    path: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] = EXCHANGE_PATH,
) -> pd.DataFrame:
    """The validated exchange-rate table (``year`` int64, ``units_per_usd`` float64).

    ``path`` may be a list of files with the same columns (the bundled table plus
    your own cited rates); a (currency, year) given in two files is an error
    naming both. Raises :class:`InputError` naming file, CSV row and field.
    """
    if isinstance(path, (str, os.PathLike)):
        return _load_one(path)[0]
    frames, seen = [], {}
    for item in path:
        frame, display = _load_one(item)
        for index, (currency, year) in enumerate(frame[KEY_COLUMNS].itertuples(index=False)):
            key = exchange_key(currency, year)
            if key in seen:
                raise InputError(
                    f"duplicate key {key} (also in {seen[key]})",
                    file=display,
                    row=_ref._row_number(index),
                    field=",".join(KEY_COLUMNS),
                )
            seen[key] = display
        frames.append(frame)
    if not frames:
        raise ParameterError("no exchange rate file given", field="path")
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------------------
# Conversion
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Conversion:
    """An amount converted to US dollars at a cited annual-average rate.

    ``rate`` is currency units per US dollar, so ``value_usd = amount / rate``.
    For US dollars the rate is 1 and the citation fields are ``None``.
    """

    value_usd: float
    amount: float
    rate: float
    currency: str
    year: int
    key: str
    publisher: str | None
    dataset: str | None
    series_code: str | None
    url: str | None
    license: str | None
    date_accessed: str | None
    upstream_file: str | None
    upstream_sha256: str | None

    def citation(self) -> str:
        if self.publisher is None:
            return "amount already in US dollars; no conversion"
        return (
            f"{self.publisher}, {self.dataset}, {self.series_code}, {self.year} average "
            f"{self.rate:g} {self.currency} per USD. {self.url} (accessed {self.date_accessed})"
        )


def _span(years: Iterable[int]) -> str:
    return _ref._span(years)


def to_usd(
    amount: float, currency: str, year: int, table: pd.DataFrame | None = None
) -> Conversion:
    """``amount`` of ``currency`` in US dollars at the ``year`` annual-average rate.

    ``table`` defaults to the bundled :data:`EXCHANGE_PATH`. US dollars convert
    at 1 with no table row. A currency or year the table lacks is an
    :class:`InputError` naming the file and what is missing.
    """
    if isinstance(amount, bool) or not isinstance(amount, (int, float, np.number)):
        raise ParameterError(f"amount must be a number, got {amount!r}", field="amount")
    if not math.isfinite(float(amount)):
        raise ParameterError(f"amount must be finite, got {amount!r}", field="amount")
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)):
        raise ParameterError(f"year must be a whole number, got {year!r}", field="year")
    code = str(currency).strip().upper()
    if code == USD:
        return Conversion(
            value_usd=float(amount),
            amount=float(amount),
            rate=1.0,
            currency=USD,
            year=int(year),
            key=exchange_key(USD, year),
            publisher=None,
            dataset=None,
            series_code=None,
            url=None,
            license=None,
            date_accessed=None,
            upstream_file=None,
            upstream_sha256=None,
        )
    rates = load_exchange_rates() if table is None else table
    display = EXCHANGE_PATH if table is None else "the exchange rate table passed as table="
    rows = rates[rates["currency"] == code]
    if rows.empty:
        known = ", ".join(sorted(set(rates["currency"]))) or "none"
        absent = " (the Federal Reserve's H.10 does not publish it)" if code in NOT_IN_H10 else ""
        raise InputError(
            f"no exchange rate for currency {code!r}{absent}; available: USD, {known}. "
            + HOW_TO_ADD,
            file=display,
            field="currency",
        )
    match = rows[rows["year"] == int(year)]
    if match.empty:
        raise InputError(
            f"no {code} exchange rate for {int(year)}; available years: {_span(rows['year'])}. "
            + HOW_TO_ADD,
            file=display,
            field="year",
        )
    row = match.iloc[0]
    rate = float(row["units_per_usd"])
    return Conversion(
        value_usd=float(amount) / rate,
        amount=float(amount),
        rate=rate,
        currency=code,
        year=int(year),
        key=exchange_key(code, year),
        publisher=str(row["publisher"]),
        dataset=str(row["dataset"]),
        series_code=str(row["series_code"]),
        url=str(row["url"]),
        license=str(row["license"]),
        date_accessed=str(row["date_accessed"]),
        upstream_file=str(row["upstream_file"]),
        upstream_sha256=str(row["upstream_sha256"]),
    )


# ---------------------------------------------------------------------------
# Building (scripts/build_reference.py)
# ---------------------------------------------------------------------------


def normalise_h10(
    raw: pd.DataFrame,
    *,
    date_accessed: str,
    upstream_file: str,
    upstream_sha256: str,
    years: Iterable[int] = EXCHANGE_YEARS,
) -> pd.DataFrame:
    """Exchange-rate rows from the H.10 annual table (``Date, Country, Exchange rate``, strings).

    Keeps the mapped countries (:data:`H10_SERIES`) and ``years``; every mapped
    country must have every year, and a country the map does not know (nor
    leaves out on purpose, :data:`H10_LEFT_OUT`) is an error rather than a guess.
    """
    _ref._require_columns(raw, ["Date", "Country", "Exchange rate"], upstream_file)
    wanted = {int(y) for y in years}
    unknown = sorted(set(raw["Country"].dropna()) - set(H10_SERIES) - set(H10_LEFT_OUT))
    if unknown:
        raise InputError(
            f"H.10 countries with no ISO 4217 mapping: {', '.join(unknown)}; add them to "
            "crimefigures.analysis.exchange.H10_SERIES",
            file=upstream_file,
            field="Country",
        )
    records = []
    for index, row in raw.iterrows():
        country = str(row["Country"])
        if country not in H10_SERIES:
            continue
        line = _ref._row_number(index)
        date = str(row["Date"]).strip()
        if len(date) != 10 or not date.endswith("-01-01") or not date[:4].isdigit():
            raise InputError(
                f"{date!r} is not the first day of a year (YYYY-01-01)",
                file=upstream_file,
                row=line,
                field="Date",
            )
        year = int(date[:4])
        text = row["Exchange rate"]
        if year not in wanted or pd.isna(text) or str(text).strip() == "":
            continue
        try:
            value = Decimal(str(text).strip())
        except InvalidOperation:
            raise InputError(
                f"{text!r} is not a number", file=upstream_file, row=line, field="Exchange rate"
            ) from None
        series = H10_SERIES[country]
        records.append(
            {
                "currency": series.currency,
                "h10_country": country,
                "year": year,
                "units_per_usd": float(value),
                "inverted_from_fred": series.inverted,
                "publisher": H10_PUBLISHER,
                "dataset": H10_DATASET,
                "series_code": series.series_code,
                "url": FRED_SERIES_URL + series.series_code,
                "license": H10_LICENSE,
                "date_accessed": date_accessed,
                "upstream_file": upstream_file,
                "upstream_sha256": upstream_sha256,
            }
        )
    frame = pd.DataFrame.from_records(records, columns=COLUMNS)
    for country, series in H10_SERIES.items():
        have = set(frame.loc[frame["currency"] == series.currency, "year"])
        missing = sorted(wanted - have)
        if missing:
            raise InputError(
                f"H.10 has no {country} ({series.currency}) rate for "
                f"{', '.join(map(str, missing))}",
                file=upstream_file,
                field="Exchange rate",
            )
    return assemble_exchange_rates(frame)


def assemble_exchange_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """Sorted by (currency, year) and validated."""
    frame = frame[COLUMNS].astype(
        {"year": "int64", "units_per_usd": "float64", "inverted_from_fred": bool}
    )
    frame = frame.sort_values(KEY_COLUMNS, kind="mergesort").reset_index(drop=True)
    return validate_exchange_rates(frame, display="assembled exchange rate table")
