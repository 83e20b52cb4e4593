"""The Flask side of ``/sparql``: the service description and the query editor (queries are answered by ``wsgi``)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue

from .. import extensions, formats
from ..assets import SPARQL_EXAMPLES_DIR
from ..conneg import negotiate
from ..http import text_error
from ..pipeline.export import serialize
from .description import class_counts, describe
from .state import SparqlState

PATH = "/sparql"
bp = Blueprint("sparql", __name__)
DESCRIPTION_TYPES = formats.by_media_type(formats.DESCRIPTION)
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
        return text_error(406, "the service description is offered as "
                          + ", ".join(f.media_type for f in formats.offer(formats.DESCRIPTION)))
    fmt = DESCRIPTION_TYPES[chosen]
    if fmt is formats.HTML:
        return editor()
    current = state()
    if current.counts is None:
        current.counts = class_counts(current.dataset)
    endpoint_url = request.url_root.rstrip("/") + PATH
    graph = describe(current.dataset, current.counts, endpoint_url, request.url_root,
                     current_app.extensions.get(extensions.VOID_HOOKS, []))
    response = Response(serialize(graph, fmt.name), content_type=fmt.media_type)
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
    base = current_app.extensions[extensions.DATASET].base  # result IRIs under it open this server's pages
    response = Response(render_template("sparql/editor.html", examples=examples(), endpoint=PATH,
                                        has_editor=vendor.is_file(), base=base))
    response.vary.add("Accept")
    return response

