"""Bundled, cited GDP and population figures, and the code that builds them.

The table ``data/reference/gdp_population.csv`` is the only place the runtime
reads GDP or population from. It is long and tidy: one row per
(indicator, area_code, source, vintage, year), values in base units (US dollars,
persons), each row carrying its own citation. ``scripts/build_reference.py``
builds it offline from the upstream files and ``scripts/refresh_reference.py``
from the live sources; both go through :func:`normalise_world_bank`,
:func:`normalise_weo` and :func:`assemble_reference` so the two cannot drift.

Row numbers in error messages are CSV line numbers: the header is row 1, the
first data row is row 2.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from crimefigures.errors import InputError, ParameterError
from crimefigures.pipeline import paths

REFERENCE_PATH = "data/reference/gdp_population.csv"

GDP = "gdp_current_usd"
POPULATION = "population"
INDICATORS = (GDP, POPULATION)
WORLD_BANK = "world_bank"
IMF_WEO = "imf_weo"
GDP_SOURCES = (IMF_WEO, WORLD_BANK)
SOURCES = GDP_SOURCES
# Oldest first. "2023-10" was the release current on 27 March 2024 (the briefing the
# first story reports); "2024-04" is the first with Cambodia's rebased accounts.
WEO_VINTAGES = ("2023-10", "2024-04", "2024-10", "2025-10")

KEY_COLUMNS = ["indicator", "area_code", "source", "vintage", "year"]
COLUMNS = [
    "indicator",
    "area_code",
    "area_name",
    "source",
    "vintage",
    "year",
    "value",
    "is_estimate",
    "publisher",
    "dataset",
    "series_code",
    "url",
    "license",
    "date_accessed",
    "upstream_file",
    "upstream_sha256",
]

# The areas the analyses need, with one English name each (World Bank spelling),
# so "Viet Nam" is not "Vietnam" in one row and "Viet Nam" in the next.
AREAS: dict[str, str] = {
    "WLD": "World",
    "FRA": "France",
    "KHM": "Cambodia",
    "MMR": "Myanmar",
    "LAO": "Lao PDR",
    "THA": "Thailand",
    "PHL": "Philippines",
    "MYS": "Malaysia",
    "VNM": "Viet Nam",
    "IDN": "Indonesia",
    "SGP": "Singapore",
    "CHN": "China",
    "USA": "United States",
    "IND": "India",
    "GBR": "United Kingdom",
    "JPN": "Japan",
    # Economies that reporting on Southeast Asian scam compounds names (as victims'
    # or scam proceeds' countries) and that both publishers cover. Taiwan is not
    # here: the World Bank files have no Taiwan (the IMF's TWN would be one-sided).
    "CAN": "Canada",
    "HKG": "Hong Kong SAR, China",
    "KOR": "Korea, Rep.",
    "AUS": "Australia",
}
YEARS = range(2019, 2026)
YEAR_RANGE = (1950, 2100)

IMF_WORLD_CODE = "G001"
WEO_SCALE = {"Billions": Decimal(10) ** 9, "Millions": Decimal(10) ** 6, "Units": Decimal(1)}

SERIES_CODES = {
    (GDP, WORLD_BANK): "NY.GDP.MKTP.CD",
    (POPULATION, WORLD_BANK): "SP.POP.TOTL",
    (GDP, IMF_WEO): "NGDPD",
}
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_WEO_URLS = {
    "2023-10": "https://www.imf.org/en/Publications/WEO/weo-database/2023/October/"
    "download-entire-database",
    "2024-04": "https://www.imf.org/en/Publications/WEO/weo-database/2024/April/"
    "download-entire-database",
    "2024-10": "https://www.imf.org/en/Publications/WEO/weo-database/2024/October/"
    "download-entire-database",
    "2025-10": "https://data.imf.org/en/datasets/IMF.RES:WEO",
}

@dataclass(frozen=True)
class WeoRelease:
    """When an IMF WEO release was published, and where that date comes from."""

    vintage: str
    published: dt.date
    source: str


# Publication day of each bundled WEO release. The IMF publishes each release's
# report page under an address that carries its release date (Issues/YYYY/MM/DD/...),
# and the database the same day.
WEO_RELEASES: tuple[WeoRelease, ...] = (
    WeoRelease(
        "2023-10",
        dt.date(2023, 10, 10),
        "IMF, World Economic Outlook, October 2023, released 10 October 2023: "
        "https://www.imf.org/en/Publications/WEO/Issues/2023/10/10/"
        "world-economic-outlook-october-2023",
    ),
    WeoRelease(
        "2024-04",
        dt.date(2024, 4, 16),
        "IMF, World Economic Outlook, April 2024, released 16 April 2024 (also the date "
        "data/external/README.md gives): https://www.imf.org/en/Publications/WEO/Issues/"
        "2024/04/16/world-economic-outlook-april-2024",
    ),
    WeoRelease(
        "2024-10",
        dt.date(2024, 10, 22),
        "IMF, World Economic Outlook, October 2024, released 22 October 2024: "
        "https://www.imf.org/en/Publications/WEO/Issues/2024/10/22/"
        "world-economic-outlook-october-2024",
    ),
    WeoRelease(
        "2025-10",
        dt.date(2025, 10, 14),
        "IMF, World Economic Outlook, October 2025 ('Global Economy in Flux, Prospects "
        "Remain Dim'), released at the IMF press briefing of 14 October 2025: "
        "https://www.imf.org/en/Publications/WEO/Issues/2025/10/14/"
        "world-economic-outlook-october-2025. The upstream README gives no release date, "
        "only the data download (2025-10-16), which is consistent",
    ),
)
WEO_PUBLISHED: dict[str, dt.date] = {r.vintage: r.published for r in WEO_RELEASES}

WB_LICENSE = "CC BY 4.0"
IMF_LICENSE = "IMF Copyright and Usage (https://www.imf.org/external/terms.htm)"


# ---------------------------------------------------------------------------
# Schema and loading
# ---------------------------------------------------------------------------


_SERIES_MISMATCH = "series_code does not match indicator/source"


def _consistent_series(frame: pd.DataFrame) -> pd.Series:
    """Each row's (indicator, source) pair exists and names its own series code."""
    expected = [
        SERIES_CODES.get((indicator, source))
        for indicator, source in zip(frame["indicator"], frame["source"], strict=True)
    ]
    return pd.Series(
        [code == want for code, want in zip(frame["series_code"], expected, strict=True)],
        index=frame.index,
    )


