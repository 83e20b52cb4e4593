"""The one format registry (medkg.formats): each consumer offers exactly what it declares, and each format works."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from medkg import formats
from medkg.extensions import SPARQL
from medkg.pipeline.export import SERIALIZERS, serialize
from medkg.pipeline.oxterms import graph_from_ox
from medkg.validate_cli import guess_format
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from tests.support.linkeddata import PSO, PSO_PATH, make_app

SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
# The formats the W3C names under http://www.w3.org/ns/formats/ (https://www.w3.org/ns/formats/).
W3C_NAMES = {"JSON-LD", "N3", "N-Triples", "N-Quads", "LD_Patch", "microdata", "OWL_XML", "OWL_Functional",
             "OWL_Manchester", "POWDER", "POWDER-S", "PROV-N", "PROV-XML", "RDFa", "RDF_JSON", "RDF_XML", "RIF_XML",
             "Turtle", "TriG", "SPARQL_Results_XML", "SPARQL_Results_JSON", "SPARQL_Results_CSV",
             "SPARQL_Results_TSV"}
OFFERS = {"EXPORT": formats.EXPORT, "DOCUMENTS": formats.DOCUMENTS, "DUMPS": formats.DUMPS,
          "SPARQL_TABULAR": formats.SPARQL_TABULAR, "SPARQL_GRAPH": formats.SPARQL_GRAPH,
          "DESCRIPTION": formats.DESCRIPTION, "READ": formats.READ}
SAMPLE = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://example.org/a> a skos:Concept ; skos:prefLabel "A \\"quoted\\"\\nline"@en, "Á"@es ;
    skos:notation "1"^^<http://www.w3.org/2001/XMLSchema#integer> ; skos:related <https://example.org/b> ."""


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    app = make_app(QUERY_PROCESSES=1)
    yield app
    app.extensions[SPARQL].close()


def test_every_offer_names_registered_formats_with_distinct_media_types() -> None:
    for offer, names in OFFERS.items():
        assert len(set(names)) == len(names), offer
        found = formats.offer(names)
        mains = [f.media_type for f in found]
        assert len(set(mains)) == len(mains), offer
        assert all(f.suffix.startswith(".") for f in found), offer


def test_every_format_names_a_w3c_format_and_rdf_formats_name_both_libraries() -> None:
    for fmt in (*formats.RDF.values(), *formats.RESULTS.values()):
        assert fmt.iri == formats.W3C_FORMATS + fmt.w3c and fmt.w3c in W3C_NAMES, fmt.name
    for fmt in formats.RDF.values():
        assert fmt.rdflib and isinstance(fmt.oxigraph, ox.RdfFormat), fmt.name
        assert fmt.oxigraph.media_type == fmt.media_type, fmt.name  # pyoxigraph agrees on the media type
    assert formats.get("html") is formats.HTML
    with pytest.raises(KeyError):
        formats.get("docx")


def test_export_has_one_deterministic_serializer_per_export_format() -> None:
    assert set(SERIALIZERS) == set(formats.EXPORT)


@pytest.mark.parametrize("name", formats.EXPORT)
def test_each_export_format_reads_back_with_rdflib_and_pyoxigraph(name: str) -> None:
    fmt = formats.RDF[name]
    graph = Graph().parse(data=SAMPLE, format="turtle")
    text = serialize(graph, name)
    assert isomorphic(Graph().parse(data=text, format=fmt.rdflib), graph)
    assert fmt.oxigraph is not None
    assert isomorphic(graph_from_ox(ox.parse(text.encode(), format=fmt.oxigraph)), graph)


@pytest.mark.parametrize("suffix", sorted(formats.by_suffix(formats.READ, reading=True)))
def test_validate_reads_every_registered_suffix(suffix: str, tmp_path: Path) -> None:
    fmt = formats.by_suffix(formats.READ, reading=True)[suffix]
    graph = Graph().parse(data=SAMPLE, format="turtle")
    path = tmp_path / f"file{suffix}"
    path.write_text(graph.serialize(format=fmt.rdflib), encoding="utf-8")
    assert guess_format(path, path.read_text(encoding="utf-8")) == fmt.rdflib
    assert isomorphic(Graph().parse(path, format=guess_format(path, "")), graph)


