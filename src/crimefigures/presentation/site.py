"""The static site: the executed notebooks rendered by nbconvert, led by the findings.

``build_site()`` writes ``reports/site/``: ``index.html`` lists every story with its
generated headline findings, and each story has its own pages in ``<story>/``: for
each executed notebook a page with its
code (``<step>.html``) and a reader's version without input cells
(``<step>.reader.html``); ``index.html`` with the findings (the same sentences as the
README), the figure gallery, links to the notebooks, the processed tables and their
data dictionary, the sources and how to reproduce. The site requests nothing from the
network (it works from ``file://``), escapes every text taken from the data, and is
byte-for-byte the same for the same inputs.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
import mistune
import nbformat
from markupsafe import Markup
from nbconvert import HTMLExporter

from crimefigures.errors import InputError
from crimefigures.pipeline import atomic, paths, registry
from crimefigures.presentation import readme
from crimefigures.presentation.wording import message

SITE_DIR = "reports/site"
SITE_LANGUAGE = "en"  # the site's words; each figure is shown in its own language
EXECUTED_DIR = "reports/{story}/notebooks"
DICTIONARY_FILE = "data/processed/README.md"
TEMPLATES = Path(__file__).resolve().parent / "templates"
NOTEBOOK_TEMPLATE = "crimefigures_notebook.html.j2"
DICTIONARY_PAGE = "data-dictionary.html"
FIGURE_FILE_KINDS = (("png", "PNG"), ("svg", "SVG"), ("pdf", "PDF"), ("csv", "data (CSV)"))
# Schemes a page may load from without touching the network.
LOCAL_SCHEMES = ("data", "blob", "about")
LINK_SCHEMES = ("http", "https", "mailto")
# nbconvert's defaults fetch these from CDNs; an empty URL plus the template's removal of
# the blocks that use them keeps every notebook page offline.
OFFLINE_EXPORTER_SETTINGS: dict[str, Any] = {
    "require_js_url": "",
    "mathjax_url": "",
    "mermaid_js_url": "",
    "mermaid_layout_elk_js_url": "",
    "jquery_url": "",
    "jupyter_widgets_base_url": "",
    "widget_renderer_url": "",
}


@dataclass(frozen=True)
class NotebookPage:
    step: str
    title: str
    code_href: str
    reader_href: str


@dataclass
class Site:
    """The files of the site, by path inside it, before they are written. A story's pages
    go in its own folder (``prefix``); ``add`` returns the link relative to that folder."""

    files: dict[str, bytes] = field(default_factory=dict)
    prefix: str = ""

    def add(self, name: str, data: bytes | str) -> str:
        self.files[self.prefix + name] = data.encode("utf-8") if isinstance(data, str) else data
        return name

    def for_story(self, story: str) -> Site:
        return Site(self.files, f"{story}/")


# --- notebooks ---------------------------------------------------------------------------

def executed_notebooks(story: str) -> list[Path]:
    """A story's executed notebooks, in name order; an InputError when there are none."""
    where = EXECUTED_DIR.format(story=story)
    folder = paths.resolve(where)
    notebooks = sorted(folder.glob("*.ipynb")) if folder.is_dir() else []
    if not notebooks:
        raise InputError("no executed notebooks; run `python -m crimefigures run` first",
                         file=where)
    return notebooks


@cache
def _exporter(reader: bool) -> HTMLExporter:
    return HTMLExporter(
        template_name="lab",
        extra_template_paths=[str(TEMPLATES)],
        template_file=NOTEBOOK_TEMPLATE,
        exclude_input=reader,
        exclude_input_prompt=reader,
        exclude_output_prompt=reader,
        embed_images=True,
        **OFFLINE_EXPORTER_SETTINGS,
    )


def _notebook_title(notebook: nbformat.NotebookNode, fallback: str) -> str:
    """The first Markdown heading, which is how each notebook names itself."""
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.startswith("#"):
                return line.lstrip("#").strip()
    return fallback


