"""The static site: both versions of every notebook, offline pages, escaping, determinism."""

from __future__ import annotations

import hashlib
import json
import shutil
import struct
import zlib
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from conftest import FIRST_STORY, copy_repo, copy_tree, run_cli
from markupsafe import escape
from nbconvert import HTMLExporter

from crimefigures.presentation import readme, site

# Runs notebooks or the CLI in subprocesses: left out of `make test-fast`.
# one worker for this module: its fixtures are shared by its tests
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("site")]

ATTACK = "<script>alert(1)</script>"
ESCAPED_ATTACK = "&lt;script&gt;alert(1)&lt;/script&gt;"
INPUT_CELL = 'class="jp-CodeMirrorEditor'  # one per code cell whose input is shown


EXECUTED = Path("reports") / FIRST_STORY / "notebooks"


def prepare_repo(executed: Path, target: Path) -> Path:
    """A copy of the session's executed repository (the first story, its notebooks run)."""
    return copy_tree(executed, target)


def build(root: Path) -> Path:
    result = run_cli("site", root=root)
    assert result.returncode == 0, result.stderr
    index = Path(result.stdout.strip())
    assert index == root / "reports" / "site" / "index.html"
    return index.parent


def site_hashes(folder: Path) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def tiny_png(width: int = 4, height: int = 3) -> bytes:
    """A valid RGB PNG, built by hand so the test needs no imaging library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + b"\xcc\x33\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def write_manifest(root: Path, caption: str = "A caption.") -> None:
    """An English figure in figures/<story>/manifest.json and an Indonesian one in
    figures/<story>/id/manifest.json, as the two runs of the figures notebook write them."""
    figures = root / "figures" / FIRST_STORY
    (figures / "id").mkdir(parents=True, exist_ok=True)
    (figures / "probe.png").write_bytes(tiny_png())
    (figures / "probe.csv").write_text("x,y\n1,2\n")
    (figures / "id" / "probe.png").write_bytes(tiny_png(5, 2))
    english = {"name": "probe", "files": {"png": f"figures/{FIRST_STORY}/probe.png",
                                          "csv": f"figures/{FIRST_STORY}/probe.csv"},
               "title": "Probe figure", "caption": caption, "alt": "A probe chart with three bars",
               "notebook": "notebooks/03_range_analysis.ipynb", "parameters": {},
               "parameters_sha256": "0" * 64, "inputs": {}, "sources": ["world_bank_wdi"]}
    indonesian = {**english, "files": {"png": "probe.png"}, "title": "Gambar uji",
                  "caption": "Keterangan.", "alt": "Diagram uji", "sources": []}
    (figures / "manifest.json").write_text(json.dumps({"figures": [english]}))
    (figures / "id" / "manifest.json").write_text(json.dumps({"figures": [indonesian]}))


class Tags(HTMLParser):
    """Every start tag with its attributes, and the ids a page defines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def tags_of(page: str) -> list[tuple[str, dict[str, str]]]:
    parser = Tags()
    parser.feed(page)
    return parser.tags


def remote_loads(page: str) -> list[str]:
    """URLs a page's script, link and img tags would fetch from the network."""
    return [attrs[name] for tag, attrs in tags_of(page) if tag in ("script", "link", "img")
            for name in ("src", "href")
            if attrs.get(name, "").strip().startswith(("http://", "https://", "//"))]


@pytest.fixture(scope="session")  # kept while the worker runs other modules
def repo(tmp_path_factory: pytest.TempPathFactory, executed_first_story: Path) -> Path:
    root = prepare_repo(executed_first_story, tmp_path_factory.mktemp("site") / "repo")
    shutil.rmtree(root / "figures" / FIRST_STORY)
    write_manifest(root)
    return root


@pytest.fixture(scope="session")
def whole(repo: Path) -> Path:
    return build(repo)


@pytest.fixture(scope="session")
def built(whole: Path) -> Path:
    """The first story's pages."""
    return whole / FIRST_STORY


