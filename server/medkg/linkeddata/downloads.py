"""The names and URLs of a build's whole-graph downloads (served by ``dumps``; advertised in the VoID description)."""

from __future__ import annotations

from .. import formats
from ..pipeline import layout
from ..store import Dataset

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
