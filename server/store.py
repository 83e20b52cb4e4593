"""The read-only query store: a build loaded once into pyoxigraph, asserted and inferred triples in named graphs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .pipeline.output import load_manifest

ASSERTED_GRAPH = "graph/asserted"
INFERRED_GRAPH = "graph/inferred"


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


def load_dataset(folder: Path, base: str | None = None) -> Dataset:
    """Load ``graph.ttl`` (and ``inferred.ttl`` when present) into an in-memory store, once per process."""
    manifest = load_manifest(folder)
    base = base or manifest["base"]
    store = ox.Store()
    dataset = Dataset(store, manifest, base, folder)
    store.bulk_load(path=str(folder / "graph.ttl"), format=ox.RdfFormat.TURTLE, to_graph=dataset.asserted_graph)
    inferred = folder / "inferred.ttl"
    if inferred.is_file():
        store.bulk_load(path=str(inferred), format=ox.RdfFormat.TURTLE, to_graph=dataset.inferred_graph)
    return dataset
