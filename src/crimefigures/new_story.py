"""A new story in two commands: ``new-story SLUG --article FILE`` and ``check-story SLUG``.

``new-story`` takes a text file (kept byte for byte) or a saved HTML page (its main text and
metadata taken by trafilatura; the page itself is kept beside the text), writes the raw
files with the SHA-256, a draft ledger, sources and fact-check files with their headers,
and a starter ``analysis.yml``: each money claim against world GDP and the GDP of each
economy the article names, each count of people per 1,000 inhabitants of the economy its
sentence names. A draft story runs end to end at once; nothing fails for lack of curation.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path

import pandas as pd
import yaml

from crimefigures.analysis import factcheck, reference
from crimefigures.errors import InputError
from crimefigures.pipeline import atomic, paths, registry
from crimefigures.quantities import units
from crimefigures.text import ledger

ARTICLE_SOURCE_ID = "article"
SOURCE_COLUMNS = ("source_id", "publisher", "title", "date_published", "url", "date_accessed",
                  "kind", "access", "notes")
HTML_SUFFIXES = (".html", ".htm")


def _is_html(path: Path, data: bytes) -> bool:
    return path.suffix.lower() in HTML_SUFFIXES or data.lstrip()[:15].lower().startswith(
        (b"<!doctype html", b"<html"))


def _from_html(data: bytes, name: str) -> tuple[str, dict[str, str]]:
    """The page's main text and metadata, read by trafilatura (no network)."""
    import trafilatura

    html = data.decode("utf-8", errors="replace")
    text = trafilatura.extract(html, include_comments=False, include_tables=False,
                               favor_precision=True)
    if not text or not text.strip():
        raise InputError("no article text found in the HTML page", file=name)
    meta = trafilatura.extract_metadata(html)
    found = {}
    if meta is not None:
        found = {"title": meta.title or "", "outlet": meta.sitename or meta.hostname or "",
                 "url": meta.url or "", "date_published": meta.date or "",
                 "credited_to": meta.author or ""}
    return text.strip() + "\n", found


def origin_record(text: bytes, metadata: dict[str, str], *, obtained_from: str,
                  kept_html: bool) -> dict:
    notes = [f"Made by python -m crimefigures new-story from {obtained_from}."]
    if kept_html:
        notes.append("article.txt is the main text trafilatura took from article.html.")
    missing = [k for k in ("outlet", "title", "url", "date_published", "credited_to")
               if not metadata.get(k)]
    if missing:
        notes.append(f"To fill in by hand: {', '.join(missing)}.")
    return {
        "file": "article.txt",
        "sha256": hashlib.sha256(text).hexdigest(),
        "bytes": len(text),
        "outlet": metadata.get("outlet", ""),
        "title": metadata.get("title", ""),
        "url": metadata.get("url", ""),
        "date_published": metadata.get("date_published", ""),
        "credited_to": metadata.get("credited_to", ""),
        "language": metadata.get("language", "en"),
        "date_obtained": date.today().isoformat(),
        "licence": "Copyright the publisher; quoted here for research and fact-checking.",
        "notes": notes,
    }


