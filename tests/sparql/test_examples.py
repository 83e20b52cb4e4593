"""The editor's example queries give the answers they promise on the real build of the shipped data/."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from medkg.app import create_app
from medkg.assets import SPARQL_EXAMPLES_DIR
from medkg.extensions import SPARQL
from medkg.pipeline.build import build
from rdflib import RDF, Graph
from rdflib import SKOS as SKOS_NS

EXAMPLES = sorted(SPARQL_EXAMPLES_DIR.glob("*.rq"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("examples") / "out"
    result = build([], out, progress=lambda message: None)
    assert result.written, [str(d) for d in result.diagnostics]
    return out


@pytest.fixture(scope="module")
def client(built: Path) -> Iterator[FlaskClient]:
    app = create_app({"BUILD_DIR": str(built), "TESTING": True})
    yield app.test_client()
    app.extensions[SPARQL].close()


CFR = "https://w3id.org/medkg/concept/42-cfr-422/"
GLOSSARY_PSO = "https://w3id.org/medkg/concept/medicareplans-glossary/provider-sponsored-organization-pso"
CFR_PSO = CFR + "422.350/provider-sponsored-organization"
RURAL_PSO = CFR + "422.352/rural-pso"
SKOS = "http://www.w3.org/2004/02/skos/core#"


def answer(client: FlaskClient, name: str) -> list[dict[str, str]]:
    query = (SPARQL_EXAMPLES_DIR / name).read_text(encoding="utf-8")
    response = client.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.data
    return [{k: v["value"] for k, v in row.items()} for row in response.get_json(force=True)["results"]["bindings"]]


def test_every_example_is_checked_below() -> None:
    assert [p.name for p in EXAMPLES] == ["1-find-term.rq", "2-definition-and-citation.rq", "3-defined-in-section.rq",
                                          "4-amended-after.rq", "5-broader-chain.rq", "6-mappings.rq",
                                          "7-concepts-per-scheme.rq", "8-applicable-definitions.rq"]


def test_find_term_finds_the_acronym_in_both_vocabularies_shortest_first(client: FlaskClient) -> None:
    rows = answer(client, "1-find-term.rq")
    assert all("pso" in r["label"].lower() for r in rows)
    assert {r["concept"] for r in rows} == {GLOSSARY_PSO, CFR_PSO, RURAL_PSO}
    assert {(r["concept"], r["label"]) for r in rows if r["kind"] == SKOS + "altLabel"} == {
        (GLOSSARY_PSO, "PSO"), (CFR_PSO, "PSO")}
    assert [len(r["label"]) for r in rows] == sorted(len(r["label"]) for r in rows)


def test_definition_and_citation_give_both_definitions_and_the_paragraph(client: FlaskClient, root: Path) -> None:
    rows = {r["concept"]: r for r in answer(client, "2-definition-and-citation.rq")}
    assert set(rows) == {GLOSSARY_PSO, CFR_PSO}
    assert rows[CFR_PSO]["definition"].startswith("Provider-sponsored organization (PSO) means a public or private")
    glossary = " ".join((root / "data" / "glossary-provider-sponsored-organization.txt").read_text().split())
    assert " ".join(rows[GLOSSARY_PSO]["definition"].split()) in glossary, "the glossary's own words"
    assert {(r["provision"], r["citation"]) for r in rows.values()} == {
        ("https://w3id.org/medkg/cfr/42/422/422.350/b", "42 CFR 422.350(b)")}


def test_defined_in_section_lists_the_terms_of_422_350(client: FlaskClient, root: Path) -> None:
    rows = answer(client, "3-defined-in-section.rq")
    printed = (root / "data" / "cfr-42-422-subpart-h.txt").read_text(encoding="utf-8")
    text = " ".join(printed.replace("-\n", "").split()).lower()  # the printed page's hyphenation undone
    for row in rows:
        assert row["label"].lower() in text, row["label"]
    labels = {r["label"] for r in rows}
    assert len(rows) == len(labels) == 17
    assert {"Capitation payment", "Provider-sponsored organization", "Uncovered expenditures"} <= labels
    assert {r["citation"] for r in rows} == {"42 CFR 422.350(b)"}
    assert all(r["concept"].startswith(CFR + "422.350/") for r in rows)


def test_amended_after_names_the_notice_and_its_date(client: FlaskClient) -> None:
    rows = answer(client, "4-amended-after.rq")
    assert {(r["concept"], r["amended"], r["notice"], r["date"]) for r in rows} == {
        (RURAL_PSO, "https://w3id.org/medkg/cfr/42/422/422.352", "https://w3id.org/medkg/fr/65/40327", "2000-06-29"),
        (CFR + "422.352/substantial-proportion", "https://w3id.org/medkg/cfr/42/422/422.352",
         "https://w3id.org/medkg/fr/65/40327", "2000-06-29")}


def test_broader_chain_of_rural_pso_is_pso_at_distance_one(client: FlaskClient) -> None:
    rows = answer(client, "5-broader-chain.rq")
    assert rows == [{"ancestor": CFR_PSO, "ancestorLabel": "Provider-sponsored organization", "distance": "1"}]


def test_mappings_link_the_glossary_pso_and_the_regulatory_pso_once_per_pair(client: FlaskClient) -> None:
    rows = answer(client, "6-mappings.rq")
    assert {(r["concept"], r["relation"], r["match"]) for r in rows} == {
        (CFR_PSO, SKOS + "closeMatch", GLOSSARY_PSO)}
    assert any(r.get("evidence") for r in rows), "the evidence for the mapping is given"


def test_concepts_per_scheme_counts_what_the_graph_holds(client: FlaskClient, built: Path) -> None:
    rows = answer(client, "7-concepts-per-scheme.rq")
    graph = Graph().parse(built / "graph.ttl")
    expected = Counter(str(s) for c in set(graph.subjects(RDF.type, SKOS_NS.Concept))
                       for s in graph.objects(c, SKOS_NS.inScheme))
    assert {r["scheme"]: int(r["concepts"]) for r in rows} == dict(expected)
    assert dict(expected) == {"https://w3id.org/medkg/scheme/42-cfr-422": 19,
                              "https://w3id.org/medkg/scheme/medicareplans-glossary": 1}
    assert [int(r["concepts"]) for r in rows] == sorted((int(r["concepts"]) for r in rows), reverse=True)


def test_applicable_definitions_in_422_354_are_the_terms_of_subpart_h(client: FlaskClient) -> None:
    rows = answer(client, "8-applicable-definitions.rq")
    defined = {r["label"] for r in answer(client, "3-defined-in-section.rq")}
    assert {r["label"] for r in rows} == defined and len(rows) == 17, "422.350(b) defines them for the subpart"
    assert {(r["scope"], r["scopeLabel"]) for r in rows} == {
        ("https://w3id.org/medkg/cfr/42/422/subpart-H", "42 CFR part 422, subpart H")}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_each_example_declares_its_prefixes_for_any_client(path: Path) -> None:
    """rdflib's own SPARQL parser, with no namespaces given, reads every example as it is."""
    from rdflib.plugins.sparql import prepareQuery

    query = path.read_text(encoding="utf-8")
    assert "PREFIX " in query
    prepareQuery(query, initNs={})


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_no_example_returns_duplicate_rows(client: FlaskClient, path: Path) -> None:
    rows = [tuple(sorted(r.items())) for r in answer(client, path.name)]
    assert rows and len(rows) == len(set(rows)), path.name


def test_every_example_runs_unchanged_through_sparqlwrapper(built: Path) -> None:
    from SPARQLWrapper import JSON, SPARQLWrapper

    from tests.support.sparql import running_server

    with running_server(built, workers=1) as url:
        for path in EXAMPLES:
            wrapper = SPARQLWrapper(url + "/sparql")
            wrapper.setQuery(path.read_text(encoding="utf-8"))
            wrapper.setReturnFormat(JSON)
            bindings = wrapper.query().convert()["results"]["bindings"]  # type: ignore[index, call-overload]
            rows = [tuple(sorted((k, v["value"]) for k, v in b.items())) for b in bindings]
            assert rows and len(rows) == len(set(rows)), path.name


def test_an_unknown_prefix_gets_a_short_message_naming_it_and_the_predeclared_ones(client: FlaskClient) -> None:
    response = client.post("/sparql", data={"query": "SELECT * WHERE {\n  ?s foaf:name ?o\n}"})
    text = response.get_data(as_text=True)
    assert response.status_code == 400, text
    assert "unknown prefix foaf: (declare it with PREFIX foaf: <...>)" in text
    assert "predeclared here: dct:, eli:, medkg:" in text and "skos:" in text and len(text) < 400
