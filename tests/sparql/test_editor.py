"""The query editor in a real browser (Debian's Chromium driven by Playwright) against a real ``medkg serve``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from medkg.assets import SPARQL_EXAMPLES_DIR, STATIC_DIR
from playwright import sync_api

from tests.support.sparql import BASE, PSO, running_server, write_build

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
EXAMPLES = sorted(SPARQL_EXAMPLES_DIR.glob("*.rq"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not (STATIC_DIR / "vendor" / "yasgui" / "yasgui.min.js").is_file():
        pytest.fail("the editor's files are missing: run scripts/setup (npm ci, then scripts/vendor-static)")
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/setup (Debian package chromium)")
    folder = write_build(tmp_path_factory.mktemp("editor") / "build")
    with running_server(folder, workers=1) as url:
        yield url


def test_editor_runs_an_example_from_our_own_files(server: str) -> None:
    requested: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("request", lambda request: requested.append(request.url))
            page.goto(server + "/sparql")
            page.wait_for_selector(".yasqe .CodeMirror")
            tabs = page.locator(".tabsList .tab")
            assert tabs.count() == len(EXAMPLES)
            assert "Find a term by its label" in page.locator(".yasqe .CodeMirror").inner_text()  # first example
            page.locator(".yasqe_queryButton").first.click()
            page.wait_for_selector(".yasr .dataTable td", timeout=20000)
            assert "provider-sponsored-organization" in page.locator(".yasr .dataTable").inner_text()
            opens_our_own_page(page, server)
        finally:
            browser.close()
    hosts = {urlsplit(url).hostname for url in requested if url.startswith("http")}
    assert hosts == {"127.0.0.1"}, f"the editor fetched from elsewhere: {sorted(hosts)}"


def opens_our_own_page(page: sync_api.Page, server: str) -> None:
    """A result IRI under the data's base (w3id.org, which does not lead to this test server) opens our page."""
    link = page.locator(".yasr .dataTable a.iri", has_text="provider-sponsored-organization").first
    assert link.get_attribute("href") == PSO  # as YASR renders it
    ours = server + "/" + PSO.removeprefix(BASE)
    link.focus()
    assert link.get_attribute("href") == ours
    page.keyboard.press("Enter")  # the first activation of a cut-short cell shows it whole (YASR's design)
    with page.context.expect_page() as opened:
        page.keyboard.press("Enter")
    opened.value.wait_for_load_state()
    assert opened.value.url == ours + ".html"
    assert "Provider-Sponsored Organization" in opened.value.title()
