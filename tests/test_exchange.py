"""The bundled exchange-rate table and conversion to US dollars: content, citation, errors."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from crimefigures.analysis import exchange, reference
from crimefigures.errors import InputError, ParameterError

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / exchange.EXCHANGE_PATH
UPSTREAM = REPO / "data" / "external" / exchange.H10_UPSTREAM
H10_SHA256 = "49b0b5dd9cd02303db57cefc6873bdf08fae6fdcbc0df3451d804041ae0fb648"


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return exchange.load_exchange_rates()


def _rows() -> list[list[str]]:
    with BUNDLED.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _write(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


# --- the bundled file ------------------------------------------------------------------------


def test_bundled_file_passes_the_schema_and_covers_h10(table):
    assert list(table.columns) == exchange.COLUMNS
    assert len(table) == 20 * 7  # 20 H.10 currencies (Venezuela left out) x 2019-2025
    assert set(table["currency"]) == {s.currency for s in exchange.H10_SERIES.values()}
    assert set(table["year"]) == set(range(2019, 2026))
    assert table["units_per_usd"].dtype == "float64"
    assert table["inverted_from_fred"].dtype == bool
    exchange.EXCHANGE_SCHEMA.validate(table)


def test_every_row_is_cited(table):
    assert set(table["publisher"]) == {"Board of Governors of the Federal Reserve System (US)"}
    assert set(table["dataset"]) == {"H.10 Foreign Exchange Rates, annual averages"}
    assert set(table["upstream_file"]) == {"fed_h10_exchange_rates_annual.csv"}
    assert set(table["upstream_sha256"]) == {H10_SHA256}
    assert reference.sha256_file(UPSTREAM) == H10_SHA256
    assert set(table["date_accessed"]) == {"2026-11-24"}
    assert (table["url"] == "https://fred.stlouisfed.org/series/" + table["series_code"]).all()
    assert set(table.loc[table["inverted_from_fred"], "currency"]) == {"AUD", "EUR", "NZD"}


@pytest.mark.parametrize(
    ("currency", "country", "series"),
    [
        ("EUR", "Euro", "AEXUSEU"),
        ("CNY", "China", "AEXCHUS"),
        ("MYR", "Malaysia", "AEXMAUS"),
        ("THB", "Thailand", "AEXTHUS"),
        ("TWD", "Taiwan", "AEXTAUS"),
        ("HKD", "Hong Kong", "AEXHKUS"),
        ("KRW", "South Korea", "AEXKOUS"),
        ("INR", "India", "AEXINUS"),
        ("JPY", "Japan", "AEXJPUS"),
        ("SGD", "Singapore", "AEXSIUS"),
        ("AUD", "Australia", "AEXUSAL"),
        ("CAD", "Canada", "AEXCAUS"),
    ],
)
def test_h10_country_names_map_to_iso_4217(table, currency, country, series):
    rows = table[table["currency"] == currency]
    assert set(rows["h10_country"]) == {country}
    assert set(rows["series_code"]) == {series}


def test_bundled_values_equal_the_upstream_file(table):
    """Every bundled rate is the upstream text, read as a number, for the same country and year."""
    raw = pd.read_csv(UPSTREAM, dtype=str)
    raw = raw[raw["Date"].str[:4].astype(int) >= 2019]
    raw = raw[raw["Country"] != "Venezuela"]
    merged = table.assign(Date=table["year"].astype(str) + "-01-01").merge(
        raw, left_on=["h10_country", "Date"], right_on=["Country", "Date"], validate="one_to_one"
    )
    assert len(merged) == len(table)
    assert (merged["units_per_usd"] == merged["Exchange rate"].astype(float)).all()


# --- conversion ------------------------------------------------------------------------------


def test_thai_baht_2023_hand_checked():
    # data/external/fed_h10_exchange_rates_annual.csv: "2023-01-01,Thailand,34.7841"
    conversion = exchange.to_usd(1_000_000, "THB", 2023)
    assert conversion.rate == 34.7841
    assert conversion.value_usd == pytest.approx(28_748.77, abs=0.01)
    assert conversion.value_usd == 1_000_000 / 34.7841
    assert (conversion.currency, conversion.year, conversion.key) == ("THB", 2023, "THB:2023")
    assert conversion.series_code == "AEXTHUS"
    assert conversion.url == "https://fred.stlouisfed.org/series/AEXTHUS"
    assert conversion.publisher == "Board of Governors of the Federal Reserve System (US)"
    assert conversion.upstream_sha256 == H10_SHA256
    assert "34.7841 THB per USD" in conversion.citation()
    assert "accessed 2026-11-24" in conversion.citation()


def test_euro_and_ringgit_hand_checked():
    # "2023-01-01,Euro,0.9245" (EUR per USD, inverted from AEXUSEU by the packaging).
    assert exchange.to_usd(924.5, "EUR", 2023).value_usd == pytest.approx(1000.0)
    # "2024-01-01,Malaysia,4.5747"
    assert exchange.to_usd(45_747, "myr", 2024).value_usd == pytest.approx(10_000.0)


def test_conversion_is_frozen():
    conversion = exchange.to_usd(1, "JPY", 2020)
    with pytest.raises(AttributeError):
        conversion.rate = 2.0  # type: ignore[misc]


def test_us_dollars_convert_at_one_without_a_row():
    empty = pd.DataFrame(columns=exchange.COLUMNS)
    conversion = exchange.to_usd(3.1e12, "USD", 2024, table=empty)
    assert (conversion.value_usd, conversion.rate, conversion.currency) == (3.1e12, 1.0, "USD")
    assert conversion.publisher is None
    assert "already in US dollars" in conversion.citation()


@pytest.mark.parametrize("currency", ["PHP", "IDR", "VND", "KHR", "MMK", "LAK", "GBP"])
def test_currency_not_in_h10_says_how_to_add_a_cited_rate(table, currency):
    with pytest.raises(InputError) as caught:
        exchange.to_usd(100, currency, 2023, table=table)
    error = caught.value
    assert error.field == "currency"
    assert f"no exchange rate for currency '{currency}'" in error.message
    assert "H.10 does not publish it" in error.message
    assert "PA.NUS.FCRF" in error.message and "NGDPD" in error.message
    assert "data/reference/README.md" in error.message
    assert "\n" not in str(error)


def test_unknown_currency_names_the_bundled_file():
    with pytest.raises(InputError) as caught:
        exchange.to_usd(100, "XYZ", 2023)
    assert caught.value.file == "data/reference/exchange_rates.csv"
    assert "available: USD, AUD, BRL" in caught.value.message
    assert "does not publish" not in caught.value.message


def test_missing_year_names_what_exists(table):
    with pytest.raises(InputError) as caught:
        exchange.to_usd(100, "THB", 2018, table=table)
    assert caught.value.field == "year"
    assert "no THB exchange rate for 2018; available years: 2019–2025" in caught.value.message


@pytest.mark.parametrize(
    ("amount", "year", "field"),
    [("100", 2023, "amount"), (float("nan"), 2023, "amount"), (True, 2023, "amount"),
     (100, 2023.0, "year")],
)
def test_bad_arguments(amount, year, field):
    with pytest.raises(ParameterError) as caught:
        exchange.to_usd(amount, "THB", year)
    assert caught.value.field == field


# --- a user's own cited rates ----------------------------------------------------------------


def _user_row(currency: str = "PHP", year: str = "2023", rate: str = "55.63") -> list[str]:
    return [
        currency, "", year, rate, "False", "International Monetary Fund",
        "World Economic Outlook Database, October 2024 (implied rate NGDP / NGDPD)",
        "NGDP/NGDPD", "https://www.imf.org/en/Publications/WEO/weo-database/2024/October",
        "IMF Copyright and Usage", "2026-11-30", "WEOOct2024all.xls", "0" * 64,
    ]


def test_user_rates_add_to_the_bundled_table(tmp_path):
    path = _write(tmp_path / "my_rates.csv", [exchange.COLUMNS, _user_row()])
    table = exchange.load_exchange_rates([exchange.EXCHANGE_PATH, path])
    conversion = exchange.to_usd(5_563, "PHP", 2023, table=table)
    assert conversion.value_usd == pytest.approx(100.0)
    assert conversion.publisher == "International Monetary Fund"
    assert exchange.to_usd(34.7841, "THB", 2023, table=table).value_usd == pytest.approx(1.0)


def test_a_rate_given_twice_across_files_is_an_error(tmp_path):
    path = _write(tmp_path / "my_rates.csv", [exchange.COLUMNS, _user_row("THB", "2023")])
    with pytest.raises(InputError) as caught:
        exchange.load_exchange_rates([exchange.EXCHANGE_PATH, path])
    message = str(caught.value)
    assert "duplicate key THB:2023 (also in data/reference/exchange_rates.csv)" in message
    assert caught.value.row == 2


# --- bad files -------------------------------------------------------------------------------


def _error_for(path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        exchange.load_exchange_rates(path)
    assert "\n" not in str(caught.value)
    assert str(path) in str(caught.value)
    return caught.value


def test_missing_file(tmp_path):
    assert "not found" in _error_for(tmp_path / "absent.csv").message


@pytest.mark.parametrize(
    ("csv_row", "column", "text", "expected"),
    [
        (4, "units_per_usd", "abc", "'abc' is not a number"),
        (4, "units_per_usd", "-1.4", "must be a positive number"),
        (5, "currency", "baht", "str_matches"),
        (6, "year", "", "missing value"),
        (7, "inverted_from_fred", "yes", "is not True or False"),
        (8, "series_code", "AEXMAUS", "do not agree"),
        (9, "url", "http://fred.stlouisfed.org/series/AEXUSAL", "str_startswith"),
    ],
)
def test_bad_cell_names_file_row_and_field(tmp_path, csv_row, column, text, expected):
    rows = _rows()
    rows[csv_row - 1][rows[0].index(column)] = text
    error = _error_for(_write(tmp_path / "bad.csv", rows))
    assert (error.row, error.field) == (csv_row, column)
    assert expected in error.message


def test_duplicated_key(tmp_path):
    rows = _rows()
    rows.insert(10, rows[3])
    error = _error_for(_write(tmp_path / "dup.csv", rows))
    assert error.row == 11
    assert "duplicate key AUD:2021 (first at row 4)" in error.message


def test_missing_column(tmp_path):
    error = _error_for(_write(tmp_path / "short.csv", [r[:-1] for r in _rows()]))
    assert (error.row, error.field) == (1, "upstream_sha256")


# --- building --------------------------------------------------------------------------------


def _normalise(raw: pd.DataFrame) -> pd.DataFrame:
    return exchange.normalise_h10(
        raw,
        date_accessed="2026-11-24",
        upstream_file="h10.csv",
        upstream_sha256="0" * 64,
        years=[2023],
    )


def _h10(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["Date", "Country", "Exchange rate"], dtype=str)


def _all_2023() -> list[tuple[str, str, str]]:
    return [("2023-01-01", country, "1.5") for country in exchange.H10_SERIES]


def test_normalise_h10_refuses_an_unmapped_country():
    with pytest.raises(InputError, match="no ISO 4217 mapping: Atlantis"):
        _normalise(_h10([*_all_2023(), ("2023-01-01", "Atlantis", "2.0")]))


def test_normalise_h10_requires_every_currency_and_year():
    rows = [r for r in _all_2023() if r[1] != "Thailand"]
    with pytest.raises(InputError, match=r"no Thailand \(THB\) rate for 2023"):
        _normalise(_h10(rows))


def test_normalise_h10_refuses_a_date_that_is_not_a_year():
    rows = [("2023-06-01", "Thailand", "34.0") if r[1] == "Thailand" else r for r in _all_2023()]
    with pytest.raises(InputError, match="first day of a year") as caught:
        _normalise(_h10(rows))
    assert caught.value.field == "Date"


def test_normalise_h10_leaves_venezuela_out():
    rows = _normalise(_h10([*_all_2023(), ("2023-01-01", "Venezuela", "28.6223")]))
    assert "Venezuela" not in set(rows["h10_country"])
    assert len(rows) == len(exchange.H10_SERIES)
