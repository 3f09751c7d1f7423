"""The bundled GDP/population table: content, provenance, rebuild, and bad-input errors."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from crimefigures.analysis import reference
from crimefigures.errors import InputError, ParameterError

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / reference.REFERENCE_PATH
UPSTREAM = REPO / "data" / "external"


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return reference.load_reference()


def _rows() -> list[list[str]]:
    with BUNDLED.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _write(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _with_cell(path: Path, csv_row: int, column: str, text: str) -> Path:
    """The bundled table with one cell replaced; ``csv_row`` counts the header as row 1."""
    rows = _rows()
    rows[csv_row - 1][rows[0].index(column)] = text
    return _write(path, rows)


# --- the bundled file ------------------------------------------------------------------------


def test_bundled_file_passes_the_schema(table):
    assert list(table.columns) == reference.COLUMNS
    assert len(table) == 780  # WB GDP 20x5, WB population 20x6, WEO 4 vintages x 20x7
    assert table["year"].dtype == "int64"
    assert table["value"].dtype == "float64"
    assert table["is_estimate"].dtype == bool
    reference.REFERENCE_SCHEMA.validate(table)


def test_bundled_file_covers_the_areas_and_years(table):
    assert set(table["area_code"]) == set(reference.AREAS)
    spans = table.groupby(["indicator", "source", "vintage"])["year"].agg(["min", "max"])
    assert spans.loc[("gdp_current_usd", "world_bank", "wdi-2024-10")].tolist() == [2019, 2023]
    assert spans.loc[("population", "world_bank", "wdi-2026-03")].tolist() == [2019, 2024]
    assert spans.loc[("gdp_current_usd", "imf_weo", "2023-10")].tolist() == [2019, 2025]
    assert spans.loc[("gdp_current_usd", "imf_weo", "2024-04")].tolist() == [2019, 2025]
    assert spans.loc[("gdp_current_usd", "imf_weo", "2024-10")].tolist() == [2019, 2025]
    assert spans.loc[("gdp_current_usd", "imf_weo", "2025-10")].tolist() == [2019, 2025]


def test_every_row_is_cited(table):
    assert set(table["date_accessed"]) == {"2026-11-24"}
    shas = dict(zip(table["upstream_file"], table["upstream_sha256"], strict=True))
    # The full sha256 values listed in the upstream README.
    assert shas == {
        "wb_gdp_current_usd.csv": "f0a8408195646dbb1a9d7fc4424e2d30"
        "2ee5380d0ec8834793f12ca25cbd7e2c",
        "wb_population.csv": "7d2dd6a17f5ed7916de1f89a9c116791e64d207f2e2f6ce47c57e1ab46f0088a",
        "imf_weo_2024oct_ngdpd.csv": "c59d577cabcaa64e637ed68bc58da6b6"
        "85a6f57acec304c8430f31de3c9a4a07",
        "imf_weo_2025oct_ngdpd.csv": "f9f95ca818ff177ec6a3484843c996fc"
        "69cdc9e3dc6b43ba1e64f8fae8a0683c",
        "imf_weo_2023oct_ngdpd.csv": "43198683f493447bec97b980114c822d"
        "14f8ffe4465300fb91433f3dd3d9ad09",
        "imf_weo_2024apr_ngdpd.csv": "ca073e091a65e7b9c2c02de81bc08cdc"
        "0d6e2d75d9f1877f3d8647289eeb523d",
    }
    imf = table[table["source"] == "imf_weo"]
    assert set(imf["publisher"]) == {"International Monetary Fund"}
    assert set(imf["license"]) == {reference.IMF_LICENSE}
    assert not table.loc[table["source"] == "world_bank", "is_estimate"].any()


# README sanity table (2023): WB US$, IMF Oct 2024 and Oct 2025 US$ bn, WB population.
SANITY_2023 = {
    "WLD": (105_435_039_507_024, 105_685.121, 106_939.787, 8_064_057_930),
    "FRA": (3_030_904_089_608, 3_052.712, 3_061.093, 68_372_286),
    "KHM": (31_772_759_999, 43.304, 42.404, 17_423_880),
    "MMR": (64_815_031_669, 64.505, 62.299, 54_133_798),
    "LAO": (15_843_155_731, 14.943, 15.011, 7_664_993),
    "THA": (514_944_993_834, 514.836, 515.906, 71_702_435),
    "PHL": (437_146_372_730, 437.146, 437.055, 114_891_199),
    "CHN": (17_794_781_986_104, 17_758.046, 18_270.351, 1_410_710_000),
    "USA": (27_360_935_000_000, 27_720.725, 27_811.500, 336_806_231),
    "VNM": (429_716_969_050, 433.702, 433.008, 100_352_192),
}


@pytest.mark.parametrize("code", sorted(SANITY_2023))
def test_values_match_the_upstream_sanity_table(table, code):
    wb, weo_2024, weo_2025, people = SANITY_2023[code]
    # The README rounds World Bank GDP to whole dollars.
    assert reference.gdp(code, source="world_bank", year=2023, reference=table).value == (
        pytest.approx(wb, abs=0.5)
    )
    # Billions to dollars exactly: 3,052.712 bn is 3,052,712,000,000 US$ to the dollar.
    assert reference.gdp(code, source="imf_weo", vintage="2024-10", year=2023).value == (
        round(weo_2024 * 1000) * 1_000_000
    )
    assert reference.gdp(code, source="imf_weo", vintage="2025-10", year=2023).value == (
        round(weo_2025 * 1000) * 1_000_000
    )
    assert reference.population(code, year=2023).value == people


def test_spot_values_from_the_brief():
    assert reference.gdp("FRA", source="imf_weo", vintage="2024-10", year=2023).value == 3052.712e9
    assert reference.population("KHM", year=2023).value == 17_423_880
    assert reference.gdp("WLD", source="imf_weo", vintage="2025-10", year=2024).value == (
        111_112_860_000_000
    )
    assert reference.gdp("KHM", source="imf_weo", vintage="2024-10", year=2024).value == 47.147e9


def test_estimate_flags_follow_last_actual_year(table):
    def flag(code, vintage, year):
        return reference.gdp(code, source="imf_weo", vintage=vintage, year=year).is_estimate

    assert flag("KHM", "2024-10", 2022) is False  # last actual 2022
    assert flag("KHM", "2024-10", 2023) is True
    assert flag("KHM", "2025-10", 2024) is False  # last actual 2024
    assert flag("MMR", "2025-10", 2021) is False  # last actual FY2021/22 -> 2021 column
    assert flag("MMR", "2025-10", 2022) is True
    assert flag("IND", "2025-10", 2024) is False  # FY2024/25 -> 2024 column
    assert flag("WLD", "2024-10", 2023) is False  # aggregates: release year onward
    assert flag("WLD", "2024-10", 2024) is True
    assert flag("WLD", "2025-10", 2025) is True


def test_reference_value_carries_key_and_citation():
    value = reference.gdp("FRA", source="imf_weo", vintage="2024-10", year=2024)
    assert value.key == "gdp_current_usd:FRA:imf_weo:2024-10:2024"
    assert value.is_estimate is True
    assert value.area_name == "France"
    assert value.dataset == "World Economic Outlook Database, October 2024"
    assert value.url.startswith("https://www.imf.org/")
    assert "accessed 2026-11-24" in value.citation()
    wb = reference.gdp("KHM", source="world_bank", year=2023)
    assert wb.key == "gdp_current_usd:KHM:world_bank:wdi-2024-10:2023"
    assert wb.publisher == "World Bank"
    assert wb.url == "https://data.worldbank.org/indicator/NY.GDP.MKTP.CD"
    people = reference.population("VNM", year=2024)
    assert people.key == "population:VNM:world_bank:wdi-2026-03:2024"
    assert people.area_name == "Viet Nam"


def test_compare_sources_shows_the_cambodia_gap(table):
    frame = reference.compare_sources(["KHM", "FRA", "WLD"], 2023, reference=table)
    assert list(frame["area_code"]) == ["KHM", "FRA", "WLD"]
    khm = frame.set_index("area_code").loc["KHM"]
    assert khm["gdp_world_bank"] == pytest.approx(31_772_759_999, abs=0.5)
    assert khm["ratio_imf_weo_2024_10_to_world_bank"] == pytest.approx(43.304e9 / 31_772_759_999)
    assert 26 < khm["pct_world_bank_below_imf_weo_2024_10"] < 28  # the README's "about 27%"
    assert khm["ratio_imf_weo_2025_10_to_2024_10"] == pytest.approx(42.404 / 43.304)
    assert bool(khm["estimate_imf_weo_2024_10"]) is True
    fra = frame.set_index("area_code").loc["FRA"]
    assert abs(fra["ratio_imf_weo_2024_10_to_world_bank"] - 1) < 0.01


def test_compare_sources_leaves_missing_world_bank_years_empty(table):
    frame = reference.compare_sources(["KHM"], 2024, reference=table)
    assert math.isnan(frame.loc[0, "gdp_world_bank"])
    assert frame.loc[0, "gdp_imf_weo_2025_10"] == 46.098e9
    with pytest.raises(InputError, match="no GDP rows for area 'ZZZ'"):
        reference.compare_sources(["ZZZ"], 2023, reference=table)


# --- added WEO releases and areas ------------------------------------------------------------

# The table as the first story published it (commit f810ac2): 16 areas, WEO 2024-10 and
# 2025-10, and the two WDI vintages. Its bytes must survive any later addition.
FIRST_STORY_AREAS = {
    "WLD", "FRA", "KHM", "MMR", "LAO", "THA", "PHL", "MYS",
    "VNM", "IDN", "SGP", "CHN", "USA", "IND", "GBR", "JPN",
}
FIRST_STORY_VINTAGES = {"2024-10", "2025-10", "wdi-2024-10", "wdi-2026-03"}
FIRST_STORY_SHA256 = "4aabd1a13bb8f41ca7ca1bd15daf6903a48f74f56da382f266ecd87d86c962f3"


def test_first_story_rows_are_unchanged_byte_for_byte():
    rows = _rows()
    header, area, vintage = rows[0], rows[0].index("area_code"), rows[0].index("vintage")
    kept = [
        r for r in rows[1:] if r[area] in FIRST_STORY_AREAS and r[vintage] in FIRST_STORY_VINTAGES
    ]
    assert len(kept) == 400
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *kept])
    assert hashlib.sha256(buffer.getvalue().encode("utf-8")).hexdigest() == FIRST_STORY_SHA256


@pytest.mark.parametrize(
    ("code", "vintage", "year", "billions", "estimate"),
    [
        # Hand-checked against data/external/imf_weo_2023oct_ngdpd.csv and _2024apr_.
        ("FRA", "2023-10", 2023, 3_049.016, True),  # last actual 2022
        ("FRA", "2023-10", 2024, 3_183.486, True),
        ("FRA", "2024-04", 2023, 3_031.778, False),  # last actual 2023
        ("FRA", "2024-04", 2024, 3_130.014, True),  # "$3.1 trillion", but after the article
        ("KHM", "2023-10", 2023, 30.943, True),  # before Cambodia's rebasing
        ("KHM", "2024-04", 2023, 41.855, True),  # after it
        ("WLD", "2024-04", 2023, 104_791.082, False),  # aggregates: release year onward
        ("WLD", "2024-04", 2024, 109_529.216, True),
        ("CAN", "2023-10", 2023, 2_117.805, True),
        ("CAN", "2024-04", 2023, 2_140.086, False),
        ("KOR", "2023-10", 2023, 1_709.232, True),
    ],
)
def test_added_weo_releases(table, code, vintage, year, billions, estimate):
    value = reference.gdp(code, source="imf_weo", vintage=vintage, year=year, reference=table)
    assert value.value == round(billions * 1000) * 1_000_000
    assert value.is_estimate is estimate
    month = {"2023-10": "October 2023", "2024-04": "April 2024"}[vintage]
    assert value.dataset == f"World Economic Outlook Database, {month}"
    assert value.url == (
        "https://www.imf.org/en/Publications/WEO/weo-database/"
        + month.split()[1] + "/" + month.split()[0] + "/download-entire-database"
    )


def test_added_areas_have_both_publishers(table):
    added = {
        "CAN": "Canada",
        "HKG": "Hong Kong SAR, China",
        "KOR": "Korea, Rep.",
        "AUS": "Australia",
    }
    for code, name in added.items():
        rows = table[table["area_code"] == code]
        assert set(rows["area_name"]) == {name}
        assert len(rows) == 5 + 6 + 4 * 7, code  # WB GDP, WB population, 4 WEO releases
    # Hand-checked against data/external/wb_gdp_current_usd.csv and wb_population.csv.
    assert reference.gdp("CAN", source="world_bank", year=2023, reference=table).value == (
        2140085567791.4514
    )
    assert reference.population("CAN", year=2023, reference=table).value == 40_083_484
    assert reference.gdp("CAN", source="imf_weo", vintage="2025-10", year=2023).value == 2173.34e9
    assert "TWN" not in set(table["area_code"])  # the World Bank files have no Taiwan


@pytest.mark.parametrize(
    ("when", "vintage"),
    [
        (dt.date(2023, 10, 10), "2023-10"),  # publication day itself counts
        (dt.date(2024, 3, 27), "2023-10"),  # the briefing the first story reports
        (dt.date(2024, 4, 15), "2023-10"),
        (dt.date(2024, 4, 16), "2024-04"),
        (dt.date(2024, 10, 21), "2024-04"),
        (dt.date(2024, 10, 22), "2024-10"),
        (dt.date(2025, 10, 13), "2024-10"),
        (dt.date(2025, 10, 14), "2025-10"),
        (dt.date(2026, 11, 24), "2025-10"),
        (dt.datetime(2024, 4, 16, 0, 1), "2024-04"),
        ("2024-03-27", "2023-10"),
    ],
)
def test_latest_weo_vintage(when, vintage):
    assert reference.latest_weo_vintage(when) == vintage


def test_latest_weo_vintage_before_the_oldest_release_or_not_a_date():
    with pytest.raises(ParameterError, match="published on or before 2023-10-09.*2023-10-10"):
        reference.latest_weo_vintage(dt.date(2023, 10, 9))
    with pytest.raises(ParameterError, match="not a date"):
        reference.latest_weo_vintage("27 March 2024")


def test_every_vintage_has_a_cited_publication_date():
    assert [r.vintage for r in reference.WEO_RELEASES] == list(reference.WEO_VINTAGES)
    dates = [r.published for r in reference.WEO_RELEASES]
    assert dates == sorted(dates)
    for release in reference.WEO_RELEASES:
        assert "https://www.imf.org/" in release.source
        assert release.published.strftime("%Y/%m/%d") in release.source


def test_compare_sources_has_every_release_and_consecutive_ratios(table):
    frame = reference.compare_sources(["KHM"], 2023, reference=table)
    khm = frame.iloc[0]
    assert khm["gdp_imf_weo_2023_10"] == 30.943e9
    assert khm["ratio_imf_weo_2024_04_to_2023_10"] == pytest.approx(41.855 / 30.943)
    assert khm["ratio_imf_weo_2024_10_to_2024_04"] == pytest.approx(43.304 / 41.855)
    assert khm["ratio_imf_weo_2025_10_to_2024_10"] == pytest.approx(42.404 / 43.304)


# --- missing combinations --------------------------------------------------------------------


def test_missing_year_names_what_exists(table):
    with pytest.raises(InputError) as caught:
        reference.gdp("FRA", source="world_bank", year=2024, reference=table)
    assert "World Bank GDP has no 2024 value for FRA; available years: 2019–2023" in str(
        caught.value
    )
    with pytest.raises(InputError, match="population has no 2025 value for KHM.*2019–2024"):
        reference.population("KHM", year=2025, reference=table)


def test_missing_area_vintage_or_source_is_an_error(table):
    with pytest.raises(InputError, match="no rows for area 'DEU'.*available areas: AUS, CAN"):
        reference.gdp("DEU", source="imf_weo", vintage="2024-10", year=2023, reference=table)
    with pytest.raises(InputError, match="available vintages: 2023-10, 2024-04, 2024-10, 2025-10"):
        reference.gdp("FRA", source="imf_weo", vintage="2025-04", year=2023, reference=table)
    with pytest.raises(ParameterError, match="pass vintage="):
        reference.gdp("FRA", source="imf_weo", year=2023, reference=table)
    with pytest.raises(ParameterError, match="unknown GDP source 'oecd'"):
        reference.gdp("FRA", source="oecd", year=2023, reference=table)


# --- rebuild ---------------------------------------------------------------------------------


def test_external_files_match_their_readme_checksums():
    """data/external holds byte-identical upstream copies: each checksum its README lists holds."""
    readme = (UPSTREAM / "README.md").read_text(encoding="utf-8")
    listed = dict(
        (name, digest)
        for digest, name in re.findall(r"^([0-9a-f]{64})  (\S+\.csv)$", readme, flags=re.M)
    )
    on_disk = sorted(path.name for path in UPSTREAM.glob("*.csv"))
    assert sorted(listed) == on_disk
    for name, digest in listed.items():
        assert reference.sha256_file(UPSTREAM / name) == digest, name


def test_rebuilding_from_upstream_reproduces_the_bundled_file(tmp_path):
    """The default upstream is data/external: a clone with nothing beside it rebuilds."""
    output = tmp_path / "gdp_population.csv"
    rates = tmp_path / "exchange_rates.csv"
    environment = {k: v for k, v in os.environ.items() if k != "CRIMEFIGURES_STAGING"}
    result = subprocess.run(
        [
            sys.executable,
            "scripts/build_reference.py",
            "--output",
            str(output),
            "--exchange-output",
            str(rates),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert output.read_bytes() == BUNDLED.read_bytes()
    assert rates.read_bytes() == (REPO / "data" / "reference" / "exchange_rates.csv").read_bytes()


# --- bad input -------------------------------------------------------------------------------


def _error_for(path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        reference.load_reference(path)
    message = str(caught.value)
    assert "\n" not in message
    assert str(path) in message
    return caught.value


def test_missing_file(tmp_path):
    error = _error_for(tmp_path / "absent.csv")
    assert "not found" in error.message


def test_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    assert "empty" in _error_for(path).message


def test_header_only_file(tmp_path):
    path = _write(tmp_path / "header.csv", _rows()[:1])
    assert "no data rows" in _error_for(path).message


@pytest.mark.parametrize(
    ("csv_row", "column", "text", "expected"),
    [
        (4, "value", "abc", "'abc' is not a number"),
        (5, "value", "-5e9", "must be a positive number"),
        (5, "value", "0", "must be a positive number"),
        (5, "value", "inf", "must be finite"),
        (6, "area_code", "", "missing value"),
        (7, "year", "", "missing value"),
        (7, "year", "2020.5", "is not a whole number"),
        (8, "is_estimate", "maybe", "is not True or False"),
        (9, "source", "oecd", "isin"),
        (9, "series_code", "SP.POP.TOTL", "does not match indicator"),
    ],
)
def test_bad_cell_names_file_row_and_field(tmp_path, csv_row, column, text, expected):
    path = _with_cell(tmp_path / "bad.csv", csv_row, column, text)
    error = _error_for(path)
    assert (error.file, error.row, error.field) == (str(path), csv_row, column)
    assert f"row {csv_row}" in str(error) and f"field '{column}'" in str(error)
    assert expected in error.message


def test_negative_gdp_deep_in_the_file(tmp_path):
    rows = _rows()
    khm = next(i for i, r in enumerate(rows) if r[1] == "KHM" and r[3] == "world_bank")
    rows[khm][rows[0].index("value")] = "-31772759998.85713"
    error = _error_for(_write(tmp_path / "neg.csv", rows))
    assert (error.row, error.field) == (khm + 1, "value")


def test_duplicated_key_names_both_rows(tmp_path):
    rows = _rows()
    rows.insert(10, rows[3])  # the copy lands at CSV row 11; the original stays at row 4
    error = _error_for(_write(tmp_path / "dup.csv", rows))
    assert error.row == 11
    assert error.field == "indicator,area_code,source,vintage,year"
    assert "duplicate key gdp_current_usd:AUS:imf_weo:2023-10:2021 (first at row 4)" in str(error)


def test_extra_column(tmp_path):
    rows = [[*r, "x"] for r in _rows()]
    rows[0][-1] = "notes"
    error = _error_for(_write(tmp_path / "extra.csv", rows))
    assert (error.row, error.field) == (1, "notes")
    assert "unexpected extra column" in error.message


def test_missing_column(tmp_path):
    rows = [r[:-1] for r in _rows()]
    error = _error_for(_write(tmp_path / "short.csv", rows))
    assert (error.row, error.field) == (1, "upstream_sha256")
    assert "required column is missing" in error.message


def test_ragged_row_and_blank_line(tmp_path):
    rows = _rows()
    rows[6] = [*rows[6], "surplus"]
    error = _error_for(_write(tmp_path / "ragged.csv", rows))
    assert error.row == 7
    lines = BUNDLED.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(5, "\n")
    path = tmp_path / "blank.csv"
    path.write_text("".join(lines), encoding="utf-8")
    error = _error_for(path)
    assert error.row == 6 and "blank line" in error.message


# --- shared build pieces ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "year"), [("2023", 2023), ("FY2021/22", 2021), ("FY1999/00", 1999), ("", None)]
)
def test_parse_last_actual_year(text, year):
    assert reference.parse_last_actual_year(text, upstream="weo.csv") == year


@pytest.mark.parametrize("text", ["FY2021/23", "2021Q3", "FY21/22"])
def test_parse_last_actual_year_refuses_to_guess(text):
    with pytest.raises(InputError, match="last_actual_year"):
        reference.parse_last_actual_year(text, upstream="weo.csv", row=3)


def _weo(**overrides: str) -> pd.DataFrame:
    row = {
        "area_code": "KHM",
        "concept": "NGDPD",
        "unit": "U.S. dollars",
        "scale": "Billions",
        "last_actual_year": "2022",
        "year": "2023",
        "value": "43.304",
    }
    return pd.DataFrame([{**row, **overrides}], dtype=str)


def _normalise_weo(raw: pd.DataFrame) -> pd.DataFrame:
    return reference.normalise_weo(
        raw,
        vintage="2024-10",
        date_accessed="2026-11-24",
        upstream_file="weo.csv",
        upstream_sha256="0" * 64,
        areas={"KHM": "Cambodia"},
    )


def test_normalise_weo_scales_to_dollars_and_flags_estimates():
    rows = _normalise_weo(_weo())
    assert rows.loc[0, "value"] == 43_304_000_000
    assert bool(rows.loc[0, "is_estimate"]) is True


def test_normalise_weo_refuses_an_unexpected_unit():
    with pytest.raises(InputError, match="unexpected unit/scale") as caught:
        _normalise_weo(_weo(unit="National currency"))
    assert caught.value.row == 2


def test_normalise_weo_requires_every_area():
    with pytest.raises(InputError, match="no rows in the wanted years for KHM"):
        _normalise_weo(_weo(year="2010"))


def test_classic_weo_download_becomes_the_tidy_form():
    wide = pd.DataFrame(
        {
            "WEO Country Code": ["522"],
            "ISO": ["KHM"],
            "WEO Subject Code": ["NGDPD"],
            "Units": ["U.S. dollars"],
            "Scale": ["Billions"],
            "2022": ["39.838"],
            "2023": ["43.304"],
            "2024": ["n/a"],
            "Estimates Start After": ["2022"],
        },
        dtype=str,
    )
    long = reference.weo_wide_to_long(wide, upstream="WEOOct2024all.xls")
    assert sorted(long["year"]) == ["2022", "2023"]
    rows = _normalise_weo(long).sort_values("year")
    assert list(rows["value"]) == [39_838_000_000, 43_304_000_000]
    assert list(rows["is_estimate"]) == [False, True]


# --- refresh diff report ---------------------------------------------------------------------


def test_diff_report_lists_added_removed_and_changed(table):
    new = table.copy()
    fra = (new["area_code"] == "FRA") & (new["source"] == "world_bank") & (new["year"] == 2023)
    new.loc[fra & (new["indicator"] == "gdp_current_usd"), "value"] = 3_100_000_000_000.0
    removed = new.index[(new["area_code"] == "JPN") & (new["indicator"] == "population")][0]
    added = new.loc[[removed]].assign(year=2018)
    new = pd.concat([new.drop(index=removed), added], ignore_index=True)
    diff = reference.diff_reference(table, new)
    assert sorted(diff["change"]) == ["added", "changed", "removed"]
    report = reference.format_reference_diff(diff)
    assert report.splitlines()[0] == (
        "1 rows added, 1 rows removed, 1 values changed, 0 other fields changed"
    )
    assert "+ population:JPN:world_bank:wdi-2026-03:2018" in report
    assert "- population:JPN:world_bank:wdi-2026-03:2019" in report
    assert "~ gdp_current_usd:FRA:world_bank:wdi-2024-10:2023: 3,030,904,089,608 -> " in report
    assert "(+2.28%)" in report


def test_diff_report_of_identical_tables_is_empty(table):
    diff = reference.diff_reference(table, table.copy())
    assert diff.empty
    assert reference.format_reference_diff(diff) == (
        "0 rows added, 0 rows removed, 0 values changed, 0 other fields changed"
    )


def test_diff_report_groups_metadata_changes(table):
    new = table.copy()
    new["date_accessed"] = "2027-01-01"
    report = reference.format_reference_diff(reference.diff_reference(table, new))
    assert report.splitlines() == [
        "0 rows added, 0 rows removed, 0 values changed, 780 other fields changed",
        "~ date_accessed: '2026-11-24' -> '2027-01-01' (780 rows)",
    ]


def test_diff_matches_world_bank_rows_across_wdi_vintages(table):
    """A refresh moves WDI to a new vintage: that is a revision, not 80 removals and additions."""
    new = table.copy()
    wb_gdp = (new["source"] == "world_bank") & (new["indicator"] == "gdp_current_usd")
    new.loc[wb_gdp, "vintage"] = "wdi-2027-01"
    khm = wb_gdp & (new["area_code"] == "KHM") & (new["year"] == 2023)
    new.loc[khm, "value"] = 42_000_000_000.0
    weo = (new["source"] == "imf_weo") & (new["vintage"] == "2024-10")
    new.loc[weo, "vintage"] = "2025-04"
    diff = reference.diff_reference(table, new)
    counts = diff.groupby(["change", "field"]).size().to_dict()
    assert counts == {
        ("changed", "value"): 1,
        ("changed", "vintage"): 100,
        # WEO vintages are separate datasets: a new one adds rows, a dropped one removes them.
        ("added", "value"): 140,
        ("removed", "value"): 140,
    }
    report = reference.format_reference_diff(diff)
    assert (
        "~ gdp_current_usd:KHM:world_bank:wdi-2027-01:2023: 31,772,759,999 -> 42,000,000,000"
        in (report)
    )
    assert "~ vintage: 'wdi-2024-10' -> 'wdi-2027-01' (100 rows)" in report
