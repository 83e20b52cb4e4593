"""Whole-graph downloads at stable URLs: the data (asserted, inferred, both), the ontology and the shapes."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, abort, render_template
from flask.typing import ResponseReturnValue

from .. import formats
from ..pipeline import layout
from ..pipeline.export import serialize
from ..pipeline.output import load_graph
from ..pipeline.sssom import sssom_tsv
from ..store import Dataset
from .caching import add_validators, current_site

bp = Blueprint("dumps", __name__, url_prefix="/dumps")

GRAPHS = ("asserted", "inferred", "all")
MAPPINGS = "medkg-mappings" + formats.SSSOM.suffix  # the asserted mappings (``medkg export --format sssom``)
SCHEMAS = ("ontology", "shapes")  # the vocabulary the data uses and the shapes it conforms to


def _names(graphs: tuple[str, ...]) -> list[str]:
    return [f"medkg-{graph}{f.suffix}" for graph in graphs for f in formats.offer(formats.DUMPS)]


def dump_names(dataset: Dataset) -> list[str]:
    """The file names of every data dump of this build, e.g. ``medkg-asserted.ttl`` (inferred ones when it has
    any)."""
    return _names(GRAPHS if (dataset.folder / layout.INFERRED).is_file() else ("asserted",))


def schema_dump_names(schema: str | None = None) -> list[str]:
    """The file names of the ontology's and the shapes' dumps (or of one of them), e.g. ``medkg-ontology.ttl``."""
    return _names((schema,) if schema else SCHEMAS)


def _root(dataset: Dataset, root: str | None) -> str:
    root = root or dataset.base
    return root if root.endswith("/") else root + "/"


def dump_links(dataset: Dataset, root: str | None = None) -> list[str]:
    """Every data download, for the dataset's ``void:dataDump``: URLs under ``root`` (where the site is served;
    default the base). Each answers a plain GET with RDF."""
    return [_root(dataset, root) + "dumps/" + name for name in dump_names(dataset)]


def schema_dump_links(dataset: Dataset, schema: str, root: str | None = None) -> list[str]:
    """The downloads of the ontology or the shapes (``schema``), for their own ``void:dataDump``."""
    return [_root(dataset, root) + "dumps/" + name for name in schema_dump_names(schema)]


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
