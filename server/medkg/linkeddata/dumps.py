"""Whole-graph downloads at stable URLs: the data (asserted, inferred, both), the ontology and the shapes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Blueprint, Response, abort, render_template, request, send_file
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue

from .. import formats
from ..pipeline.export import serialize
from ..pipeline.sssom import sssom_tsv
from .caching import add_validators, current_site, validate
from .downloads import MAPPINGS, dump_names, schema_dump_names
from .dumpfiles import dump_file, gzipped, mapping_graph, prune_caches

bp = Blueprint("dumps", __name__, url_prefix="/dumps")

bp.after_request(add_validators)


@bp.record_once
def tidy(state: BlueprintSetupState) -> None:
    """Each app made (a worker's, on each build it opens) removes the downloads of builds that are gone."""
    prune_caches()


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
        return _cached(name, formats.SSSOM.media_type, lambda: sssom_tsv(mapping_graph(site.dataset),
                                                                   site.dataset.base, manifest.get("built")))
    if name not in dump_names(site.dataset) + schema_dump_names():
        abort(404)
    fmt = formats.by_suffix(formats.DUMPS)[dot + suffix]
    source = {"ontology": site.ontology, "shapes": site.shapes}.get(graph)
    if source is not None:
        return _cached(name, fmt.media_type, lambda: serialize(source, fmt.name))
    return _send(dump_file(site.dataset, graph, fmt.suffix.lstrip(".")), name, fmt.media_type)


def _send(path: Path, name: str, media_type: str) -> Response:
    """A download sent from its file (gzipped once, on disk, for clients that ask), with the site's validators."""
    zipped = request.accept_encodings["gzip"] > 0
    response = send_file(gzipped(path) if zipped else path, mimetype=media_type, conditional=False, etag=False)
    if zipped:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return validate(response, request, current_site(), zipped)


def _cached(name: str, media_type: str, make: Callable[[], str]) -> Response:
    """A small download (the ontology, the shapes, the mappings) made once per process, then served from memory."""
    site = current_site()
    with site.dumps_lock:
        if name not in site.dumps:
            site.dumps[name] = make().encode("utf-8")
    response = Response(site.dumps[name], mimetype=media_type)
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response
