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

from crimefigures.analysis.spec import load_spec
from crimefigures.errors import InputError
from crimefigures.pipeline import atomic, paths, registry
from crimefigures.text.article import read_origin

README_FILE = "README.md"
START_MARKER = "<!-- findings:start -->"
END_MARKER = "<!-- findings:end -->"
GENERATED_NOTE = ("<!-- Generated from data/processed/<story>/ by "
                  "`python -m crimefigures readme`: edit src/crimefigures/readme.py, "
                  "not this block. -->")
STORIES_START = "<!-- stories:start -->"
STORIES_END = "<!-- stories:end -->"
HEADLINE_SENTENCES = 3  # headline ratios written out per story

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
    """US dollars in words: 7e8 -> '$700 million', 4.2e12 -> '$4.2 trillion'."""
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

def _table(story: str, name: str) -> pd.DataFrame:
    path = paths.resolve(registry.path(name, story))
    try:
        return pd.read_csv(path, keep_default_na=False, na_values=[""])
    except FileNotFoundError:
        raise InputError("missing; run `python -m crimefigures run` first",
                         file=paths.relative(path)) from None


def _gdp_vintage(ratio: pd.Series) -> str:
    source = GDP_SOURCES.get(str(ratio["gdp_source"]), str(ratio["gdp_source"]))
    vintage = "" if pd.isna(ratio["weo_vintage"]) else f" {_month_year(str(ratio['weo_vintage']))}"
    return f"{source}{vintage} estimate"


def _ratio_range(row: pd.Series) -> str:
    """A ratio's exact interval in its own unit: percent, money or a plain rate."""
    unit = str(row["unit"])
    if unit == "fraction":
        return format_percent_range(row["low"], row["high"])
    if unit == "USD":
        return format_money_range(row["low"], row["high"])
    low, high = (f"{v:.3g}" for v in (row["low"], row["high"]))
    text = low if low == high else f"{low}–{high}"
    if unit.startswith("USD "):
        return f"${text} {unit[4:]}"
    return f"{text} {unit}"


def _ratio_median(row: pd.Series) -> str:
    unit = str(row["unit"])
    if unit == "fraction":
        return format_percent(row["mc_p50"])
    if unit == "USD":
        return format_money(row["mc_p50"])
    return f"{row['mc_p50']:.3g}"


def _headline_sentences(story: str, ratios: pd.DataFrame) -> list[str]:
    """The story's first headline ratios, each as its description and computed range."""
    spec = load_spec(registry.path("analysis", story))
    by_id = ratios.set_index("ratio_id")
    sentences = []
    for ratio_id in spec.headlines[:HEADLINE_SENTENCES]:
        if ratio_id not in by_id.index:
            raise InputError(f"headline ratio {ratio_id!r} is not in ratios.csv",
                             file=registry.path("ratios", story), field="ratio_id")
        row = by_id.loc[ratio_id]
        description = spec.ratio(ratio_id).description.en.rstrip(".")
        gdp = (f"; GDP from {_gdp_vintage(row)} for {int(row['gdp_year'])}"
               if "gdp_current_usd" in str(row["denominator"]) else "")
        sentences.append(f"{description}: {_ratio_range(row)} (Monte Carlo median "
                         f"{_ratio_median(row)}{gdp}).")
    return sentences


def _fact_check_sentence(checks: pd.DataFrame) -> str:
    departures = checks[~checks["verdict"].isin(NOT_DEPARTURES)]
    unknown = sorted(set(departures["verdict"]) - set(VERDICT_PHRASES))
    if unknown:
        raise InputError(f"unknown verdict {unknown[0]!r}", file="fact_check.csv",
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


def findings_sentences(story: str) -> list[str]:
    """A story's findings; every number in them comes from ``data/processed/<story>/``."""
    return [
        *_headline_sentences(story, _table(story, "ratios")),
        _fact_check_sentence(_table(story, "fact_check")),
        *_statements_sentences(_table(story, "statements")),
    ]


def story_origin(story: str) -> dict:
    return read_origin(registry.path("article_origin", story))


def stories_block() -> str:
    """One row per story: the article, and its first generated finding."""
    lines = ["", "<!-- Generated by `python -m crimefigures readme` from each story's "
             "data/raw/<story>/article.yml and data/processed/<story>/. -->", "",
             "| story | article | first finding |", "|---|---|---|"]
    for story in paths.stories():
        origin = story_origin(story)
        finding = findings_sentences(story)[0]
        title = _markdown_text(str(origin["title"])).replace("|", "\\|")
        lines.append(f"| [`{story}`](reports/site/{story}/index.html) | {title} "
                     f"({_markdown_text(str(origin['outlet']))}, {origin['date_published']}) "
                     f"| {_markdown_text(finding).replace('|', '/')} |")
    return "\n".join(lines) + "\n"


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
def gallery_block(manifest_file: str) -> str:
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
        if entry.get("skipped"):
            continue
        files = entry["files"]
        downloads = " · ".join(f"[{kind.upper()}]({files[kind]})"
                               for kind in ("svg", "pdf", "csv") if kind in files)
        alt = entry["alt"].replace("[", "(").replace("]", ")")
        lines += [f"**{_markdown_text(entry['title'])}**", "", f"![{alt}]({files['png']})", "",
                  f"*{_markdown_text(entry['caption'])}* {downloads}", ""]
    lines.append(f"Every figure's notebook, parameters (with their hash), input files (SHA-256) "
                 f"and sources are in [{manifest_file}]({manifest_file}); Indonesian versions "
                 f"are in [{Path(manifest_file).parent.as_posix()}/id/]"
                 f"({Path(manifest_file).parent.as_posix()}/id/).")
    return "\n".join(lines) + "\n"


def _blocks() -> list[tuple[str, str, str]]:
    """(start marker, end marker, expected text) for every generated block."""
    first = paths.stories()[0]
    return [(START_MARKER, END_MARKER, render_block(findings_sentences(first))),
            (STORIES_START, STORIES_END, stories_block()),
            (GALLERY_START, GALLERY_END,
             gallery_block(registry.path("figures_en", first) + "manifest.json"))]


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
