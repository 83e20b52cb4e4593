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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import owlrl
from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.term import Node

from .context import BuildContext, Triple
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


def keep(triples: Iterable[Triple], data: Graph, schema: Graph) -> set[Triple]:
    """The entailments a user would query (see the module docstring)."""
    wanted = individuals(data) - set(schema.subjects())
    return _filtered(triples, wanted.__contains__, data.__contains__)


def _filtered(triples: Iterable[Triple], wanted: Callable[[Node], bool],
              asserted: Callable[[Triple], bool]) -> set[Triple]:
    kept: set[Triple] = set()
    owl = str(OWL)
    for s, p, o in triples:
        if not wanted(s) or s == o or str(p).startswith(owl) or (p == RDF.type and _builtin(o)):
            continue
        if not asserted((s, p, o)):
            kept.add((s, p, o))
    return kept


def infer_owlrl(data: Graph, schema: Graph) -> set[Triple]:
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
    """Property triples indexed by predicate and subject (and object, for transitive properties), closed under
    the property rules; ``derived`` lists, in order, the triples the rules added."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.out: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
        self.into: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
        self.queue: deque[Triple] = deque()
        self.derived: list[Triple] = []

    def add(self, s: Node, p: Node, o: Node, seed: bool = False) -> None:
        objects = self.out[p][s]
        if o not in objects:
            objects.add(o)
            if p in self.schema.transitive:
                self.into[p][o].add(s)
            self.queue.append((s, p, o))
            if not seed:
                self.derived.append((s, p, o))

    def close(self) -> None:
        """Apply sub-property, inverse, symmetric and transitive rules until nothing new follows."""
        schema, add, queue = self.schema, self.add, self.queue
        while queue:
            s, p, o = queue.popleft()
            for q in schema.supers.get(p, ()):
                add(s, q, o)
            for q in schema.inverses.get(p, ()):
                add(o, q, s)
            if p in schema.symmetric:
                add(o, p, s)
            if p in schema.transitive:
                for z in list(self.out[p].get(o, ())):
                    add(s, p, z)
                for w in list(self.into[p].get(s, ())):
                    add(w, p, o)


def _pairs(facts: _Facts, data: Graph, p: Node, seeded: set[Node]) -> Iterator[tuple[Node, Node]]:
    """Every (subject, object) of ``p``: asserted or derived."""
    for s, objects in facts.out.get(p, {}).items():
        yield from ((s, o) for o in objects)
    if p not in seeded:
        yield from data.subject_objects(p)


def _types(facts: _Facts, data: Graph, schema: Schema, seeded: set[Node],
           asserted: set[tuple[Node, Node]]) -> Iterator[Triple]:
    """Types from domains and ranges, and every super-class of every type, that are not asserted (literals get no
    type: ``keep`` drops every triple about a literal)."""
    found = set(asserted)
    for p in set(schema.domains) | set(schema.ranges):
        domains, ranges = schema.domains.get(p, ()), schema.ranges.get(p, ())
        for s, o in _pairs(facts, data, p, seeded):
            found.update((s, c) for c in domains)
            if not isinstance(o, Literal):
                found.update((o, c) for c in ranges)
    for node, cls in list(found):
        found.update((node, sup) for sup in schema.superclasses.get(cls, ()))
    return ((node, RDF.type, cls) for node, cls in found - asserted)


class _Asserted:
    """Membership in the data graph by predicate, each predicate's pairs read once from rdflib's index."""

    def __init__(self, data: Graph, types: set[tuple[Node, Node]]) -> None:
        self.data = data
        self.pairs: dict[Node, set[tuple[Node, Node]]] = {RDF.type: types}

    def __call__(self, triple: Triple) -> bool:
        s, p, o = triple
        if p not in self.pairs:
            self.pairs[p] = set(self.data.subject_objects(p))
        return (s, o) in self.pairs[p]


def infer_fast(data: Graph, schema_graph: Graph) -> set[Triple]:
    """The same entailments as ``infer_owlrl``, computed by the rules our schema can fire. Every node these rules
    reach is a subject or non-class object of the data, so ``keep``'s test for the data's own resources reduces to
    "an IRI that the schema does not describe" (``tests/test_inference.py`` proves the results equal)."""
    schema = compile_schema(schema_graph)
    facts = _Facts(schema)
    seeded = set(schema.supers) | set(schema.inverses) | schema.symmetric | schema.transitive
    for p in seeded:
        for s, o in data.subject_objects(p):
            facts.add(s, p, o, seed=True)
    facts.close()
    types = set(data.subject_objects(RDF.type))
    described = set(schema_graph.subjects())
    candidates = [*facts.derived, *_types(facts, data, schema, seeded, types)]
    return _filtered(candidates, lambda s: isinstance(s, URIRef) and s not in described, _Asserted(data, types))


def infer(data: Graph, schema: Graph, reasoner: str = "fast") -> set[Triple]:
    if reasoner not in REASONERS:
        raise ValueError(f"unknown reasoner {reasoner!r}; choose one of {', '.join(REASONERS)}")
    return infer_fast(data, schema) if reasoner == "fast" else infer_owlrl(data, schema)


def ntriples_turtle(triples: Iterable[Triple]) -> str:
    """Sorted N-Triples lines: valid Turtle, byte-identical for the same triples, and fast to write at scale."""
    terms: dict[Node, str] = {}

    def n3(term: Node) -> str:
        found = terms.get(term)
        if found is None:
            found = terms[term] = term.n3()
        return found

    lines = sorted({f"{n3(s)} {n3(p)} {n3(o)} .\n" for s, p, o in triples})
    return "# N-Triples lines, sorted (valid Turtle)\n" + "".join(lines)


def infer_step(ctx: BuildContext, folder: Path, options: OutputOptions) -> None:
    """Output step: write ``inferred.ttl`` beside ``graph.ttl`` (the asserted graph itself is not touched)."""
    from .build import write_text

    reasoner = os.environ.get("MEDKG_REASONER", "fast")
    inferred = infer(ctx.graph, load_schema(), reasoner)
    write_text(folder / "inferred.ttl", ntriples_turtle(inferred))

