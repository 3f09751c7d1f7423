"""The findings, as sentences whose every number is read from ``data/processed/``.

The README's findings block and the site's front page both come from
:func:`findings_sentences`, so neither can drift from the tables. ``main`` rewrites
the block between the README's markers, or with ``check=True`` only reports
whether it is current (``python -m crimefigures readme [--check]``).
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from crimefigures import atomic, paths
from crimefigures.errors import InputError

README_FILE = "README.md"
START_MARKER = "<!-- findings:start -->"
END_MARKER = "<!-- findings:end -->"
GENERATED_NOTE = ("<!-- Generated from data/processed/ by `python -m crimefigures readme`: "
                  "edit src/crimefigures/readme.py, not this block. -->")

FRANCE_ARTICLE_RATIO = "illicit_flows_to_france_gdp_article"
FRANCE_REFERENCE_RATIO = "illicit_flows_to_france_gdp_imf"
WORLD_RATIO = "illicit_flows_to_world_gdp"
SEIZED_RATIO = "seized_to_illicit_flows"

# How each verdict reads in a sentence ("3 changed scope"). Verdicts that do not say a
# figure departs from its source are left out of the count of departures.
VERDICT_PHRASES = {
    "overstated": "overstated",
    "understated": "understated",
    "misattributed": "misattributed",
    "hedge_inverted": "inverted the hedge",
    "scope_changed": "changed scope",
    "date_changed": "changed date",
}
NOT_DEPARTURES = ("consistent", "unverified")
GDP_SOURCES = {"imf_weo": "the IMF's", "world_bank": "the World Bank's"}
MONEY_SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))
HOLDS_EVERYWHERE = "holds under every setting"
FAILS_EVERYWHERE = "fails under every setting"
HOLDS_SOMEWHERE = "holds under some settings"


# --- number formatting -------------------------------------------------------------------

def _decimals(value: float, significant: int) -> int:
    """Decimals that show ``value`` to ``significant`` figures (none for large values)."""
    if value == 0:
        return 0
    return max(0, significant - 1 - math.floor(math.log10(abs(value))))


def format_percent_range(low: float, high: float, significant: int = 2) -> str:
    """Fractions as a percent range: 0.645, 0.968 -> '65%–97%'; both ends share decimals."""
    low_pct, high_pct = low * 100, high * 100
    nonzero = [abs(v) for v in (low_pct, high_pct) if v]
    decimals = _decimals(min(nonzero), significant) if nonzero else 0
    low_text, high_text = f"{low_pct:.{decimals}f}", f"{high_pct:.{decimals}f}"
    if low_text == high_text:
        return f"{low_text}%"
    return f"{low_text}%–{high_text}%"


def format_percent(value: float, significant: int = 2) -> str:
    return format_percent_range(value, value, significant)


def _money_parts(value: float) -> tuple[str, str]:
    for size, word in MONEY_SCALES:
        if abs(value) >= size:
            return f"{value / size:.3g}", word
    return f"{value:,.0f}", ""


def format_money(value: float) -> str:
    """US dollars in words: 3e8 -> '$300 million', 3.1e12 -> '$3.1 trillion'."""
    number, word = _money_parts(value)
    return f"${number} {word}".rstrip()


def format_money_range(low: float, high: float) -> str:
    """'$2–3 trillion' when both ends share a scale, else '$500 million–$2 trillion'."""
    low_number, low_word = _money_parts(low)
    high_number, high_word = _money_parts(high)
    if low_number == high_number and low_word == high_word:
        return format_money(low)
    if low_word == high_word:
        return f"${low_number}–{high_number} {high_word}".rstrip()
    return f"{format_money(low)}–{format_money(high)}"


def _month_year(vintage: str) -> str:
    """'2024-10' -> 'October 2024'; anything else is shown as written."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", vintage.strip())
    if not match:
        return vintage.strip()
    month = pd.Timestamp(year=int(match[1]), month=int(match[2]), day=1).month_name()
    return f"{month} {match[1]}"


