"""The one HTTP helper (medkg.http): CORS on every answer, and errors in the format asked, through the test client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask, Response, abort
from flask.testing import FlaskClient
from medkg.extensions import SPARQL

from tests.support.linkeddata import make_app

ERROR_MARKER = "a secret detail of the failure"


def _app(**config: object) -> Flask:
    app = make_app(QUERY_PROCESSES=1, **config)

    @app.get("/-/boom")
    def boom() -> str:
        raise RuntimeError(ERROR_MARKER)

    @app.get("/-/bad")
    def bad() -> str:
        abort(400, description="<script>alert(1)</script> is not a term")

    @app.get("/-/own")
    def own() -> str:
        abort(Response("a teapot's own answer\n", 418, mimetype="text/plain"))

    return app


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    app = _app()
    yield app
    app.extensions[SPARQL].close()


@pytest.mark.parametrize(("accept", "mimetype"), [
    ("text/html", "text/html"), ("application/json", "application/json"), ("text/plain", "text/plain"),
    ("*/*", "text/html"), ("image/png", "text/plain"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
])
def test_an_error_answers_in_the_format_asked(client: FlaskClient, accept: str, mimetype: str) -> None:
    response = client.get("/dumps/medkg-nothing.ttl", headers={"Accept": accept})
    assert response.status_code == 404 and response.mimetype == mimetype
    assert "Accept" in response.vary
    body = response.get_data(as_text=True)
    if mimetype == "application/json":
        assert response.get_json() == {"ok": False, "status": 404, "title": "Not Found",
                                       "error": response.get_json()["error"]}
        assert "not found" in response.get_json()["error"].lower()
    elif mimetype == "text/html":
        assert "<h1>Not Found</h1>" in body and "<title>404 Not Found · medkg</title>" in body
    else:
        assert body.startswith("404 Not Found: ")


def test_a_wrong_method_keeps_its_allow_header(client: FlaskClient) -> None:
    response = client.post("/dumps/", headers={"Accept": "application/json"})
    assert response.status_code == 405
    assert response.get_json()["title"] == "Method Not Allowed"
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "HEAD"}


def test_a_view_that_aborts_with_its_own_answer_keeps_it(client: FlaskClient) -> None:
    response = client.get("/-/own", headers={"Accept": "application/json"})
    assert response.status_code == 418 and response.text == "a teapot's own answer\n"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_error_pages_escape_what_they_show(client: FlaskClient) -> None:
    response = client.get("/-/bad", headers={"Accept": "text/html"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body


@pytest.mark.parametrize("accept", ["text/html", "application/json", "text/plain"])
def test_a_bug_is_a_500_without_its_traceback(client: FlaskClient, accept: str) -> None:
    response = client.get("/-/boom", headers={"Accept": accept})
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Internal Server Error" in body
    assert ERROR_MARKER not in body and "Traceback" not in body


@pytest.mark.parametrize("accept", ["text/html", "application/json", "text/plain"])
def test_debug_errors_shows_the_traceback(accept: str) -> None:
    app = _app(DEBUG_ERRORS=True)
    try:
        response = app.test_client().get("/-/boom", headers={"Accept": accept})
        assert response.status_code == 500
        body = response.get_json()["traceback"] if accept == "application/json" else response.get_data(as_text=True)
        assert "Traceback" in body and f"RuntimeError: {ERROR_MARKER}" in body
    finally:
        app.extensions[SPARQL].close()


@pytest.mark.parametrize("path", ["/", "/context.jsonld", "/dumps/", "/dumps/medkg-asserted.nt", "/-/health",
                                  "/sparql", "/concept/nope/nothing", "/-/boom"])
def test_every_answer_may_be_read_cross_origin(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_the_query_layer_uses_the_same_cors_and_text_errors(client: FlaskClient) -> None:
    answer = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert answer.status_code == 200 and answer.headers["Access-Control-Allow-Origin"] == "*"
    error = client.get("/sparql", query_string={"query": "SELEKT nothing"})
    assert error.status_code == 400 and error.headers["Access-Control-Allow-Origin"] == "*"
    assert error.headers["Content-Type"] == "text/plain; charset=utf-8" and "Traceback" not in error.text


def test_preflights_are_answered(client: FlaskClient) -> None:
    for path in ("/sparql", "/dumps/medkg-asserted.ttl"):
        preflight = client.options(path, headers={"Origin": "https://example.org",
                                                  "Access-Control-Request-Method": "POST",
                                                  "Access-Control-Request-Headers": "Content-Type"})
        assert preflight.status_code == 200, path
        assert preflight.headers["Access-Control-Allow-Origin"] == "*"
        assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
        assert preflight.headers["Access-Control-Allow-Headers"] == "Content-Type"
