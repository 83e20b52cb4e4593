"""The ``/sparql`` routes: queries, the service description, the query editor; CORS for every answer."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue

from ..conneg import negotiate
from ..pipeline.export import serialize
from ..store import Dataset
from .cache import CACHEABLE, AnswerCache
from .description import class_counts, describe
from .execute import Job, Reply
from .executor import ExecutorDied, QueryPool, QueryTimeout
from .formats import GRAPH, TABULAR
from .protocol import Limits, ProtocolError, parse_request

PATH = "/sparql"
EXTENSION = "medkg.sparql"
EXAMPLES = Path(__file__).parent / "examples"
bp = Blueprint("sparql", __name__)
DESCRIPTION_TYPES = {"text/turtle": "ttl", "text/html": "html", "application/rdf+xml": "rdfxml",
                     "application/n-triples": "nt", "application/ld+json": "jsonld"}
ANY_RESULT = [f.media_type for f in (*TABULAR, *GRAPH)]


@dataclass
class SparqlState:
    """The endpoint's per-process state: the build, the answer cache, and the query processes (made lazily)."""

    dataset: Dataset
    cache: AnswerCache
    pools: dict[int, QueryPool] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    counts: dict[str, int] | None = None

    def pool(self, config: dict[str, Any]) -> QueryPool:
        """This process's query pool: a forked server worker must not share its parent's children."""
        pid = os.getpid()
        with self.lock:
            if pid not in self.pools:
                self.pools[pid] = QueryPool(self.dataset.folder, self.dataset.base, int(config["QUERY_PROCESSES"]),
                                            float(config["QUERY_TIMEOUT"]), int(config["QUERY_MEMORY_MB"]))
            return self.pools[pid]


def state() -> SparqlState:
    found: SparqlState = current_app.extensions[EXTENSION]
    return found


def plain(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(message.rstrip() + "\n", status, headers, content_type="text/plain; charset=utf-8")


@bp.route(PATH, methods=["GET", "POST", "PUT", "DELETE", "PATCH"], strict_slashes=False)
def endpoint() -> ResponseReturnValue:
    config = current_app.config
    try:
        job = parse_request(request, Limits(int(config["MAX_QUERY_LENGTH"]), int(config["MAX_RESULT_ROWS"])))
    except ProtocolError as exc:
        return plain(exc.status, exc.message, exc.headers)
    if job is None:
        return service_description()
    if job.format is None and negotiate(job.accept, ANY_RESULT) is None:
        return plain(406, f"none of the acceptable types ({job.accept}) is a query result format; offered: "
                          f"{', '.join(dict.fromkeys(ANY_RESULT))}")
    return answer(job)


def answer(job: Job) -> Response:
    """Run ``job`` (or find its answer in the cache) and make the HTTP response."""
    current = state()
    key = (current.dataset.etag, job)
    reply: Reply | None = current.cache.get(key)
    if reply is None:
        try:
            reply = current.pool(current_app.config).run(job)
        except QueryTimeout as exc:
            return plain(503, str(exc), {"Retry-After": "5"})
        except ExecutorDied as exc:
            return plain(500, str(exc))
        if reply.status == 200:
            current.cache.put(key, reply)
    response = Response(reply.body, reply.status, reply.headers, content_type=reply.content_type)
    response.vary.add("Accept")
    return cacheable(response, key) if reply.status == 200 else response


def cacheable(response: Response, key: Hashable) -> Response:
    """Validators and freshness for an answer of the read-only graph; the fast path may keep it."""
    response.set_etag(hashlib.sha1(repr(key).encode() + response.content_type.encode()).hexdigest()[:20])
    response.cache_control.public = True
    response.cache_control.max_age = 300
    request.environ[CACHEABLE] = True
    response.make_conditional(request)
    return response


def service_description() -> ResponseReturnValue:
    """The sd:Service in the RDF format asked for; a browser gets the query editor."""
    chosen = negotiate(request.headers.get("Accept"), list(DESCRIPTION_TYPES))
    if chosen is None:
        return plain(406, f"the service description is offered as {', '.join(DESCRIPTION_TYPES)}")
    if chosen == "text/html":
        return editor()
    current = state()
    if current.counts is None:
        current.counts = class_counts(current.dataset)
    endpoint_url = request.url_root.rstrip("/") + PATH
    graph = describe(current.dataset, current.counts, endpoint_url, request.url_root,
                     current_app.extensions.get("medkg.void", []))
    response = Response(serialize(graph, DESCRIPTION_TYPES[chosen]), content_type=chosen)
    response.vary.add("Accept")
    return response


def examples() -> list[dict[str, str]]:
    """The example queries: each ``.rq`` file's first line is ``# title``."""
    found = []
    for path in sorted(EXAMPLES.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        title = text.splitlines()[0].lstrip("# ").strip()
        found.append({"name": path.stem, "title": title, "query": text})
    return found


def editor() -> ResponseReturnValue:
    vendor = Path(current_app.static_folder or "", "vendor", "yasgui", "yasgui.min.js")
    response = Response(render_template("sparql/editor.html", examples=examples(), endpoint=PATH,
                                        has_editor=vendor.is_file()))
    response.vary.add("Accept")
    return response


@bp.after_app_request
def cors(response: Response) -> Response:
    """Any site may read the endpoint (it is public and read-only); preflights get the methods and headers."""
    if request.path.rstrip("/") == PATH:
        response.headers["Access-Control-Allow-Origin"] = "*"
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = request.headers.get(
                "Access-Control-Request-Headers", "Accept, Content-Type")
            response.headers["Access-Control-Max-Age"] = "86400"
    return response
