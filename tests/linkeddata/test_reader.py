"""The provision reader on the full real build: nested paragraphs with eCFR anchors, cross-references and defined
terms as links, tables as tables, contents in numeric order, [Reserved], and text kept as the source breaks it."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from flask import Flask
from flask.testing import FlaskClient
from medkg.linkeddata.order import designator_order, number_key
from medkg.linkeddata.terms import triples
from medkg.namespaces import MEDKG
from medkg.pipeline.build import build
from rdflib import SKOS, Literal, URIRef

from tests.support.linkeddata import BASE, make_app, site_of
from tests.support.paths import ROOT

ARRANGEMENT = URIRef(BASE + "concept/42-cfr-422/422.2/arrangement")


@pytest.fixture(scope="module")
def app(real_app: Flask) -> Flask:
    return real_app


def page(client: FlaskClient, path: str) -> BeautifulSoup:
    response = client.get(path)
    assert response.status_code == 200, path
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def by_id(soup: BeautifulSoup, ident: str) -> Tag:
    found = soup.find(id=ident)
    assert isinstance(found, Tag), ident
    return found


def test_paragraphs_nest_by_designator_with_ecfr_anchors(client: FlaskClient) -> None:
    soup = page(client, "/cfr/42/422/422.208.html")
    outer, inner = by_id(soup, "p-422.208(c)"), by_id(soup, "p-422.208(c)(1)")
    assert inner in outer.find_all(id="p-422.208(c)(1)")  # (c)(1) sits inside (c)
    deepest = by_id(soup, "p-422.208(f)(2)(iii)")
    assert by_id(soup, "p-422.208(f)(2)") in deepest.parents and by_id(soup, "p-422.208(f)") in deepest.parents
    top = [d["id"] for d in soup.select("section.reader > div.para")]
    assert top == [f"p-422.208({c})" for c in "abcdefgh"]
    assert outer.select_one("a.designator")["href"] == "#p-422.208(c)"  # type: ignore[index]
    button = outer.select_one("button.copy-cite")
    assert button is not None and button["data-cite"] == "42 CFR 422.208(c)" and button["type"] == "button"


def test_cross_references_link_to_our_pages(client: FlaskClient) -> None:
    soup = page(client, "/cfr/42/422/422.208.html")
    refs = {a.get_text(): a["href"] for a in by_id(soup, "p-422.208(c)(2)").select("p a.xref")}
    assert refs == {"paragraph (d) of this section": "/cfr/42/422/422.208/d",
                    "paragraph (f) of this section": "/cfr/42/422/422.208/f"}
    assert {a["href"] for a in by_id(soup, "p-422.208(c)(3)").select("a.xref")} == {"/cfr/42/422/422.210"}
    act = page(client, "/cfr/42/422/422.2.html").find("a", class_="xref", string="section 1903(m) of the Act")
    assert act is not None and act["href"] == "/usc/42/1396b/m"
    based = page(client, "/cfr/42/422/422.350.html").select("a.xref")  # "sections 1851 and 1855 of the Act"
    assert [(a.get_text(), a["href"]) for a in based][:2] == [("1851", "/usc/42/1395w-21"),
                                                               ("1855", "/usc/42/1395w-25")]


def test_applicable_defined_terms_link_to_their_concepts_with_their_definition(client: FlaskClient) -> None:
    soup = page(client, "/cfr/42/422/422.208.html")
    term = by_id(soup, "p-422.208(b)").find("a", class_="term", string="MA organization")
    assert isinstance(term, Tag) and term["href"] == "/concept/42-cfr-422/422.2/ma-organization"
    described = by_id(soup, str(term["aria-describedby"]))
    assert described.find_parent(attrs={"hidden": True}) is not None
    assert "public or private entity organized and licensed by a State" in described.get_text()
    # a term defined for this section only (§ 422.208(a)) applies here, and its paragraph is set off
    bonus = soup.find("a", class_="term", string="Bonus")
    assert isinstance(bonus, Tag) and bonus["href"] == "/concept/42-cfr-422/422.208/bonus"
    paragraph = bonus.find_parent("p")
    assert paragraph is not None and "definition" in paragraph.get_attribute_list("class")
    assert bonus.parent is not None and bonus.parent.name == "dfn"  # the defining occurrence
    assert not [a for a in paragraph.select("a.term")[1:] if a.parent and a.parent.name == "dfn"]


def test_terms_defined_for_another_part_are_not_marked(client: FlaskClient) -> None:
    """Part 422's "MA organization" does not apply in part 423: only part 423's own terms are marked there."""
    terms = page(client, "/cfr/42/423/423.104.html").select("section.reader a.term")
    assert terms and all(str(a["href"]).startswith("/concept/42-cfr-423/") for a in terms)
    assert "annual out-of-pocket threshold" in {a.get_text().casefold() for a in terms}


def test_tables_render_as_tables(client: FlaskClient) -> None:
    table = by_id(page(client, "/cfr/42/422/422.208.html"), "p-422.208(f)(2)(iii)").find("table")
    assert isinstance(table, Tag)
    assert [th.get_text() for th in table.select("thead th")][:2] == ["Panel size", "Single combined deductible"]
    rows = [[td.get_text() for td in tr.find_all("td")] for tr in table.select("tbody tr")]
    assert len(rows) == 6 and rows[0] == ["1-1,000", "$6,000", "$10,000", "$3,000"]
    assert rows[-1][0] == ">25,000" and table.select_one("tbody sup") is not None  # footnote mark, not "<sup>"


def test_part_lists_subparts_and_sections_in_numeric_order_with_headings(client: FlaskClient) -> None:
    soup = page(client, "/cfr/42/422.html")
    subparts = [li.find("a").get_text() for li in soup.select("ol.toc > li")]  # type: ignore[union-attr]
    assert subparts[:3] == ["Subpart A", "Subpart B", "Subpart C"]
    letters = [s.removeprefix("Subpart ") for s in subparts if s.startswith("Subpart ")]
    assert letters == sorted(letters, key=number_key)
    sections = [a.get_text().removeprefix("§ ") for a in soup.select("ol.toc ol > li > a")]
    assert sections.index("422.50") < sections.index("422.100") < sections.index("422.386") \
        < sections.index("422.2260")
    b = soup.select("ol.toc > li")[1]
    assert [a.get_text() for a in b.select(":scope > ol > li > a")][:3] == ["§ 422.50", "§ 422.52", "§ 422.54"]
    assert "Eligibility to elect an MA plan" in b.get_text()


def test_reserved_sections_say_so(client: FlaskClient) -> None:
    soup = page(client, "/cfr/42/422/subpart-A.html")
    row = next(li for li in soup.select("ol.toc li") if li.find("a").get_text() == "§ 422.3")  # type: ignore[union-attr]
    assert row.select_one(".reserved").get_text() == "[Reserved]"  # type: ignore[union-attr]
    assert "Reserved" in page(client, "/cfr/42/422/422.3.html").select_one("p.heading").get_text()  # type: ignore[union-attr]


def test_a_definition_of_several_paragraphs_keeps_them(app: Flask, client: FlaskClient) -> None:
    site = site_of(app)
    [definition] = [o for _, _, o in triples(site.dataset, ARRANGEMENT, SKOS.definition)]
    assert isinstance(definition, Literal)
    assert str(definition).split("\n") == [
        "Arrangement means a written agreement between an MA organization and a provider or provider network, "
        "under which -",
        "(1) The provider or provider network agrees to furnish for a specific MA plan(s) specified services to the "
        "organization's MA enrollees;",
        "(2) The organization retains responsibilities for the services; and",
        "(3) Medicare payment to the organization discharges the enrollee's obligation to pay for the services."]
    soup = page(client, "/cfr/42/422/422.2.html")
    entry = soup.find("a", class_="term", string="Arrangement").find_parent("p")  # type: ignore[union-attr]
    assert len(entry.find_all("br")) == 3  # type: ignore[union-attr]


def test_a_section_text_keeps_one_paragraph_per_definition(app: Flask) -> None:
    site = site_of(app)
    [text] = [str(o) for _, _, o in triples(site.dataset, URIRef(BASE + "cfr/42/422/422.2"), MEDKG.text)]
    paragraphs = text.split("\n\n")
    assert paragraphs[0] == "As used in this part -"
    assert paragraphs[1].startswith("Aligned enrollment refers to") and paragraphs[2].startswith("Arrangement means")
    assert len(paragraphs) > 40


def test_sibling_designators_read_by_their_kind() -> None:
    assert designator_order(["ii", "i", "x", "ix", "v"]) == ["i", "ii", "v", "ix", "x"]
    assert designator_order(["j", "i", "h"]) == ["h", "i", "j"]
    assert designator_order(["10", "9", "1"]) == ["1", "9", "10"]
    assert sorted(["422.390", "422.50", "422.2260", "422.2"], key=number_key) == [
        "422.2", "422.50", "422.390", "422.2260"]


def test_a_glossary_list_stays_a_list(client: FlaskClient) -> None:
    soup = page(client, "/concept/healthcare-gov-glossary/social-security-survivors-benefits.html")
    english = soup.select_one('section.definitions blockquote[lang="en"]')
    assert english is not None
    assert [child.name for child in english.find_all(["p", "ul"], recursive=False)] == ["p", "ul", "p"]
    items = [li.get_text() for li in english.select("ul > li")]
    assert len(items) == 3 and items[0].startswith("Widow/widower age 60") and items[2].startswith("Parents")
    assert " - " not in english.get_text()


def test_publisher_notes_keep_the_page_order(client: FlaskClient) -> None:
    soup = page(client, "/concept/medicareplans-glossary/provider-sponsored-organization-pso.html")
    notes = {dt.get_text(): dt.find_next_sibling("dd") for dt in soup.select("section.notes dt")}
    traits = [li.get_text() for li in notes["key characteristic"].select("li")]  # type: ignore[union-attr]
    assert traits == ["Operated by healthcare providers rather than insurance companies",
                      "Uses provider-led managed care structures", "Receives fixed monthly Medicare payments",
                      "Coordinates healthcare delivery through participating provider networks",
                      "Associated with Medicare managed care programs"]
    wording = [p.get_text() for p in notes["publisher's definition"].find_all("p")]  # type: ignore[union-attr]
    assert [w[:40] for w in wording] == ["Provider-Sponsored Organization (PSO) re", "Provider-Sponsored Organization "
                                         "(PSO) is", "PSOs represent a provider-driven approac"]
    significance = notes["why it matters"]
    assert significance is not None and len(significance.select("ul > li")) == 5


@pytest.mark.parametrize(("query", "headers", "lang"), [
    ("", {}, "en"),
    ("?lang=es", {}, "es"),
    ("", {"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}, "es"),
    ("", {"Accept-Language": "fr, en;q=0.3, es;q=0.2"}, "en"),
    ("?lang=en", {"Accept-Language": "es"}, "en"),
])
def test_english_first_unless_the_request_prefers_spanish(client: FlaskClient, query: str,
                                                          headers: dict[str, str], lang: str) -> None:
    response = client.get("/concept/healthcare-gov-glossary/appeal.html" + query, headers=headers)
    assert response.headers["Content-Language"] == lang and "Accept-Language" in response.headers["Vary"]
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.h1 is not None and soup.h1.get_text() == {"en": "Appeal", "es": "Apelación"}[lang]
    first = soup.select_one("section.definitions blockquote")
    assert first is not None and first["lang"] == lang
    switch = {a["hreflang"]: a for a in soup.select("nav.lang-switch a")}
    assert set(switch) == {"en", "es"} and switch[lang].get("aria-current") == "page"
    assert switch["es"]["href"] == "/concept/healthcare-gov-glossary/appeal.html?lang=es"


def test_a_page_in_english_only_has_no_language_switch(client: FlaskClient) -> None:
    assert not page(client, "/concept/42-cfr-422/422.2/arrangement.html").select("nav.lang-switch")


def test_the_two_languages_are_two_cache_entities(client: FlaskClient) -> None:
    path = "/concept/healthcare-gov-glossary/appeal.html"
    english, spanish = client.get(path), client.get(path, headers={"Accept-Language": "es"})
    assert english.headers["ETag"] != spanish.headers["ETag"]
    again = client.get(path, headers={"Accept-Language": "es", "If-None-Match": spanish.headers["ETag"]})
    assert again.status_code == 304


def test_links_everywhere_follow_the_language_and_the_glossary_scheme_has_a_switch(client: FlaskClient) -> None:
    scheme = "/scheme/healthcare-gov-glossary.html"
    spanish = page(client, scheme + "?lang=es")
    assert "Apelación" in {a.get_text() for a in spanish.select("a")}
    assert {a["hreflang"] for a in spanish.select("nav.lang-switch a")} == {"en", "es"}
    assert "Appeal" in {a.get_text() for a in page(client, scheme).select("a")}
    home = client.get("/", headers={"Accept-Language": "es"})
    assert home.headers["Content-Language"] == "es" and "Accept-Language" in home.headers["Vary"]
    assert client.get("/").headers["ETag"] != home.headers["ETag"]


def test_a_z_and_search_switch_language_and_keep_what_was_asked(client: FlaskClient) -> None:
    """The whole-site lists offer the languages the build's labels are written in; a switch keeps the query."""
    spanish = page(client, "/concepts?lang=es")
    assert "Apelación" in {a.get_text() for a in spanish.select("ul.az a")}
    assert {a["hreflang"]: a["href"] for a in spanish.select("nav.lang-switch a")} == {
        "en": "/concepts?lang=en", "es": "/concepts?lang=es"}
    found = page(client, "/search?q=apelaci%C3%B3n&scheme=healthcare-gov-glossary")
    switch = {a["hreflang"]: a["href"] for a in found.select("nav.lang-switch a")}
    assert switch["es"] == "/search?q=apelaci%C3%B3n&scheme=healthcare-gov-glossary&lang=es"


def test_a_build_in_english_only_offers_no_switch_on_its_lists(tmp_path: Path) -> None:
    assert build([ROOT / "data"], tmp_path / "out", progress=lambda _m: None).written  # the seeds: English only
    english_only = make_app(tmp_path / "out").test_client()
    for path in ("/concepts", "/search?q=plan"):
        assert not page(english_only, path).select("nav.lang-switch"), path
