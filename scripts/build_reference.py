"""Build data/reference/gdp_population.csv and exchange_rates.csv from upstream files (offline).

    python scripts/build_reference.py [--upstream DIR] [--output PATH] [--exchange-output PATH]

``DIR`` holds the upstream files described in its README (default
``data/external`` inside the repository, where byte-identical copies of the
upstream files are bundled). The output is deterministic: rebuilding from the
same upstream files gives the same bytes.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from crimefigures.analysis import exchange, reference
from crimefigures.errors import CrimefiguresError, InputError
from crimefigures.pipeline import atomic, paths

# The day the upstream snapshots were retrieved (data/external/README.md).
DATE_ACCESSED = "2026-11-24"
DEFAULT_UPSTREAM = Path("data") / "external"


@dataclass(frozen=True)
class UpstreamFile:
    name: str
    source: str
    indicator: str
    vintage: str


# WDI vintages: the GDP mirror's data file last changed 2024-10-21 (WDI of about
# October 2024); the population mirror's data file last changed 2026-03-06.
UPSTREAM_FILES = (
    UpstreamFile("wb_gdp_current_usd.csv", reference.WORLD_BANK, reference.GDP, "wdi-2024-10"),
    UpstreamFile("wb_population.csv", reference.WORLD_BANK, reference.POPULATION, "wdi-2026-03"),
    UpstreamFile("imf_weo_2023oct_ngdpd.csv", reference.IMF_WEO, reference.GDP, "2023-10"),
    UpstreamFile("imf_weo_2024apr_ngdpd.csv", reference.IMF_WEO, reference.GDP, "2024-04"),
    UpstreamFile("imf_weo_2024oct_ngdpd.csv", reference.IMF_WEO, reference.GDP, "2024-10"),
    UpstreamFile("imf_weo_2025oct_ngdpd.csv", reference.IMF_WEO, reference.GDP, "2025-10"),
)


def read_upstream(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise InputError("upstream file not found", file=path)
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])


def normalise(upstream: UpstreamFile, directory: Path) -> pd.DataFrame:
    path = directory / upstream.name
    raw = read_upstream(path)
    common = {
        "vintage": upstream.vintage,
        "date_accessed": DATE_ACCESSED,
        "upstream_file": upstream.name,
        "upstream_sha256": reference.sha256_file(path),
    }
    if upstream.source == reference.WORLD_BANK:
        return reference.normalise_world_bank(raw, indicator=upstream.indicator, **common)
    return reference.normalise_weo(raw, **common)


def build(directory: Path) -> pd.DataFrame:
    return reference.assemble_reference(normalise(item, directory) for item in UPSTREAM_FILES)


def build_exchange(directory: Path) -> pd.DataFrame:
    path = directory / exchange.H10_UPSTREAM
    return exchange.normalise_h10(
        read_upstream(path),
        date_accessed=DATE_ACCESSED,
        upstream_file=exchange.H10_UPSTREAM,
        upstream_sha256=reference.sha256_file(path),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--upstream",
        type=Path,
        default=None,
        help="directory with the upstream files (default: data/external "
        "relative to the repository root)",
    )
    parser.add_argument(
        "--output", default=reference.REFERENCE_PATH, help="where to write the GDP table"
    )
    parser.add_argument(
        "--exchange-output",
        default=exchange.EXCHANGE_PATH,
        help="where to write the exchange-rate table",
    )
    args = parser.parse_args(argv)
    directory = args.upstream or paths.repo_root() / DEFAULT_UPSTREAM
    try:
        table = build(directory.resolve())
        rates = build_exchange(directory.resolve())
        written = atomic.write_csv(args.output, table)
        written_rates = atomic.write_csv(args.exchange_output, rates)
    except CrimefiguresError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {len(table)} rows to {paths.relative(written)}")
    print(f"wrote {len(rates)} rows to {paths.relative(written_rates)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
