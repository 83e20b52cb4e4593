"""RDF documents, the JSON-LD context, dumps and HTTP caching, against the hand-written fixture build."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from medkg import formats
from medkg.extensions import VOID_HOOKS
from medkg.linkeddata import dump_links
from medkg.namespaces import MEDKG, ONTOLOGY_IRI, SHAPES_IRI, VOID
from medkg.pipeline.export import jsonld_context
from medkg.pipeline.output import load_graph
from rdflib import DCTERMS, RDF, SKOS, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from tests.support.linkeddata import FIXTURE, PSO, PSO_PATH, REG_PSO, make_app, site_of

INFERRED = URIRef("https://w3id.org/medkg/graph/inferred")
RDFLIB_NAMES = {".ttl": "turtle", ".nt": "nt", ".rdf": "xml", ".jsonld": "json-ld", ".trig": "trig", ".nq": "nquads"}

# rdflib warns about its own deprecated internals when it parses datasets; that is not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def about(graph: Graph, iri: str) -> set[tuple]:
    return set(graph.triples((URIRef(iri), None, None)))


def parse(client: FlaskClient, path: str, suffix: str) -> Dataset:
    """Parse a document into an rdflib Dataset, giving JSON-LD the context the site publishes."""
    response = client.get(path + suffix)
    assert response.status_code == 200, path + suffix
    text = response.get_data(as_text=True)
    if suffix == ".jsonld":
        data = json.loads(text)
        assert data["@context"].endswith("/context.jsonld")
        data["@context"] = client.get("/context.jsonld").get_json()["@context"]
        text = json.dumps(data)
    dataset = Dataset()
    dataset.parse(data=text, format=RDFLIB_NAMES[suffix])
    return dataset


def test_a_concept_document_holds_its_triples_the_inferred_ones_and_linked_labels(client: FlaskClient) -> None:
    asserted, inferred = load_graph(FIXTURE, "asserted"), load_graph(FIXTURE, "inferred")
    doc = Graph().parse(data=client.get(PSO_PATH + ".ttl").get_data(as_text=True), format="turtle")
    assert about(doc, PSO) == about(asserted, PSO) | about(inferred, PSO)
    assert (URIRef(REG_PSO), SKOS.prefLabel, Literal("provider-sponsored organization", lang="en")) in doc
    assert (MEDKG.GlossaryConcept, URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
            Literal("glossary concept", lang="en")) in doc
    turtle = client.get(PSO_PATH + ".ttl").get_data(as_text=True)
    _, _, tail = turtle.partition("not asserted by any source:\n")
    inferred_only = Graph().parse(data=tail, format="turtle")
    assert set(inferred_only) == about(inferred, PSO) - about(asserted, PSO)
    assert (URIRef(PSO), SKOS.related, URIRef(PSO.replace("provider-sponsored-organization-pso",
                                                           "managed-care-plan"))) in inferred_only


@pytest.mark.parametrize("suffix", [".jsonld", ".trig", ".nq"])
def test_graph_aware_formats_put_inferred_triples_in_the_inferred_named_graph(client: FlaskClient,
                                                                               suffix: str) -> None:
    asserted, inferred = load_graph(FIXTURE, "asserted"), load_graph(FIXTURE, "inferred")
    dataset = parse(client, PSO_PATH, suffix)
    named = dataset.graph(INFERRED)
    assert set(named) == about(inferred, PSO) - about(asserted, PSO)
    assert about(dataset.default_graph, PSO) == about(asserted, PSO)


@pytest.mark.parametrize("suffix", [".ttl", ".nt", ".rdf"])
def test_single_graph_formats_give_the_union(client: FlaskClient, suffix: str) -> None:
    expected = about(load_graph(FIXTURE, "all"), PSO)
    dataset = parse(client, PSO_PATH, suffix)
    assert about(dataset.default_graph, PSO) == expected


def test_the_published_context_covers_every_property_and_class(client: FlaskClient) -> None:
    context = client.get("/context.jsonld").get_json()["@context"]
    assert context == jsonld_context()
    graph = load_graph(FIXTURE, "all")
    used = {p for p in graph.predicates()} | set(graph.objects(None, RDF.type))
    uncovered = [str(t) for t in used if not any(str(t).startswith(ns) for ns in context.values())]
    assert uncovered == []


@pytest.mark.parametrize("which", ["asserted", "inferred", "all"])
@pytest.mark.parametrize(("suffix", "fmt"), [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_dumps_round_trip_to_the_build(client: FlaskClient, which: str, suffix: str, fmt: str) -> None:
    response = client.get(f"/dumps/medkg-{which}.{suffix}")
    assert response.status_code == 200
    assert isomorphic(Graph().parse(data=response.get_data(as_text=True), format=fmt), load_graph(FIXTURE, which))


def test_the_dumps_are_advertised_in_void(app: Flask, client: FlaskClient) -> None:
    graph, dataset_iri = Graph(), URIRef("http://localhost/sparql#dataset")
    for hook in app.extensions[VOID_HOOKS]:
        hook(graph, dataset_iri, "http://localhost/")
    dumps = {str(o) for o in graph.objects(dataset_iri, VOID.dataDump)}
    assert dumps == {f"http://localhost/dumps/medkg-{g}.{s}" for g in ("asserted", "inferred", "all")
                     for s in ("ttl", "nt", "jsonld")}
    assert graph.value(dataset_iri, DCTERMS.conformsTo) == URIRef(SHAPES_IRI)
    assert (dataset_iri, VOID.vocabulary, URIRef(ONTOLOGY_IRI)) in graph
    assert set(graph.objects(URIRef(ONTOLOGY_IRI), VOID.dataDump)) == {
        URIRef(f"http://localhost/dumps/medkg-ontology.{s}") for s in ("ttl", "nt", "jsonld")}


@pytest.mark.parametrize("accept", [None, "*/*", "text/html,application/xhtml+xml,*/*;q=0.8"])
def test_every_data_dump_in_the_service_description_answers_a_plain_get_with_rdf(client: FlaskClient,
                                                                                 accept: str | None) -> None:
    """A harvester following void:dataDump gets RDF, whatever it sends as Accept (issue 13, item 6)."""
    description = Graph().parse(data=client.get("/sparql", headers={"Accept": "text/turtle"}).data, format="turtle")
    dumps = {str(o) for o in description.objects(None, VOID.dataDump)}
    assert len(dumps) == 15  # 3 data graphs, the ontology and the shapes, 3 formats each
    by_type = {f.media_type: f for f in formats.RDF.values()}
    for url in sorted(dumps):
        response = client.get(url.removeprefix("http://localhost"), headers={"Accept": accept} if accept else {})
        assert response.status_code == 200 and response.mimetype in by_type, url
        data = response.get_data(as_text=True)
        assert len(Graph().parse(data=data, format=by_type[response.mimetype].rdflib)) > 0, url
    shapes = client.get("/dumps/medkg-shapes.ttl").get_data(as_text=True)
    assert isomorphic(Graph().parse(data=shapes, format="turtle"), site_of(client.application).shapes)
    ontology = client.get("/dumps/medkg-ontology.nt").get_data(as_text=True)
    assert isomorphic(Graph().parse(data=ontology, format="nt"), site_of(client.application).ontology)


@pytest.mark.parametrize("path", [PSO_PATH + ".ttl", PSO_PATH + ".html", "/", "/search?q=pso", "/dumps/medkg-all.nt",
                                  "/concepts", "/context.jsonld"])
def test_validators_and_conditional_requests(client: FlaskClient, path: str) -> None:
    first = client.get(path)
    assert first.status_code == 200
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert modified == "Sun, 22 Nov 2026 12:00:00 GMT"  # the build time in build.json, not the clock
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(path, headers={"If-None-Match": '"something-else"'}).status_code == 200
    assert "no-cache" in first.headers["Cache-Control"]  # always revalidated: a new build shows at once


def test_a_build_without_inferred_triples(tmp_path: Path) -> None:
    for name in ("graph.ttl", "build.json"):
        (tmp_path / name).write_text((FIXTURE / name).read_text(encoding="utf-8"), encoding="utf-8")
    app = make_app(tmp_path)
    client = app.test_client()
    assert dump_links(site_of(app).dataset, "http://x/") == [
        "http://x/dumps/medkg-asserted.ttl", "http://x/dumps/medkg-asserted.nt", "http://x/dumps/medkg-asserted.jsonld"]
    assert client.get("/dumps/medkg-inferred.ttl").status_code == 404
    turtle = client.get(PSO_PATH + ".ttl").get_data(as_text=True)
    assert "Inferred" not in turtle
    assert about(Graph().parse(data=turtle, format="turtle"), PSO) == about(load_graph(FIXTURE), PSO)


def test_rendered_documents_are_kept_up_to_the_cache_size() -> None:
    app = make_app(PAGE_CACHE_SIZE=2)
    client, cache = app.test_client(), site_of(app).documents
    first = client.get(PSO_PATH + ".ttl").data
    assert client.get(PSO_PATH + ".ttl").data == first and len(cache.entries) == 1
    for path in ("/cfr/42/422/422.350.html", "/fr/63/34968.nt", PSO_PATH + ".jsonld"):
        assert client.get(path).status_code == 200
    assert len(cache.entries) == 2
    assert [key[1] for key in cache.entries] == [".nt", ".jsonld"]  # the least recently used went first
    uncached = make_app(PAGE_CACHE_SIZE=0)
    assert uncached.test_client().get(PSO_PATH + ".ttl").data == first and not site_of(uncached).documents.entries


def test_head_requests(client: FlaskClient) -> None:
    assert client.head(PSO_PATH, headers={"Accept": "text/turtle"}).status_code == 303
    head = client.head(PSO_PATH + ".ttl")
    assert head.status_code == 200 and head.data == b"" and head.headers["ETag"]
    assert client.head(PSO_PATH + ".ttl", headers={"If-None-Match": head.headers["ETag"]}).status_code == 304


def test_gzip_when_asked(client: FlaskClient) -> None:
    plain = client.get("/dumps/medkg-all.ttl")
    zipped = client.get("/dumps/medkg-all.ttl", headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.data) == plain.data
    assert zipped.headers["ETag"] != plain.headers["ETag"]
    assert "Content-Encoding" not in client.get("/dumps/medkg-all.ttl", headers={"Accept-Encoding": "gzip;q=0"}).headers


def test_the_site_precomputes_its_index_once(app: Flask) -> None:
    site = site_of(app)
    assert site.index is site_of(app).index
    assert any(e.iri == PSO and e.kind == "acronym" for e in site.index.entries)
