"""SPARQL 1.1 Protocol request parsing: which query, which dataset, which format — or a 4xx saying why not."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Request

from ..http import NOT_UTF8
from . import guard
from .jobs import Job

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
READ_ONLY = "this endpoint is read-only: SPARQL Update is not accepted here"


@dataclass(frozen=True)
class Limits:
    max_query_length: int
    max_rows: int

    @property
    def max_body(self) -> int:
        """Bytes a POST body may hold: a query of the longest length, percent-encoded, and other parameters."""
        return 4 * self.max_query_length + 65536


class ProtocolError(Exception):
    """A request the protocol (or our safety rules) refuses, with its HTTP status."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def endpoint_url(environ: dict[str, Any]) -> str:
    """The URL the request was sent to, without its query: the base IRI of the query (cheaper than werkzeug's)."""
    host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME', 'localhost')}:{environ.get('SERVER_PORT', '80')}"
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    return f"{environ.get('wsgi.url_scheme', 'http')}://{host}{path}"


def parse_request(environ: dict[str, Any], limits: Limits) -> Job | None:
    """The query job a GET or POST asks for; None when it carries no query (a service description request).

    A GET is read from ``environ`` directly (werkzeug's ``Request`` cost a quarter of a lookup); a POST's body
    through werkzeug's ``Request``."""
    method = environ.get("REQUEST_METHOD", "GET").upper()
    if method not in ("GET", "POST", "HEAD"):
        raise ProtocolError(405, f"method {method} is not allowed: query with GET or POST",
                            {"Allow": "GET, POST, HEAD, OPTIONS"})
    if method == "POST":
        params = _post_params(Request(environ), limits)
    else:
        params = url_args(environ)
        if not params.getlist("query") and "update" not in params:
            return None
    return _job(environ, params, limits)


def url_args(environ: dict[str, Any]) -> MultiDict[str, Any]:
    """The URL's parameters as werkzeug's ``Request.args`` reads them (invalid bytes stay percent-encoded)."""
    try:
        text = environ.get("QUERY_STRING", "").encode("latin-1").decode()
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, NOT_UTF8) from exc
    return MultiDict(parse_qsl(text, keep_blank_values=True, errors="werkzeug.url_quote"))


def _post_params(request: Request, limits: Limits) -> MultiDict[str, Any]:
    kind = request.mimetype
    if kind == UPDATE:
        raise ProtocolError(403, READ_ONLY)
    if kind not in (FORM, DIRECT):
        shown = kind or "none"
        raise ProtocolError(415, f"unsupported Content-Type {shown}: POST a query as {DIRECT} or as {FORM}")
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if kind == DIRECT and charset not in ("utf-8", "utf8"):
        raise ProtocolError(415, f"a {DIRECT} body must be UTF-8, not {charset}")
    body = read_body(request, limits)
    if kind == FORM:
        form = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        return MultiDict([*request.args.items(multi=True), *form])
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"the query is not valid UTF-8: {exc}") from exc
    return MultiDict([*request.args.items(multi=True), ("query", text)])


def read_body(request: Request, limits: Limits) -> bytes:
    """The body, read no further than ``limits.max_body`` bytes whatever the transfer encoding (chunked too)."""
    too_large = ProtocolError(413, f"request body too large: more than {limits.max_body} bytes; queries are "
                                   f"limited to {limits.max_query_length} characters (setting MAX_QUERY_LENGTH)")
    if (request.content_length or 0) > limits.max_body:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    while size <= limits.max_body:  # a stream may return less than asked: read until the end or past the limit
        chunk = request.stream.read(limits.max_body + 1 - size)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
    raise too_large


def _job(environ: dict[str, Any], params: MultiDict[str, Any], limits: Limits) -> Job:
    if "update" in params:
        raise ProtocolError(403, READ_ONLY)
    queries = params.getlist("query")
    if len(queries) != 1:
        raise ProtocolError(400, "exactly one 'query' parameter is required" if queries
                            else "missing the 'query' parameter")
    query = queries[0]
    if len(query) > limits.max_query_length:
        raise ProtocolError(413, f"query too long: {len(query)} characters, the limit is "
                                 f"{limits.max_query_length} (setting MAX_QUERY_LENGTH)")
    try:
        guard.check(query)
    except guard.QueryRefused as exc:
        raise ProtocolError(400, str(exc)) from exc
    return Job(query=query, default_graphs=tuple(params.getlist("default-graph-uri")),
               named_graphs=tuple(params.getlist("named-graph-uri")), accept=environ.get("HTTP_ACCEPT"),
               format=params.get("format") or None, base_iri=endpoint_url(environ), max_rows=limits.max_rows)