def _render_notebook(notebook: nbformat.NotebookNode, name: str, page: NotebookPage,
                     reader: bool) -> str:
    other = ((message("site_with_code", SITE_LANGUAGE), page.code_href) if reader
             else (message("site_readers_version", SITE_LANGUAGE), page.reader_href))
    resources = {
        # The source notebooks' folder, so images their Markdown links are embedded.
        "metadata": {"name": page.title, "path": str(paths.notebooks_dir())},
        "crimefigures_nav": [
            {"href": "index.html", "label": message("site_nav_findings", SITE_LANGUAGE)},
            {"href": "index.html#notebooks",
             "label": message("site_nav_all_notebooks", SITE_LANGUAGE)},
            {"href": other[1], "label": other[0]},
        ],
    }
    html, _ = _exporter(reader).from_notebook_node(notebook, resources=resources)
    check_offline(html, name)
    return html


def add_notebooks(site: Site, notebooks: Iterable[Path]) -> list[NotebookPage]:
    pages = []
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        page = NotebookPage(path.stem, _notebook_title(notebook, path.stem),
                            f"{path.stem}.html", f"{path.stem}.reader.html")
        for href, reader in ((page.code_href, False), (page.reader_href, True)):
            site.add(href, _render_notebook(notebook, paths.relative(path), page, reader))
        pages.append(page)
    return pages


# --- figures -----------------------------------------------------------------------------

@dataclass(frozen=True)
class ManifestEntry:
    manifest: str  # the manifest's path, as the repository sees it
    where: str  # e.g. "figures[2]", for error messages
    entry: Mapping[str, Any]
    story: str = ""


def _skipped(entry: object) -> bool:
    """A figure kind the story had no data for: listed in the manifest, not drawn."""
    return isinstance(entry, dict) and bool(entry.get("skipped"))


def story_figures(story: str) -> Path:
    return paths.resolve(registry.path("figures_en", story))


def manifest_files(story: str) -> list[Path]:
    """A story's ``manifest.json``, then every other one in its figures tree (``id/``,
    ``drift/``, ``drift/id/``), if present."""
    figures = story_figures(story)
    candidates = [figures / "manifest.json",
                  *sorted(p for p in figures.rglob("*/manifest.json") if p.parent != figures)]
    return [path for path in candidates if path.is_file()]


def _manifest_entries(story: str) -> list[ManifestEntry]:
    entries = []
    for path in manifest_files(story):
        name = paths.relative(path)
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON ({exc.msg})", file=name, row=exc.lineno) from None
        figures = document.get("figures") if isinstance(document, dict) else None
        if not isinstance(figures, list):
            raise InputError('expected {"figures": [...]}', file=name, field="figures")
        entries += [ManifestEntry(name, f"figures[{i}]", entry if isinstance(entry, dict) else {},
                                  story)
                    for i, entry in enumerate(figures) if not _skipped(entry)]
    return entries


def _figure_file(value: str, item: ManifestEntry, field_name: str) -> tuple[Path, str]:
    """A file a manifest lists, and where it goes in the site (under ``figures/``). Paths may
    be relative to the repository, to the manifest's folder or to ``figures/``."""
    figures = story_figures(item.story).resolve()
    manifest_dir = paths.resolve(item.manifest).parent
    for candidate in (paths.resolve(value), manifest_dir / value, figures / value):
        if candidate.is_file():
            resolved = candidate.resolve()
            inside = (resolved.relative_to(figures).as_posix()
                      if resolved.is_relative_to(figures) else resolved.name)
            return candidate, f"figures/{inside}"
    raise InputError(f"lists {value!r}, which does not exist", file=item.manifest,
                     field=f"{item.where}.{field_name}")


def _required_text(item: ManifestEntry, key: str) -> str:
    value = item.entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InputError("missing or empty", file=item.manifest, field=f"{item.where}.{key}")
    return value.strip()


def _figure_language(entry: Mapping[str, Any], image: str) -> str:
    language = entry.get("language") or entry.get("lang")
    if isinstance(language, str) and language:
        return language
    return "id" if image.startswith("figures/id/") else ""


def _copy_figure_files(site: Site, item: ManifestEntry) -> list[dict[str, str]]:
    files = item.entry.get("files") or {}
    downloads = []
    for kind, label in FIGURE_FILE_KINDS:
        if files.get(kind):
            source, target = _figure_file(str(files[kind]), item, f"files.{kind}")
            downloads.append({"kind": kind, "href": site.add(target, source.read_bytes()),
                              "label": label})
    return downloads


