"""Every page type of the full real build in Chromium (issue 10 #6, #10): no sideways scroll at 390 px, no serious or
critical axe-core violation, the search box and the term popovers by keyboard, print; a screenshot of each page
type under build/screenshots/. One server and one browser for the module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright import sync_api

from tests.support.paths import ROOT
from tests.support.sparql import running_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "build" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1024, "height": 720}
SAMPLE = "The PSO must be affiliated with a rural PSO; a downstream entity signs a written arrangement."
PAGES = {
    "home": "/",
    "a-z": "/concepts",
    "search": "/search?q=provider-sponsored+organization",
    "concept": "/concept/medicareplans-glossary/provider-sponsored-organization-pso",
    "provision": "/cfr/42/422/422.350",
    "part": "/cfr/42/422",
    "scheme": "/scheme/42-cfr-422",
    "sparql": "/sparql",
    "annotate": "/annotate?text=" + SAMPLE.replace(" ", "+").replace(";", "%3B"),
    "404": "/no/such/page",
}


@pytest.fixture(scope="module")
def server(real_build: Path) -> Iterator[str]:
    with running_server(real_build, workers=1) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    for needed in (Path(CHROMIUM), AXE):
        if not needed.is_file():
            pytest.fail(f"{needed} is missing: run scripts/setup (Debian chromium; npm axe-core)")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def phone(browser: sync_api.Browser) -> Iterator[sync_api.Page]:
    context = browser.new_context(viewport=PHONE, bypass_csp=True)  # our pages' CSP would refuse axe's script
    yield context.new_page()
    context.close()


def visit(page: sync_api.Page, url: str) -> sync_api.Response | None:
    answer = page.goto(url, wait_until="load")
    if "/sparql" in url:
        page.wait_for_selector(".yasqe .CodeMirror")
    return answer


def overflow(page: sync_api.Page) -> dict[str, Any]:
    """How far the page scrolls sideways, and the widest elements that stick out."""
    return page.evaluate("""() => {
      const width = document.documentElement.clientWidth;
      const out = [...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > width + 1)
        .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? "." + e.className : ""));
      return {scroll: document.documentElement.scrollWidth - width, out};
    }""")


def axe(page: sync_api.Page) -> list[str]:
    """The serious and critical violations axe-core finds, one line each."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)")
    return [f"{v['id']} ({v['impact']}): {v['help']} — {v['nodes'][0]['target']}" for v in found
            if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("name", list(PAGES))
def test_each_page_type_fits_a_phone_and_passes_axe(server: str, phone: sync_api.Page, name: str) -> None:
    answer = visit(phone, server + PAGES[name])
    assert answer is not None and answer.status == (404 if name == "404" else 200)
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SHOTS / f"{name}-390.png"))
    wide = overflow(phone)
    assert wide["scroll"] <= 0, f"{name} scrolls sideways by {wide['scroll']} px at 390 px: {wide['out']}"
    assert axe(phone) == [], name


def test_the_scheme_page_is_no_longer_all_grey_and_small(server: str, phone: sync_api.Page) -> None:
    visit(phone, server + PAGES["scheme"])
    style = phone.evaluate("""() => { const s = getComputedStyle(document.querySelector("article.scheme"));
      return [s.fontSize, s.color]; }""")
    assert style == ["16px", "rgb(29, 36, 48)"]


def test_a_z_entries_never_split_across_columns(server: str, phone: sync_api.Page) -> None:
    visit(phone, server + PAGES["a-z"])
    assert phone.evaluate("getComputedStyle(document.querySelector('ul.az > li')).breakInside") == "avoid"


def test_print_hides_the_site_and_shows_the_iri(server: str, browser: sync_api.Browser) -> None:
    page = browser.new_page(viewport=DESKTOP, bypass_csp=True)
    try:
        visit(page, server + PAGES["provision"])
        page.emulate_media(media="print")
        assert page.locator("header.site").is_hidden() and page.locator("form.search").is_hidden()
        printed = page.locator("p.print-only")
        assert printed.is_visible()
        assert printed.inner_text().startswith("IRI: https://w3id.org/medkg/cfr/42/422/422.350\nPrinted from")
        assert "42 CFR 422.350" in page.locator("h1").inner_text()
        page.emulate_media(media="screen")
        page.screenshot(path=str(SHOTS / "provision-desktop.png"))
    finally:
        page.close()


def test_the_search_box_works_by_keyboard(server: str, phone: sync_api.Page) -> None:
    visit(phone, server + "/")
    for _ in range(8):  # brand, three links, then the search box
        phone.keyboard.press("Tab")
        if phone.evaluate("document.activeElement.id") == "q":
            break
    assert phone.evaluate("document.activeElement.id") == "q"
    phone.keyboard.type("provider-spon")
    phone.wait_for_function("document.querySelectorAll('#suggestions option').length > 0")
    assert "Provider-sponsored organization" in phone.locator("#suggestions").evaluate(
        "list => [...list.options].map(o => o.value)")
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    assert "/search?q=provider-spon" in phone.url
    assert phone.locator("ol.hits li a").first.is_visible()


def test_a_marked_term_shows_its_definition_on_focus(server: str, browser: sync_api.Browser) -> None:
    page = browser.new_page(viewport=DESKTOP, bypass_csp=True)
    try:
        visit(page, server + PAGES["annotate"])
        terms = page.locator(".marked-text a.term")
        assert terms.all_inner_texts()[:3] == ["PSO", "affiliated", "rural PSO"]
        terms.first.focus()
        tip = page.locator(".term-popover")
        tip.wait_for(state="visible")
        assert "Provider-sponsored organization" in tip.inner_text() and "42 CFR 422.350(b)" in tip.inner_text()
        page.screenshot(path=str(SHOTS / "annotate-desktop.png"))
        page.keyboard.press("Escape")
        assert tip.is_hidden()
    finally:
        page.close()


def test_a_copy_citation_button_works_by_keyboard(server: str, browser: sync_api.Browser) -> None:
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)  # wait_for_function evaluates a string
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = context.new_page()
    try:
        visit(page, server + PAGES["provision"])
        button = page.locator("button.copy-cite").first
        citation = button.get_attribute("data-cite")
        assert citation and citation.startswith("42 CFR 422.350")
        page.evaluate("navigator.clipboard.writeText('')")
        button.focus()
        page.keyboard.press("Enter")
        # the effect itself (the button's "Copied" lasts 1.5 s: too short to assert on a loaded machine)
        page.wait_for_function("async (c) => (await navigator.clipboard.readText()) === c", arg=citation)
        assert button.get_attribute("aria-live") == "polite"  # the change is announced
    finally:
        context.close()
