"""Reading a build output folder back: its graphs and its manifest."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rdflib import Graph

from .context import new_graph
from .diagnostics import InputError, SourceLocation

GRAPH_FILES = {"asserted": ("graph.ttl",), "inferred": ("inferred.ttl",), "all": ("graph.ttl", "inferred.ttl")}


def load_graph(folder: Path, which: str = "asserted") -> Graph:
    """The asserted graph, the inferred triples, or their union, read from a build folder."""
    graph = new_graph()
    for name in GRAPH_FILES[which]:
        path = folder / name
        if not path.is_file():
            raise InputError(f"not a build folder (no {name}); run 'medkg build' first", SourceLocation(str(folder)))
        graph.parse(path, format="turtle")
    return graph


def load_manifest(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "build.json").read_text(encoding="utf-8"))
    return data
