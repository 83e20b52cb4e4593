"""The SPARQL 1.1 Protocol at /sparql through the Flask test client: methods, formats, negotiation, errors, limits."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from medkg.app import create_app
from medkg.assets import SPARQL_EXAMPLES_DIR
from medkg.extensions import SPARQL, VOID_HOOKS
from medkg.sparql.guard import QueryRefused, unescape, uses_service
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from tests.support.sparql import BASE, PSO, write_build

# rdflib and SPARQLWrapper warn about rdflib's own deprecated internals when parsing; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
SRX = "{http://www.w3.org/2005/sparql-results#}"
LABELS = f"SELECT ?label WHERE {{ <{PSO}> skos:prefLabel|skos:altLabel ?label }} ORDER BY ?label"
EXAMPLES = sorted(SPARQL_EXAMPLES_DIR.glob("*.rq"))
MAX_ROWS = 20


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    folder = write_build(tmp_path_factory.mktemp("sparql") / "build")
    app = create_app({"BUILD_DIR": str(folder), "TESTING": True, "MAX_RESULT_ROWS": MAX_ROWS,
                      "MAX_QUERY_LENGTH": 3000, "QUERY_PROCESSES": 1})
    yield app
    app.extensions[SPARQL].close()


def select(client: FlaskClient, query: str, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/sparql", query_string={"query": query, **params})
    assert response.status_code == 200, response.data
    bindings: list[dict[str, Any]] = response.get_json(force=True)["results"]["bindings"]
    return bindings


def labels_of(bindings: list[dict[str, Any]]) -> list[str]:
    return [b["label"]["value"] for b in bindings]


# --- the three ways to send a query ---------------------------------------------------------------------------

def test_get_query(client: FlaskClient) -> None:
    assert labels_of(select(client, LABELS)) == ["PSO", "Provider-Sponsored Organization"]


def test_post_form(client: FlaskClient) -> None:
    response = client.post("/sparql", data={"query": LABELS}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    assert labels_of(response.get_json(force=True)["results"]["bindings"]) == ["PSO",
                                                                                "Provider-Sponsored Organization"]


def test_post_direct(client: FlaskClient) -> None:
    response = client.post("/sparql", data=LABELS.encode(), content_type="application/sparql-query; charset=utf-8")
    assert response.status_code == 200
    assert len(response.get_json(force=True)["results"]["bindings"]) == 2


def test_trailing_slash_and_head(client: FlaskClient) -> None:
    assert client.get("/sparql/", query_string={"query": "ASK {}"}).get_json(force=True)["boolean"] is True
    head = client.head("/sparql", query_string={"query": "ASK {}"})
    assert head.status_code == 200 and head.content_type.startswith("application/sparql-results+json")


# --- result formats ------------------------------------------------------------------------------------------

def test_select_json_types(client: FlaskClient) -> None:
    query = f"SELECT ?c ?label ?page WHERE {{ BIND(<{PSO}> AS ?c) ?c skos:prefLabel ?label . " \
            "OPTIONAL { ?c medkg:frPage ?page } }"
    (row,) = select(client, query)
    assert row["c"] == {"type": "uri", "value": PSO}
    assert row["label"] == {"type": "literal", "value": "Provider-Sponsored Organization", "xml:lang": "en"}
    assert "page" not in row  # unbound variables are left out
    (page,) = select(client, "SELECT ?p WHERE { ?f medkg:frPage ?p }")
    assert page["p"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"


def test_select_xml(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": LABELS},
                          headers={"Accept": "application/sparql-results+xml"})
    assert response.content_type == "application/sparql-results+xml; charset=utf-8"
    root = ET.fromstring(response.data)
    assert [v.get("name") for v in root.iter(SRX + "variable")] == ["label"]
    literals = [(e.text, e.get("{http://www.w3.org/XML/1998/namespace}lang")) for e in root.iter(SRX + "literal")]
    assert literals == [("PSO", "en"), ("Provider-Sponsored Organization", "en")]


def test_select_csv_and_tsv(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": LABELS}, headers={"Accept": "text/csv"})
    assert response.content_type == "text/csv; charset=utf-8"
    assert list(csv.reader(io.StringIO(response.data.decode()))) == [
        ["label"], ["PSO"], ["Provider-Sponsored Organization"]]
    response = client.get("/sparql", query_string={"query": LABELS}, headers={"Accept": "text/tab-separated-values"})
    assert response.content_type == "text/tab-separated-values; charset=utf-8"
    assert response.data.decode().splitlines() == ["?label", '"PSO"@en', '"Provider-Sponsored Organization"@en']


def test_csv_quotes_and_tsv_escapes(client: FlaskClient) -> None:
    query = 'SELECT ?x WHERE { BIND("a, \\"b\\"\\tc\\nd" AS ?x) }'
    response = client.get("/sparql", query_string={"query": query, "format": "csv"})
    assert list(csv.reader(io.StringIO(response.data.decode(), newline=""))) == [["x"], ['a, "b"\tc\nd']]
    response = client.get("/sparql", query_string={"query": query, "format": "tsv"})
    assert response.data.decode().splitlines()[1] == '"a, \\"b\\"\\tc\\nd"'


@pytest.mark.parametrize(("accept", "media_type", "body"), [
    ("application/sparql-results+json", "application/sparql-results+json", b'"boolean": true'),
    ("application/sparql-results+xml", "application/sparql-results+xml", b"<boolean>true</boolean>"),
    ("text/csv", "text/csv", b"_askResult\r\ntrue"),
    ("text/tab-separated-values", "text/tab-separated-values", b"?_askResult\ntrue"),
])
def test_ask_formats(client: FlaskClient, accept: str, media_type: str, body: bytes) -> None:
    response = client.get("/sparql", query_string={"query": "ASK { ?c skos:altLabel \"PSO\"@en }"},
                          headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert body in response.data


def expected_description() -> Graph:
    graph = Graph()
    graph.add((URIRef(PSO), SKOS.prefLabel, Literal("Provider-Sponsored Organization", lang="en")))
    graph.add((URIRef(PSO), SKOS.altLabel, Literal("PSO", lang="en")))
    return graph


@pytest.mark.parametrize(("accept", "rdflib_format"), [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/rdf+xml", "xml"),
    ("application/ld+json", "json-ld"),
])
def test_construct_formats(client: FlaskClient, accept: str, rdflib_format: str) -> None:
    query = f"CONSTRUCT {{ <{PSO}> ?p ?o }} WHERE {{ <{PSO}> ?p ?o FILTER(?p IN (skos:prefLabel, skos:altLabel)) }}"
    response = client.post("/sparql", data={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == accept
    assert isomorphic(Graph().parse(data=response.data, format=rdflib_format), expected_description())


def test_describe(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": f"DESCRIBE <{PSO}>", "format": "ttl"})
    assert response.mimetype == "text/turtle"
    graph = Graph().parse(data=response.data, format="turtle")
    assert (URIRef(PSO), SKOS.altLabel, Literal("PSO", lang="en")) in graph


def test_relative_iris_resolve_against_the_endpoint(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}", "format": "nt"})
    assert response.data.decode().startswith("<http://localhost/s> <http://localhost/p> ")


# --- content negotiation -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("accept", "media_type"), [
    ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
    ("application/sparql-results+json;q=0.1, text/tab-separated-values", "text/tab-separated-values"),
    ("text/*", "text/csv"),
    ("*/*", "application/sparql-results+json"),
    ("application/json", "application/json"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/xml"),
    ("text/turtle, text/csv;q=0.2", "text/csv"),
])
def test_select_negotiation(client: FlaskClient, accept: str, media_type: str) -> None:
    response = client.get("/sparql", query_string={"query": LABELS}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert response.headers["Vary"] == "Accept"


@pytest.mark.parametrize(("accept", "media_type"), [
    ("application/rdf+xml;q=0.9, text/turtle", "text/turtle"),
    ("application/sparql-results+json, application/n-triples;q=0.5", "application/n-triples"),
    ("application/json", "application/json"),
    (None, "text/turtle"),
])
def test_construct_negotiation(client: FlaskClient, accept: str | None, media_type: str) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", query_string={"query": f"DESCRIBE <{PSO}>"}, headers=headers)
    assert response.status_code == 200
    assert response.mimetype == media_type


@pytest.mark.parametrize(("format_param", "media_type"), [
    ("json", "application/sparql-results+json"), ("xml", "application/sparql-results+xml"), ("csv", "text/csv"),
    ("tsv", "text/tab-separated-values"), ("text/csv", "text/csv"),
])
def test_format_parameter_wins_over_accept(client: FlaskClient, format_param: str, media_type: str) -> None:
    response = client.get("/sparql", query_string={"query": LABELS, "format": format_param},
                          headers={"Accept": "application/sparql-results+json;q=0.1"})
    assert response.mimetype == media_type


def test_format_json_means_json_ld_for_graphs(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": f"DESCRIBE <{PSO}>", "format": "json"})
    assert response.mimetype == "application/ld+json"


@pytest.mark.parametrize(("query", "accept", "params"), [
    (LABELS, "image/png", {}),
    (LABELS, "text/turtle", {}),
    (f"DESCRIBE <{PSO}>", "text/csv", {}),
    (LABELS, None, {"format": "turtle"}),
])
def test_not_acceptable(client: FlaskClient, query: str, accept: str | None, params: dict[str, str]) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", query_string={"query": query, **params}, headers=headers)
    assert response.status_code == 406
    assert b"offered" in response.data


def test_unknown_format_parameter(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": LABELS, "format": "yaml"})
    assert response.status_code == 400 and b"unknown format" in response.data


# --- datasets: the union default graph and the named graphs ---------------------------------------------------

def count(client: FlaskClient, pattern: str, **params: Any) -> int:
    (row,) = select(client, f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}", **params)
    return int(row["n"]["value"])


def test_default_graph_is_the_union_without_duplicates(client: FlaskClient) -> None:
    assert count(client, f"<{PSO}> a skos:Concept") == 1  # asserted and inferred: one triple in the merge
    assert count(client, f"?b skos:narrower <{PSO}>") == 1  # only inferred
    # the inferred graph holds what inference adds: a triple inferred.ttl repeats is asserted, and stored once
    assert count(client, f"GRAPH ?g {{ <{PSO}> a skos:Concept }}") == 1
    assert count(client, f"GRAPH <{BASE}graph/asserted> {{ <{PSO}> a skos:Concept }}") == 1


def test_protocol_dataset(client: FlaskClient) -> None:
    asserted, inferred = BASE + "graph/asserted", BASE + "graph/inferred"
    assert count(client, f"?b skos:narrower <{PSO}>", **{"default-graph-uri": asserted}) == 0
    assert count(client, f"?b skos:narrower <{PSO}>", **{"default-graph-uri": inferred}) == 1
    in_named = f"GRAPH ?g {{ <{PSO}> a skos:Concept }}"
    assert count(client, in_named, **{"named-graph-uri": asserted}) == 1
    assert count(client, in_named, **{"named-graph-uri": inferred}) == 0  # asserted: not repeated as inferred
    query = f"SELECT ?g {{ GRAPH ?g {{ {{ <{PSO}> a ?t }} UNION {{ ?b skos:narrower <{PSO}> }} }} }}"
    response = client.get("/sparql", query_string=[("query", query),
                                                   ("named-graph-uri", asserted), ("named-graph-uri", inferred)])
    graphs = {b["g"]["value"] for b in response.get_json(force=True)["results"]["bindings"]}
    assert graphs == {asserted, inferred}


def test_predeclared_prefixes_and_redeclaration(client: FlaskClient) -> None:
    assert len(select(client, "SELECT ?s { ?s a medkg:Provision }")) == 4
    redeclared = "PREFIX skos: <http://example.org/not-skos#> SELECT ?s { ?s a skos:Concept }"
    assert select(client, redeclared) == []


# --- errors and refusals -------------------------------------------------------------------------------------

def test_syntax_error_is_400_with_position(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT ?s WHERE {\n  ?s ?p \n"})
    assert response.status_code == 400
    text = response.data.decode()
    assert "syntax error" in text and "3:" in text  # the parser's line:column, in the user's own text
    assert "Traceback" not in text and response.mimetype == "text/plain"


@pytest.mark.parametrize(("method", "kwargs", "status"), [
    ("get", {"query_string": {"update": "CLEAR ALL"}}, 403),
    ("post", {"data": {"update": "CLEAR ALL"}}, 403),
    ("post", {"data": b"CLEAR ALL", "content_type": "application/sparql-update"}, 403),
    ("post", {"data": {"query": "INSERT DATA { <a:a> <a:b> <a:c> }"}}, 400),
    ("post", {"data": {"format": "json"}}, 400),
    ("get", {"query_string": [("query", "ASK {}"), ("query", "ASK {}")]}, 400),
    ("put", {"query_string": {"query": "ASK {}"}}, 405),
    ("delete", {}, 405),
    ("post", {"data": b"ASK {}", "content_type": "text/plain"}, 415),
    ("post", {"data": b"ASK {}"}, 415),
    ("post", {"data": "ASK {}".encode("utf-16"), "content_type": "application/sparql-query; charset=UTF-16"}, 415),
    ("post", {"data": b"ASK { \xff }", "content_type": "application/sparql-query"}, 400),
])
def test_refusals(client: FlaskClient, method: str, kwargs: dict[str, Any], status: int) -> None:
    response = getattr(client, method)("/sparql", **kwargs)
    assert response.status_code == status
    assert response.mimetype == "text/plain" and len(response.data.strip()) > 10  # a message, not a blank page


def test_update_message_says_read_only(client: FlaskClient) -> None:
    assert b"read-only" in client.get("/sparql", query_string={"update": "CLEAR ALL"}).data


def test_service_is_refused(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"})
    assert response.status_code == 400 and b"SERVICE" in response.data


@pytest.mark.parametrize(("query", "found"), [
    ("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }", True),
    ("select * { service silent <http://x/> { ?s ?p ?o } }", True),
    ("SELECT * { SeRvIcE\n<http://x/> {} }", True),
    ("SELECT ?service { ?service a <http://x/SERVICE> }", False),
    ("PREFIX service: <http://x/> SELECT * { ?s service:p 'SERVICE' } # SERVICE", False),
    ('SELECT * { ?s ?p """a SERVICE b""" . ?s ex:SERVICE ?o }', False),
    # issue 14 #10: a name with an escaped '#' once hid the rest of its line from a text filter
    ("PREFIX dct: <http://purl.org/dc/terms/> SELECT * { BIND(dct:a\\#b AS ?x) SERVICE <http://x/> { ?s ?p ?o } }",
     None),
    ("SELECT * { \\u0053ERVICE <http://x/> { ?s ?p ?o } }", True),  # SPARQL 1.1 §19.2 code point escape
    ("SELECT * { SERVICE ?endpoint { ?s ?p ?o } }", True),
])
def test_service_detection(query: str, found: bool | None) -> None:
    """True/False: what the parser found; None: the parser cannot read it, so it is refused all the same."""
    if found is None:
        with pytest.raises(QueryRefused, match="SERVICE"):
            uses_service(unescape(query))
    else:
        assert uses_service(unescape(query)) is found


# --- limits, caching, CORS -----------------------------------------------------------------------------------

def test_query_length_limit(client: FlaskClient) -> None:
    long_query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 3000
    assert client.get("/sparql", query_string={"query": long_query}).status_code == 413
    assert client.post("/sparql", data=long_query.encode(), content_type="application/sparql-query").status_code \
        == 413


def test_result_rows_are_capped(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o }"})
    assert len(response.get_json(force=True)["results"]["bindings"]) == MAX_ROWS
    assert response.headers["X-SPARQL-MaxRows"] == str(MAX_ROWS)
    response = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "nt"})
    assert len(response.data.decode().splitlines()) == MAX_ROWS


def test_conditional_get(client: FlaskClient) -> None:
    first = client.get("/sparql", query_string={"query": LABELS})
    again = client.get("/sparql", query_string={"query": LABELS}, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_repeated_get_is_answered_from_the_cache(app: Flask, client: FlaskClient) -> None:
    query = "SELECT ?x { BIND(STRUUID() AS ?x) }"  # a fresh value each time it really runs
    first = client.get("/sparql", query_string={"query": query}).data
    assert client.get("/sparql", query_string={"query": query}).data == first


def test_cors(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/sparql", headers={"Origin": "https://example.org",
                                                   "Access-Control-Request-Method": "POST",
                                                   "Access-Control-Request-Headers": "Content-Type"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert preflight.headers["Access-Control-Allow-Headers"] == "Content-Type"


# --- service description, editor, examples -------------------------------------------------------------------

@pytest.mark.parametrize(("accept", "rdflib_format"), [
    ("text/turtle", "turtle"), ("application/rdf+xml", "xml"), ("application/n-triples", "nt"),
    ("application/ld+json", "json-ld"), ("*/*", "turtle"),
])
def test_service_description(client: FlaskClient, accept: str, rdflib_format: str) -> None:
    response = client.get("/sparql", headers={"Accept": accept})
    assert response.status_code == 200
    graph = Graph().parse(data=response.data, format=rdflib_format)
    service = URIRef("http://localhost/sparql#service")
    assert (service, SD.endpoint, URIRef("http://localhost/sparql")) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert len(list(graph.objects(service, SD.resultFormat))) == 8
    dataset = graph.value(service, SD.defaultDataset)
    assert graph.value(dataset, VOID.sparqlEndpoint) == URIRef("http://localhost/sparql")
    assert graph.value(dataset, VOID.triples).toPython() == 61  # 60 asserted + 1 only inferred
    assert graph.value(dataset, VOID.entities).toPython() == 5  # concepts
    sizes = {graph.value(n, SD.name): graph.value(graph.value(n, SD.graph), VOID.triples).toPython()
             for n in graph.objects(dataset, SD.namedGraph)}
    assert sizes == {URIRef(BASE + "graph/asserted"): 60, URIRef(BASE + "graph/inferred"): 1}  # only what is new


def test_void_hooks_extend_the_description(app: Flask, client: FlaskClient) -> None:
    marker = URIRef("https://example.org/dump.nt")
    hooks = app.extensions[VOID_HOOKS]
    hooks.append(lambda graph, data, root: graph.add((data, VOID.dataDump, marker)))
    try:
        graph = Graph().parse(data=client.get("/sparql", headers={"Accept": "text/turtle"}).data, format="turtle")
    finally:
        hooks.pop()
    assert (URIRef("http://localhost/sparql#dataset"), VOID.dataDump, marker) in graph


def test_browser_gets_the_editor(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.data.decode()
    assert "SPARQL endpoint" in page
    for example in EXAMPLES:
        title = example.read_text().splitlines()[0].lstrip("# ")
        assert title in page


def test_service_description_not_acceptable(client: FlaskClient) -> None:
    assert client.get("/sparql", headers={"Accept": "image/png"}).status_code == 406


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_example_queries_run(client: FlaskClient, example: Path) -> None:
    response = client.post("/sparql", data={"query": example.read_text()},
                           headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.data
    assert json.loads(response.data)["results"]["bindings"], f"{example.name} found nothing in the fixture"


def test_serve_refuses_a_folder_that_is_not_a_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from medkg.cli import main

    assert main(["serve", str(tmp_path)]) == 2
    assert "not a build folder" in capsys.readouterr().err