def add_figures(site: Site, story: str, pages: list[NotebookPage],
                sources: Mapping[str, Mapping[str, str]]) -> list[dict[str, Any]]:
    """Copy each manifest figure into the site; the gallery's entries, in manifest order
    (a figure listed by two manifests is shown once)."""
    by_stem = {page.step: page for page in pages}
    gallery: dict[str, dict[str, Any]] = {}
    for item in _manifest_entries(story):
        downloads = _copy_figure_files(site, item)
        by_kind = {download["kind"]: download["href"] for download in downloads}
        image = by_kind.get("png") or by_kind.get("svg")
        if image is None:
            raise InputError("needs a png or svg file", file=item.manifest,
                             field=f"{item.where}.files")
        language = _figure_language(item.entry, image)
        notebook = str(item.entry.get("notebook") or "")
        stem = PurePosixPath(notebook).stem
        page = by_stem.get(f"{stem}_{language}") or by_stem.get(stem) if notebook else None
        gallery.setdefault(image, {
            "name": _required_text(item, "name"),
            "anchor": "figure-" + "-".join(PurePosixPath(image).with_suffix("").parts[1:]),
            "title": _required_text(item, "title"),
            "alt": _required_text(item, "alt"),
            "caption": str(item.entry.get("caption") or ""),
            "image": image,
            "lang": language,
            "downloads": downloads,
            "notebook": notebook,
            "notebook_href": page.reader_href if page else "",
            "sources": [_source_name(s, sources) for s in item.entry.get("sources") or ()],
        })
    return list(gallery.values())


def _source_name(source: object, sources: dict[str, dict[str, str]]) -> str:
    """A manifest source is a record (publisher, title, ...) or a bare source id."""
    if isinstance(source, dict):
        return str(source.get("publisher") or source.get("source_id") or "")
    return sources[source]["publisher"] if source in sources else str(source)


# --- data, sources, fact-check -------------------------------------------------------------

def _link_target(url: str) -> str:
    """``url`` if it is safe to link to (http, https, mailto), else empty."""
    scheme = url.strip().partition(":")[0].lower()
    return url.strip() if ":" in url and scheme in LINK_SCHEMES else ""


def _records(name: str, story: str) -> list[dict[str, Any]]:
    return registry.read(name, story).to_dict("records")


def read_sources(story: str) -> list[dict[str, Any]]:
    rows = _records("sources", story)
    return [{**row, "href": _link_target(row.get("url") or "")} for row in rows]


def _processed(story: str) -> Path:
    return paths.data_processed() / registry.check_slug(story)


def add_data_files(site: Site, story: str) -> list[dict[str, Any]]:
    entries = []
    for path in sorted(_processed(story).glob("*.csv")):
        data = path.read_bytes()
        rows = max(0, len(list(csv.reader(data.decode("utf-8").splitlines()))) - 1)
        entries.append({"name": path.name, "href": site.add(f"data/{path.name}", data),
                        "rows": rows})
    return entries


def fact_check_rows(story: str) -> list[dict[str, Any]]:
    if not paths.resolve(registry.path("fact_check", story)).is_file():
        return []
    rows = _records("fact_check", story)
    return [{**row, "source_url": _link_target(row.get("source_url") or ""),
             "verdict_text": row.get("verdict", "").replace("_", " ")} for row in rows]


def dictionary_html() -> str:
    """``data/processed/README.md`` as HTML; raw HTML in it is escaped, not passed through."""
    path = paths.resolve(DICTIONARY_FILE)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("not found", file=DICTIONARY_FILE) from None
    markdown = mistune.create_markdown(escape=True, plugins=["table"])
    return str(markdown(text))


# --- pages -------------------------------------------------------------------------------

@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    # every word a page shows comes from the catalogue (autoescape still applies to it)
    environment.globals["t"] = lambda key, **fields: message(key, SITE_LANGUAGE, **fields)
    return environment


def _render(template: str, **context: Any) -> str:
    return _environment().get_template(template).render(**context)


def _article(sources: list[dict[str, str]]) -> dict[str, str] | None:
    return next((row for row in sources if row.get("kind") == "article"), None)


