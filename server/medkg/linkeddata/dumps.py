"""Whole-graph downloads at stable URLs: the data (asserted, inferred, both), the ontology and the shapes."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, abort, render_template
from flask.typing import ResponseReturnValue

from .. import formats
from ..pipeline.export import serialize
from ..pipeline.output import load_graph
from ..pipeline.sssom import sssom_tsv
from .caching import add_validators, current_site
from .downloads import MAPPINGS, dump_names, schema_dump_names

bp = Blueprint("dumps", __name__, url_prefix="/dumps")

bp.after_request(add_validators)


@bp.get("/")
def listing() -> ResponseReturnValue:
    return render_template("dumps.html", names=dump_names(current_site().dataset), mappings=MAPPINGS,
                           schema_names=schema_dump_names())


@bp.get("/<name>")
def dump(name: str) -> ResponseReturnValue:
    graph, dot, suffix = name.removeprefix("medkg-").partition(".")
    site = current_site()
    if name == MAPPINGS:
        manifest = site.dataset.manifest
        return _cached(name, formats.SSSOM.media_type, lambda: sssom_tsv(load_graph(site.dataset.folder, "asserted"),
                                                                   site.dataset.base, manifest.get("built")))
    if name not in dump_names(site.dataset) + schema_dump_names():
        abort(404)
    fmt = formats.by_suffix(formats.DUMPS)[dot + suffix]
    source = {"ontology": site.ontology, "shapes": site.shapes}.get(graph)
    return _cached(name, fmt.media_type, lambda: serialize(
        source if source is not None else load_graph(site.dataset.folder, graph), fmt.name))


def _cached(name: str, media_type: str, make: Callable[[], str]) -> Response:
    """A download made once per process, then served from memory."""
    site = current_site()
    with site.dumps_lock:
        if name not in site.dumps:
            site.dumps[name] = make().encode("utf-8")
    response = Response(site.dumps[name], mimetype=media_type)
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response
