"""Real builds (the shipped data/ and the shared corpora): every IRI dereferences in every format, search and
dumps work on real data."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from medkg.linkeddata.documents import DOC_FORMATS, RDF_DOC_FORMATS
from medkg.pipeline.build import assemble, write_outputs
from medkg.pipeline.output import load_graph
from medkg.pipeline.steps import OutputOptions, output_steps
from medkg.siteindex import DISPLAY_NAME_PROPERTIES
from rdflib import RDF, BNode, Dataset, Graph, URIRef

from tests.support.linkeddata import FIXTURE, local_path, make_app, served_iris, site_of
from tests.support.paths import ROOT

RDFLIB_NAMES = {".ttl": "turtle", ".nt": "nt", ".rdf": "xml", ".jsonld": "json-ld", ".trig": "trig", ".nq": "nquads"}

# rdflib warns about its own deprecated internals when it parses datasets; that is not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def built(out: Path, sources: list[Path]) -> Flask:
    """The build pipeline (parse, link, write, infer, validate) into ``out``, kept even when the validation gate
    would reject it: these tests are about serving whatever the pipeline makes; the gate has its own tests."""
    ctx = assemble(sources, progress=lambda _message: None)
    out.mkdir(parents=True)
    write_outputs(ctx, out, sources)
    for step in output_steps():
        step(ctx, out, OutputOptions())
    return make_app(out)


@pytest.fixture(scope="module")
def data_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return built(tmp_path_factory.mktemp("ld-data") / "out", [ROOT / "data"])


@pytest.fixture(scope="module")
def shared_app(real_app: Flask) -> Flask:
    return real_app


def parse_document(client: FlaskClient, path: str, suffix: str) -> Dataset:
    text = client.get(path + suffix).get_data(as_text=True)
    if suffix == ".jsonld":
        data = json.loads(text)
        data["@context"] = client.get("/context.jsonld").get_json()["@context"]
        text = json.dumps(data)
    dataset = Dataset()
    dataset.parse(data=text, format=RDFLIB_NAMES[suffix])
    return dataset


def check_negotiation(client: FlaskClient, path: str) -> None:
    for fmt in DOC_FORMATS:
        response = client.get(path, headers={"Accept": fmt.media_type})
        assert response.status_code == 303 and response.headers["Location"] == path + fmt.suffix, (path, fmt)


def check_description(dataset: Dataset, iri: str, build: Graph) -> None:
    """The document says exactly what the build (graph.ttl and inferred.ttl, read here with rdflib) says about
    ``iri``, plus only the labels of what it links to. IRIs the build does not describe (ontology terms, shapes)
    are described by the ontology or shapes graphs; their own tests check that content."""
    union = {(s, p, o) for s, p, o, _g in dataset.quads((None, None, None, None))}
    about = {t for t in union if t[0] == URIRef(iri)}
    expected = set(build.triples((URIRef(iri), None, None)))
    if expected:
        assert about == expected, (iri, sorted(about ^ expected)[:5])
    else:
        assert about, f"{iri}: the document says nothing about it"
    linked = {o for _s, _p, o in about}
    extra = [t for t in union - about if not (t[1] in DISPLAY_NAME_PROPERTIES and t[0] in linked)]
    assert not extra or not expected, (iri, extra[:5])


def check_documents(client: FlaskClient, iri: str, path: str, parse: tuple[str, ...],
                    links: set[str] | None = None, build: Graph | None = None) -> None:
    for fmt in DOC_FORMATS:
        response = client.get(path + fmt.suffix)
        assert response.status_code == 200 and response.mimetype == fmt.media_type, (iri, fmt.suffix)
        if fmt.suffix in parse:
            check_description(parse_document(client, path, fmt.suffix), iri, build if build is not None else Graph())
        elif fmt.suffix == ".html":
            html = response.get_data(as_text=True)
            assert "<h1>" in html, iri
            if links is not None:
                links.update(internal_links(html))


def internal_links(html: str) -> set[str]:
    return {unescape(h).split("#")[0] for h in re.findall(r'href="(/[^"]*)"', html)} - {""}


def check_links(client: FlaskClient, links: set[str]) -> None:
    """Every link a page shows leads somewhere: no page of ours links to a 404."""
    broken = [link for link in sorted(links)
              if client.get(link, headers={"Accept": "text/html"}, follow_redirects=True).status_code != 200]
    assert broken == []


def test_every_iri_of_the_shipped_build_dereferences_in_every_format(data_app: Flask) -> None:
    client, iris = data_app.test_client(), served_iris(data_app)
    assert any("/concept/" in iri for iri in iris) and any("/cfr/" in iri for iri in iris)
    build = load_graph(site_of(data_app).dataset.folder, "all")
    links: set[str] = set()
    for iri in iris:
        path = local_path(data_app, iri)
        check_negotiation(client, path)
        check_documents(client, iri, path, tuple(f.suffix for f in RDF_DOC_FORMATS), links, build)
    check_links(client, links)


def test_every_iri_of_the_fixture_dereferences_in_every_format() -> None:
    app = make_app(FIXTURE)
    client = app.test_client()
    build = load_graph(FIXTURE, "all")
    links: set[str] = set()
    for iri in served_iris(app):
        path = local_path(app, iri)
        check_negotiation(client, path)
        check_documents(client, iri, path, tuple(f.suffix for f in RDF_DOC_FORMATS), links, build)
    check_links(client, links | internal_links(client.get("/").get_data(as_text=True)))


def test_every_iri_of_the_shared_corpora_dereferences(shared_app: Flask) -> None:
    """Every IRI negotiated (to one format, in turn); one IRI in twenty in every format, parsed, and one in eight
    as a page. (The shipped build and the fixture are walked in full above; sampling keeps the suite quick.)"""
    client, iris = shared_app.test_client(), served_iris(shared_app)
    build = load_graph(site_of(shared_app).dataset.folder, "all")
    assert len(iris) > 1000
    for number, iri in enumerate(iris):
        path = local_path(shared_app, iri)
        fmt = DOC_FORMATS[number % len(DOC_FORMATS)]
        response = client.get(path, headers={"Accept": fmt.media_type})
        assert response.status_code == 303 and response.headers["Location"] == path + fmt.suffix, iri
        if number % 20 == 0:
            check_documents(client, iri, path, tuple(f.suffix for f in RDF_DOC_FORMATS), build=build)
        elif number % 8 == 1:
            assert "<h1>" in client.get(path + ".html").get_data(as_text=True), iri


def test_the_context_covers_every_property_and_class_of_the_shared_corpora(shared_app: Flask) -> None:
    context = shared_app.test_client().get("/context.jsonld").get_json()["@context"]
    graph = load_graph(site_of(shared_app).dataset.folder, "all")
    used = set(graph.predicates()) | set(graph.objects(None, RDF.type))
    assert sorted(str(t) for t in used if not any(str(t).startswith(ns) for ns in context.values())) == []


def test_search_on_the_shared_corpora(shared_app: Flask) -> None:
    index = site_of(shared_app).index
    first = index.search("PSO")[0]
    assert first.label.lower().startswith("provider-sponsored organization")
    for concept_label in ("Capitation", "MA organization", "Provider-sponsored organization"):
        top = index.search(concept_label)[0]
        assert top.match == "preferred label" and top.label.lower() == concept_label.lower()


@pytest.mark.parametrize("which", ["asserted", "inferred", "all"])
def test_dumps_of_the_shared_corpora_round_trip(shared_app: Flask, which: str) -> None:
    site = site_of(shared_app)
    if which != "asserted" and not (site.dataset.folder / "inferred.ttl").is_file():
        assert shared_app.test_client().get(f"/dumps/medkg-{which}.nt").status_code == 404
        return
    response = shared_app.test_client().get(f"/dumps/medkg-{which}.nt")
    dumped = Graph().parse(data=response.get_data(as_text=True), format="nt")
    built = load_graph(site.dataset.folder, which)
    # The build has no blank node, so the exact triples are the comparison (isomorphic() takes a minute here).
    assert not any(isinstance(term, BNode) for triple in built for term in triple)
    assert set(dumped) == set(built)


def test_a_note_inferred_from_a_specific_note_is_shown_once(data_app: Flask) -> None:
    page = data_app.test_client().get(
        "/concept/medicareplans-glossary/provider-sponsored-organization-pso.html").get_data(as_text=True)
    notes = page.split("Examples and notes", 1)[1].split("<h2", 1)[0]
    assert notes.count("Receives fixed monthly Medicare payments") == 1
    assert "key characteristic" in notes