def _text(*checks: pa.Check) -> pa.Column:
    return pa.Column(str, list(checks), nullable=False)


REFERENCE_SCHEMA = pa.DataFrameSchema(
    {
        "indicator": _text(pa.Check.isin(INDICATORS)),
        "area_code": _text(pa.Check.str_matches(r"^[A-Z]{3}$")),
        "area_name": _text(pa.Check.str_length(min_value=1)),
        "source": _text(pa.Check.isin(SOURCES)),
        "vintage": _text(pa.Check.str_matches(r"^(wdi-)?\d{4}-(0[1-9]|1[0-2])$")),
        "year": pa.Column("int64", pa.Check.in_range(*YEAR_RANGE), nullable=False, coerce=True),
        "value": pa.Column(
            "float64",
            [
                pa.Check.gt(0, error="must be a positive number"),
                pa.Check(np.isfinite, error="must be finite"),
            ],
            nullable=False,
            coerce=True,
        ),
        "is_estimate": pa.Column(bool, nullable=False),
        "publisher": _text(pa.Check.str_length(min_value=1)),
        "dataset": _text(pa.Check.str_length(min_value=1)),
        "series_code": _text(pa.Check.isin(sorted(set(SERIES_CODES.values())))),
        "url": _text(pa.Check.str_startswith("https://")),
        "license": _text(pa.Check.str_length(min_value=1)),
        "date_accessed": _text(pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$")),
        "upstream_file": _text(pa.Check.str_length(min_value=1)),
        "upstream_sha256": _text(pa.Check.str_matches(r"^[0-9a-f]{64}$")),
    },
    checks=[pa.Check(_consistent_series, error=_SERIES_MISMATCH)],
    strict=True,
    ordered=True,
    unique=KEY_COLUMNS,
    report_duplicates="exclude_first",
    name="gdp_population reference table",
)

_STRUCTURE_CHECKS = ("column_in_schema", "column_in_dataframe", "column_ordered")
# When one cell fails several checks, name the most basic failure.
_CHECK_PRIORITY = ("not_nullable", "coerce_dtype", "dtype", "multiple_fields_uniqueness")


def _row_number(index: int) -> int:
    return int(index) + 2  # header is CSV row 1


def _show(value: object) -> str:
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    if isinstance(value, (bool, np.bool_)):
        return repr(bool(value))
    return repr(value)


_TYPE_WORDS = {"int64": "a whole number", "float64": "a number", "bool": "True or False"}


def _describe_failure(check: str, failure_case: object) -> str:
    if check == "not_nullable":
        return "missing value"
    typed = re.fullmatch(r"(coerce_dtype|dtype)\('?([\w]+)'?\)", check)
    if typed:
        return f"{_show(failure_case)} is not {_TYPE_WORDS.get(typed.group(2), typed.group(2))}"
    if check.startswith("must "):
        return f"{_show(failure_case)} {check}"
    return f"{_show(failure_case)} fails check {check}"


def _duplicate_message(
    frame: pd.DataFrame,
    index: int,
    key_columns: Sequence[str] = KEY_COLUMNS,
    key_of: Callable[..., str] | None = None,
) -> str:
    make_key = reference_key if key_of is None else key_of
    key = make_key(*(frame.at[index, column] for column in key_columns))
    same = (frame[list(key_columns)] == frame.loc[index, list(key_columns)]).all(axis=1)
    first = int(same[same].index[0])
    return f"duplicate key {key} (first at row {_row_number(first)})"


def _series_mismatch_message(frame: pd.DataFrame, index: int) -> tuple[str, str]:
    return (
        f"{frame.at[index, 'series_code']!r} does not match indicator "
        f"{frame.at[index, 'indicator']!r} and source {frame.at[index, 'source']!r}",
        "series_code",
    )


def _schema_error_to_input_error(
    error: pa.errors.SchemaErrors,
    frame: pd.DataFrame,
    display: str,
    *,
    columns: Sequence[str] = COLUMNS,
    key_columns: Sequence[str] = KEY_COLUMNS,
    key_of: Callable[..., str] | None = None,
    table_checks: dict[str, Callable[[pd.DataFrame, int], tuple[str, str]]] | None = None,
) -> InputError:
    """One InputError for the first failure: structure first, then the first bad row.

    ``columns``/``key_columns``/``key_of`` describe the table (the GDP table by
    default); ``table_checks`` maps a table-wide check's error text to a function
    giving ``(message, field)`` for a failing row.
    """
    if table_checks is None:
        table_checks = {_SERIES_MISMATCH: _series_mismatch_message}
    cases = error.failure_cases
    structure = cases[cases["check"].isin(_STRUCTURE_CHECKS)]
    if not structure.empty:
        case = structure.iloc[0]
        what = {
            "column_in_schema": "unexpected extra column",
            "column_in_dataframe": "required column is missing",
            "column_ordered": "column out of order",
        }[case["check"]]
        return InputError(
            f"{what}; expected columns: {', '.join(columns)}",
            file=display,
            row=1,
            field=str(case["failure_case"]),
        )
    located = cases[cases["index"].notna()].copy()
    if located.empty:
        case = cases.iloc[0]
        column = case["column"] if isinstance(case["column"], str) else None
        return InputError(f"{case['check']}: {case['failure_case']}", file=display, field=column)
    located["index"] = located["index"].astype(int)
    # Column checks name the bad cell itself, so they win over the table-wide ones.
    located["priority"] = [
        next((i for i, p in enumerate(_CHECK_PRIORITY) if str(c).startswith(p)), 50)
        + (50 if c in table_checks else 0)
        for c in located["check"]
    ]
    case = located.sort_values(["index", "priority"], kind="stable").iloc[0]
    index = int(case["index"])
    check = str(case["check"])
    if check == "multiple_fields_uniqueness":
        return InputError(
            _duplicate_message(frame, index, key_columns, key_of),
            file=display,
            row=_row_number(index),
            field=",".join(key_columns),
        )
    if check in table_checks:
        message, field = table_checks[check](frame, index)
        return InputError(message, file=display, row=_row_number(index), field=field)
    column = case["column"] if isinstance(case["column"], str) else None
    return InputError(
        _describe_failure(check, case["failure_case"]),
        file=display,
        row=_row_number(index),
        field=column,
    )


def _parse_bools(frame: pd.DataFrame, display: str, column: str = "is_estimate") -> pd.DataFrame:
    """``True``/``False`` text to bool; anything else is an error, never truthy-by-accident."""
    if column not in frame.columns:
        return frame  # the schema reports the missing column
    mapping = {"True": True, "False": False}
    for index, text in frame[column].items():
        if text not in mapping:
            message = "missing value" if pd.isna(text) else f"{text!r} is not True or False"
            raise InputError(message, file=display, row=_row_number(index), field=column)
    return frame.assign(**{column: frame[column].map(mapping).astype(bool)})


def validate_reference(frame: pd.DataFrame, *, display: str = "reference table") -> pd.DataFrame:
    """The frame checked and typed by :data:`REFERENCE_SCHEMA`, or one-line InputError."""
    try:
        return REFERENCE_SCHEMA.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as error:
        raise _schema_error_to_input_error(error, frame, display) from None


def _read_reference_csv(
    path: Path, display: str, columns: Sequence[str] = COLUMNS
) -> pd.DataFrame:
    if not path.is_file():
        raise InputError("reference file not found", file=display)
    try:
        frame = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=False,
            encoding="utf-8",
        )
    except pd.errors.EmptyDataError:
        raise InputError("file is empty (no header row)", file=display) from None
    except pd.errors.ParserError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise InputError(
            f"malformed CSV ({str(exc).strip().splitlines()[-1]})",
            file=display,
            row=int(line.group(1)) if line else None,
        ) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", file=display) from None
    if frame.empty and set(frame.columns) == set(columns):
        raise InputError("file has a header but no data rows", file=display)
    blank = frame.index[frame.isna().all(axis=1)]
    if len(blank):
        raise InputError("blank line inside the table", file=display, row=_row_number(blank[0]))
    return frame


