"""Deterministic serializations of a graph: the same graph gives the same bytes in every run."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from rdflib import Graph
from rdflib.term import Node

from .context import PREFIXES


@dataclass(frozen=True)
class RdfFormat:
    """One RDF serialization: its short name, media type, file suffix and rdflib parser name."""

    name: str
    media_type: str
    suffix: str
    rdflib_name: str


RDF_FORMATS: dict[str, RdfFormat] = {
    f.name: f
    for f in (
        RdfFormat("ttl", "text/turtle", ".ttl", "turtle"),
        RdfFormat("nt", "application/n-triples", ".nt", "nt"),
        RdfFormat("jsonld", "application/ld+json", ".jsonld", "json-ld"),
        RdfFormat("rdfxml", "application/rdf+xml", ".rdf", "xml"),
    )
}


def jsonld_context() -> dict[str, str]:
    """The one JSON-LD context we publish: every prefix we use, so every property we use is covered."""
    return {prefix: str(ns) for prefix, ns in sorted(PREFIXES.items())}


def _sorted_ntriples(graph: Graph) -> str:
    lines = {_nt_line(s, p, o) for s, p, o in graph}
    return "".join(sorted(lines))


def _nt_line(s: Node, p: Node, o: Node) -> str:
    return f"{s.n3()} {p.n3()} {o.n3()} .\n"


def _canonical(graph: Graph) -> Graph:
    """A copy whose insertion order is sorted, so serializers that follow insertion order are stable."""
    copy = Graph(bind_namespaces="none")
    for prefix, ns in graph.namespaces():
        copy.bind(prefix, ns)
    for triple in sorted(graph, key=lambda t: _nt_line(*t)):
        copy.add(triple)
    return copy


def _jsonld(graph: Graph) -> str:
    text = _canonical(graph).serialize(format="json-ld", context=jsonld_context(), sort_keys=True)
    data = json.loads(text)
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


SERIALIZERS: dict[str, Callable[[Graph], str]] = {
    "ttl": lambda g: _canonical(g).serialize(format="turtle"),
    "nt": _sorted_ntriples,
    "jsonld": _jsonld,
    "rdfxml": lambda g: _canonical(g).serialize(format="pretty-xml"),
}


def serialize(graph: Graph, fmt: str) -> str:
    if fmt not in SERIALIZERS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(SERIALIZERS)}")
    return SERIALIZERS[fmt](graph)
