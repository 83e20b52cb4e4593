"""SPARQLWrapper, a client that knows only the standard, round-trips every result format against a real server."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.Wrapper import GET, POST

from tests.support.sparql import PSO, running_server, write_build

# rdflib and SPARQLWrapper warn about rdflib's own deprecated internals when parsing; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
LABELS = f"SELECT ?label WHERE {{ <{PSO}> skos:prefLabel|skos:altLabel ?label }} ORDER BY ?label"
WANTED = ["PSO", "Provider-Sponsored Organization"]
CONSTRUCT = (f"CONSTRUCT {{ <{PSO}> ?p ?o }} WHERE {{ <{PSO}> ?p ?o "
             "FILTER(?p IN (skos:prefLabel, skos:altLabel)) }")


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = write_build(tmp_path_factory.mktemp("wrapper") / "build")
    with running_server(folder, workers=1) as url:
        yield url + "/sparql"


def run(endpoint: str, query: str, fmt: str, method: str) -> Any:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client.query().convert()


def expected_graph() -> Graph:
    graph = Graph()
    graph.add((URIRef(PSO), SKOS.prefLabel, Literal("Provider-Sponsored Organization", lang="en")))
    graph.add((URIRef(PSO), SKOS.altLabel, Literal("PSO", lang="en")))
    return graph


@pytest.mark.parametrize("method", [GET, POST])
def test_select_json(endpoint: str, method: str) -> None:
    result = run(endpoint, LABELS, JSON, method)
    assert [b["label"]["value"] for b in result["results"]["bindings"]] == WANTED
    assert result["results"]["bindings"][0]["label"]["xml:lang"] == "en"


@pytest.mark.parametrize("method", [GET, POST])
def test_select_xml(endpoint: str, method: str) -> None:
    document = run(endpoint, LABELS, XML, method)
    assert [node.firstChild.data for node in document.getElementsByTagName("literal")] == WANTED


def test_select_csv(endpoint: str) -> None:
    rows = list(csv.reader(io.StringIO(run(endpoint, LABELS, CSV, GET).decode())))
    assert rows == [["label"], *([w] for w in WANTED)]


def test_select_tsv(endpoint: str) -> None:
    lines = run(endpoint, LABELS, TSV, POST).decode().splitlines()
    assert lines == ["?label", *(f'"{w}"@en' for w in WANTED)]


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_ask(endpoint: str, fmt: str) -> None:
    result = run(endpoint, 'ASK { ?c skos:altLabel "PSO"@en }', fmt, GET)
    if fmt == JSON:
        assert result["boolean"] is True
    else:
        assert result.getElementsByTagName("boolean")[0].firstChild.data == "true"


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("fmt", [RDFXML, XML, JSONLD])
def test_construct_parsed_by_the_client(endpoint: str, fmt: str, method: str) -> None:
    graph = run(endpoint, CONSTRUCT, fmt, method)  # SPARQLWrapper parses these into an rdflib Graph
    assert isomorphic(graph, expected_graph())


@pytest.mark.parametrize(("fmt", "rdflib_format"), [(TURTLE, "turtle"), (N3, "n3")])
def test_construct_as_text(endpoint: str, fmt: str, rdflib_format: str) -> None:
    data = run(endpoint, CONSTRUCT, fmt, GET)
    assert isomorphic(Graph().parse(data=data, format=rdflib_format), expected_graph())


def test_describe(endpoint: str) -> None:
    graph = run(endpoint, f"DESCRIBE <{PSO}>", RDFXML, GET)
    assert (URIRef(PSO), SKOS.altLabel, Literal("PSO", lang="en")) in graph