def _named_economies(text: str, table: pd.DataFrame) -> list[tuple[str, str]]:
    """(ISO3, name) of each economy in the reference table the text names, in text order."""
    names = table[table["area_code"] != "WLD"][["area_code", "area_name"]].drop_duplicates()
    found = []
    for row in names.itertuples():
        variants = {row.area_name, row.area_name.split(",")[0], row.area_name.replace(" PDR", "")}
        hits = [m.start() for v in variants
                for m in re.finditer(rf"\b{re.escape(v)}\b", text)]
        if hits:
            found.append((min(hits), row.area_code, row.area_name))
    return [(code, name) for _, code, name in sorted(found)]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def starter_analysis(figures: pd.DataFrame, text: str, table: pd.DataFrame) -> dict:
    """Each money claim over world GDP and each named economy's GDP; each count of people per
    1,000 inhabitants of the economy its sentence names."""
    economies = _named_economies(text, table)
    ratios = []
    for claim in figures.itertuples():
        if units.is_currency(str(claim.unit)):
            for code, name in [("WLD", "the world"), *economies]:
                ratios.append({
                    "id": f"{_slug(claim.claim_id)}_to_{code.lower()}_gdp",
                    "numerator": [claim.claim_id], "denominator": [f"gdp:{code}"],
                    "unit": "fraction",
                    "description": {"en": f"“{claim.figure_text}” over the GDP of {name}.",
                                    "id": f"“{claim.figure_text}” dibagi PDB {name}."}})
        elif claim.unit == "count" and units.singular(str(claim.noun or "")) == "people":
            for code, name in _named_economies(str(claim.quote), table)[:1]:
                ratios.append({
                    "id": f"{_slug(claim.claim_id)}_per_1000_{code.lower()}",
                    "numerator": [claim.claim_id], "denominator": [f"pop:{code}"],
                    "scale": 1000, "unit": "per_capita",
                    "description": {
                        "en": f"“{claim.figure_text}” per 1,000 inhabitants of {name}.",
                        "id": f"“{claim.figure_text}” per 1.000 penduduk {name}."}})
    if not ratios:
        raise InputError("no money claim and no count of people in a named economy: write "
                         "the ratios of analysis.yml by hand", file="analysis.yml",
                         field="ratios")
    return {"yardsticks": ["WLD", *[code for code, _ in economies]], "ratios": ratios,
            "headlines": [r["id"] for r in ratios[:4]]}


def reference_sources(table: pd.DataFrame) -> list[dict[str, str]]:
    """A sources.csv row for each bundled GDP and population release, from the citation the
    reference table carries, so the figures' footers can cite what they draw."""
    rows = []
    series = table.drop_duplicates(["source", "vintage"]).sort_values(["source", "vintage"])
    for entry in series.itertuples():
        imf = entry.source == reference.IMF_WEO
        published = reference.WEO_PUBLISHED.get(entry.vintage) if imf else None
        rows.append({
            "source_id": f"imf_weo_{entry.vintage.replace('-', '_')}" if imf else "world_bank_wdi",
            "publisher": entry.publisher, "title": entry.dataset,
            "date_published": published.isoformat() if published else "", "url": entry.url,
            "date_accessed": entry.date_accessed, "kind": "dataset", "access": "read",
            "notes": "Bundled subset in data/reference; each row there carries its citation."})
    return list({row["source_id"]: row for row in rows}.values())


