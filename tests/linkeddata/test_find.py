"""Finding and telling apart, on the hand-written fixture build: search by citation, the official definition before
a publisher's namesake, each concept named by vocabulary and section, and ``?scheme=`` narrowing."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from medkg.linkeddata.citation_search import citation_key
from medkg.linkeddata.vocab import short_name, short_section

from tests.support.linkeddata import BASE, PSO, REG_PSO


@pytest.mark.parametrize(("typed", "key"), [
    ("422.350", "422.350"), ("§ 422.350(b)", "422.350(b)"), ("§§422.350 (b)", "422.350(b)"),
    ("42 CFR 422.2", "42cfr422.2"), ("42 C.F.R. Part 422", "42cfr422"),
    ("42 CFR part 422, subpart H", "42cfr422,subparth"),
    ("1395w-25", "1395w-25"), ("42 U.S.C. § 1395w\u201325(d)", "42usc1395w-25(d)"), ("63 FR 18134", "63fr18134"),
    ("Sec. 422.2", "422.2"), ("provider", ""), ("", ""),
])
def test_a_citation_folds_to_one_key_however_it_is_typed(typed: str, key: str) -> None:
    assert citation_key(typed) == key


def test_short_names() -> None:
    assert short_name("42 CFR Part 422 — Medicare Advantage Program") == "42 CFR Part 422"
    assert short_name("HealthCare.gov glossary") == "HealthCare.gov glossary"
    assert short_section("42 CFR 422.500") == "§ 422.500"
    assert short_section("42 U.S.C. 1395w-25") == "§ 1395w-25"


def results(client: FlaskClient, path: str, **args: str | list[str]) -> list[dict[str, str]]:
    answer = client.get(path, query_string=args)
    assert answer.status_code == 200, answer.data
    found: list[dict[str, str]] = answer.get_json()["results"]
    return found


@pytest.mark.parametrize(("query", "first", "kind"), [
    ("422.350", BASE + "cfr/42/422/422.350", "provision"),
    ("§ 422.350(b)", BASE + "cfr/42/422/422.350/b", "provision"),
    ("42 CFR 422.352", BASE + "cfr/42/422/422.352", "provision"),
    ("63 FR 34968", BASE + "fr/63/34968", "Federal Register notice"),
])
def test_search_by_citation_finds_the_provision_first(client: FlaskClient, query: str, first: str,
                                                      kind: str) -> None:
    for path in ("/search.json", "/suggest"):
        hit = results(client, path, q=query)[0]
        assert (hit["iri"], hit["match"], hit["field"], hit["type"]) == (first, "citation", "citation", kind)
    assert results(client, "/search.json", q="422.350")[1]["iri"] == BASE + "cfr/42/422/422.350/b"  # a paragraph
    assert f'<span class="vocab">{kind}</span>' in client.get("/search", query_string={"q": query}).get_data(
        as_text=True)


def test_every_hit_names_its_vocabulary_and_section(client: FlaskClient) -> None:
    official, publisher = results(client, "/suggest", q="PSO")[:2]
    assert (official["iri"], official["vocabulary"], official["section"]) == (REG_PSO, "42 CFR Part 422 definitions",
                                                                              "§ 422.350")
    assert official["scheme_iri"] == BASE + "scheme/42-cfr-422"
    assert (publisher["iri"], publisher["vocabulary"], publisher["section"]) == (PSO, "MedicarePlans.com glossary", "")


def test_scheme_narrows_search_suggest_and_the_index(client: FlaskClient) -> None:
    for name in ("medicareplans-glossary", BASE + "scheme/medicareplans-glossary", "MedicarePlans.com glossary"):
        assert [h["iri"] for h in results(client, "/suggest", q="PSO", scheme=name)] == [PSO]
    both = results(client, "/search.json", q="PSO", scheme=["medicareplans-glossary", "42-cfr-422"])
    assert {h["iri"] for h in both} >= {PSO, REG_PSO}
    assert all(h["type"] == "concept" for h in results(client, "/search.json", q="422.350", scheme="42-cfr-422"))
    bad = client.get("/suggest?q=PSO&scheme=nope")
    assert bad.status_code == 400 and "medicareplans-glossary" in bad.get_json()["error"]
    assert client.get("/search?q=PSO&scheme=nope").status_code == 400
    narrowed = client.get("/concepts?scheme=medicareplans-glossary").get_data(as_text=True)
    assert "Managed Care Plan" in narrowed and "provider-sponsored organization</a>" not in narrowed
    assert '<option value="medicareplans-glossary" selected>' in narrowed


def test_listed_concepts_carry_their_vocabulary(client: FlaskClient) -> None:
    tag = '<span class="vocab">42 CFR Part 422 definitions · § 422.350</span>'
    for path in ("/concepts", "/search?q=PSO", "/scheme/42-cfr-422.html"):
        assert tag in client.get(path).get_data(as_text=True), path
