"""Build output files: written whole or not at all (temp file, then rename), and read back."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph

from .context import new_graph
from .diagnostics import InputError, SourceLocation

GRAPH_FILES = {"asserted": ("graph.ttl",), "inferred": ("inferred.ttl",), "all": ("graph.ttl", "inferred.ttl")}


@dataclass(frozen=True)
class OutputOptions:
    """What the output steps (inference, the validation gate) are asked to do."""

    strict: bool = False
    reasoner: str = "fast"  # "fast" (direct rules, proven equal) or "owlrl" (the reference semantics)
    previous: Path | None = None  # an earlier build: the changes since it go into changes.ttl


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


def write_text(path: Path, text: str) -> None:
    """Write to a temporary file in the same folder, then rename: readers never see half a file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    os.chmod(tmp, 0o644)  # mkstemp makes it private; outputs are meant to be read
    os.replace(tmp, path)
