"""Whole-graph downloads at stable URLs (asserted, inferred, both; Turtle, N-Triples, JSON-LD)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, abort, render_template
from flask.typing import ResponseReturnValue

from ..pipeline.export import serialize
from ..pipeline.output import load_graph
from ..pipeline.sssom import MEDIA_TYPE as SSSOM_MEDIA_TYPE
from ..pipeline.sssom import sssom_tsv
from ..store import Dataset
from .caching import add_validators, current_site

bp = Blueprint("dumps", __name__, url_prefix="/dumps")

GRAPHS = ("asserted", "inferred", "all")
FORMATS = {"ttl": ("ttl", "text/turtle"), "nt": ("nt", "application/n-triples"),
           "jsonld": ("jsonld", "application/ld+json")}
MAPPINGS = "medkg-mappings.sssom.tsv"  # the asserted mappings as SSSOM/TSV (``medkg export --format sssom``)


def dump_names(dataset: Dataset) -> list[str]:
    """The file names of every dump of this build, e.g. ``medkg-asserted.ttl`` (inferred ones when it has any)."""
    graphs = GRAPHS if (dataset.folder / "inferred.ttl").is_file() else ("asserted",)
    return [f"medkg-{graph}.{suffix}" for graph in graphs for suffix in FORMATS]


def dump_links(dataset: Dataset, root: str | None = None) -> list[str]:
    """Every download, for ``void:dataDump``: URLs under ``root`` (where the site is served; default the base).

    The ontology and the shapes are listed at the paths that serve them (``def``, ``shapes``), which are their
    IRIs when the site is served at the public base.
    """
    root = root or dataset.base
    root = root if root.endswith("/") else root + "/"
    return [root + "dumps/" + name for name in dump_names(dataset)] + [root + "def", root + "shapes"]


bp.after_request(add_validators)


@bp.get("/")
def listing() -> ResponseReturnValue:
    return render_template("dumps.html", names=dump_names(current_site().dataset), mappings=MAPPINGS)


@bp.get("/<name>")
def dump(name: str) -> ResponseReturnValue:
    graph, _, suffix = name.removeprefix("medkg-").partition(".")
    site = current_site()
    if name == MAPPINGS:
        manifest = site.dataset.manifest
        return _cached(name, SSSOM_MEDIA_TYPE, lambda: sssom_tsv(load_graph(site.dataset.folder, "asserted"),
                                                                   site.dataset.base, manifest.get("built")))
    if name not in dump_names(site.dataset):
        abort(404)
    return _cached(name, FORMATS[suffix][1],
                   lambda: serialize(load_graph(site.dataset.folder, graph), FORMATS[suffix][0]))


def _cached(name: str, media_type: str, make: Callable[[], str]) -> Response:
    """A download made once per process, then served from memory."""
    site = current_site()
    with site.dumps_lock:
        if name not in site.dumps:
            site.dumps[name] = make().encode("utf-8")
    response = Response(site.dumps[name], mimetype=media_type)
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response