def _join(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _quoted(texts: Iterable[str]) -> str:
    return _join([f"“{text.strip().rstrip('.')}”" for text in texts])


def _count_word(n: int) -> str:
    return f"{n} statement" if n == 1 else f"{n} statements"


# --- reading the processed tables --------------------------------------------------------

def _table(name: str) -> pd.DataFrame:
    path = paths.data_processed() / name
    try:
        return pd.read_csv(path, keep_default_na=False, na_values=[""])
    except FileNotFoundError:
        raise InputError("missing; run `python -m crimefigures run` first",
                         file=paths.relative(path)) from None


def _row(table: pd.DataFrame, key: str, value: str, file: str) -> pd.Series:
    rows = table[table[key] == value]
    if len(rows) != 1:
        raise InputError(f"expected one row with {key} {value!r}, found {len(rows)}",
                         file=f"data/processed/{file}", field=key)
    return rows.iloc[0]


def _claim(figures: pd.DataFrame, claim_id: str) -> pd.Series:
    return _row(figures, "claim_id", claim_id.strip(), "figures.csv")


def _claim_money(claim: pd.Series) -> str:
    """A money claim as written: its point, else its bounds."""
    if claim["unit"] != "USD":
        raise InputError(f"claim {claim['claim_id']} is in {claim['unit']}, not USD",
                         file="data/processed/figures.csv", field="unit")
    if not pd.isna(claim["point"]):
        return format_money(claim["point"])
    return format_money_range(claim["low"], claim["high"])


def _gdp_vintage(ratio: pd.Series) -> str:
    source = GDP_SOURCES.get(str(ratio["gdp_source"]), str(ratio["gdp_source"]))
    vintage = "" if pd.isna(ratio["weo_vintage"]) else f" {_month_year(str(ratio['weo_vintage']))}"
    return f"{source}{vintage} estimate"


# --- the sentences -----------------------------------------------------------------------

def _france_sentence(ratios: pd.DataFrame, figures: pd.DataFrame) -> str:
    article = _row(ratios, "ratio_id", FRANCE_ARTICLE_RATIO, "ratios.csv")
    reference = _row(ratios, "ratio_id", FRANCE_REFERENCE_RATIO, "ratios.csv")
    flows = _claim_money(_claim(figures, article["numerator"]))
    france = _claim_money(_claim(figures, article["denominator"]))
    return (
        f"The {flows} in illicit funds that the article says flows through the global "
        f"financial system each year is {format_percent_range(article['low'], article['high'])} "
        f"of France's economy as the article sizes it ({france}; Monte Carlo median "
        f"{format_percent(article['mc_p50'])}), or "
        f"{format_percent_range(reference['low'], reference['high'])} of France's "
        f"{int(reference['gdp_year'])} GDP in {_gdp_vintage(reference)}."
    )


def _world_sentence(ratios: pd.DataFrame) -> str:
    world = _row(ratios, "ratio_id", WORLD_RATIO, "ratios.csv")
    return (
        f"The same flows are {format_percent_range(world['low'], world['high'])} of world GDP "
        f"in {int(world['gdp_year'])} ({_gdp_vintage(world)})."
    )


def _seizure_sentence(ratios: pd.DataFrame, figures: pd.DataFrame) -> str:
    seized = _row(ratios, "ratio_id", SEIZED_RATIO, "ratios.csv")
    amount = _claim_money(_claim(figures, seized["numerator"]))
    return (
        f"The {amount} in assets that Interpol reported seizing is "
        f"{format_percent_range(seized['low'], seized['high'])} of one year of those flows."
    )


def _fact_check_sentence(checks: pd.DataFrame) -> str:
    departures = checks[~checks["verdict"].isin(NOT_DEPARTURES)]
    unknown = sorted(set(departures["verdict"]) - set(VERDICT_PHRASES))
    if unknown:
        raise InputError(f"unknown verdict {unknown[0]!r}", file="data/processed/fact_check.csv",
                         field="verdict")
    groups = sorted(departures.groupby("verdict"), key=lambda item: (-len(item[1]), item[0]))
    parts = [f"{len(rows)} {VERDICT_PHRASES[verdict]} ({_quoted(rows['figure_text'])})"
             for verdict, rows in groups]
    summary = (f"Checked against their primary sources, {len(departures)} of the article's "
               f"{len(checks)} figures depart from them")
    return f"{summary}: {_join(parts)}." if parts else f"{summary}."


def _statements_sentences(statements: pd.DataFrame) -> list[str]:
    tried = sorted(set(statements["settings_tried"].astype(int)))
    settings = f"{tried[0]} settings" if len(tried) == 1 else f"up to {tried[-1]} settings"
    holding = statements[statements["verdict"] == HOLDS_EVERYWHERE]
    failing = statements[statements["verdict"] == FAILS_EVERYWHERE]
    partial = statements[statements["verdict"] == HOLDS_SOMEWHERE]
    opening = (f"Of {_count_word(len(statements))} tested under each of the {settings} of the "
               f"sensitivity analysis")
    sentences = [
        f"{opening}, {len(holding)} hold under every one: {_quoted(holding['statement'])}."
        if len(holding) else f"{opening}, none holds under every one."
    ]
    clauses = []
    if len(failing):
        clauses.append(f"{_quoted(failing['statement'])} fail under every setting")
    clauses += [
        f"{_quoted([row['statement']])} holds under {int(row['settings_holding'])} of "
        f"{int(row['settings_tried'])} (it fails with {row['fails_under']})"
        for _, row in partial.iterrows()
    ]
    if clauses:
        sentences.append(f"{'; '.join(clauses)}.")
    return sentences


def findings_sentences() -> list[str]:
    """Three to six sentences; every number in them comes from ``data/processed/``."""
    ratios, figures = _table("ratios.csv"), _table("figures.csv")
    return [
        _france_sentence(ratios, figures),
        _world_sentence(ratios),
        _seizure_sentence(ratios, figures),
        _fact_check_sentence(_table("fact_check.csv")),
        *_statements_sentences(_table("statements.csv")),
    ]


# --- the README block --------------------------------------------------------------------

def _markdown_text(sentence: str) -> str:
    """Escape what Markdown (GitHub's dollar-sign maths included) would otherwise interpret."""
    return re.sub(r"([\\`*\[\]<>$])", r"\\\1", sentence)


def render_block(sentences: Sequence[str]) -> str:
    """The text between the markers: a note, then one bullet per sentence."""
    bullets = "\n".join(f"- {_markdown_text(sentence)}" for sentence in sentences)
    return f"\n{GENERATED_NOTE}\n{bullets}\n"


def _split(text: str, file: str, start_marker: str = START_MARKER,
           end_marker: str = END_MARKER) -> tuple[str, str, str]:
    """README text as (before and start marker, block, end marker and after)."""
    START_MARKER, END_MARKER = start_marker, end_marker  # noqa: N806 (messages below)
    starts, ends = text.count(START_MARKER), text.count(END_MARKER)
    if starts != 1 or ends != 1:
        raise InputError(
            f"needs exactly one {START_MARKER} and one {END_MARKER} line "
            f"(found {starts} and {ends})", file=file)
    head, _, rest = text.partition(START_MARKER)
    block, _, tail = rest.partition(END_MARKER)
    if END_MARKER in head:
        raise InputError(f"{END_MARKER} comes before {START_MARKER}", file=file)
    return head + START_MARKER, block, END_MARKER + tail


def readme_block(path: Path | None = None) -> str:
    """The findings block as the README has it now."""
    path = path or paths.resolve(README_FILE)
    return _split(_read(path), paths.relative(path))[1]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("not found", file=paths.relative(path)) from None


GALLERY_START = "<!-- gallery:start -->"
GALLERY_END = "<!-- gallery:end -->"
MANIFEST_FILE = "figures/manifest.json"


def gallery_block(manifest_file: str = MANIFEST_FILE) -> str:
    """The figure gallery: each figure with its caption, downloads and the manifest link."""
    path = paths.resolve(manifest_file)
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["figures"]
    except FileNotFoundError:
        raise InputError("not found (run notebook 04 first)", file=manifest_file) from None
    except (json.JSONDecodeError, KeyError, TypeError):
        raise InputError("not a figure manifest", file=manifest_file) from None
    note = "<!-- Generated from figures/manifest.json by `python -m crimefigures readme`. -->"
    lines = ["", note,
             ""]
    for entry in entries:
        files = entry["files"]
        downloads = " · ".join(f"[{kind.upper()}]({files[kind]})"
                               for kind in ("svg", "pdf", "csv") if kind in files)
        alt = entry["alt"].replace("[", "(").replace("]", ")")
        lines += [f"**{_markdown_text(entry['title'])}**", "", f"![{alt}]({files['png']})", "",
                  f"*{_markdown_text(entry['caption'])}* {downloads}", ""]
    lines.append(f"Every figure's notebook, parameters (with their hash), input files (SHA-256) "
                 f"and sources are in [{manifest_file}]({manifest_file}); Indonesian versions "
                 "are in [figures/id/](figures/id/).")
    return "\n".join(lines) + "\n"


def _blocks() -> list[tuple[str, str, str]]:
    """(start marker, end marker, expected text) for every generated block."""
    return [(START_MARKER, END_MARKER, render_block(findings_sentences())),
            (GALLERY_START, GALLERY_END, gallery_block())]


def main(check: bool = False) -> int:
    """Rewrite the README's generated blocks; with ``check`` only report (1 when stale)."""
    path = paths.resolve(README_FILE)
    name = paths.relative(path)
    text = original = _read(path)
    for start, end, expected in _blocks():
        head, _, tail = _split(text, name, start, end)
        text = head + expected + tail
    if text == original:
        print(f"{name}: findings and gallery are current")
        return 0
    if check:
        print(f"{name}: the generated blocks differ from data/processed and figures/; "
              "run `python -m crimefigures readme`", file=sys.stderr)
        return 1
    atomic.write_text(path, text)
    print(f"{name}: findings and gallery updated")
    return 0