@functools.lru_cache(maxsize=8)
def _load_cached(path: str, mtime_ns: int, size: int) -> pd.DataFrame:
    display = paths.relative(path)
    frame = _read_reference_csv(Path(path), display)
    return validate_reference(_parse_bools(frame, display), display=display)


def load_reference(path: str | os.PathLike[str] = REFERENCE_PATH) -> pd.DataFrame:
    """The validated reference table (``year`` int64, ``value`` float64, ``is_estimate`` bool).

    Raises :class:`InputError` naming file, CSV row (header = row 1) and field.
    """
    resolved = paths.resolve(path)
    try:
        stat = resolved.stat()
    except OSError:
        raise InputError("reference file not found", file=paths.relative(resolved)) from None
    return _load_cached(str(resolved), stat.st_mtime_ns, stat.st_size).copy()


# ---------------------------------------------------------------------------
# Look-ups
# ---------------------------------------------------------------------------


def reference_key(indicator: str, area_code: str, source: str, vintage: str, year: int) -> str:
    """The stable identifier of a row, e.g. ``gdp_current_usd:FRA:imf_weo:2024-10:2024``."""
    return f"{indicator}:{area_code}:{source}:{vintage}:{int(year)}"


@dataclass(frozen=True)
class ReferenceValue:
    """One cited reference figure, in base units (US dollars or persons)."""

    key: str
    value: float
    area_code: str
    area_name: str
    indicator: str
    source: str
    vintage: str
    year: int
    is_estimate: bool
    publisher: str
    dataset: str
    series_code: str
    url: str
    license: str
    date_accessed: str

    def citation(self) -> str:
        estimate = ", IMF estimate/projection" if self.is_estimate else ""
        return (
            f"{self.publisher}, {self.dataset}, {self.series_code}, {self.area_name} "
            f"{self.year}{estimate}. {self.url} (accessed {self.date_accessed})"
        )


