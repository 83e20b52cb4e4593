"""Dereferencing: 303 to a document chosen by Accept (q-values, wildcards, aliases), suffixes, 404s and 406s."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import RDF, SH, URIRef

from tests.support.linkeddata import BASE, FIXTURE, PSO_PATH, make_app, site_of

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
RDFLIB = ("application/rdf+xml, text/n3, text/turtle, application/n-triples, application/ld+json, "
          "application/n-quads, application/trig")

# (Accept header, suffix of the document the 303 points to; None means 406 Not Acceptable)
ACCEPT_CASES = [
    (BROWSER, ".html"),
    (None, ".html"),
    ("*/*", ".html"),
    ("text/turtle", ".ttl"),
    ("application/x-turtle", ".ttl"),
    ("application/ld+json", ".jsonld"),
    ("application/json", ".jsonld"),
    ("application/rdf+xml", ".rdf"),
    ("application/n-triples", ".nt"),
    ("application/trig", ".trig"),
    ("application/n-quads", ".nq"),
    # Skosmos bug: Turtle asked for alongside RDF/XML must not be answered with RDF/XML.
    ("text/turtle, application/rdf+xml;q=0.9", ".ttl"),
    ("application/rdf+xml;q=0.5, text/turtle", ".ttl"),
    ("text/turtle;q=0.2, application/rdf+xml;q=0.8", ".rdf"),
    ("text/html;q=0.1, application/ld+json", ".jsonld"),
    ("application/ld+json;q=0.3, text/turtle;q=0.3, text/html;q=0", ".ttl"),  # tie: the server's order
    ("text/*", ".html"),
    ("application/*;q=0.9, text/turtle;q=0.5", ".jsonld"),
    ("TEXT/TURTLE", ".ttl"),
    ("text/turtle;charset=utf-8", ".ttl"),
    (RDFLIB, ".ttl"),
    ("image/png", None),
    ("application/pdf, image/*", None),
    ("text/turtle;q=0, application/sparql-results+json", None),
    ("*/*;q=0", None),
]


@pytest.mark.parametrize(("accept", "suffix"), ACCEPT_CASES)
def test_accept_header_table(client: FlaskClient, accept: str | None, suffix: str | None) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    response = client.get(PSO_PATH, headers=headers)
    assert "Accept" in response.headers.get("Vary", "")
    if suffix is None:
        assert response.status_code == 406  # never a redirect to something the client refused
        assert "text/turtle" in response.get_data(as_text=True)
    else:
        assert response.status_code == 303
        assert response.headers["Location"] == PSO_PATH + suffix


@pytest.mark.parametrize(("suffix", "media_type"), [
    (".html", "text/html"), (".ttl", "text/turtle"), (".jsonld", "application/ld+json"),
    (".rdf", "application/rdf+xml"), (".nt", "application/n-triples"), (".trig", "application/trig"),
    (".nq", "application/n-quads"),
])
def test_a_suffix_selects_the_format_whatever_the_accept_header(client: FlaskClient, suffix: str,
                                                                 media_type: str) -> None:
    response = client.get(PSO_PATH + suffix, headers={"Accept": "image/png"})
    assert response.status_code == 200
    assert response.mimetype == media_type
    if suffix != ".html":
        assert response.headers["Link"] == f'<{BASE}{PSO_PATH[1:]}>; rel="describes"'


@pytest.mark.parametrize(("path", "accept", "media_type"), [
    ("/concept/nope/nothing", "text/html", "text/html"),
    ("/concept/nope/nothing", "text/turtle", "text/turtle"),
    ("/concept/nope/nothing", "application/ld+json", "application/ld+json"),
    ("/concept/nope/nothing", "application/rdf+xml", "application/rdf+xml"),
    ("/concept/nope/nothing.ttl", "text/html", "text/turtle"),
    ("/concept/nope/nothing.nt", None, "application/n-triples"),
    ("/def/NoSuchTerm", "text/turtle", "text/turtle"),
    ("/concept/nope/nothing", "image/png", "text/plain"),
])
def test_an_unknown_iri_is_a_404_in_the_format_asked(client: FlaskClient, path: str, accept: str | None,
                                                      media_type: str) -> None:
    response = client.get(path, headers={"Accept": accept} if accept else {})
    assert response.status_code == 404
    assert response.mimetype == media_type


def test_a_build_made_with_another_base_is_served_under_it(tmp_path: Path) -> None:
    """Request paths map to IRIs under the build's base; the ontology stays at /def whatever the base."""
    local = "http://localhost:9999/"
    for name in ("graph.ttl", "inferred.ttl", "build.json"):
        text = (FIXTURE / name).read_text(encoding="utf-8").replace(BASE, local)
        (tmp_path / name).write_text(text.replace(local + "def/", BASE + "def/"), encoding="utf-8")
    app = make_app(tmp_path)
    client = app.test_client()
    response = client.get(PSO_PATH + ".nt")
    assert f"<{local}{PSO_PATH[1:]}> <http://www.w3.org/2004/02/skos/core#altLabel> \"PSO\"@en ." in (
        response.get_data(as_text=True))
    assert client.get("/def/GlossaryConcept", headers={"Accept": "text/turtle"}).headers["Location"] == (
        "/def/GlossaryConcept.ttl")
    assert client.get("/def/GlossaryConcept.ttl").status_code == 200
    shapes = sorted(str(s) for s in site_of(app).shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef))
    assert shapes, "the repository's shapes/ folder defines named node shapes"
    document = client.get(shapes[0].removeprefix("https://w3id.org/medkg") + ".nt")  # fixed IRIs, like /def
    typed = f"<{shapes[0]}> <{RDF.type}> <{SH.NodeShape}> ."
    assert typed in document.get_data(as_text=True)


def test_a_script_root_prefixes_the_redirect(app: Flask) -> None:
    client = app.test_client()
    response = client.get(PSO_PATH, headers={"Accept": "text/turtle"}, base_url="http://localhost/medkg")
    assert response.headers["Location"] == "/medkg" + PSO_PATH + ".ttl"


@pytest.mark.parametrize(("accept", "location"), [
    ("text/turtle", "/dumps/medkg-asserted.ttl"), ("application/n-triples", "/dumps/medkg-asserted.nt"),
    ("application/ld+json", "/dumps/medkg-asserted.jsonld"), (None, "/dumps/medkg-asserted.ttl"),
])
def test_a_named_graph_iri_answers_with_its_dump(client: FlaskClient, accept: str | None, location: str) -> None:
    response = client.get("/graph/asserted", headers={"Accept": accept} if accept else {})
    assert response.status_code == 303 and response.headers["Location"] == location
    assert client.get(location).status_code == 200
    assert client.get("/graph/inferred", headers={"Accept": "image/png"}).status_code == 406
