"""Issue 14, the server through the Flask test client: chunked bodies are capped (#9), paths that are no IRI are
404s (#12), a forged Host is never reflected (#13), the answer and page caches are bounded by bytes (#14); a query
string of raw bytes is a 400 when it is not UTF-8, and read as percent-encoded by ``medkg serve`` when it is."""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from medkg.app import create_app
from medkg.extensions import SPARQL
from medkg.sparql.cache import MIB, AnswerCache

from tests.support.linkeddata import PSO_PATH, make_app, site_of
from tests.support.sparql import free_port, serve_process, write_build

FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def sparql_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    folder = write_build(tmp_path_factory.mktemp("hardening") / "build")
    app = create_app({"BUILD_DIR": str(folder), "TESTING": True, "QUERY_PROCESSES": 1, "ANSWER_CACHE_MB": 1})
    yield app
    app.extensions[SPARQL].close()


def chunked_post(client: FlaskClient, body: bytes, content_type: str) -> tuple[int, bytes]:
    """A POST without Content-Length whose body ends with the stream (what a chunked request is to WSGI)."""
    response = client.post("/sparql", input_stream=io.BytesIO(body),
                           headers={"Transfer-Encoding": "chunked", "Content-Type": content_type},
                           environ_overrides={"wsgi.input_terminated": True})
    return response.status_code, response.data


@pytest.mark.parametrize("content_type", [FORM, "application/sparql-query"])
def test_a_chunked_body_is_capped_with_413(sparql_app: Flask, content_type: str) -> None:
    client = sparql_app.test_client()
    query = b"query=ASK%7B%7D" if content_type == FORM else b"ASK {}"
    status, body = chunked_post(client, query + b"&pad=" + b"a" * (5 * MIB), content_type)
    assert status == 413 and b"request body too large" in body
    assert chunked_post(client, query, content_type) == (200, b'{"head": {}, "boolean": true}')


@pytest.mark.parametrize("path", ["/a%20b", "/a%22b", "/concept/%3Cx%3E", "/x%00y", "/x%7Bb%7D", "/a%5Cb.ttl",
                                  "/a%60b.jsonld", "/a%7Cb", "/a%5Eb", "/concept/x%0Ay"])
@pytest.mark.parametrize("accept", ["text/html", "text/turtle", "application/ld+json", "*/*"])
def test_a_path_that_is_no_iri_is_a_404(client: FlaskClient, path: str, accept: str) -> None:
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 404
    assert b"Traceback" not in response.data and b"Internal Server Error" not in response.data


@pytest.mark.parametrize("path", ["/", "/search", "/suggest", "/concepts", "/fhir/CodeSystem", "/sparql"])
@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_a_query_string_that_is_not_utf8_is_a_400(client: FlaskClient, path: str, accept: str) -> None:
    """A WSGI server hands raw bytes on as Latin-1: 0xFF is no UTF-8 (it was a 500 and a traceback per request)."""
    response = client.get(path, environ_overrides={"QUERY_STRING": "q=a\xff&query=ASK%7B%7D"},
                          headers={"Accept": accept})
    assert response.status_code == 400
    assert b"not UTF-8" in response.data
    assert b"Traceback" not in response.data


def test_raw_utf8_in_a_query_string_is_read_as_percent_encoded(tmp_path: Path) -> None:
    """``curl 'http://…/search?q=café'`` sends the bytes raw: the real server answers as for ``q=caf%C3%A9``."""
    port = free_port()
    with serve_process(write_build(tmp_path / "build"), port):
        raw, encoded = (raw_get(port, b"/sparql?query=" + q + b"&format=json") for q in (
            b"SELECT%20(%22" + "café".encode() + b"%22%20AS%20?x)%20{}", b"SELECT%20(%22caf%C3%A9%22%20AS%20?x)%20{}"))
    assert raw.split(b"\r\n")[0] == b"HTTP/1.1 200 OK" and "café".encode() in raw
    assert raw.partition(b"\r\n\r\n")[2] == encoded.partition(b"\r\n\r\n")[2]


def raw_get(port: int, target: bytes) -> bytes:
    """The whole answer to a GET of ``target`` sent as it is (no client library percent-encodes it)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        return b"".join(iter(lambda: conn.recv(65536), b""))


@pytest.mark.parametrize("path", ["/dumps", PSO_PATH + ".jsonld", "/sparql?query=ASK%7B%7D", "/sparql", "/"])
def test_a_forged_host_is_refused_not_reflected(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers={"Host": "evil.example"})
    assert response.status_code == 400 and b"TRUSTED_HOSTS" in response.data
    assert b"evil.example" not in response.data and "evil.example" not in str(response.headers)


def test_trusted_hosts_are_answered_with_their_own_name() -> None:
    app = make_app(TRUSTED_HOSTS="medkg.example, .mirror.example")
    client = app.test_client()
    for host in ("localhost", "127.0.0.1:8000", "medkg.example", "eu.mirror.example", "w3id.org"):  # w3id: BASE
        response = client.get("/dumps", headers={"Host": host})
        assert response.status_code == 308 and response.headers["Location"] == f"http://{host}/dumps/"
    assert client.get("/dumps", headers={"Host": "mirror.example.evil"}).status_code == 400
    assert make_app(TRUSTED_HOSTS="*").test_client().get("/dumps", headers={"Host": "any.example"}).status_code == 308


def test_the_answer_cache_is_bounded_by_bytes(sparql_app: Flask) -> None:
    client, cache = sparql_app.test_client(), sparql_app.extensions[SPARQL].cache
    for i in range(120):  # 120 different answers of ~19 kB: 2.2 MB, over the 1 MiB budget
        query = f'SELECT ?v {{ VALUES ?v {{ "{i:04d}{"x" * 19000}" }} }}'
        response = client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/csv"})
        assert response.status_code == 200
    assert cache.bytes <= MIB and cache.bytes == sum(size for _, size in cache.entries.values())
    assert len(cache.entries) > 20  # it still holds what fits


def test_a_cache_never_holds_more_than_its_budget() -> None:
    cache = AnswerCache(2048, MIB)
    for i in range(100):
        cache.put(i, b"x", 100_000)
    assert cache.bytes == 10 * 100_000 and list(cache.entries) == list(range(90, 100))  # the oldest went first
    cache.put("big", b"x", MIB // 8 + 1)  # one answer may take at most an eighth of the budget
    assert "big" not in cache.entries


def test_the_page_cache_is_bounded_by_bytes() -> None:
    app = make_app(PAGE_CACHE_MB=1)
    documents = site_of(app).documents
    assert documents.max_bytes == MIB
    assert app.test_client().get(PSO_PATH + ".html").status_code == 200
    assert 0 < documents.bytes <= MIB
