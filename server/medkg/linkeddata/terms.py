"""Reading the store: pyoxigraph terms turned into rdflib terms, triples about one resource, and paths ↔ IRIs."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
from rdflib.term import Node

from ..namespaces import MEDKG, ONTOLOGY_IRI, SHAPES_IRI, XSD_STRING
from ..pipeline.oxterms import OxTerm, to_ox
from ..pipeline.oxterms import from_ox as to_rdflib
from ..store import Dataset

Triple = tuple[Node, Node, Node]


def triples(dataset: Dataset, subject: Node | None = None, predicate: Node | None = None,
            obj: Node | None = None, graph: ox.NamedNode | None = None) -> Iterator[Triple]:
    """The triples matching a pattern in one named graph, or (``graph`` None) in the asserted and the inferred
    graphs: never in other graphs a store may hold (e.g. test datasets), nor in its default graph."""
    pattern = [None if t is None else to_ox(t) for t in (subject, predicate, obj)]
    for name in (graph,) if graph is not None else (dataset.asserted_graph, dataset.inferred_graph):
        for quad in dataset.store.quads_for_pattern(pattern[0], pattern[1], pattern[2], name):  # type: ignore[arg-type]
            yield to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)


def subject_objects(dataset: Dataset, predicate: Node, obj: Node | None = None) -> Iterator[tuple[OxTerm, OxTerm]]:
    """``triples``' subjects and objects for one predicate as pyoxigraph terms (read with ``text``): no rdflib
    term is made, which is half the time of reading millions of triples (the site index)."""
    p, o = to_ox(predicate), None if obj is None else to_ox(obj)
    for name in (dataset.asserted_graph, dataset.inferred_graph):
        for quad in dataset.store.quads_for_pattern(None, p, o, name):  # type: ignore[arg-type]
            yield quad.subject, quad.object  # type: ignore[misc]  # (no RDF-star triples in a build)


def text(term: OxTerm) -> str:
    """``str()`` of the term's rdflib equivalent: an IRI, a blank node id, or a literal's (normalized) form."""
    if not isinstance(term, ox.Literal) or term.language or term.datatype.value == XSD_STRING:
        return term.value  # type: ignore[union-attr]
    return str(to_rdflib(term))


class PathMap:
    """Maps the server's request paths to the IRIs they name, and back.

    Data IRIs live under the configured base; the ontology namespace and the shapes are fixed, and are
    served at ``/def/…`` and ``/shapes/…`` whatever the base.
    """

    def __init__(self, base: str) -> None:
        self.base = base

    def iri(self, path: str) -> str:
        """The IRI a request path (without its leading slash) names."""
        if path == "def":
            return ONTOLOGY_IRI
        if path.startswith("def/"):
            return str(MEDKG) + path[4:]
        if path == "shapes" or path.startswith("shapes/"):
            return SHAPES_IRI + path[6:]
        return self.base + path

    def path(self, iri: str) -> str | None:
        """The local path (with a leading slash) that serves ``iri``; None for IRIs we do not serve."""
        if iri == ONTOLOGY_IRI:
            return "/def"
        if iri.startswith(str(MEDKG)):
            return "/def/" + iri[len(str(MEDKG)):]
        if iri == SHAPES_IRI or iri.startswith((SHAPES_IRI + "#", SHAPES_IRI + "/")):
            return "/shapes" + iri[len(SHAPES_IRI):]
        if iri.startswith(self.base) and len(iri) > len(self.base):
            return "/" + iri[len(self.base):]
        return None