def test_every_notebook_has_a_code_page_and_a_reader_page(repo: Path, built: Path):
    notebooks = sorted((repo / EXECUTED).glob("*.ipynb"))
    assert notebooks
    for notebook in notebooks:
        code = (built / f"{notebook.stem}.html").read_text()
        reader = (built / f"{notebook.stem}.reader.html").read_text()
        code_cells = sum(cell.cell_type == "code"
                         for cell in nbformat.read(notebook, as_version=4).cells)
        assert code_cells > 0
        assert code.count(INPUT_CELL) == code_cells, notebook.name
        assert reader.count(INPUT_CELL) == 0, notebook.name
        assert reader.count("jp-OutputArea-output") == code.count("jp-OutputArea-output") > 0


def test_no_page_loads_anything_from_the_network(whole: Path):
    pages = sorted(whole.rglob("*.html"))
    assert len(pages) >= 3
    for page in pages:
        text = page.read_text()
        assert remote_loads(text) == [], page.name
        assert "<script" not in text, page.name  # nothing to run, so nothing to fetch


def test_the_offline_check_catches_nbconverts_default_cdn_scripts(repo: Path):
    notebook = nbformat.read(sorted((repo / EXECUTED).glob("*.ipynb"))[0], 4)
    default_page, _ = HTMLExporter(template_name="lab").from_notebook_node(notebook)
    assert remote_loads(default_page)  # require.js and MathJax from cdnjs
    with pytest.raises(site.InputError, match="offline"):
        site.check_offline(default_page, "default.html")


def test_index_leads_with_the_findings_then_the_gallery(repo: Path, built: Path,
                                                       monkeypatch: pytest.MonkeyPatch):
    index = (built / "index.html").read_text()
    order = [index.index(f'id="{section}"') for section in
             ("findings", "figures", "notebooks", "data", "sources", "reproduce")]
    assert order == sorted(order)
    monkeypatch.setenv("CRIMEFIGURES_ROOT", str(repo))
    sentences = readme.findings_sentences(FIRST_STORY)
    assert 3 <= len(sentences) <= 7
    for sentence in sentences:
        assert str(escape(sentence)) in index
    assert "make reproduce" in index and "make test" in index


def test_gallery_copies_images_with_alt_text_and_captions(repo: Path, built: Path):
    tags = tags_of((built / "index.html").read_text())
    images = {attrs["src"]: attrs for tag, attrs in tags if tag == "img"}
    assert set(images) == {"figures/probe.png", "figures/id/probe.png"}
    assert images["figures/probe.png"]["alt"] == "A probe chart with three bars"
    assert ("figure", {"id": "figure-id-probe", "lang": "id"}) in tags
    assert images["figures/id/probe.png"]["alt"] == "Diagram uji"
    assert (built / "figures" / "probe.png").read_bytes() == tiny_png()
    assert (built / "figures" / "probe.csv").read_bytes() == b"x,y\n1,2\n"
    index = (built / "index.html").read_text()
    assert "A caption." in index and "World Bank" in index  # source id shown as publisher


def test_links_to_notebooks_data_and_dictionary(repo: Path, built: Path):
    hrefs = {attrs.get("href") for tag, attrs in tags_of((built / "index.html").read_text())
             if tag == "a"}
    for notebook in (repo / EXECUTED).glob("*.ipynb"):
        assert {f"{notebook.stem}.html", f"{notebook.stem}.reader.html"} <= hrefs
    for table in (repo / "data" / "processed" / FIRST_STORY).glob("*.csv"):
        assert f"data/{table.name}" in hrefs
        assert (built / "data" / table.name).read_bytes() == table.read_bytes()
    assert "data-dictionary.html" in hrefs
    dictionary = (built / "data-dictionary.html").read_text()
    assert "<table>" in dictionary and "<code>ratio_id</code>" in dictionary


def test_missing_manifest_leaves_an_empty_gallery(tmp_path: Path, repo: Path):
    root = tmp_path / "repo"
    shutil.copytree(repo, root, ignore=shutil.ignore_patterns("site"))
    shutil.rmtree(root / "figures")
    index = (build(root) / FIRST_STORY / "index.html").read_text()
    assert "No figures yet" in index
    assert not [attrs for tag, attrs in tags_of(index) if tag == "img"]