def _source_label(indicator: str, source: str, vintage: str | None) -> str:
    what = "GDP" if indicator == GDP else "population"
    if source == WORLD_BANK:
        return f"World Bank {what}"
    return f"IMF WEO {vintage} {what}" if vintage else f"IMF WEO {what}"


def _span(years: Iterable[int]) -> str:
    ordered = sorted({int(y) for y in years})
    if not ordered:
        return "none"
    if ordered == list(range(ordered[0], ordered[-1] + 1)) and len(ordered) > 2:
        return f"{ordered[0]}–{ordered[-1]}"
    return ", ".join(str(y) for y in ordered)


def _lookup(
    reference: pd.DataFrame,
    *,
    indicator: str,
    area_code: str,
    source: str,
    vintage: str | None,
    year: int,
) -> ReferenceValue:
    display = REFERENCE_PATH
    rows = reference[(reference["indicator"] == indicator) & (reference["source"] == source)]
    vintages = sorted(rows["vintage"].unique())
    label = _source_label(indicator, source, vintage)
    if vintage is None:
        if len(vintages) != 1:
            raise ParameterError(
                f"{label} has {len(vintages)} vintages ({', '.join(vintages) or 'none'}); "
                "pass vintage= to choose one",
                field="vintage",
            )
        vintage = vintages[0]
    elif vintage not in vintages:
        raise InputError(
            f"{label} is not in the reference table; available vintages: "
            f"{', '.join(vintages) or 'none'}",
            file=display,
            field="vintage",
        )
    rows = rows[rows["vintage"] == vintage]
    area_rows = rows[rows["area_code"] == area_code]
    if area_rows.empty:
        raise InputError(
            f"{label} has no rows for area {area_code!r}; available areas: "
            f"{', '.join(sorted(rows['area_code'].unique()))}",
            file=display,
            field="area_code",
        )
    match = area_rows[area_rows["year"] == int(year)]
    if match.empty:
        raise InputError(
            f"{label} has no {year} value for {area_code}; available years: "
            f"{_span(area_rows['year'])}",
            file=display,
            field="year",
        )
    row = match.iloc[0]
    return ReferenceValue(
        key=reference_key(indicator, area_code, source, vintage, year),
        value=float(row["value"]),
        area_code=area_code,
        area_name=str(row["area_name"]),
        indicator=indicator,
        source=source,
        vintage=vintage,
        year=int(row["year"]),
        is_estimate=bool(row["is_estimate"]),
        publisher=str(row["publisher"]),
        dataset=str(row["dataset"]),
        series_code=str(row["series_code"]),
        url=str(row["url"]),
        license=str(row["license"]),
        date_accessed=str(row["date_accessed"]),
    )


def gdp(
    area_code: str,
    *,
    source: str,
    vintage: str | None = None,
    year: int,
    reference: pd.DataFrame | None = None,
) -> ReferenceValue:
    """Nominal GDP in current US dollars from one named source (and WEO vintage).

    ``vintage`` may be left out only when the source has a single vintage in the
    table (World Bank); for IMF WEO it must be one of :data:`WEO_VINTAGES`.
    """
    if source not in GDP_SOURCES:
        raise ParameterError(
            f"unknown GDP source {source!r}; use one of {', '.join(GDP_SOURCES)}",
            field="source",
        )
    table = load_reference() if reference is None else reference
    return _lookup(
        table, indicator=GDP, area_code=area_code, source=source, vintage=vintage, year=year
    )


