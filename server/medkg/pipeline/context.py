"""The state of one build: the asserted graph, the IRIs, the diagnostics and where each triple came from."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.term import Node

from ..namespaces import PREFIXES
from .diagnostics import Diagnostics, SourceLocation
from .iris import IRIs, is_iri

Triple = tuple[Node, Node, Node]


def new_graph() -> Graph:
    """An empty rdflib graph with our prefixes bound (and no others invented by rdflib)."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


@dataclass
class PendingReference:
    """A reference by name (e.g. a related_term slug) to be resolved once every source is read."""

    subject: Node
    predicate: Node
    name: str
    location: SourceLocation
    record: str | None = None


@dataclass
class BuildContext:
    iris: IRIs
    graph: Graph = field(default_factory=new_graph)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    provenance: dict[Triple, SourceLocation] = field(default_factory=dict)
    pending: list[PendingReference] = field(default_factory=list)
    valid_iris: set[URIRef] = field(default_factory=set)
    provisions: set[Hashable] = field(default_factory=set)  # refs emitted with their ancestors (regulatory.provisions)
    # subject -> the first (smallest) location recorded for a triple about it: location_of in constant time (a scan
    # of ``provenance`` per call made the link steps quadratic: hours at 100,000 concepts)
    subject_locations: dict[Node, SourceLocation] = field(default_factory=dict)

    def add(self, triple: Triple, location: SourceLocation | None = None) -> None:
        """Assert a triple, remembering the first source location it came from. A triple naming an IRI that is
        not valid (RFC 3987) is left out with an error: no writer or store downstream can take it."""
        for term in triple:
            if isinstance(term, URIRef) and term not in self.valid_iris and not self._check_iri(term, location):
                return
        self.graph.add(triple)
        if location is not None:
            self.provenance.setdefault(triple, location)
            known = self.subject_locations.get(triple[0])
            if known is None or location < known:
                self.subject_locations[triple[0]] = location

    def _check_iri(self, iri: URIRef, location: SourceLocation | None) -> bool:
        if is_iri(str(iri)):
            self.valid_iris.add(iri)
            return True
        self.diagnostics.error("iri.invalid", f"{str(iri)!r} is not a valid IRI (RFC 3987); the statement naming "
                               "it is left out", location or SourceLocation("(build)"))
        return False

    def add_all(self, triples: Iterable[Triple], location: SourceLocation | None = None) -> None:
        for triple in triples:
            self.add(triple, location)

    def refer(self, subject: Node, predicate: Node, name: str, location: SourceLocation,
              record: str | None = None) -> None:
        self.pending.append(PendingReference(subject, predicate, name, location, record))

    def location_of(self, subject: Node) -> SourceLocation | None:
        """The first location recorded for any triple about ``subject`` (for reports; a triple removed later still
        counts: it was read there)."""
        return self.subject_locations.get(subject)