def test_article_ledger_and_manifest_text_is_escaped(tmp_path: Path, repo: Path):
    root = tmp_path / "repo"
    shutil.copytree(repo, root, ignore=shutil.ignore_patterns("site"))
    sources = root / "data" / "curated" / "interpol-2024-03" / "sources.csv"
    text = sources.read_text()
    article_title = "Interpol Sounds Alarm on Southeast Asia's Human Trafficking, Now"
    assert article_title in text
    text = text.replace(article_title, f"{ATTACK} {article_title}", 1)
    # An address the schema admits (http, no space) that tries to leave its attribute.
    text = text.replace("https://data.worldbank.org/indicator/NY.GDP.MKTP.CD",
                        f'https://example.org/"{ATTACK}')
    sources.write_text(text)
    for table, old in (("fact_check.csv", "Matches Reuters;"),
                       ("statements.csv", "Annual illicit flows are smaller")):
        path = root / "data" / "processed" / FIRST_STORY / table
        assert old in path.read_text()
        path.write_text(path.read_text().replace(old, f"{ATTACK} {old}"))
    write_manifest(root, caption=f"{ATTACK} caption")
    index = (build(root) / FIRST_STORY / "index.html").read_text()
    assert ATTACK not in index
    assert index.count(ESCAPED_ATTACK) >= 4  # article title, ledger row, finding, caption
    hrefs = [attrs.get("href", "") for tag, attrs in tags_of(index) if tag == "a"]
    assert f'https://example.org/"{ATTACK}' in hrefs  # kept whole inside its attribute


def test_a_source_address_that_is_not_http_is_refused(tmp_path: Path, repo: Path):
    """sources.csv is read through its schema: a javascript: address never reaches a link."""
    root = tmp_path / "repo"
    shutil.copytree(repo, root, ignore=shutil.ignore_patterns("site"))
    sources = root / "data" / "curated" / FIRST_STORY / "sources.csv"
    sources.write_text(sources.read_text().replace(
        "https://data.worldbank.org/indicator/NY.GDP.MKTP.CD", "javascript:alert(1)"))
    result = run_cli("site", root=root)
    assert result.returncode == 1
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert f"data/curated/{FIRST_STORY}/sources.csv" in message
    assert "row " in message and "'url'" in message
    assert not (root / "reports" / "site" / FIRST_STORY / "index.html").exists()


def test_a_notebook_output_that_would_run_script_is_refused(tmp_path: Path, repo: Path):
    root = tmp_path / "repo"
    shutil.copytree(repo, root, ignore=shutil.ignore_patterns("site"))
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "show()", outputs=[nbformat.v4.new_output(
            "display_data", data={"text/html": f"<b>ledger</b>{ATTACK}"})])])
    nbformat.write(notebook, root / EXECUTED / "99_probe.ipynb")
    result = run_cli("site", root=root)
    assert result.returncode == 1
    assert "reports/interpol-2024-03/notebooks/99_probe.ipynb" in result.stderr
    assert "<script>" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_two_builds_give_identical_bytes_and_drop_stale_files(repo: Path, whole: Path):
    first = site_hashes(whole)
    (whole / "stale.html").write_text("left over")
    shutil.rmtree(whole / FIRST_STORY / "data")
    second = site_hashes(build(repo))
    assert second == first


def test_missing_executed_notebooks_is_a_one_line_error(tmp_path: Path):
    root = copy_repo(tmp_path / "repo")
    result = run_cli("site", root=root)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"error: reports/{FIRST_STORY}/notebooks: no executed notebooks; run "
        "`python -m crimefigures run` first")


def test_a_manifest_listing_a_missing_file_is_a_one_line_error(tmp_path: Path, repo: Path):
    root = tmp_path / "repo"
    shutil.copytree(repo, root, ignore=shutil.ignore_patterns("site"))
    (root / "figures" / FIRST_STORY / "probe.csv").unlink()
    result = run_cli("site", root=root)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"error: figures/{FIRST_STORY}/manifest.json, field 'figures[0].files.csv': "
        f"lists 'figures/{FIRST_STORY}/probe.csv', which does not exist")


def test_the_index_lists_every_story_with_its_findings(repo: Path, whole: Path,
                                                       monkeypatch: pytest.MonkeyPatch):
    index = (whole / "index.html").read_text()
    hrefs = {attrs.get("href") for tag, attrs in tags_of(index) if tag == "a"}
    assert f"{FIRST_STORY}/index.html" in hrefs
    monkeypatch.setenv("CRIMEFIGURES_ROOT", str(repo))
    for sentence in readme.findings_sentences(FIRST_STORY)[:3]:
        assert str(escape(sentence)) in index
