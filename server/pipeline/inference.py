"""OWL-RL entailments of a build, kept apart from the asserted graph in ``DIR/inferred.ttl``.

The schema is ``ontology/medkg.ttl`` plus the SKOS axioms we rely on (``ontology/skos-axioms.ttl``). Two reasoners
give the same triples:

- ``owlrl``: the owlrl package's full OWL-RL closure of a copy of data + schema: the reference semantics, but
  slow (about 25 s for 1,000 concepts);
- ``fast`` (the default): computes directly the only rules our schema can fire on data — sub-properties, inverse,
  symmetric and transitive properties, domains and ranges, sub-classes — in a few seconds for 100,000 concepts.

Both keep only what a user would query (``keep``): new triples about the data's own resources, without
``owl:sameAs``, without typing by RDF/RDFS/OWL/XSD built-ins (``rdfs:Resource``, ``owl:Thing``...), without
triples about the schema's terms, and without reflexive triples (``x skos:exactMatch x``). ``tests/test_inference.py``
proves the two equal (set equality) on example graphs and on a real build. Choose with ``MEDKG_REASONER``.
"""

from __future__ import annotations

import os
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import owlrl
from rdflib import OWL, RDF, RDFS, XSD, Graph, URIRef
from rdflib.term import Node

from .context import BuildContext, Triple, new_graph
from .steps import OutputOptions

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_FILES = (ROOT / "ontology" / "medkg.ttl", ROOT / "ontology" / "skos-axioms.ttl")
BUILTIN_NAMESPACES = (str(RDF), str(RDFS), str(OWL), str(XSD))
REASONERS = ("fast", "owlrl")


def load_schema() -> Graph:
    """The ontology and the SKOS axioms: what inference reads besides the data."""
    schema = Graph()
    for path in SCHEMA_FILES:
        schema.parse(path, format="turtle")
    return schema


def _builtin(node: Node) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(BUILTIN_NAMESPACES)


def individuals(data: Graph) -> set[Node]:
    """The data's own resources: IRIs in subject or (non-class) object position."""
    found: set[Node] = set()
    for s, p, o in data:
        found.add(s)
        if p != RDF.type:
            found.add(o)
    return {n for n in found if isinstance(n, URIRef)}


def keep(triples: Iterable[Triple], data: Graph, schema: Graph) -> Graph:
    """The entailments a user would query (see the module docstring), as a graph."""
    wanted = individuals(data) - set(schema.subjects())
    kept = new_graph()
    for s, p, o in triples:
        if s not in wanted or s == o or str(p).startswith(str(OWL)) or (s, p, o) in data:
            continue
        if p == RDF.type and _builtin(o):
            continue
        kept.add((s, p, o))
    return kept


def infer_owlrl(data: Graph, schema: Graph) -> Graph:
    """The reference: owlrl's OWL-RL closure of a copy of data + schema, filtered by ``keep``."""
    closure = Graph()
    closure += data
    closure += schema
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    return keep((t for t in closure if t not in schema), data, schema)


@dataclass
class Schema:
    """What the rules need from the schema, with sub-property and sub-class hierarchies closed."""

    supers: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    inverses: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    symmetric: set[Node] = field(default_factory=set)
    transitive: set[Node] = field(default_factory=set)
    domains: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    ranges: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    superclasses: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))

    @property
    def properties(self) -> set[Node]:
        """Properties whose triples some rule reads."""
        return set(self.supers) | set(self.inverses) | self.symmetric | self.transitive | set(self.domains) | set(
            self.ranges)


def _closed(pairs: Iterable[tuple[Node, Node]]) -> dict[Node, set[Node]]:
    """The transitive closure of a relation given as pairs (e.g. sub-property → super-property)."""
    direct: dict[Node, set[Node]] = defaultdict(set)
    for a, b in pairs:
        direct[a].add(b)
    closed: dict[Node, set[Node]] = defaultdict(set)
    for start in list(direct):
        todo = list(direct[start])
        while todo:
            node = todo.pop()
            if node not in closed[start]:
                closed[start].add(node)
                todo.extend(direct.get(node, ()))
        closed[start].discard(start)
    return closed


