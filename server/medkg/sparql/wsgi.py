"""The query path of ``/sparql`` as a plain WSGI layer in front of Flask.

Queries never enter Flask: measured under load, Flask's request machinery cost more than running a lookup. A
repeated ``GET`` is answered from the cache with one dict lookup; any other query is parsed (protocol rules in
``protocol``), run in a query process (``executor``) and answered here. Requests without a query (the service
description, the editor) and CORS preflights go on to Flask.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from werkzeug.wrappers import Response

from ..http import CORS_HEADERS, add_cors, text_error
from ..store import BUILD_HEADER
from .executor import ExecutorDied, QueryTimeout
from .jobs import Job, Reply
from .negotiation import GRAPH, TABULAR, acceptable
from .protocol import ProtocolError, parse_request
from .state import SparqlState

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
ANY_RESULT = [f.media_type for f in (*TABULAR, *GRAPH)]
Answer = tuple[str, list[tuple[str, str]], bytes]  # status line, headers, body


class QueryHandler:
    """WSGI middleware answering every query request to ``path`` (and ``path/``)."""

    def __init__(self, app: WSGIApp, path: str, state: SparqlState) -> None:
        self.app, self.paths, self.state = app, (path, path + "/"), state

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") not in self.paths or environ.get("REQUEST_METHOD") == "OPTIONS":
            return self.app(environ, start_response)
        key = self.fast_key(environ)
        hit = self.state.cache.get(key) if key is not None else None
        if hit is not None:
            start_response("200 OK", hit[0])
            return [hit[1]]
        try:
            job = parse_request(environ, self.state.limits)
        except ProtocolError as exc:
            return self.finish(text_error(exc.status, exc.message, exc.headers), environ, start_response)
        if job is None:
            return self.app(environ, start_response)  # no query: the service description or the editor
        answer = self.answer(job, environ)
        if isinstance(answer, Response):
            return self.finish(answer, environ, start_response)
        status, headers, body = answer
        if key is not None and status == "200 OK":
            self.state.cache.put(key, (headers, body), len(body))
        start_response(status, headers)
        return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [body]

    def fast_key(self, environ: dict[str, Any]) -> Hashable | None:
        """The key of a repeatable GET: the raw query string, Accept, and what the base IRI depends on."""
        if environ.get("REQUEST_METHOD") != "GET" or not environ.get("QUERY_STRING"):
            return None
        if "HTTP_IF_NONE_MATCH" in environ:
            return None
        return (self.state.dataset.etag, environ["PATH_INFO"], environ["QUERY_STRING"],
                environ.get("HTTP_ACCEPT", ""), environ.get("HTTP_HOST", ""), environ.get("wsgi.url_scheme", ""))

    def finish(self, response: Response, environ: dict[str, Any],
               start_response: Callable[..., Any]) -> Iterable[bytes]:
        response.headers[BUILD_HEADER] = self.state.dataset.build_id
        return add_cors(response)(environ, start_response)  # the endpoint is public and read-only

    def answer(self, job: Job, environ: dict[str, Any]) -> Response | Answer:
        """Run ``job`` (or find its answer in the cache): an error response, or status, headers and body."""
        if job.format is None and not acceptable(job.accept):
            return text_error(406, f"none of the acceptable types ({job.accept}) is a query result format; offered: "
                              f"{', '.join(dict.fromkeys(ANY_RESULT))}")
        key = (self.state.dataset.etag, job)
        reply: Reply | None = self.state.cache.get(key)
        if reply is None:
            try:
                reply = self.state.pool().run(job)
            except QueryTimeout as exc:
                return text_error(503, str(exc), {"Retry-After": "5"})
            except ExecutorDied as exc:
                return text_error(500, str(exc))
            if reply.status == 200:
                self.state.cache.put(key, reply, len(reply.body))
        if reply.status != 200:
            return Response(reply.body, reply.status, reply.headers, content_type=reply.content_type)
        return success(reply, key, environ, self.state.dataset.build_id)


def success(reply: Reply, key: Hashable, environ: dict[str, Any], build: str) -> Answer:
    """A 200 answer with validators and freshness (the graph is read-only), or 304 when the client has it.

    Headers are written directly: werkzeug's response machinery cost as much as running a lookup."""
    tag = '"' + hashlib.sha1(repr(key).encode() + reply.content_type.encode()).hexdigest()[:20] + '"'
    headers = [("ETag", tag), ("Cache-Control", "public, max-age=300"), ("Vary", "Accept"), *CORS_HEADERS,
               (BUILD_HEADER, build), *reply.headers.items()]
    if tag in environ.get("HTTP_IF_NONE_MATCH", "") or environ.get("HTTP_IF_NONE_MATCH") == "*":
        return "304 Not Modified", headers, b""
    headers += [("Content-Type", reply.content_type), ("Content-Length", str(len(reply.body)))]
    return "200 OK", headers, reply.body