def new_story(slug: str, article: str | Path, metadata: dict[str, str] | None = None
              ) -> list[str]:
    """Write a story's raw and draft curated files; returns the paths written."""
    registry.check_slug(slug)
    source = Path(article)
    try:
        data = source.read_bytes()
    except FileNotFoundError:
        raise InputError("article file not found", file=str(article)) from None
    raw_dir = paths.resolve(f"data/raw/{slug}")
    curated_dir = paths.resolve(f"data/curated/{slug}")
    for folder in (raw_dir, curated_dir):
        if folder.exists():
            raise InputError("the story exists already; choose another slug",
                             file=paths.relative(folder))
    found: dict[str, str] = {}
    html = _is_html(source, data)
    if html:
        text, found = _from_html(data, str(article))
        data = text.encode("utf-8")
    found.update({k: v for k, v in (metadata or {}).items() if v})
    if not re.match(r"^https?://\S+$", found.get("url", "")):
        raise InputError("the article's address is needed for sources.csv: give --url "
                         "https://... (a saved page usually carries it)", field="url")
    written = []
    if html:
        written.append(atomic.write_bytes(raw_dir / "article.html", source.read_bytes()))
    written.append(atomic.write_bytes(raw_dir / "article.txt", data))
    origin = origin_record(data, found, obtained_from=source.name, kept_html=html)
    written.append(atomic.write_text(raw_dir / "article.yml",
                                     yaml.safe_dump(origin, sort_keys=False,
                                                    allow_unicode=True)))
    written += ledger.draft_ledger(raw_dir / "article.txt", curated_dir)
    claims = registry.read("claims", path=curated_dir / "claims.csv")
    claims["primary_source_id"] = ARTICLE_SOURCE_ID
    registry.write("claims", claims, path=curated_dir / "claims.csv")
    table = registry.read("reference", slug)
    sources = pd.DataFrame([{
        "source_id": ARTICLE_SOURCE_ID, "publisher": origin["outlet"] or "(to fill in)",
        "title": origin["title"] or "(to fill in)",
        "date_published": str(origin["date_published"]), "url": origin["url"],
        "date_accessed": origin["date_obtained"], "kind": "article", "access": "read",
        "notes": "The article under analysis; add each primary source as its own row."},
        *reference_sources(table)], columns=list(SOURCE_COLUMNS))
    written.append(registry.write("sources", sources, path=curated_dir / "sources.csv"))
    written.append(atomic.write_text(curated_dir / "fact_checks.csv",
                                     ",".join(factcheck.FACT_CHECK_COLUMNS) + "\n"))
    written.append(atomic.write_text(curated_dir / "benchmarks.csv",
                                     ",".join(factcheck.BENCHMARK_COLUMNS) + "\n"))
    figures = ledger.build_figures(raw_dir / "article.txt", curated_dir / "claims.csv",
                                   curated_dir / "sources.csv",
                                   curated_dir / "ignored_numbers.csv")
    analysis = starter_analysis(figures, data.decode("utf-8"), table)
    header = ("# Starter analysis written by new-story: review every ratio, add the statements\n"
              "# and checks this story needs (see data/curated/README.md).\n")
    written.append(atomic.write_text(curated_dir / "analysis.yml", header + yaml.safe_dump(
        analysis, sort_keys=False, allow_unicode=True, width=99)))
    return [paths.relative(p) for p in written]


def check_story(slug: str) -> list[str]:
    """Every problem in a story's files, one line each (file, row, field); empty when valid."""
    from crimefigures.analysis import factcheck, ratios
    from crimefigures.analysis import spec as analysis_spec
    from crimefigures.errors import CrimefiguresError
    from crimefigures.text import article

    registry.check_slug(slug)
    files = registry.story_paths(slug)
    problems = []

    def attempt(action) -> object:
        try:
            return action()
        except CrimefiguresError as exc:
            problems.append(str(exc))
            return None

    origin = attempt(lambda: article.read_origin(files["article_origin"]))
    if origin is not None:
        data = paths.resolve(files["article"]).read_bytes() if paths.resolve(
            files["article"]).is_file() else b""
        if hashlib.sha256(data).hexdigest() != str(origin.get("sha256")):
            problems.append(f"{files['article']}: SHA-256 differs from article.yml's; "
                            "data/raw is immutable")
    figures = attempt(lambda: ledger.build_figures(files["article"], files["claims"],
                                                   files["sources"], files["ignored"]))
    spec = attempt(lambda: analysis_spec.load_spec(files["analysis"]))
    attempt(lambda: registry.read("benchmarks", path=files["benchmarks"]))
    checks = attempt(lambda: registry.read("fact_checks", path=files["fact_checks"]))
    if figures is not None:
        sources = registry.read("sources", path=files["sources"])
        if checks is not None:
            attempt(lambda: factcheck.check_fact_checks(checks, figures, sources,
                                                        files["fact_checks"]))
        if spec is not None:
            table = registry.read("reference", path=files["reference"])
            attempt(lambda: ratios.resolve_terms(spec.ratios, figures, ratios.Settings(),
                                                 table, spec_file=files["analysis"]))
    return problems
