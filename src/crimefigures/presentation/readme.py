"""The findings, as sentences whose every number is read from ``data/processed/``.

The README's findings block and the site's front page both come from
:func:`findings_sentences`, so neither can drift from the tables. ``main`` rewrites
the block between the README's markers, or with ``check=True`` only reports
whether it is current (``python -m crimefigures readme [--check]``).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from crimefigures.analysis.spec import load_spec
from crimefigures.errors import InputError
from crimefigures.pipeline import atomic, paths, registry
from crimefigures.presentation.wording import (
    join_words,
    message,
    money_range,
    money_text,
    value_range,
    value_text,
    vintage_label,
)
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

# Verdicts that do not say a figure departs from its source are left out of the count.
NOT_DEPARTURES = ("consistent", "unverified")
VERDICTS = ("overstated", "understated", "misattributed", "hedge_inverted", "scope_changed",
            "date_changed")
HOLDS_EVERYWHERE = "holds under every setting"
FAILS_EVERYWHERE = "fails under every setting"
HOLDS_SOMEWHERE = "holds under some settings"


# --- words: every phrase comes from the catalogue, every number from the wording module ----

def _join(items: Sequence[str], language: str) -> str:
    """'a', 'a and b', 'a, b and c' in the reader's language."""
    return join_words(list(items), language)


def _quoted(texts: Iterable[str], language: str) -> str:
    return _join([message("quoted", language, text=text.strip().rstrip("."))
                  for text in texts], language)


def _gdp_vintage(ratio: pd.Series, language: str) -> str:
    source = str(ratio["gdp_source"])
    vintage = "" if pd.isna(ratio["weo_vintage"]) else str(ratio["weo_vintage"])
    if source == "imf_weo" and vintage:
        return message("readme_gdp_imf", language, release=vintage_label(vintage, language))
    return message("readme_gdp_world_bank", language)


def _ratio_range(row: pd.Series, language: str) -> str:
    """A ratio's exact interval in its own unit: percent, money or a plain rate."""
    unit = str(row["unit"])
    if unit == "USD":
        return money_range(row["low"], row["high"], language)
    text = value_range(row["low"], row["high"], unit, language)
    return text if unit == "fraction" else f"{text} {unit}"


def _ratio_median(row: pd.Series, language: str) -> str:
    unit = str(row["unit"])
    if unit == "USD":
        return money_text(row["mc_p50"], language)
    return value_text(row["mc_p50"], unit, language)


def _headline_sentences(story: str, ratios: pd.DataFrame, language: str) -> list[str]:
    """The story's first headline ratios, each as its description and computed range."""
    spec = load_spec(registry.path("analysis", story))
    by_id = ratios.set_index("ratio_id")
    sentences = []
    for ratio_id in spec.headlines[:HEADLINE_SENTENCES]:
        if ratio_id not in by_id.index:
            raise InputError(f"headline ratio {ratio_id!r} is not in ratios.csv",
                             file=registry.path("ratios", story), field="ratio_id")
        row = by_id.loc[ratio_id]
        description = spec.ratio(ratio_id).description.get(language).rstrip(".")
        fields = {"description": description, "range": _ratio_range(row, language),
                  "median": _ratio_median(row, language)}
        if "gdp_current_usd" in str(row["denominator"]):
            sentences.append(message("readme_headline_gdp", language, **fields,
                                     gdp=_gdp_vintage(row, language),
                                     year=int(row["gdp_year"])))
        else:
            sentences.append(message("readme_headline", language, **fields))
    return sentences


def _fact_check_sentence(checks: pd.DataFrame, language: str) -> str:
    departing = checks[~checks["verdict"].isin(NOT_DEPARTURES)]
    unknown = sorted(set(departing["verdict"]) - set(VERDICTS))
    if unknown:
        raise InputError(f"unknown verdict {unknown[0]!r}", file="fact_check.csv",
                         field="verdict")
    groups = sorted(departing.groupby("verdict"), key=lambda item: (-len(item[1]), item[0]))
    parts = [message("readme_verdict_group", language, count=len(rows),
                     verdict=message(f"readme_verdict_{verdict}", language),
                     figures=_quoted(rows["figure_text"], language))
             for verdict, rows in groups]
    if not parts:
        return message("readme_fact_check_none", language, n=len(checks))
    return message("readme_fact_check", language, departing=len(departing), n=len(checks),
                   parts=_join(parts, language))


def _statements_sentences(statements: pd.DataFrame, language: str) -> list[str]:
    if statements.empty:  # a draft story declares no statements yet
        return []
    tried = sorted(set(statements["settings_tried"].astype(int)))
    settings = (message("readme_settings", language, n=tried[0]) if len(tried) == 1
                else message("readme_settings_up_to", language, n=tried[-1]))
    holding = statements[statements["verdict"] == HOLDS_EVERYWHERE]
    failing = statements[statements["verdict"] == FAILS_EVERYWHERE]
    partial = statements[statements["verdict"] == HOLDS_SOMEWHERE]
    fields = {"n": len(statements), "settings": settings}
    sentences = [
        message("readme_statements_hold", language, **fields, holding=len(holding),
                statements=_quoted(holding["statement"], language))
        if len(holding) else message("readme_statements_none_hold", language, **fields)
    ]
    clauses = []
    if len(failing):
        clauses.append(message("readme_statements_fail", language,
                               statements=_quoted(failing["statement"], language)))
    clauses += [
        message("readme_statement_partly", language,
                statement=_quoted([row["statement"]], language),
                holding=int(row["settings_holding"]), tried=int(row["settings_tried"]),
                fails_under=row["fails_under"])
        for _, row in partial.iterrows()
    ]
    if clauses:
        sentences.append(message("readme_clauses", language, clauses="; ".join(clauses)))
    return sentences


def findings_sentences(story: str, language: str = "en") -> list[str]:
    """A story's findings; every number in them comes from ``data/processed/<story>/``, every
    phrase from the catalogue, every number's wording from the wording module."""
    return [
        *_headline_sentences(story, registry.read("ratios", story), language),
        _fact_check_sentence(registry.read("fact_check", story), language),
        *_statements_sentences(registry.read("statements", story), language),
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