def population(
    area_code: str, *, year: int, reference: pd.DataFrame | None = None
) -> ReferenceValue:
    """Total population (World Bank WDI, persons)."""
    table = load_reference() if reference is None else reference
    return _lookup(
        table,
        indicator=POPULATION,
        area_code=area_code,
        source=WORLD_BANK,
        vintage=None,
        year=year,
    )


def _as_date(when: dt.date | str) -> dt.date:
    if isinstance(when, dt.datetime):
        return when.date()
    if isinstance(when, dt.date):
        return when
    try:
        return dt.date.fromisoformat(str(when).strip())
    except ValueError:
        raise ParameterError(
            f"{when!r} is not a date; give a datetime.date or YYYY-MM-DD", field="date"
        ) from None


def latest_weo_vintage(when: dt.date | str) -> str:
    """The newest bundled WEO release published on or before ``when`` (a date or YYYY-MM-DD).

    That is the release a reader could have consulted that day, e.g. the October
    2023 release on 27 March 2024: ``latest_weo_vintage(date(2024, 3, 27)) == "2023-10"``.
    A release counts from its publication day itself (:data:`WEO_RELEASES`).
    Before the oldest bundled release there is none, which is an error.
    """
    day = _as_date(when)
    published = [r for r in WEO_RELEASES if r.published <= day and r.vintage in WEO_VINTAGES]
    if not published:
        oldest = min(WEO_RELEASES, key=lambda r: r.published)
        raise ParameterError(
            f"no bundled IMF WEO release was published on or before {day.isoformat()}; "
            f"the oldest, {oldest.vintage}, came out on {oldest.published.isoformat()}",
            field="date",
        )
    return max(published, key=lambda r: r.published).vintage


def _vintage_slug(vintage: str) -> str:
    return vintage.replace("-", "_")


def compare_sources(
    area_codes: Sequence[str], year: int, *, reference: pd.DataFrame | None = None
) -> pd.DataFrame:
    """World Bank vs each IMF WEO vintage GDP for ``year``, one row per area.

    Columns: ``area_code``, ``area_name``, ``year``, ``gdp_world_bank``,
    ``gdp_imf_weo_<vintage>`` and ``estimate_imf_weo_<vintage>`` for each vintage,
    ``ratio_imf_weo_<vintage>_to_world_bank``, ``pct_world_bank_below_imf_weo_<vintage>``
    (Cambodia 2023: about 27) and, for each pair of consecutive vintages in
    :data:`WEO_VINTAGES`, ``ratio_imf_weo_<newer>_to_<older>`` (e.g.
    ``ratio_imf_weo_2025_10_to_2024_10``). A value the table lacks is NaN (the
    World Bank has no 2024 GDP), so the gap shows instead of raising.
    """
    table = load_reference() if reference is None else reference
    gdp_rows = table[(table["indicator"] == GDP) & (table["year"] == int(year))]
    known = set(table.loc[table["indicator"] == GDP, "area_code"])
    records = []
    for code in area_codes:
        if code not in known:
            raise InputError(
                f"no GDP rows for area {code!r}; available areas: {', '.join(sorted(known))}",
                file=REFERENCE_PATH,
                field="area_code",
            )
        rows = gdp_rows[gdp_rows["area_code"] == code]
        record: dict[str, object] = {
            "area_code": code,
            "area_name": AREAS.get(code, code),
            "year": int(year),
        }
        world_bank = rows.loc[rows["source"] == WORLD_BANK, "value"]
        record["gdp_world_bank"] = float(world_bank.iloc[0]) if len(world_bank) else math.nan
        for vintage in WEO_VINTAGES:
            weo = rows[(rows["source"] == IMF_WEO) & (rows["vintage"] == vintage)]
            slug = _vintage_slug(vintage)
            record[f"gdp_imf_weo_{slug}"] = float(weo["value"].iloc[0]) if len(weo) else math.nan
            record[f"estimate_imf_weo_{slug}"] = (
                bool(weo["is_estimate"].iloc[0]) if len(weo) else pd.NA
            )
        for vintage in WEO_VINTAGES:
            slug = _vintage_slug(vintage)
            ratio = record["gdp_world_bank"] / record[f"gdp_imf_weo_{slug}"]
            record[f"ratio_imf_weo_{slug}_to_world_bank"] = 1 / ratio
            record[f"pct_world_bank_below_imf_weo_{slug}"] = (1 - ratio) * 100
        for older, newer in zip(WEO_VINTAGES, WEO_VINTAGES[1:], strict=False):
            old_slug, new_slug = _vintage_slug(older), _vintage_slug(newer)
            record[f"ratio_imf_weo_{new_slug}_to_{old_slug}"] = (
                record[f"gdp_imf_weo_{new_slug}"] / record[f"gdp_imf_weo_{old_slug}"]
            )
        records.append(record)
    return pd.DataFrame.from_records(records)


# ---------------------------------------------------------------------------
# Building (shared by scripts/build_reference.py and scripts/refresh_reference.py)
# ---------------------------------------------------------------------------


