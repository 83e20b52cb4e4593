"""``medkg validate FILE ...``: validate any RDF file (Turtle, RDF/XML, JSON-LD, N-Triples) against medkg's shapes.

The files are read into one graph (a vocabulary may be split across files) and validated with the same shapes,
ontology and engine as the build gate. Exit 0: no violation (and, under ``--strict``, no warning); 1: it does
not conform; 2: a file cannot be read (the readable ones are still validated and reported).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.term import Node

from . import formats, offline
from .pipeline.build import EXIT_DATA, EXIT_INPUT, EXIT_OK
from .pipeline.diagnostics import SourceLocation
from .pipeline.shacl_report import load_ontology, load_shapes, validate
from .pipeline.shacl_sparql import Result
from .pipeline.validation import Locate, entries, report_text

SUFFIXES = {suffix: fmt.rdflib for suffix, fmt in formats.by_suffix(formats.READ, reading=True).items()}


def guess_format(path: Path, text: str) -> str:
    """The rdflib parser for a file: by suffix, else by its first character (JSON, XML, else Turtle)."""
    suffix = path.suffix.lower()
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    start = text.lstrip()
    if start.startswith(("{", "[")):
        return formats.RDF["jsonld"].rdflib
    if start.startswith(("<?xml", "<rdf:RDF")):
        return formats.RDF["rdfxml"].rdflib
    return formats.RDF["ttl"].rdflib  # N-Triples is Turtle too


class Source:
    """One file read as RDF, and the line on which each node is first named (for the report)."""

    def __init__(self, path: Path, load_contexts: bool = False) -> None:
        self.path = path
        self.text = path.read_text(encoding="utf-8-sig")
        self.format = guess_format(path, self.text)
        offline.check(self.text, self.format, load_contexts)
        self.graph = Graph().parse(data=self.text, format=self.format, publicID=path.resolve().as_uri())
        if not len(self.graph):
            raise ValueError("no RDF triples in this file")

    def line_of(self, node: Node) -> int | None:
        """The first line naming ``node`` in full or as a prefixed name (a subject's block usually starts there)."""
        if not isinstance(node, URIRef):
            return None
        names = [str(node)]
        try:
            names.append(self.graph.namespace_manager.normalizeUri(node))
        except Exception:  # an IRI no prefix covers: only the full form can appear
            pass
        pattern = re.compile("|".join(rf"(?<![\w:/#-]){re.escape(n)}(?![\w/#-])" for n in names))
        for number, line in enumerate(self.text.splitlines(), start=1):
            if pattern.search(line):
                return number
        return None


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", type=Path, help="RDF files (Turtle, RDF/XML, JSON-LD, N-Triples)")
    p.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too")
    p.add_argument("--load-contexts", action="store_true",
                   help="let a JSON-LD file load a @context named by URL (from the network or a file); by default "
                        "such a file is refused (exit 2)")


def read_all(paths: list[Path], load_contexts: bool = False) -> tuple[list[Source], bool]:
    sources, failed = [], False
    for path in paths:
        try:
            sources.append(Source(path, load_contexts))
        except offline.Refused as exc:
            print(f"medkg: error: {path}: {exc}", file=sys.stderr)
            failed = True
        except Exception as exc:  # rdflib's parsers raise many kinds; any of them means "cannot be read"
            print(f"medkg: error: {path}: cannot be read as RDF: {exc}", file=sys.stderr)
            failed = True
    return sources, failed


def locator(sources: list[Source]) -> Locate:
    """A result's location: the first file holding the focus node, at the first line naming it."""

    def locate(result: Result) -> SourceLocation:
        for source in sources:
            if (result.focus, None, None) in source.graph:
                return SourceLocation(str(source.path), source.line_of(result.focus))
        return SourceLocation(str(sources[0].path))

    return locate


def run(args: argparse.Namespace) -> int:
    sources, failed = read_all(args.files, args.load_contexts)
    if not sources:
        return EXIT_INPUT
    graph = Graph()
    for source in sources:
        graph += source.graph
    found = entries(validate(graph, load_shapes(), load_ontology()), graph, locator(sources))
    sys.stdout.write(report_text(found))
    failing = {"error", "warning"} if args.strict else {"error"}
    if failed:
        return EXIT_INPUT
    return EXIT_DATA if any(e.severity in failing for e in found) else EXIT_OK
