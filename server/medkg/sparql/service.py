"""The Flask side of ``/sparql``: the service description and the query editor (queries are answered by ``wsgi``)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue

from .. import extensions
from ..assets import SPARQL_EXAMPLES_DIR
from ..conneg import negotiate
from ..pipeline.export import serialize
from .description import class_counts, describe
from .state import SparqlState
from .wsgi import plain

PATH = "/sparql"
bp = Blueprint("sparql", __name__)
DESCRIPTION_TYPES = {"text/turtle": "ttl", "text/html": "html", "application/rdf+xml": "rdfxml",
                     "application/n-triples": "nt", "application/ld+json": "jsonld"}
__all__ = ["PATH", "bp"]


def state() -> SparqlState:
    found: SparqlState = current_app.extensions[extensions.SPARQL]
    return found


@bp.get(PATH, strict_slashes=False)
def endpoint() -> ResponseReturnValue:
    """Reached only without a query (the WSGI layer in front answers queries)."""
    return service_description()


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
                     current_app.extensions.get(extensions.VOID_HOOKS, []))
    response = Response(serialize(graph, DESCRIPTION_TYPES[chosen]), content_type=chosen)
    response.vary.add("Accept")
    return response


def examples() -> list[dict[str, str]]:
    """The example queries: each ``.rq`` file's first line is ``# title``."""
    found = []
    for path in sorted(SPARQL_EXAMPLES_DIR.glob("*.rq")):
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