def sha256_file(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def weo_dataset_name(vintage: str) -> str:
    year, month = vintage.split("-")
    return f"World Economic Outlook Database, {_MONTHS[int(month) - 1]} {year}"


def weo_url(vintage: str) -> str:
    return _WEO_URLS.get(vintage, "https://www.imf.org/en/Publications/WEO")


def parse_last_actual_year(
    text: str | None, *, upstream: str, row: int | None = None
) -> int | None:
    """IMF ``last_actual_year``: ``2023`` -> 2023, ``FY2021/22`` -> 2021, empty -> None.

    WEO labels a fiscal year by the calendar year it starts in (India's 2024
    column is FY2024/25), so ``FY2021/22`` is the 2021 column. The Oct 2024
    vintage writes the same Myanmar and India last-actual years as plain 2021
    and 2024, which agrees.
    """
    if text is None or (isinstance(text, float) and math.isnan(text)) or str(text).strip() == "":
        return None
    text = str(text).strip()
    if re.fullmatch(r"\d{4}", text):
        return int(text)
    fiscal = re.fullmatch(r"FY(\d{4})/(\d{2})", text)
    if fiscal and (int(fiscal.group(1)) + 1) % 100 == int(fiscal.group(2)):
        return int(fiscal.group(1))
    raise InputError(
        f"cannot read last_actual_year {text!r} (expected YYYY or FYYYYY/YY)",
        file=upstream,
        row=row,
        field="last_actual_year",
    )


def _citation_columns(
    indicator: str,
    source: str,
    vintage: str,
    *,
    date_accessed: str,
    upstream_file: str,
    upstream_sha256: str,
) -> dict[str, str]:
    series_code = SERIES_CODES[(indicator, source)]
    if source == WORLD_BANK:
        return {
            "publisher": "World Bank",
            "dataset": "World Development Indicators",
            "series_code": series_code,
            "url": f"https://data.worldbank.org/indicator/{series_code}",
            "license": WB_LICENSE,
            "date_accessed": date_accessed,
            "upstream_file": upstream_file,
            "upstream_sha256": upstream_sha256,
        }
    return {
        "publisher": "International Monetary Fund",
        "dataset": weo_dataset_name(vintage),
        "series_code": series_code,
        "url": weo_url(vintage),
        "license": IMF_LICENSE,
        "date_accessed": date_accessed,
        "upstream_file": upstream_file,
        "upstream_sha256": upstream_sha256,
    }


def _require_columns(raw: pd.DataFrame, needed: Sequence[str], upstream: str) -> None:
    missing = [column for column in needed if column not in raw.columns]
    if missing:
        raise InputError(
            f"upstream table lacks column(s) {', '.join(missing)}; has {', '.join(raw.columns)}",
            file=upstream,
            row=1,
            field=missing[0],
        )


def require_all_areas(found: Iterable[str], areas: dict[str, str], upstream: str) -> None:
    """Every wanted area has at least one row, else name the ones the upstream lacks."""
    absent = sorted(set(areas) - set(found))
    if absent:
        raise InputError(
            f"upstream has no rows in the wanted years for {', '.join(absent)}",
            file=upstream,
            field="area_code",
        )


def _decimal(text: object, *, upstream: str, row: int, field: str) -> Decimal:
    try:
        value = Decimal(str(text).strip().replace(",", ""))
    except InvalidOperation:
        raise InputError(
            f"{text!r} is not a number", file=upstream, row=row, field=field
        ) from None
    if not value.is_finite():
        raise InputError(f"{text!r} is not finite", file=upstream, row=row, field=field)
    return value


def normalise_world_bank(
    raw: pd.DataFrame,
    *,
    indicator: str,
    vintage: str,
    date_accessed: str,
    upstream_file: str,
    upstream_sha256: str,
    areas: dict[str, str] = AREAS,
    years: Iterable[int] = YEARS,
) -> pd.DataFrame:
    """Reference rows from a World Bank long table (``Country Code, Year, Value``, strings).

    Empty values are dropped (the World Bank leaves a year out when it has no
    figure). Values are already in base units.
    """
    _require_columns(raw, ["Country Code", "Year", "Value"], upstream_file)
    wanted_years = {int(y) for y in years}
    records = []
    for index, row in raw.iterrows():
        code = str(row["Country Code"])
        value_text = row["Value"]
        if code not in areas or pd.isna(value_text) or str(value_text).strip() == "":
            continue
        year = int(str(row["Year"]).strip())
        if year not in wanted_years:
            continue
        value = _decimal(value_text, upstream=upstream_file, row=_row_number(index), field="Value")
        records.append(
            {
                "indicator": indicator,
                "area_code": code,
                "area_name": areas[code],
                "source": WORLD_BANK,
                "vintage": vintage,
                "year": year,
                "value": float(value),
                "is_estimate": False,
                **_citation_columns(
                    indicator,
                    WORLD_BANK,
                    vintage,
                    date_accessed=date_accessed,
                    upstream_file=upstream_file,
                    upstream_sha256=upstream_sha256,
                ),
            }
        )
    require_all_areas((r["area_code"] for r in records), areas, upstream_file)
    return pd.DataFrame.from_records(records, columns=COLUMNS)


def _weo_last_actual(text: object, *, imf_code: str, vintage: str, upstream: str, row: int) -> int:
    parsed = parse_last_actual_year(text, upstream=upstream, row=row)  # type: ignore[arg-type]
    if parsed is not None:
        return parsed
    if imf_code.startswith("G"):
        # Group aggregates carry no last actual year; a WEO's release year and
        # later are always projections, so everything from then on is flagged.
        return int(vintage[:4]) - 1
    raise InputError(
        "country row has no last_actual_year", file=upstream, row=row, field="last_actual_year"
    )


def normalise_weo(
    raw: pd.DataFrame,
    *,
    vintage: str,
    date_accessed: str,
    upstream_file: str,
    upstream_sha256: str,
    areas: dict[str, str] = AREAS,
    years: Iterable[int] = YEARS,
    require_all: bool = True,
) -> pd.DataFrame:
    """Reference rows from a tidy WEO NGDPD table (strings), scaled to US dollars.

    Expects columns ``area_code, concept, unit, scale, last_actual_year, year,
    value``; ``G001`` (World) becomes ``WLD``. Scale and unit are checked per
    row, never assumed. ``is_estimate`` is ``year > last_actual_year``.
    ``require_all=False`` allows a file that holds only some of the areas (the
    IMF ships countries and country groups in separate files).
    """
    needed = ["area_code", "concept", "unit", "scale", "last_actual_year", "year", "value"]
    _require_columns(raw, needed, upstream_file)
    if "weo_vintage" in raw.columns:
        stated = set(raw["weo_vintage"].dropna().astype(str))
        if stated != {vintage}:
            raise InputError(
                f"file says vintage {', '.join(sorted(stated))}, asked for {vintage}",
                file=upstream_file,
                field="weo_vintage",
            )
    wanted_years = {int(y) for y in years}
    records = []
    for index, row in raw.iterrows():
        imf_code = str(row["area_code"])
        code = "WLD" if imf_code == IMF_WORLD_CODE else imf_code
        if code not in areas or str(row["concept"]) != "NGDPD":
            continue
        year = int(str(row["year"]).strip())
        value_text = row["value"]
        if year not in wanted_years or pd.isna(value_text) or str(value_text).strip() == "":
            continue
        line = _row_number(index)
        if str(row["unit"]) != "U.S. dollars" or str(row["scale"]) not in WEO_SCALE:
            raise InputError(
                f"unexpected unit/scale {row['unit']!r}/{row['scale']!r} "
                "(expected 'U.S. dollars' and one of " + ", ".join(WEO_SCALE) + ")",
                file=upstream_file,
                row=line,
                field="scale",
            )
        value = _decimal(value_text, upstream=upstream_file, row=line, field="value")
        last_actual = _weo_last_actual(
            row["last_actual_year"],
            imf_code=imf_code,
            vintage=vintage,
            upstream=upstream_file,
            row=line,
        )
        records.append(
            {
                "indicator": GDP,
                "area_code": code,
                "area_name": areas[code],
                "source": IMF_WEO,
                "vintage": vintage,
                "year": year,
                # Decimal arithmetic so 3052.712 bn is exactly 3052712000000 US$.
                "value": float(value * WEO_SCALE[str(row["scale"])]),
                "is_estimate": year > last_actual,
                **_citation_columns(
                    GDP,
                    IMF_WEO,
                    vintage,
                    date_accessed=date_accessed,
                    upstream_file=upstream_file,
                    upstream_sha256=upstream_sha256,
                ),
            }
        )
    if require_all:
        require_all_areas((r["area_code"] for r in records), areas, upstream_file)
    return pd.DataFrame.from_records(records, columns=COLUMNS)


def weo_wide_to_long(wide: pd.DataFrame, *, upstream: str) -> pd.DataFrame:
    """The IMF's classic tab-delimited WEO download (one column per year) as a tidy table.

    Handles the countries file (``ISO`` column) and the country-groups file
    (``WEO Country Group Code``; group ``001`` is the World, written ``G001``).
    ``Estimates Start After`` becomes ``last_actual_year``; ``n/a`` and ``--``
    are missing values.
    """
    if "ISO" in wide.columns:
        codes = wide["ISO"].astype(str).str.strip()
    elif "WEO Country Group Code" in wide.columns:
        codes = "G" + wide["WEO Country Group Code"].astype(str).str.strip().str.zfill(3)
    else:
        raise InputError(
            "not a WEO download: needs an 'ISO' or 'WEO Country Group Code' column",
            file=upstream,
            row=1,
        )
    _require_columns(wide, ["WEO Subject Code", "Units", "Scale"], upstream)
    year_columns = [c for c in wide.columns if re.fullmatch(r"\d{4}", str(c).strip())]
    last_actual = (
        wide["Estimates Start After"]
        if "Estimates Start After" in wide.columns
        else pd.Series([""] * len(wide), index=wide.index)
    )
    frame = pd.DataFrame(
        {
            "area_code": codes,
            "concept": wide["WEO Subject Code"].astype(str).str.strip(),
            "unit": wide["Units"].astype(str).str.strip(),
            "scale": wide["Scale"].astype(str).str.strip(),
            "last_actual_year": last_actual.fillna("").astype(str).str.strip(),
        }
    )
    long = frame.join(wide[year_columns]).melt(
        id_vars=list(frame.columns), var_name="year", value_name="value"
    )
    long["value"] = long["value"].astype(str).str.strip()
    long = long[~long["value"].isin(["", "n/a", "--", "nan"])]
    return long.reset_index(drop=True)


def assemble_reference(parts: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """One sorted, validated reference table from normalised parts."""
    frame = pd.concat(list(parts), ignore_index=True)[COLUMNS]
    frame = frame.astype({"year": "int64", "value": "float64", "is_estimate": bool})
    frame = frame.sort_values(KEY_COLUMNS, kind="mergesort").reset_index(drop=True)
    return validate_reference(frame, display="assembled reference table")


# ---------------------------------------------------------------------------
# Diff between two versions of the table (for refresh reports)
# ---------------------------------------------------------------------------

_COMPARED = [c for c in COLUMNS if c not in ("indicator", "area_code", "source", "year")]


def _series_key(row: pd.Series) -> str:
    """Match key for diffs: a new WDI vintage replaces the old one, WEO vintages sit side by side.

    So World Bank rows match across vintages (a changed vintage is a changed
    field, a revised value a changed value) while each WEO vintage is its own set.
    """
    vintage = row["vintage"] if row["source"] == IMF_WEO else "*"
    return reference_key(row["indicator"], row["area_code"], row["source"], vintage, row["year"])


def diff_reference(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """What changed between two reference tables, one row per change.

    Columns ``key, change, field, old, new`` with ``change`` one of ``added``,
    ``removed``, ``changed``; ``key`` is the row's key in the table it is in
    (the new one for changes). Values compare exactly: a revision is a revision.
    """

    def keyed(frame: pd.DataFrame) -> pd.DataFrame:
        if frame.empty:
            return frame.assign(match=[], key=[]).set_index("match")
        match = frame.apply(_series_key, axis=1)
        keys = [reference_key(*values) for values in frame[KEY_COLUMNS].itertuples(index=False)]
        return frame.assign(match=match.to_numpy(), key=keys).set_index("match")

    before, after = keyed(old), keyed(new)
    rows: list[dict[str, object]] = []
    for match in sorted(set(after.index) - set(before.index)):
        new_row = after.loc[match]
        rows.append(
            {
                "key": new_row["key"],
                "change": "added",
                "field": "value",
                "old": None,
                "new": new_row["value"],
            }
        )
    for match in sorted(set(before.index) - set(after.index)):
        old_row = before.loc[match]
        rows.append(
            {
                "key": old_row["key"],
                "change": "removed",
                "field": "value",
                "old": old_row["value"],
                "new": None,
            }
        )
    for match in sorted(set(before.index) & set(after.index)):
        old_row, new_row = before.loc[match], after.loc[match]
        for field in _COMPARED:
            if old_row[field] != new_row[field]:
                rows.append(
                    {
                        "key": new_row["key"],
                        "change": "changed",
                        "field": field,
                        "old": old_row[field],
                        "new": new_row[field],
                    }
                )
    return pd.DataFrame(rows, columns=["key", "change", "field", "old", "new"])


def format_reference_diff(diff: pd.DataFrame) -> str:
    """A plain-text report of :func:`diff_reference` output.

    Rows added, removed and values changed are listed one by one; other field
    changes (vintage, date accessed, checksum...) are grouped, since a refresh
    changes them on every row.
    """
    added = diff[diff["change"] == "added"]
    removed = diff[diff["change"] == "removed"]
    changed = diff[diff["change"] == "changed"]
    values = changed[changed["field"] == "value"]
    others = changed[changed["field"] != "value"]
    lines = [
        f"{len(added)} rows added, {len(removed)} rows removed, "
        f"{len(values)} values changed, {len(others)} other fields changed"
    ]
    for row in added.itertuples(index=False):
        lines.append(f"+ {row.key} = {row.new:,.0f}")
    for row in removed.itertuples(index=False):
        lines.append(f"- {row.key} (was {row.old:,.0f})")
    for row in values.itertuples(index=False):
        relative = (float(row.new) / float(row.old) - 1) * 100
        lines.append(f"~ {row.key}: {row.old:,.0f} -> {row.new:,.0f} ({relative:+.2f}%)")
    if not others.empty:
        grouped = others.groupby(["field", "old", "new"], sort=True)["key"].agg(["count", "first"])
        for (field, was, now), group in grouped.iterrows():
            where = group["first"] if group["count"] == 1 else f"{group['count']} rows"
            lines.append(f"~ {field}: {was!r} -> {now!r} ({where})")
    return "\n".join(lines)
