"""The provision reader in a real browser (Debian's Chromium driven by Playwright) against a real ``medkg serve`` of
the full real build: a cross-reference and a defined term are links, and the term's definition shows on keyboard
focus (and goes on Escape); the copy-citation button works from the keyboard."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright import sync_api

from tests.sparql.test_editor import CHROMIUM, CHROMIUM_ARGS
from tests.support.sparql import running_server


@pytest.fixture(scope="module")
def browser_page(real_build: Path) -> Iterator[tuple[sync_api.Page, str]]:
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/setup (Debian package chromium)")
    with running_server(real_build, workers=1) as url, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
            yield context.new_page(), url
        finally:
            browser.close()


def test_a_defined_term_shows_its_definition_on_keyboard_focus(browser_page: tuple[sync_api.Page, str]) -> None:
    page, url = browser_page
    page.goto(url + "/cfr/42/422/422.208.html#p-422.208(c)")
    paragraph = page.locator("[id='p-422.208(c)(2)']")
    xref = paragraph.locator("a.xref", has_text="paragraph (d) of this section")
    assert xref.get_attribute("href") == "/cfr/42/422/422.208/d"
    term = paragraph.locator("a.term", has_text="physician incentive plan").first
    assert term.get_attribute("href") == "/concept/42-cfr-422/422.208/physician-incentive-plan"
    popover = page.locator("#term-popover")
    assert popover.is_hidden()
    xref.focus()
    page.keyboard.press("Tab")  # from the cross-reference to the next link, a defined term, by keyboard
    focused = page.evaluate("document.activeElement.className")
    assert focused == "term"
    assert popover.is_visible()
    described = page.evaluate("document.getElementById(document.activeElement.getAttribute('aria-describedby'))"
                              ".textContent")
    assert " ".join(popover.inner_text().split()) == " ".join(described.split())
    assert "Physician group means a partnership" in described
    term.focus()
    assert "compensation arrangement" in popover.inner_text()  # the definition of "physician incentive plan"
    page.keyboard.press("Escape")
    assert popover.is_hidden()


def test_copy_citation_works_from_the_keyboard(browser_page: tuple[sync_api.Page, str]) -> None:
    page, url = browser_page
    page.goto(url + "/cfr/42/422/422.208.html")
    button = page.locator("[id='p-422.208(c)(2)'] button.copy-cite").first
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.textContent === 'Copied'")
    assert page.evaluate("navigator.clipboard.readText()") == "42 CFR 422.208(c)(2)"


def test_the_anchor_scrolls_to_its_paragraph(browser_page: tuple[sync_api.Page, str]) -> None:
    page, url = browser_page
    page.goto(url + "/cfr/42/422/422.208.html#p-422.208(f)(2)(iii)")
    target = page.evaluate("document.querySelector(':target') && document.querySelector(':target').id")
    assert target == "p-422.208(f)(2)(iii)"
    assert page.locator("[id='p-422.208(f)(2)(iii)'] table").is_visible()
