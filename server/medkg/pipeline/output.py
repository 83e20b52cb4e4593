"""Build output read back (graphs, manifest), and what the output steps are asked and answer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph

from .context import new_graph
from .diagnostics import InputError, SourceLocation
from .layout import GRAPH_FILES, read_manifest, write_text

__all__ = ["OutputOptions", "Verdict", "load_graph", "load_manifest", "write_text"]


@dataclass(frozen=True)
class OutputOptions:
    """What the output steps (inference, the validation gate) are asked to do."""

    strict: bool = False
    reasoner: str = "fast"  # "fast" (direct rules, proven equal) or "owlrl" (the reference semantics)
    previous: Path | None = None  # an earlier build: the changes since it go into changes.ttl
    keep_graph: bool = True  # False: the graph is let go once the gate has run (the store and site index are
    # made from the written files; a build's peak memory is the graph's, not the graph's plus the store's)


@dataclass(frozen=True)
class Verdict:
    """What the quality gate found: the build is kept when it found no violation (and, under --strict, no
    warning anywhere). The gate's output step returns it."""

    violations: int = 0
    warnings: int = 0
    notes: int = 0

    def rejects(self, strict: bool) -> bool:
        return self.violations > 0 or (strict and self.warnings > 0)


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
    return read_manifest(folder)
