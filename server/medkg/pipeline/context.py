"""The state of one build: the asserted graph, the IRIs, the diagnostics and where each triple came from."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, URIRef
from rdflib.plugins.stores.memory import SimpleMemory
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


class BuildStore(SimpleMemory):
    """rdflib's in-memory store without named graphs (a build's graph has none): a third less time and memory per
    triple than the default store, which records each triple's graphs. As the default store, a match is taken
    whole before it is walked (a step may change the graph while it walks one); the size is counted per subject
    and predicate rather than triple by triple."""

    def triples(self, triple_pattern: Any, context: Any = None) -> Iterator[Any]:
        matches = [triple for triple, _graphs in super().triples(triple_pattern, context)]
        no_graphs: Iterator[Any] = iter(())
        return ((triple, no_graphs) for triple in matches)

    def clear(self) -> None:
        """Let go of every triple at once: the indexes are freed as they are dropped (the graph that holds this
        store and its namespace manager refer to each other, so only a full collection would free the graph)."""
        SimpleMemory.__init__(self)

    def __len__(self, context: Any = None) -> int:
        index: dict[Node, dict[Node, dict[Node, int]]] = vars(self)["_SimpleMemory__spo"]
        return sum(len(objects) for predicates in index.values() for objects in predicates.values())


def new_build_graph() -> Graph:
    """The graph a build assembles: ``new_graph``'s prefixes in a ``BuildStore``."""
    graph = Graph(store=BuildStore(), bind_namespaces="none")
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
    graph: Graph = field(default_factory=new_build_graph)
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

    def release(self) -> None:
        """Let go of the graph and what is recorded per triple (the diagnostics stay): once the output files are
        written, the rest of a build reads them."""
        if isinstance(self.graph.store, BuildStore):
            self.graph.store.clear()
        self.graph, self.provenance, self.subject_locations = new_build_graph(), {}, {}
        self.valid_iris, self.provisions = set(), set()

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
