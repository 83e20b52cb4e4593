"""HTML pages and search, against the hand-written fixture build: content, links, escaping, ranking."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from medkg.linkeddata.search import fold

from tests.support.linkeddata import FIXTURE, PSO, PSO_PATH, REG_PSO, make_app, site_of


def page(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def test_the_concept_page_shows_everything_the_graph_knows(client: FlaskClient) -> None:
    html = page(client, PSO_PATH + ".html")
    for text in ("Provider-Sponsored Organization (PSO)", "Organización patrocinada por proveedores",
                 "provider-run managed care organization", "PROVIDER SPONSORED ORGANIZATION (PSO)",
                 "A group of doctors, hospitals", "Un grupo de médicos", "https://www.cms.gov/glossary",
                 "The beneficiary enrolled", "Run by the doctors", "Operated by healthcare providers",
                 "same normalized label as 42 CFR 422.350(b)", "MedicarePlans.com glossary",
                 "63 FR 34968", "64 FR 7980", "1998-06-26", "originally published", "amended"):
        assert text in html, text
    assert 'href="/cfr/42/422/422.350"' in html  # our provision page
    assert 'href="https://www.ecfr.gov/current/title-42/section-422.350"' in html  # the official text
    assert 'href="/concept/medicareplans-glossary/managed-care-plan"' in html  # broader, with its label
    assert ">Managed Care Plan</a>" in html and ">Health plan</a>" in html
    assert f'href="{REG_PSO.removeprefix("https://w3id.org/medkg")}"' in html  # the exact match
    for suffix in (".ttl", ".jsonld", ".rdf", ".nt"):
        assert f'href="{PSO_PATH}{suffix}"' in html
    assert "inferred" in html  # the inferred skos:related is marked
    assert "data/glossary-provider-sponsored-organization.txt:2, 8" in html  # from provenance.tsv


def test_a_paragraph_without_its_own_official_page_links_its_sections(client: FlaskClient) -> None:
    html = page(client, "/concept/healthcare-gov-glossary/health-plan.html")
    assert 'href="/cfr/42/422/422.350/b"' in html and "42 CFR 422.350(b)" in html
    assert 'href="https://www.ecfr.gov/current/title-42/section-422.350"' in html  # the section's page
    assert "63 FR 34968" in html  # and the section's Federal Register history
    provision = page(client, "/cfr/42/422/422.350/b.html")
    assert 'href="https://www.ecfr.gov/current/title-42/section-422.350"' in provision
    assert provision.index("42 CFR Part 422, Subpart H") < provision.index("<h1>")  # breadcrumbs


def test_the_neighbourhood_picture_is_svg_with_links(client: FlaskClient) -> None:
    html = page(client, PSO_PATH + ".html")
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert svg.count("<circle") >= 4  # the concept and at least broader, related, exact match
    assert 'href="/concept/medicareplans-glossary/managed-care-plan"' in svg
    assert ">broader</text>" in svg


def test_every_value_is_escaped(client: FlaskClient) -> None:
    for path in ("/concept/healthcare-gov-glossary/x-script-term.html", "/scheme/healthcare-gov-glossary.html",
                 "/concepts", "/search?q=script", "/concept/healthcare-gov-glossary/health-plan.html"):
        html = page(client, path)
        assert "<script>alert" not in html, path
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html, path
    html = page(client, "/search?q=%3Cscript%3E%22'")
    assert "<script>\"'" not in html and "&lt;script&gt;&#34;&#39;" in html
    html = page(client, "/concept/healthcare-gov-glossary/x-script-term.html")
    assert "<b>markup</b>" not in html and "&lt;b&gt;markup&lt;/b&gt;" in html
    headers = client.get("/concept/healthcare-gov-glossary/x-script-term.html").headers
    assert "default-src 'self'" in headers["Content-Security-Policy"] and headers["X-Content-Type-Options"] == "nosniff"


def test_the_scheme_page_shows_metadata_top_concepts_and_hierarchy(client: FlaskClient) -> None:
    html = page(client, "/scheme/medicareplans-glossary.html")
    for text in ("MedicarePlans.com glossary", "MedicarePlans.com", "https://creativecommons.org/licenses/by/4.0/",
                 "2025", "Top concepts (1)"):
        assert text in html, text
    hierarchy = html[html.index("<h2>Hierarchy</h2>"):html.index('<section class="formats">')]
    assert hierarchy.index("Managed Care Plan") < hierarchy.index("Provider-Sponsored Organization (PSO)")


def test_a_concept_with_two_parents_appears_under_each(tmp_path, client: FlaskClient) -> None:
    from tests.support.linkeddata import FIXTURE
    extra = ('\n<https://w3id.org/medkg/concept/healthcare-gov-glossary/x-script-term> '
             '<http://www.w3.org/2004/02/skos/core#broader> '
             '<https://w3id.org/medkg/concept/healthcare-gov-glossary/second-parent> .\n'
             '<https://w3id.org/medkg/concept/healthcare-gov-glossary/second-parent> '
             '<http://www.w3.org/2004/02/skos/core#inScheme> <https://w3id.org/medkg/scheme/healthcare-gov-glossary> ;'
             ' <http://www.w3.org/2004/02/skos/core#prefLabel> "Second parent"@en .\n')
    for name in ("graph.ttl", "inferred.ttl", "build.json"):
        (tmp_path / name).write_text((FIXTURE / name).read_text(encoding="utf-8") + (extra if name == "graph.ttl"
                                     else ""), encoding="utf-8")
    html = make_app(tmp_path).test_client().get("/scheme/healthcare-gov-glossary.html").get_data(as_text=True)
    hierarchy = html[html.index("<h2>Hierarchy</h2>"):html.index('<section class="formats">')]
    assert hierarchy.count("&lt;script&gt;alert") == 3  # a top concept, under Health plan and under Second parent
    assert "2 parents" in hierarchy and "(shown above)" in hierarchy


def test_the_provision_page(client: FlaskClient) -> None:
    html = page(client, "/cfr/42/422/422.350.html")
    for text in ("42 CFR 422.350", "Basis, scope, and definitions.", "This subpart implements section 1855(d)",
                 "Terms it defines", "provider-sponsored organization", "Cites", "42 CFR 422.352",
                 "Federal Register history", "63 FR 34968", "64 FR 7980", "42 CFR Part 422, Subpart H"):
        assert text in html, text
    assert 'href="https://www.ecfr.gov/current/title-42/section-422.350"' in html
    cited = page(client, "/cfr/42/422/422.352.html")
    section = cited[cited.index("Cited by"):]
    assert "42 CFR 422.350" in section and "provider-sponsored organization" in section


def test_home_index_and_other_resources(client: FlaskClient) -> None:
    home = page(client, "/")
    assert 'href="/sparql"' in home and "3</strong> concept schemes" in home and "5</strong> concepts" in home
    index = page(client, "/concepts")
    letters = re.findall(r'<h2>(.)</h2>', index)
    assert letters == ["#", "H", "M", "P"], "labels not starting with a letter first, then A to Z"
    assert "Managed Care Plan" in index
    assert "63 FR 34968" in page(client, "/fr/63/34968.html")
    assert "glossary concept" in page(client, "/def/GlossaryConcept.html")
    assert "plans" in page(client, "/collection/medicareplans-glossary/plans.html")
    ontology = page(client, "/def.html")
    assert "Defined here" in ontology and "Links a concept to a provision that defines or governs it." in ontology
    assert "Links a concept to a provision that defines or governs it." in page(client, "/def/0.1.0.html")


@pytest.mark.parametrize(("query", "first"), [
    ("PSO", REG_PSO),  # the same label as the publisher's: the official definition first
    ("pso", REG_PSO),
    ("Provider-Sponsored Organization (PSO)", PSO),
    ("provider sponsored organization", REG_PSO),  # exact preferred label of the regulatory concept
    ("provider-spon", REG_PSO),  # prefix of a preferred label; the shorter label first
    ("MANAGED care", "https://w3id.org/medkg/concept/medicareplans-glossary/managed-care-plan"),
    ("plan medico", "https://w3id.org/medkg/concept/healthcare-gov-glossary/health-plan"),  # accents folded
    ("Évaluation", "https://w3id.org/medkg/concept/healthcare-gov-glossary/x-script-term"),
    ("union or other group", "https://w3id.org/medkg/concept/healthcare-gov-glossary/health-plan"),  # definition
])
def test_search_ranks_the_right_term_first(app: Flask, query: str, first: str) -> None:
    hits = site_of(app).index.search(query)
    assert hits and hits[0].iri == first


def test_search_ranks_in_the_documented_order(app: Flask) -> None:
    hits = site_of(app).index.search("plan")
    ranks = [h.rank for h in hits]
    assert ranks == sorted(ranks)
    assert [(h.rank, h.label) for h in hits] == [
        (4, "Health plan"), (4, "Managed Care Plan"), (6, "Provider-Sponsored Organization (PSO)")]
    assert site_of(app).index.search("  ") == []


def test_search_json_html_and_suggest(client: FlaskClient) -> None:
    data = client.get("/search.json?q=PSO").get_json()
    assert data["results"][0]["iri"] == REG_PSO  # the official definition before the publisher's namesake
    assert data["results"][1]["iri"] == PSO and data["results"][1]["url"] == PSO_PATH
    assert data["results"][1]["scheme"] == data["results"][1]["vocabulary"] == "MedicarePlans.com glossary"
    html = page(client, "/search?q=PSO")
    assert html.index("provider-sponsored organization</a>") < html.index("Provider-Sponsored Organization (PSO)")
    suggestions = client.get("/suggest?q=heal").get_json()["results"]
    assert [s["label"] for s in suggestions][0] == "Health plan"
    assert all(s["rank"] < 7 for s in client.get("/suggest?q=doctors").get_json()["results"])
    assert client.get("/search.json?q=" + "pso" * 10_000).get_json()["query"] == ("pso" * 10_000)[:200]
    negotiated = client.get("/search?q=PSO", headers={"Accept": "application/json"})
    assert negotiated.get_json()["results"][0]["iri"] == REG_PSO and "Accept" in negotiated.headers["Vary"]
    assert client.get("/search?q=PSO", headers={"Accept": "text/html,*/*;q=0.8"}).mimetype == "text/html"


def test_search_by_language(client: FlaskClient) -> None:
    spanish = client.get("/search.json?q=plan&lang=es").get_json()["results"]
    assert [(hit["lang"], hit["label"]) for hit in spanish] == [("es", "Health plan"), ("es", "Managed Care Plan")]
    assert client.get("/search.json?q=doctors&lang=es").get_json()["results"] == []
    assert client.get("/search.json?q=doctors&lang=en").get_json()["results"][0]["iri"] == PSO


def test_other_named_graphs_of_the_store_stay_out_of_the_site(tmp_path: Path) -> None:
    """A build folder may carry extra named graphs (named-graphs.nq, e.g. test datasets for the endpoint)."""
    for name in ("graph.ttl", "inferred.ttl", "build.json"):
        (tmp_path / name).write_text((FIXTURE / name).read_text(encoding="utf-8"), encoding="utf-8")
    stray = "https://w3id.org/medkg/concept/test/stray-term"
    (tmp_path / "named-graphs.nq").write_text(
        f'<{stray}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/2004/02/skos/core#Concept>'
        f' <http://example.org/g> .\n<{stray}> <http://www.w3.org/2004/02/skos/core#prefLabel> "Stray term"@en'
        f' <http://example.org/g> .\n<{PSO}> <http://www.w3.org/2004/02/skos/core#altLabel> "leak"@en'
        ' <http://example.org/g> .\n', encoding="utf-8")
    app = make_app(tmp_path)
    client = app.test_client()
    assert site_of(app).index.search("stray") == [] and site_of(app).index.search("leak") == []
    assert client.get("/concept/test/stray-term", headers={"Accept": "text/turtle"}).status_code == 404
    assert "leak" not in client.get(PSO_PATH + ".nt").get_data(as_text=True)
    assert "leak" not in page(client, PSO_PATH + ".html")


def test_source_locations_are_summarized_per_file() -> None:
    from medkg.linkeddata.pages import summarize_locations
    many = [f"a.txt:{n}" for n in range(12, 0, -1)] + ["b.md:3", "notes"]
    assert summarize_locations(many) == ["a.txt:1, 2, 3, 4, 5, 6, 7, 8 (+4 more)", "b.md:3", "notes"]
    assert summarize_locations([f"f{n}.txt:1" for n in range(9)], files=2) == ["f0.txt:1", "f1.txt:1",
                                                                                "and 7 more files"]


def test_fold_is_case_and_accent_insensitive() -> None:
    assert fold("Organización  PATROCINADA—(PSO)") == "organizacion patrocinada pso"
