"""Deterministic serializations of a graph: the same graph gives the same bytes in every run."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, Literal
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from ..namespaces import PREFIXES
from .ntriples import NTerms, nt_line, sorted_ntriples


def jsonld_context() -> dict[str, str]:
    """The one JSON-LD context we publish: every prefix we use, so every property we use is covered."""
    return {prefix: str(ns) for prefix, ns in sorted(PREFIXES.items())}


def _canonical(graph: Graph) -> Graph:
    """A copy whose insertion order is sorted, so serializers that follow insertion order are stable."""
    copy = Graph(bind_namespaces="none")
    for prefix, ns in graph.namespaces():
        copy.bind(prefix, ns)
    for triple in sorted(graph, key=lambda t: nt_line(*t)):
        copy.add(triple)
    return copy


def _turtle(graph: Graph) -> str:
    return turtle_bytes(graph).decode("utf-8")


def graph_turtle(graph: Graph) -> bytes:
    """The ``ttl`` export as UTF-8 bytes (``graph.ttl`` of a build: no second copy of millions of lines as text),
    the graph walked once (rdflib's iteration is the slow part at millions of triples)."""
    triples = list(graph)
    if any(isinstance(term, BNode) for triple in triples for term in triple):
        return turtle_bytes(_stable_blank_nodes(graph))
    return turtle_bytes(graph, triples)


def turtle_bytes(graph: Graph, triples: list[tuple[Node, Node, Node]] | None = None) -> bytes:
    """Turtle by pyoxigraph's writer (linear: rdflib's slows with every namespace it has seen), triples in N-Triples
    order, the prefixes its properties, classes and datatypes use declared in order: the same graph, the same bytes.
    ``triples``: the graph's, when the caller has them already."""
    from .oxterms import to_ox

    lines = NTerms()
    triples = sorted(graph if triples is None else triples, key=lines.line)
    del lines
    terms: dict[Node, Any] = {}

    def term(node: Node) -> Any:
        found = terms.get(node)
        if found is None:
            found = terms[node] = to_ox(node)
        return found

    try:
        out = ox.serialize((ox.Triple(term(s), term(p), term(o)) for s, p, o in triples), format=ox.RdfFormat.TURTLE,
                           prefixes=_used_prefixes(graph, triples))
    except ValueError:  # a term pyoxigraph refuses (an ill-formed language tag): the gate reports it; rdflib writes it
        return _canonical(graph).serialize(format="turtle", encoding="utf-8")
    return _prefixes_sorted(out or b"")


def _prefixes_sorted(text: bytes) -> bytes:
    """The writer's ``@prefix`` lines (at the top) in sorted order, the rest as it is."""
    head: list[bytes] = []
    end = 0
    while text.startswith(b"@prefix ", end) and (stop := text.find(b"\n", end)) >= 0:
        head.append(text[end:stop])
        end = stop + 1
    return b"".join((b"\n".join(sorted(head)), b"\n", memoryview(text)[end:])) if head else text  # one copy


def _used_prefixes(graph: Graph, triples: list[tuple[Node, Node, Node]]) -> dict[str, str]:
    """Our prefixes and the graph's own that name a property, a class or a datatype of ``triples``."""
    rdf_type = RDF.type
    names = {str(p) for p in {t[1] for t in triples}} | {str(o) for _s, p, o in triples if p == rdf_type}
    names |= {str(d) for d in {o.datatype for _s, _p, o in triples if isinstance(o, Literal)} if d is not None}
    bound = {**PREFIXES, **{prefix: str(ns) for prefix, ns in graph.namespaces() if prefix}}
    namespaces = {ns for ns in bound.values()}
    used = {ns for name in names for ns in namespaces if name.startswith(ns)}
    return {prefix: ns for prefix, ns in sorted(bound.items()) if ns in used}


def _jsonld(graph: Graph) -> str:
    text = _canonical(graph).serialize(format="json-ld", context=jsonld_context(), sort_keys=True)
    return json.dumps(_sorted_json(json.loads(text)), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _sorted_json(value: Any, key: str = "") -> Any:
    """JSON-LD with every array in a fixed order (rdflib follows hash order); ``@list`` keeps its order."""
    if isinstance(value, dict):
        return {k: _sorted_json(v, k) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sorted_json(v) for v in value]
        return items if key == "@list" else sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    return value


_NCNAME = re.compile(r"^[A-Za-z_][\w.\-]*$")


def _rdfxml(graph: Graph) -> str:
    """Striped RDF/XML, one rdf:Description per subject, subjects and properties sorted: stable bytes."""
    prefixes = {str(ns): prefix for prefix, ns in sorted(PREFIXES.items())}
    used: dict[str, str] = {"rdf": str(RDF)}
    body: list[str] = []
    for subject in sorted(set(graph.subjects()), key=lambda n: n.n3()):
        body.append(f"  <rdf:Description {_node_attr(subject, 'about')}>")
        for p, o in sorted(graph.predicate_objects(subject), key=lambda po: nt_line(subject, *po)):
            body.append("    " + _property_element(str(p), o, prefixes, used))
        body.append("  </rdf:Description>")
    xmlns = "".join(f'\n  xmlns:{prefix}="{escape(ns)}"' for prefix, ns in sorted(used.items()))
    return f'<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF{xmlns}>\n' + "\n".join(body) + "\n</rdf:RDF>\n"


def _node_attr(node: Node, about: str) -> str:
    if isinstance(node, BNode):
        return f'rdf:nodeID="b{escape(str(node))}"'
    return f"rdf:{about}={quoteattr(str(node))}"


def _property_element(predicate: str, obj: Node, prefixes: dict[str, str], used: dict[str, str]) -> str:
    qname = _qname(predicate, prefixes, used)
    if isinstance(obj, Literal):
        attrs = f' xml:lang="{obj.language}"' if obj.language else ""
        if obj.datatype is not None:
            attrs += f" rdf:datatype={quoteattr(str(obj.datatype))}"
        return f"<{qname}{attrs}>{escape(str(obj))}</{qname}>"
    return f"<{qname} {_node_attr(obj, 'resource')}/>"


def _qname(iri: str, prefixes: dict[str, str], used: dict[str, str]) -> str:
    """prefix:local for a property IRI; an IRI outside our prefixes gets a numbered one."""
    cut = max(iri.rfind("#"), iri.rfind("/")) + 1
    namespace, local = iri[:cut], iri[cut:]
    if not _NCNAME.match(local):
        raise ValueError(f"property {iri} cannot be written in RDF/XML (its last part is not an XML name)")
    prefix = prefixes.get(namespace) or next((p for p, ns in used.items() if ns == namespace), None)
    if prefix is None:
        prefix = f"ns{sum(1 for p in used if p.startswith('ns')) + 1}"
    used[prefix] = namespace
    return f"{prefix}:{local}"


# One per name in formats.EXPORT (the registry test checks that they match).
SERIALIZERS: dict[str, Callable[[Graph], str]] = {
    "ttl": lambda g: _turtle(g),
    "nt": sorted_ntriples,
    "jsonld": _jsonld,
    "rdfxml": _rdfxml,
}


def _stable_blank_nodes(graph: Graph) -> Graph:
    """Blank nodes get fresh random labels each time a file is read; canonical labels make the output stable.
    (We avoid blank nodes in the data, so this rarely costs anything.)"""
    if not any(isinstance(term, BNode) for triple in graph for term in triple):
        return graph
    canonical = Graph(bind_namespaces="none")
    for prefix, ns in graph.namespaces():
        canonical.bind(prefix, ns)
    for triple in to_canonical_graph(graph):
        canonical.add(triple)
    return canonical


def serialize(graph: Graph, fmt: str) -> str:
    if fmt not in SERIALIZERS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(SERIALIZERS)}")
    return SERIALIZERS[fmt](_stable_blank_nodes(graph))
