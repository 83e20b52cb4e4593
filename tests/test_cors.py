"""CORS on every read (issue 10 #8): each kind of answer, errors and redirects included, may be read by a page on
another origin, and a preflight (OPTIONS) on each path is answered."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from tests.support.linkeddata import PSO_PATH

ORIGIN = {"Origin": "https://app.example"}
QUERY = quote("SELECT ?s WHERE { ?s a <http://www.w3.org/2004/02/skos/core#Concept> } LIMIT 2")
# (what it is, method, path, request headers, body, the status expected)
ANSWERS: list[tuple[str, str, str, dict[str, str], Any, int]] = [
    ("home page", "GET", "/", {}, None, 200),
    ("303 to a document", "GET", PSO_PATH, {"Accept": "text/turtle"}, None, 303),
    ("303 from a graph to its dump", "GET", "/graph/asserted", {"Accept": "text/turtle"}, None, 303),
    ("301 icon", "GET", "/favicon.ico", {}, None, 301),
    ("document", "GET", PSO_PATH + ".jsonld", {}, None, 200),
    ("404 page", "GET", "/no/such/thing", {"Accept": "text/html"}, None, 404),
    ("404 JSON", "GET", "/no/such/thing", {"Accept": "application/json"}, None, 404),
    ("404 text", "GET", "/no/such/thing", {"Accept": "text/plain"}, None, 404),
    ("406", "GET", PSO_PATH, {"Accept": "image/png"}, None, 406),
    ("405", "DELETE", "/concepts", {}, None, 405),
    ("dump", "GET", "/dumps/medkg-asserted.ttl", {}, None, 200),
    ("dump listing", "GET", "/dumps/", {}, None, 200),
    ("404 dump", "GET", "/dumps/medkg-nothing.ttl", {}, None, 404),
    ("search page", "GET", "/search?q=PSO", {}, None, 200),
    ("search JSON", "GET", "/search.json?q=PSO", {}, None, 200),
    ("suggest", "GET", "/suggest?q=pro", {}, None, 200),
    ("annotate GET", "GET", "/annotate?text=a+PSO+plan", {}, None, 200),
    ("annotate POST JSON", "POST", "/annotate", {"Content-Type": "application/json"}, b'{"text": "a PSO"}', 200),
    ("annotate 400", "GET", "/annotate?text=", {"Accept": "application/json"}, None, 400),
    ("annotate 413", "POST", "/annotate", {"Content-Type": "text/plain"}, b"PSO " * 300_000, 413),
    ("context", "GET", "/context.jsonld", {}, None, 200),
    ("applicable definitions 400", "GET", "/applicable-definitions", {}, None, 400),
    ("SPARQL results", "GET", f"/sparql?query={QUERY}", {"Accept": "application/sparql-results+json"}, None, 200),
    ("SPARQL results again (cache)", "GET", f"/sparql?query={QUERY}", {"Accept": "application/sparql-results+json"},
     None, 200),
    ("SPARQL POST", "POST", "/sparql", {"Content-Type": "application/sparql-query"}, b"ASK {}", 200),
    ("SPARQL 400", "GET", "/sparql?query=SELECT", {}, None, 400),
    ("SPARQL service description", "GET", "/sparql", {"Accept": "text/turtle"}, None, 200),
    ("SPARQL editor", "GET", "/sparql", {"Accept": "text/html"}, None, 200),
    ("FHIR metadata", "GET", "/fhir/metadata", {}, None, 200),
    ("FHIR 404", "GET", "/fhir/CodeSystem/nothing", {}, None, 404),
    ("changes", "GET", "/changes", {}, None, 200),
    ("health", "GET", "/-/health", {}, None, 200),
    ("static file", "GET", "/static/medkg.css", {}, None, 200),
]


@pytest.mark.parametrize(("what", "method", "path", "headers", "body", "status"), ANSWERS, ids=[a[0] for a in ANSWERS])
def test_every_kind_of_answer_may_be_read_cross_origin(client: FlaskClient, what: str, method: str, path: str,
                                                      headers: dict[str, str], body: Any, status: int) -> None:
    answer = client.open(path, method=method, headers={**ORIGIN, **headers}, data=body)
    assert answer.status_code == status, (what, answer.get_data(as_text=True)[:300])
    assert answer.headers.get("Access-Control-Allow-Origin") == "*", what


def test_a_not_modified_answer_too(client: FlaskClient) -> None:
    first = client.get(PSO_PATH + ".ttl", headers=ORIGIN)
    again = client.get(PSO_PATH + ".ttl", headers={**ORIGIN, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.headers.get("Access-Control-Allow-Origin") == "*"


@pytest.mark.parametrize("path", sorted({a[2].split("?")[0] for a in ANSWERS}))
def test_every_path_answers_a_preflight(client: FlaskClient, path: str) -> None:
    asked = {**ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    answer = client.options(path, headers=asked)
    assert answer.status_code in (200, 204), (path, answer.status_code)
    assert answer.headers.get("Access-Control-Allow-Origin") == "*"
    assert "POST" in answer.headers["Access-Control-Allow-Methods"].split(", ")
    assert answer.headers["Access-Control-Allow-Headers"] == "content-type"