def build_story_pages(site: Site, story: str) -> dict[str, Any]:
    """One story's pages in ``<story>/``; returns its entry for the index of stories."""
    story_site = site.for_story(story)
    pages = add_notebooks(story_site, executed_notebooks(story))
    sources = read_sources(story)
    gallery = add_figures(story_site, story, pages, {row["source_id"]: row for row in sources})
    data_files = add_data_files(story_site, story)
    story_site.add(DICTIONARY_PAGE, _render(
        "site_dictionary.html.j2", dictionary_html=Markup(
            dictionary_html())))
    story_site.add("site.css", (TEMPLATES / "site.css").read_bytes())
    findings = readme.findings_sentences(story)
    story_site.add("index.html", _render(
        "site_index.html.j2", findings=findings, article=_article(sources),
        figures=gallery, fact_checks=fact_check_rows(story), notebooks=pages,
        data_files=data_files, sources=sources))
    for name in (DICTIONARY_PAGE, "index.html"):
        check_offline(site.files[f"{story}/{name}"].decode("utf-8"),
                      f"{SITE_DIR}/{story}/{name}")
    return {"slug": story, "href": f"{story}/index.html", "findings": findings,
            "origin": readme.story_origin(story)}


def has_run(story: str) -> bool:
    folder = paths.resolve(EXECUTED_DIR.format(story=story))
    return folder.is_dir() and any(folder.glob("*.ipynb"))


def build_pages(site: Site, stories: Iterable[str] | None = None) -> None:
    """Pages for every story whose notebooks have run (`run --story` may have run only some);
    the error names the first story when none has."""
    chosen = list(paths.stories() if stories is None else stories)
    ran = [story for story in chosen if has_run(story)]
    entries = [build_story_pages(site, story) for story in (ran or chosen[:1])]
    site.add("site.css", (TEMPLATES / "site.css").read_bytes())
    site.add("index.html", _render("site_stories.html.j2", stories=entries))
    check_offline(site.files["index.html"].decode("utf-8"), f"{SITE_DIR}/index.html")


def _publish(site: Site, folder: Path) -> None:
    """Write changed files atomically; remove files an earlier build left behind."""
    for name in sorted(site.files):
        target = folder / name
        if not target.is_file() or target.read_bytes() != site.files[name]:
            atomic.write_bytes(target, site.files[name])
    if not folder.is_dir():
        return
    for stale in sorted(folder.rglob("*"), reverse=True):
        name = stale.relative_to(folder).as_posix()
        if stale.is_file() and name not in site.files:
            stale.unlink()
        elif stale.is_dir() and not any(stale.iterdir()):
            stale.rmdir()


def build_site() -> Path:
    """Render ``reports/site/``; returns the path of its ``index.html``."""
    site = Site()
    build_pages(site)
    folder = paths.resolve(SITE_DIR)
    _publish(site, folder)
    return folder / "index.html"


# --- the offline guard -------------------------------------------------------------------

class _References(HTMLParser):
    """Collects what a page would load, and anything that would run script."""

    LOADING_ATTRIBUTES = ("src", "href", "srcset", "data", "poster", "action", "formaction")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed"):
            self.problems.append(f"a <{tag}> element")
        self._in_style = tag == "style"
        for name, value in attrs:
            value = (value or "").strip()
            if name.startswith("on"):
                self.problems.append(f"an event handler {name}= on <{tag}>")
            elif name in self.LOADING_ATTRIBUTES and _scheme(value) == "javascript":
                self.problems.append(f"a javascript: URL on <{tag}>")
            elif name in self.LOADING_ATTRIBUTES and tag != "a" and _is_remote(value):
                self.problems.append(f"<{tag} {name}={value!r}>")
            elif name == "style":
                self._check_css(value)

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self._check_css(data)

    def _check_css(self, css: str) -> None:
        css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
        for url in re.findall(r"url\(\s*['\"]?([^'\")]*)", css):
            if _is_remote(url):
                self.problems.append(f"a stylesheet url({url})")
        if "@import" in css:
            self.problems.append("a stylesheet @import")


def _scheme(url: str) -> str:
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", url.strip())
    return match[1].lower() if match else ""


def _is_remote(url: str) -> bool:
    """Whether loading ``url`` could leave the machine (relative and data: URLs cannot)."""
    url = url.strip()
    if url.startswith("//"):
        return True
    scheme = _scheme(url)
    return bool(scheme) and scheme not in (*LOCAL_SCHEMES, "file")


def check_offline(html: str, name: str) -> None:
    """Refuse a page that would fetch from the network or run script."""
    parser = _References()
    parser.feed(html)
    parser.close()
    if parser.problems:
        raise InputError(f"the page would contain {parser.problems[0]}; the site must work "
                         "offline and run no script from its inputs", file=name)
