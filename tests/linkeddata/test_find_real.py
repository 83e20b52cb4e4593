"""Finding, telling apart and the official definition on the full real build (issue 10, items 2–4): the issue's
citation queries first, "Downstream entity" told apart everywhere it is listed, the glossary PSO page showing the
official 42 CFR text with its citation, scope, statute and evidence in words (Flask, and Chromium)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.linkeddata import BASE, PSO_PATH
from tests.support.sparql import running_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
CFR_PSO = BASE + "concept/42-cfr-422/422.350/provider-sponsored-organization"
OFFICIAL_TEXT = "Provider-sponsored organization (PSO) means a public or private entity that"
DOWNSTREAM = {(BASE + "concept/42-cfr-422/422.2/downstream-entity", "42 CFR Part 422", "§ 422.2"),
              (BASE + "concept/42-cfr-422/422.500/downstream-entity", "42 CFR Part 422", "§ 422.500"),
              (BASE + "concept/42-cfr-423/423.501/downstream-entity", "42 CFR Part 423", "§ 423.501")}


@pytest.fixture()
def client(real_app: Flask) -> FlaskClient:
    return real_app.test_client()


def results(client: FlaskClient, path: str, **args: str) -> list[dict[str, str]]:
    answer = client.get(path, query_string=args)
    assert answer.status_code == 200, answer.data[:300]
    found: list[dict[str, str]] = answer.get_json()["results"]
    return found


@pytest.mark.parametrize(("query", "first"), [
    ("422.350", "cfr/42/422/422.350"),
    ("§ 422.350(b)", "cfr/42/422/422.350/b"),
    ("42 CFR 422.2", "cfr/42/422/422.2"),
    ("1395w-25", "usc/42/1395w-25"),
    ("63 FR 18134", "fr/63/18134"),
])
def test_the_issues_citations_come_first(client: FlaskClient, query: str, first: str) -> None:
    for path in ("/search.json", "/suggest"):
        top = results(client, path, q=query)[0]
        assert (top["iri"], top["match"]) == (BASE + first, "citation"), path
    page = client.get("/search", query_string={"q": query}).get_data(as_text=True)
    first_hit = re.search(r'<ol class="hits">\s*<li><a href="([^"]+)"', page)
    assert first_hit and first_hit[1] == "/" + first


def test_a_section_lists_its_paragraphs_after_it_in_document_order(client: FlaskClient) -> None:
    found = [h["label"] for h in results(client, "/search.json", q="422.350", limit="6")]
    assert found == ["42 CFR 422.350", "42 CFR 422.350(a)", "42 CFR 422.350(a)(1)", "42 CFR 422.350(a)(2)",
                     "42 CFR 422.350(a)(3)", "42 CFR 422.350(b)"]


def test_downstream_entity_is_told_apart(client: FlaskClient) -> None:
    for path in ("/suggest", "/search.json"):
        hits = [h for h in results(client, path, q="Downstream entity") if h["label"] == "Downstream entity"]
        assert {(h["iri"], h["vocabulary"], h["section"]) for h in hits} == DOWNSTREAM, path
    index = client.get("/concepts").get_data(as_text=True)
    scheme = client.get("/scheme/42-cfr-422.html").get_data(as_text=True)
    for iri, vocabulary, section in DOWNSTREAM:
        tag = f'<span class="vocab">{vocabulary} · {section}</span>'
        assert re.search(rf'{iri.removeprefix(BASE)}"[^>]*>Downstream entity</a> {re.escape(tag)}', index), tag
        assert (tag in scheme) == vocabulary.endswith("422"), tag
    narrowed = results(client, "/suggest", q="Downstream entity", scheme="42-cfr-423")
    assert [(h["iri"], h["section"]) for h in narrowed] == [(BASE + "concept/42-cfr-423/423.501/downstream-entity",
                                                             "§ 423.501")]
    only_423 = client.get("/concepts?scheme=42-cfr-423").get_data(as_text=True)
    assert "§ 423.501" in only_423 and "§ 422.500" not in only_423


def test_the_official_definition_outranks_the_publishers(client: FlaskClient) -> None:
    for query in ("PSO", "Provider-sponsored organization"):
        assert results(client, "/suggest", q=query)[0]["iri"] == CFR_PSO, query


def official_section(client: FlaskClient, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    start = page.index('<section class="official">')
    return page[start:page.index("</section>", start)]


def test_the_glossary_pso_page_shows_the_official_42_cfr_text(client: FlaskClient) -> None:
    section = official_section(client, PSO_PATH + ".html")
    text = html.unescape(re.sub(r"<[^>]+>", "", section))
    assert OFFICIAL_TEXT in text and "Have at least a majority financial interest in the PSO." in text
    assert 'href="/cfr/42/422/422.350#p-422.350(b)"' in section  # the paragraph on our page, eCFR's anchor
    assert "https://www.ecfr.gov/current/title-42/part-422/section-422.350#p-422.350(b)" in section
    assert "applies in 42 CFR part 422, subpart H" in " ".join(text.split())
    assert 'href="/concept/42-usc-part-c/1395w-25/provider-sponsored-organization"' in section  # the statute
    assert "42 U.S.C. 1395w-25" in text  # … and what subpart H implements
    assert ("Same label (“provider sponsored organization”) as the term defined in 42 CFR 422.350(b); the "
            "definitions are 8% alike in wording, so this is a close match, not an exact one.") in text
    assert section.index("42 CFR Part 422 · § 422.350") < section.index("§ 1395w-25</span></h3>")  # side by side
    evidence = re.findall(r'<dd class="evidence">(.*?)</dd>', section, re.S)
    assert evidence and not any("http" in e or "skos:" in e for e in evidence)


def test_mapping_evidence_is_a_sentence_everywhere(client: FlaskClient) -> None:
    page = client.get("/concept/42-cfr-422/422.350/provider-sponsored-organization.html").get_data(as_text=True)
    start = page.index('<section class="mappings">')
    rows = re.findall(r'<p class="evidence">(.*?)</p>', page[start:page.index("</section>", start)], re.S)
    assert rows and not any("<https" in r or "skos:" in r for r in rows)
    assert any(r.startswith("The same term (“provider sponsored organization”) is also defined in 42 U.S.C.")
               for r in rows)
    assert '<section class="official">' not in page  # a regulatory concept is itself the official definition


@pytest.fixture(scope="module")
def server(real_build: Path) -> Iterator[str]:
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/setup (Debian package chromium)")
    with running_server(real_build, workers=1) as url:
        yield url


def test_a_browser_shows_the_official_text_on_the_glossary_pso_page(server: str) -> None:
    from playwright import sync_api  # a declared test dependency: never skipped
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1400})
            page.goto(server + PSO_PATH)  # the IRI: 303 to the page
            cards = page.locator("section.official .official-card")
            assert cards.count() == 2
            cfr = cards.first
            assert cfr.is_visible() and OFFICIAL_TEXT in cfr.locator("blockquote").inner_text()
            boxes = [cards.nth(i).bounding_box() for i in range(2)]
            assert boxes[0] and boxes[1] and boxes[0]["y"] == boxes[1]["y"]  # side by side at desktop width
            cfr.locator("a", has_text="42 CFR 422.350(b)").click()
            page.wait_for_load_state()
            assert page.url.endswith("/cfr/42/422/422.350.html#p-422.350(b)")
        finally:
            browser.close()
