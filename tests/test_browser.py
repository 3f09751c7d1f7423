"""The site in headless Chromium: no console error, no request off the machine, every image
loaded, every local link resolving to a file in the site.

Drives Debian's Chromium (``apt-get install chromium``) through playwright; playwright's
own browser download is never used.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import FIRST_STORY, REPO
from playwright.sync_api import Browser, BrowserContext, Page, Route, sync_playwright
from test_site import build, prepare_repo, write_manifest

# one worker for this module: its fixtures are shared by its tests
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
LOCAL_SCHEMES = ("file", "data", "blob", "about")
SCREENSHOT = REPO / "reports" / "site_index.png"

IMAGES_JS = """() => Array.from(document.images).map(
    image => ({src: image.currentSrc || image.src, width: image.naturalWidth}))"""
LINKS_JS = """() => Array.from(document.querySelectorAll('a[href], link[href]')).map(
    element => element.href)"""


@dataclass
class Traffic:
    """Everything the browser tried to fetch, and every error it reported."""

    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def offsite(self) -> list[str]:
        return [url for url in self.requests if urlsplit(url).scheme not in LOCAL_SCHEMES]


def chromium_missing_message() -> str:
    where = " (the CI image must provide it)" if os.environ.get("CI") else ""
    return (f"Chromium not found at {CHROMIUM}{where}: the browser tests need it; "
            "install it with `apt-get install chromium` (playwright's own download is not used)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(chromium_missing_message())
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[tuple[BrowserContext, Traffic]]:
    """A browser context that records every request and blocks any leaving the machine."""
    traffic = Traffic()
    context = browser.new_context(viewport={"width": 1280, "height": 900})

    def route(route: Route) -> None:
        if urlsplit(route.request.url).scheme in LOCAL_SCHEMES:
            route.continue_()
        else:
            traffic.blocked.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    context.on("request", lambda request: traffic.requests.append(request.url))
    context.on("requestfailed", lambda request: traffic.errors.append(
        f"request failed: {request.url} ({request.failure})"))
    yield context, traffic
    context.close()


@pytest.fixture(scope="session")  # kept while the worker runs other modules
def real_site(tmp_path_factory: pytest.TempPathFactory, executed_first_story: Path) -> Path:
    """The site as a run of the pipeline makes it."""
    return build(prepare_repo(executed_first_story, tmp_path_factory.mktemp("browser") / "repo"))


@pytest.fixture(scope="session")
def gallery_site(tmp_path_factory: pytest.TempPathFactory, executed_first_story: Path) -> Path:
    """A site whose gallery is known to hold images, whatever state figures/ is in."""
    root = prepare_repo(executed_first_story, tmp_path_factory.mktemp("gallery") / "repo")
    shutil.rmtree(root / "figures")
    write_manifest(root)
    return build(root) / FIRST_STORY


def open_page(page: Page, file: Path, traffic: Traffic) -> None:
    page.on("console", lambda message: traffic.errors.append(
        f"console {message.type}: {message.text}") if message.type == "error" else None)
    page.on("pageerror", lambda error: traffic.errors.append(f"page error: {error}"))
    response = page.goto(file.as_uri(), wait_until="load")
    assert response is None or response.ok, file.name
    page.wait_for_load_state("networkidle")


def local_target(url: str) -> tuple[Path, str] | None:
    """The file a local link points to (and its fragment); None for links off the site."""
    parts = urlsplit(url)
    if parts.scheme != "file":
        return None
    return Path(unquote(parts.path)), parts.fragment


def has_anchor(html: str, fragment: str) -> bool:
    """Whether a page defines the fragment, as written or percent-decoded (browsers try both;
    nbconvert writes heading ids percent-encoded)."""
    return any(re.search(rf'\b(id|name)="{re.escape(name)}"', html)
               for name in {fragment, unquote(fragment)})


def check_page(page: Page, file: Path, site: Path) -> list[str]:
    """Problems on one loaded page: images not loaded, links to missing files or anchors."""
    problems = [f"image not loaded: {image['src']}" for image in page.evaluate(IMAGES_JS)
                if image["width"] <= 0]
    for url in page.evaluate(LINKS_JS):
        target = local_target(url)
        if target is None:
            continue
        path, fragment = target
        if not path.is_relative_to(site) or not path.is_file():
            problems.append(f"link to a file not in the site: {url}")
        elif fragment and not has_anchor(path.read_text(encoding="utf-8"), fragment):
            problems.append(f"link to a missing anchor: {url}")
    return problems


def visit_every_page(site: Path, context: BrowserContext, traffic: Traffic) -> list[str]:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 3, "the site has no pages"
    problems = []
    for file in pages:
        page = context.new_page()
        open_page(page, file, traffic)
        problems += [f"{file.name}: {problem}" for problem in check_page(page, file, site)]
        page.close()
    return problems


def test_every_page_loads_offline_with_no_error_and_no_broken_link(
        real_site: Path, context: tuple[BrowserContext, Traffic]):
    browser_context, traffic = context
    problems = visit_every_page(real_site, browser_context, traffic)
    assert problems == []
    assert traffic.errors == []
    assert traffic.offsite() == [] and traffic.blocked == []
    assert any(url.endswith("/site.css") for url in traffic.requests)  # requests were seen


def test_gallery_images_load(gallery_site: Path, context: tuple[BrowserContext, Traffic]):
    browser_context, traffic = context
    page = browser_context.new_page()
    open_page(page, gallery_site / "index.html", traffic)
    images = page.evaluate(IMAGES_JS)
    assert len(images) == 2 and all(image["width"] > 0 for image in images)
    assert check_page(page, gallery_site / "index.html", gallery_site.parent) == []
    assert traffic.errors == [] and traffic.offsite() == []


def test_the_blocker_sees_and_stops_a_request_off_the_machine(
        real_site: Path, context: tuple[BrowserContext, Traffic]):
    browser_context, traffic = context
    page = browser_context.new_page()
    open_page(page, real_site / "index.html", traffic)
    outcome = page.evaluate(
        "() => fetch('https://example.invalid/beacon').then(() => 'sent', () => 'stopped')")
    assert outcome == "stopped"
    assert traffic.offsite() == ["https://example.invalid/beacon"]
    assert traffic.blocked == ["https://example.invalid/beacon"]


def test_index_screenshot_shows_the_findings_first(
        real_site: Path, context: tuple[BrowserContext, Traffic]):
    browser_context, traffic = context
    page = browser_context.new_page()
    open_page(page, real_site / "index.html", traffic)
    assert page.locator(f"#story-{FIRST_STORY} li").count() >= 3  # the index of stories
    open_page(page, real_site / FIRST_STORY / "index.html", traffic)
    headings = page.eval_on_selector_all("main h2", "items => items.map(h => h.textContent)")
    assert headings[:2] == ["Findings", "Figures"]
    findings_top = page.locator("#findings").bounding_box()["y"]
    assert findings_top < page.locator("#figures").bounding_box()["y"]
    assert findings_top < 900  # above the fold
    assert page.locator("#findings li").count() >= 3
    assert page.evaluate("() => document.styleSheets.length") >= 1
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.stat().st_size > 10_000
    assert traffic.errors == []
