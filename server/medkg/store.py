"""The read-only query store: a build loaded once into pyoxigraph.

Graphs: the asserted triples are the named graph ``{base}graph/asserted``, the inferred ones
``{base}graph/inferred``. The store's default graph is empty, except in the SPARQL query processes
(``union_default=True``), where it holds the union of the two (an RDF merge: each triple once) so that a query
without ``GRAPH``/``FROM`` sees everything the build knows. An optional ``named-graphs.nq`` in a build folder adds
further named graphs (N-Quads), e.g. the W3C protocol test datasets.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .pipeline.output import load_manifest

ASSERTED_GRAPH = "graph/asserted"
INFERRED_GRAPH = "graph/inferred"
EXTRA_GRAPHS_FILE = "named-graphs.nq"
CHANGES_GRAPH = "graph/changes"  # changes.ttl of a build made with --previous (pipeline/changes/step.py)


@dataclass
class Dataset:
    """One loaded build: the store, its manifest, and the IRIs of its named graphs."""

    store: ox.Store
    manifest: dict[str, Any]
    base: str
    folder: Path

    @property
    def asserted_graph(self) -> ox.NamedNode:
        return ox.NamedNode(self.base + ASSERTED_GRAPH)

    @property
    def inferred_graph(self) -> ox.NamedNode:
        return ox.NamedNode(self.base + INFERRED_GRAPH)

    @property
    def etag(self) -> str:
        """Changes whenever the build does: keys caches and HTTP validators."""
        return str(self.manifest.get("built", "")) + "|" + str(self.manifest.get("triples", ""))

    @property
    def triples(self) -> int:
        """Distinct triples of the union of the asserted and inferred graphs."""
        query = "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } VALUES ?g { %s } } }"
        graphs = f"<{self.asserted_graph.value}> <{self.inferred_graph.value}>"  # our own IRIs, not user input
        result = self.store.query(query % graphs)
        assert isinstance(result, ox.QuerySolutions)
        return int(next(result)[0].value)


def load_dataset(folder: Path, base: str | None = None, union_default: bool = False) -> Dataset:
    """Load ``graph.ttl`` (and ``inferred.ttl`` when present) into an in-memory store, once per process."""
    manifest = load_manifest(folder)
    base = base or manifest["base"]
    store = ox.Store()
    dataset = Dataset(store, manifest, base, folder)
    graphs = [(folder / "graph.ttl", dataset.asserted_graph), (folder / "inferred.ttl", dataset.inferred_graph)]
    for path, graph in graphs:
        if path.is_file() or graph == dataset.asserted_graph:
            store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=graph)
            if union_default:  # the same file again into the default graph, which keeps each triple once
                store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
    changes = folder / "changes.ttl"
    if changes.is_file():
        store.bulk_load(path=str(changes), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(base + CHANGES_GRAPH))
    extra = folder / EXTRA_GRAPHS_FILE
    if extra.is_file():
        store.bulk_load(path=str(extra), format=ox.RdfFormat.N_QUADS)
    return dataset