def compile_schema(schema: Graph) -> Schema:
    result = Schema()
    result.supers = _closed(schema.subject_objects(RDFS.subPropertyOf))
    result.superclasses = _closed(schema.subject_objects(RDFS.subClassOf))
    for p, q in schema.subject_objects(OWL.inverseOf):
        result.inverses[p].add(q)
        result.inverses[q].add(p)
    result.symmetric = set(schema.subjects(RDF.type, OWL.SymmetricProperty))
    result.transitive = set(schema.subjects(RDF.type, OWL.TransitiveProperty))
    for p, c in schema.subject_objects(RDFS.domain):
        result.domains[p].add(c)
    for p, c in schema.subject_objects(RDFS.range):
        result.ranges[p].add(c)
    return result


class _Facts:
    """Property triples indexed by predicate, subject and object, closed under the property rules."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.out: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
        self.into: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
        self.queue: deque[Triple] = deque()

    def add(self, s: Node, p: Node, o: Node) -> None:
        if o not in self.out[p][s]:
            self.out[p][s].add(o)
            self.into[p][o].add(s)
            self.queue.append((s, p, o))

    def consequences(self, s: Node, p: Node, o: Node) -> Iterator[Triple]:
        schema = self.schema
        yield from ((s, q, o) for q in schema.supers.get(p, ()))
        yield from ((o, q, s) for q in schema.inverses.get(p, ()))
        if p in schema.symmetric:
            yield (o, p, s)
        if p in schema.transitive:
            yield from ((s, p, z) for z in list(self.out[p].get(o, ())))
            yield from ((w, p, o) for w in list(self.into[p].get(s, ())))

    def close(self) -> None:
        while self.queue:
            for triple in self.consequences(*self.queue.popleft()):
                self.add(*triple)

    def triples(self) -> Iterator[Triple]:
        for p, subjects in self.out.items():
            for s, objects in subjects.items():
                yield from ((s, p, o) for o in objects)


def _types(facts: _Facts, data: Graph, schema: Schema) -> Iterator[Triple]:
    """Asserted types, types from domains and ranges, then every super-class of each."""
    found: set[tuple[Node, Node]] = set(data.subject_objects(RDF.type))
    for s, p, o in facts.triples():
        found.update((s, c) for c in schema.domains.get(p, ()))
        found.update((o, c) for c in schema.ranges.get(p, ()))
    for node, cls in list(found):
        found.update((node, sup) for sup in schema.superclasses.get(cls, ()))
    return ((node, RDF.type, cls) for node, cls in found)


def infer_fast(data: Graph, schema_graph: Graph) -> Graph:
    """The same entailments as ``infer_owlrl``, computed by the rules our schema can fire."""
    schema = compile_schema(schema_graph)
    facts = _Facts(schema)
    for p in schema.properties:
        for s, o in data.subject_objects(p):
            facts.add(s, p, o)
    facts.close()
    return keep([*facts.triples(), *_types(facts, data, schema)], data, schema_graph)


def infer(data: Graph, schema: Graph, reasoner: str = "fast") -> Graph:
    if reasoner not in REASONERS:
        raise ValueError(f"unknown reasoner {reasoner!r}; choose one of {', '.join(REASONERS)}")
    return infer_fast(data, schema) if reasoner == "fast" else infer_owlrl(data, schema)


def ntriples_turtle(graph: Graph) -> str:
    """Sorted N-Triples lines: valid Turtle, byte-identical for the same graph, and fast to write at scale."""
    lines = sorted({f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in graph})
    return "# medkg inferred triples (OWL-RL entailments not in graph.ttl); N-Triples lines are Turtle\n" + "".join(
        lines)


def infer_step(ctx: BuildContext, folder: Path, options: OutputOptions) -> None:
    """Output step: write ``inferred.ttl`` beside ``graph.ttl`` (the asserted graph itself is not touched)."""
    from .build import write_text

    reasoner = os.environ.get("MEDKG_REASONER", "fast")
    inferred = infer(ctx.graph, load_schema(), reasoner)
    write_text(folder / "inferred.ttl", ntriples_turtle(inferred))

