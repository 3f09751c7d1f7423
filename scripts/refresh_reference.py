"""Rebuild data/reference/gdp_population.csv from the live sources and report what changed.

    pip install wbgapi   # not a project dependency; only this script uses it
    python scripts/refresh_reference.py [--weo 2025-10=PATH ...] [--dry-run]

Needs network access for the World Bank API (WDI GDP and population, through
``wbgapi``). The IMF has no stable API for WEO vintages, so each WEO vintage
comes from files the user downloaded: the IMF's classic tab-delimited "entire
database" files (countries, plus country groups for the World row: pass both
with the same vintage) or a tidy CSV with the columns ``area_code, concept,
unit, scale, last_actual_year, year, value`` (``G001`` = World).
WEO vintages not given with ``--weo`` are carried over from the current table.

The analysis pipeline never runs this script; the bundled table stays what the
offline ``scripts/build_reference.py`` wrote until someone refreshes on purpose.
Normalisation is shared with that script through ``crimefigures.analysis.reference``.
Exchange rates (``data/reference/exchange_rates.csv``) are not refreshed here; they
come only from the offline build. A new WEO vintage also needs its publication
date in ``reference.WEO_RELEASES`` and its name in ``reference.WEO_VINTAGES``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import sys
from pathlib import Path
from types import ModuleType

import pandas as pd

from crimefigures.analysis import reference
from crimefigures.errors import CrimefiguresError, InputError, ParameterError
from crimefigures.pipeline import atomic, paths

WDI_SOURCE_ID = 2
WB_SERIES = {
    reference.GDP: "NY.GDP.MKTP.CD",
    reference.POPULATION: "SP.POP.TOTL",
}


def import_wbgapi() -> ModuleType:
    try:
        import wbgapi  # optional: only refreshing needs it, so only refreshing imports it
    except ModuleNotFoundError:
        raise ModuleNotFoundError(
            "refreshing needs the World Bank API client, which the project does not "
            "install: run `pip install wbgapi` and try again"
        ) from None
    return wbgapi


def fetch_world_bank(indicator: str, *, date_accessed: str) -> pd.DataFrame:
    """Reference rows for one WDI series, fetched live through wbgapi."""
    wb = import_wbgapi()
    series = WB_SERIES[indicator]
    last_updated = str(wb.source.get(WDI_SOURCE_ID)["lastupdated"])
    rows = wb.data.fetch(
        series,
        economy=list(reference.AREAS),
        time=list(reference.YEARS),
        skipBlanks=True,
        numericTimeKeys=True,
    )
    raw = pd.DataFrame(
        [
            {"Country Code": row["economy"], "Year": str(row["time"]), "Value": repr(row["value"])}
            for row in rows
        ],
        columns=["Country Code", "Year", "Value"],
    )
    raw = raw.sort_values(["Country Code", "Year"], kind="mergesort").reset_index(drop=True)
    # No file was downloaded, so the checksum covers the fetched rows in canonical CSV form.
    digest = hashlib.sha256(atomic.csv_bytes(raw)).hexdigest()
    return reference.normalise_world_bank(
        raw,
        indicator=indicator,
        vintage=f"wdi-{last_updated[:7]}",
        date_accessed=date_accessed,
        upstream_file=f"api.worldbank.org/v2/sources/{WDI_SOURCE_ID}/series/{series}",
        upstream_sha256=digest,
    )


def _decode(path: Path) -> str:
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # older WEO downloads are Latin-1


def read_weo_download(path: Path) -> pd.DataFrame:
    """A downloaded WEO file as a tidy table for :func:`reference.normalise_weo`."""
    if not path.is_file():
        raise InputError("WEO file not found", file=path)
    text = _decode(path)
    first_line = text.split("\n", 1)[0]
    separator = "\t" if "\t" in first_line else ","
    frame = pd.read_csv(
        io.StringIO(text), sep=separator, dtype=str, keep_default_na=False, na_values=[""]
    )
    frame.columns = [str(c).strip() for c in frame.columns]
    if {"area_code", "concept", "value"} <= set(frame.columns):
        return frame
    return reference.weo_wide_to_long(frame, upstream=str(path))


def parse_weo_argument(text: str) -> tuple[str, Path]:
    vintage, sep, path = text.partition("=")
    if not sep or len(vintage) != 7 or vintage[4] != "-" or not vintage.replace("-", "").isdigit():
        raise ParameterError(f"expected VINTAGE=PATH like 2025-10=WEOOct2025all.xls, got {text!r}")
    return vintage, Path(path)


def weo_rows(vintage: str, files: list[Path], *, date_accessed: str) -> pd.DataFrame:
    """One WEO vintage from one or more downloaded files (countries and groups)."""
    parts = [
        reference.normalise_weo(
            read_weo_download(path),
            vintage=vintage,
            date_accessed=date_accessed,
            upstream_file=path.name,
            upstream_sha256=reference.sha256_file(path),
            require_all=False,
        )
        for path in files
    ]
    rows = pd.concat(parts, ignore_index=True)
    names = " + ".join(path.name for path in files)
    reference.require_all_areas(rows["area_code"], reference.AREAS, names)
    return rows


def refresh(
    current: pd.DataFrame, weo_files: dict[str, list[Path]], *, date_accessed: str
) -> tuple[pd.DataFrame, list[str]]:
    """The refreshed table and notes on what was carried over unchanged."""
    parts = [fetch_world_bank(ind, date_accessed=date_accessed) for ind in WB_SERIES]
    parts += [weo_rows(v, files, date_accessed=date_accessed) for v, files in weo_files.items()]
    notes = []
    current_weo = current[current["source"] == reference.IMF_WEO]
    for vintage in sorted(set(current_weo["vintage"]) - set(weo_files)):
        parts.append(current_weo[current_weo["vintage"] == vintage])
        notes.append(f"IMF WEO {vintage}: no --weo file given, rows carried over unchanged")
    return reference.assemble_reference(parts), notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--weo",
        action="append",
        default=[],
        metavar="VINTAGE=PATH",
        help="a downloaded IMF WEO file for one vintage, e.g. 2024-10=WEOOct2024all.xls; "
        "repeat for the country-groups file (the World row) of the same vintage",
    )
    parser.add_argument("--output", default=reference.REFERENCE_PATH, help="table to refresh")
    parser.add_argument("--dry-run", action="store_true", help="report changes, write nothing")
    args = parser.parse_args(argv)
    output = paths.resolve(args.output)
    try:
        weo_files: dict[str, list[Path]] = {}
        for text in args.weo:
            vintage, path = parse_weo_argument(text)
            weo_files.setdefault(vintage, []).append(path)
        if output.exists():
            current = reference.load_reference(output)
        else:
            current = pd.DataFrame(columns=reference.COLUMNS)
        table, notes = refresh(current, weo_files, date_accessed=dt.date.today().isoformat())
        report = reference.format_reference_diff(reference.diff_reference(current, table))
        if not args.dry_run:
            atomic.write_csv(output, table)
    except (CrimefiguresError, ModuleNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print("\n".join([*notes, report]))
    print(("would write" if args.dry_run else "wrote") + f" {len(table)} rows to {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