def _rdf(client: FlaskClient, data: bytes, fmt: formats.Format) -> Graph:
    """Every triple of an answer (named graphs too); JSON-LD documents get the context the site publishes."""
    if fmt.name == "jsonld":
        document = json.loads(data)
        if isinstance(document, dict) and isinstance(document.get("@context"), str):
            document["@context"] = client.get("/context.jsonld").get_json()["@context"]
        data = json.dumps(document).encode()
    dataset = Dataset()
    dataset.parse(data=data, format=fmt.rdflib)
    union = Graph()
    for s, p, o, _g in dataset.quads():
        union.add((s, p, o))
    return union


@pytest.mark.parametrize("name", formats.DOCUMENTS)
def test_documents_offer_every_document_format_by_suffix_and_by_each_media_type(name: str,
                                                                                 client: FlaskClient) -> None:
    fmt = formats.get(name)
    response = client.get(PSO_PATH + fmt.suffix)
    assert response.status_code == 200 and response.mimetype == fmt.media_type
    if fmt is not formats.HTML:
        assert (URIRef(PSO), SKOS.prefLabel, None) in _rdf(client, response.data, fmt)
    for media_type in fmt.media_types:
        see_other = client.get(PSO_PATH, headers={"Accept": media_type})
        assert see_other.status_code == 303, media_type
        assert see_other.location.endswith(PSO_PATH + fmt.suffix), media_type


@pytest.mark.parametrize("name", formats.DUMPS)
def test_dumps_offer_every_dump_format(name: str, client: FlaskClient) -> None:
    fmt = formats.RDF[name]
    response = client.get(f"/dumps/medkg-asserted{fmt.suffix}")
    assert response.status_code == 200 and response.mimetype == fmt.media_type
    assert (URIRef(PSO), SKOS.prefLabel, Literal("Provider-Sponsored Organization (PSO)", lang="en")) in _rdf(
        client, response.data, fmt)
    for media_type in fmt.media_types:  # the named graph's IRI answers 303 to its dump
        see_other = client.get("/graph/asserted", headers={"Accept": media_type})
        assert see_other.status_code == 303 and see_other.location.endswith(f"/dumps/medkg-asserted{fmt.suffix}")


@pytest.mark.parametrize("name", formats.SPARQL_GRAPH)
def test_sparql_graph_answers_in_every_graph_format(name: str, client: FlaskClient) -> None:
    fmt = formats.RDF[name]
    query = f"CONSTRUCT {{ <{PSO}> ?p ?o }} WHERE {{ <{PSO}> ?p ?o }}"
    for media_type in fmt.media_types:
        response = client.get("/sparql", query_string={"query": query}, headers={"Accept": media_type})
        assert response.status_code == 200 and response.mimetype == media_type  # answered as asked
        assert (URIRef(PSO), SKOS.prefLabel, None) in _rdf(client, response.data, fmt)
    for alias in (fmt.name, *fmt.name_aliases):
        response = client.get("/sparql", query_string={"query": query, "format": alias})
        assert response.status_code == 200 and response.mimetype == fmt.media_type, alias


@pytest.mark.parametrize("name", formats.SPARQL_TABULAR)
def test_sparql_select_answers_in_every_results_format(name: str, client: FlaskClient) -> None:
    fmt = formats.RESULTS[name]
    for media_type in fmt.media_types:
        response = client.get("/sparql", query_string={"query": "SELECT ?x { BIND(1 AS ?x) }"},
                              headers={"Accept": media_type})
        assert response.status_code == 200 and response.mimetype == media_type  # answered as asked


def test_service_description_lists_every_sparql_format_and_answers_in_every_description_format(
        client: FlaskClient) -> None:
    expected = {URIRef(f.iri) for f in formats.offer(formats.SPARQL_TABULAR + formats.SPARQL_GRAPH)}
    for fmt in formats.offer(formats.DESCRIPTION):
        response = client.get("/sparql", headers={"Accept": fmt.media_type})
        assert response.status_code == 200 and response.mimetype == fmt.media_type
        if fmt is not formats.HTML:
            graph = _rdf(client, response.data, fmt)
            assert set(graph.objects(None, SD.resultFormat)) == expected
