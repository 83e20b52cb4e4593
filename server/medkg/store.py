"""The query store of a build: ``DIR/store/``, a pyoxigraph (RocksDB) store written once by the build.

Graphs: the asserted triples are the named graph ``{base}graph/asserted``, the inferred ones
``{base}graph/inferred`` (only triples not already asserted, so that the two never overlap); a build made with
``--previous`` adds its change report as ``{base}graph/changes``. The store's own
default graph is empty: a query without ``FROM`` or a protocol dataset gets the two named graphs as its default
graph through the query option (``default_graph``), an RDF merge without a second copy of the data. An optional
``named-graphs.nq`` in a build folder adds further named graphs (N-Quads), e.g. the W3C protocol test datasets.

Every server process opens the store read-only (``pyoxigraph.Store.read_only``): it opens in milliseconds, the
data stays on disk and is shared between processes through the page cache. Nothing parses Turtle at serve time.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .pipeline import layout
from .pipeline.output import load_manifest

ASSERTED_GRAPH = "graph/asserted"
INFERRED_GRAPH = "graph/inferred"
EXTRA_GRAPHS_FILE = layout.EXTRA_GRAPHS
CHANGES_GRAPH = "graph/changes"  # changes.ttl of a build made with --previous (pipeline/changes/step.py)
STORE_DIR = layout.STORE
MANIFEST = layout.MANIFEST
BUILD_HEADER = "X-Medkg-Build"  # on every answer: the id of the build it came from


class NoStore(Exception):
    """A build folder without its query store (made by an older medkg, or by hand)."""


def no_store_message(folder: Path) -> str:
    return (f"{folder} has no query store ({folder / STORE_DIR} is missing: the build was made by an older medkg "
            f"or by hand); make one with 'medkg index {folder}' (a minute at most), or run 'medkg build' again")


@dataclass
class Dataset:
    """One opened build: the read-only store, its manifest, and the IRIs of its named graphs."""

    store: ox.Store
    manifest: dict[str, Any]
    base: str
    folder: Path
    opened: float = field(default_factory=time.time)  # when this process opened it (a worker re-opens on SIGHUP)

    @property
    def graph_base(self) -> str:
        """The base the store's graph names were made with (the build's, whatever base the site answers for)."""
        return str(self.manifest.get("base") or self.base)

    @property
    def asserted_graph(self) -> ox.NamedNode:
        return ox.NamedNode(self.graph_base + ASSERTED_GRAPH)

    @property
    def inferred_graph(self) -> ox.NamedNode:
        return ox.NamedNode(self.graph_base + INFERRED_GRAPH)

    @property
    def changes_graph(self) -> ox.NamedNode:
        return ox.NamedNode(self.graph_base + CHANGES_GRAPH)

    @property
    def default_graphs(self) -> list[ox.NamedNode]:
        """What a query sees as its default graph unless it names its own: asserted ∪ inferred."""
        return [self.asserted_graph, self.inferred_graph]

    @cached_property
    def default_graph_option(self) -> dict[str, Any]:
        """The query option that makes asserted ∪ inferred a query's default graph: the union of the named graphs
        when the store holds no others (the engine then scans one index, not one per graph), else their list."""
        graphs = self.default_graphs
        own = next(self.store.quads_for_pattern(None, None, None, ox.DefaultGraph()), None)
        if own is None and set(self.store.named_graphs()) <= set(graphs):
            return {"use_default_graph_as_union": True}
        return {"default_graph": graphs}

    @property
    def build_id(self) -> str:
        """The build's identity: a digest of its content (see ``pipeline.identity``)."""
        return str(self.manifest.get("build_id") or "")

    @property
    def etag(self) -> str:
        """Changes whenever the build does: keys caches and HTTP validators."""
        return manifest_etag(self.manifest)

    @property
    def triples(self) -> int:
        """Distinct triples of the union of the asserted and inferred graphs (they never overlap in the store)."""
        counted = self.manifest.get("store_triples")
        if isinstance(counted, int):
            return counted
        return sum(count_graph(self.store, g) for g in self.default_graphs)


def count_graph(store: ox.Store, graph: ox.NamedNode) -> int:
    result = store.query(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }}")
    assert isinstance(result, ox.QuerySolutions)
    return int(next(result)[0].value)


def manifest_etag(manifest: dict[str, Any]) -> str:
    """The identity of the build with this manifest: its build id (older builds: built time and triple count)."""
    return str(manifest.get("build_id") or "") or f"{manifest.get('built', '')}|{manifest.get('triples', '')}"


def open_dataset(folder: Path, base: str | None = None) -> Dataset:
    """Open ``folder``'s query store read-only; raises ``NoStore`` with what to do when it has none."""
    manifest = load_manifest(folder)
    path = folder / STORE_DIR
    if not path.is_dir():
        raise NoStore(no_store_message(folder))
    return Dataset(ox.Store.read_only(str(path)), manifest, base or manifest["base"], folder)


def write_store(folder: Path) -> int:
    """Write ``folder/store`` from the build's ``graph.ttl``, ``inferred.ttl`` and ``named-graphs.nq``: bulk-loaded,
    then optimized, in a temporary folder renamed into place. Returns the triples of asserted ∪ inferred."""
    base = load_manifest(folder)["base"]
    asserted, inferred = ox.NamedNode(base + ASSERTED_GRAPH), ox.NamedNode(base + INFERRED_GRAPH)
    staging = Path(tempfile.mkdtemp(prefix=f".{STORE_DIR}.", dir=folder))
    try:
        store = ox.Store(str(staging))
        store.bulk_load(path=str(folder / layout.GRAPH), format=ox.RdfFormat.TURTLE, to_graph=asserted)
        if (folder / layout.INFERRED).is_file():
            new = (ox.Quad(t.subject, t.predicate, t.object, inferred)
                   for t in ox.parse(path=str(folder / layout.INFERRED), format=ox.RdfFormat.TURTLE)
                   if ox.Quad(t.subject, t.predicate, t.object, asserted) not in store)
            store.bulk_extend(new)
        if (folder / layout.CHANGES).is_file():
            store.bulk_load(path=str(folder / layout.CHANGES), format=ox.RdfFormat.TURTLE,
                            to_graph=ox.NamedNode(base + CHANGES_GRAPH))
        if (folder / EXTRA_GRAPHS_FILE).is_file():
            store.bulk_load(path=str(folder / EXTRA_GRAPHS_FILE), format=ox.RdfFormat.N_QUADS)
        store.optimize()
        triples = count_graph(store, asserted) + count_graph(store, inferred)
        store.flush()
        del store  # closes the database before the rename
        staging.chmod(0o755)
        target = folder / STORE_DIR
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
        return triples
    finally:
        shutil.rmtree(staging, ignore_errors=True)
