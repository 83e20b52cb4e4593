"""OWL-RL entailments of a build, kept apart from the asserted graph in ``DIR/inferred.ttl``.

The schema is ``ontology/medkg.ttl`` plus the SKOS axioms we rely on (``ontology/skos-axioms.ttl``). Two reasoners
give the same triples:

- ``owlrl``: the owlrl package's full OWL-RL closure of a copy of data + schema: the reference semantics, but
  slow (about 25 s for 1,000 concepts);
- ``fast`` (the default): computes directly the only rules our schema can fire on data — sub-properties, inverse,
  symmetric and transitive properties, domains and ranges, sub-classes — in a few seconds for 100,000 concepts.

Both keep only what a user would query (``keep``): new triples about the data's own resources, without
``owl:sameAs``, without typing by RDF/RDFS/OWL/XSD built-ins (``rdfs:Resource``, ``owl:Thing``...), without
triples about the schema's terms, and without reflexive triples (``x skos:exactMatch x``).
``tests/pipeline/test_inference.py`` proves the two equal (set equality) on example graphs and on a real build.
Choose with ``medkg build --reasoner`` (default: the ``REASONER`` setting, ``MEDKG_REASONER``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import owlrl
from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.term import Node

from ..assets import ONTOLOGY_FILE, SKOS_AXIOMS_FILE
from . import layout
from .context import BuildContext, Triple
from .gcpause import paused_gc
from .layout import write_text
from .ntriples import ntriples_turtle
from .output import OutputOptions

SCHEMA_FILES = (ONTOLOGY_FILE, SKOS_AXIOMS_FILE)
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


Pairs = set[tuple[Node, Node]]


def _transitive(pairs: Pairs) -> Pairs:
    """The transitive closure of a relation (every node's reachable set, by depth-first search)."""
    out: dict[Node, set[Node]] = defaultdict(set)
    for s, o in pairs:
        out[s].add(o)
    closed: Pairs = set()
    for start in list(out):
        seen: set[Node] = set()
        todo = list(out[start])
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(out.get(node, ()))
        closed.update((start, o) for o in seen)
    return closed


def _close(schema: Schema, edges: dict[Node, Pairs]) -> None:
    """Apply the sub-property, inverse, symmetric and transitive rules to whole relations at a time (set
    operations, not triple by triple) until no relation grows: the same least fixpoint as rule by rule."""
    done: dict[Node, int] = {}
    while True:
        dirty = [p for p in list(edges) if done.get(p) != len(edges[p])]
        if not dirty:
            return
        for p in dirty:
            pairs = edges[p]
            while done.get(p) != len(pairs):  # symmetric and transitive feed each other
                done[p] = len(pairs)
                if p in schema.transitive:
                    pairs |= _transitive(pairs)
                if p in schema.symmetric:
                    pairs |= {(o, s) for s, o in pairs}
            for q in schema.supers.get(p, ()):
                edges[q] |= pairs
            for q in schema.inverses.get(p, ()):
                edges[q] |= {(o, s) for s, o in pairs}


def _types(edges: dict[Node, Pairs], data: Graph, schema: Schema, asserted: Pairs) -> Pairs:
    """(node, class) from domains and ranges and every super-class of every type, not asserted (literals get no
    type: ``keep`` drops every triple about a literal)."""
    found = set(asserted)
    for p in set(schema.domains) | set(schema.ranges):
        domains, ranges = schema.domains.get(p, ()), schema.ranges.get(p, ())
        pairs = edges[p] if p in edges else set(data.subject_objects(p))
        for s, o in pairs:
            found.update((s, c) for c in domains)
            if not isinstance(o, Literal):
                found.update((o, c) for c in ranges)
    for node, cls in list(found):
        found.update((node, sup) for sup in schema.superclasses.get(cls, ()))
    return found - asserted


def infer_fast(data: Graph, schema_graph: Graph) -> set[Triple]:
    """The same entailments as ``infer_owlrl``, computed by the rules our schema can fire. Every node these rules
    reach is a subject or non-class object of the data, so ``keep``'s test for the data's own resources reduces to
    "an IRI that the schema does not describe" (``tests/pipeline/test_inference.py`` proves the results equal)."""
    schema = compile_schema(schema_graph)
    rules = set(schema.supers) | set(schema.inverses) | schema.symmetric | schema.transitive
    targets = {q for qs in (*schema.supers.values(), *schema.inverses.values()) for q in qs}
    asserted: dict[Node, Pairs] = {p: set(data.subject_objects(p)) for p in rules | targets}
    edges = {p: set(pairs) for p, pairs in asserted.items()}
    _close(schema, edges)
    types = set(data.subject_objects(RDF.type))
    described, owl = set(schema_graph.subjects()), str(OWL)
    kept: set[Triple] = set()
    for p, pairs in edges.items():
        if not str(p).startswith(owl):
            new = pairs - asserted[p]
            kept.update((s, p, o) for s, o in new if s != o and isinstance(s, URIRef) and s not in described)
    kept.update((s, RDF.type, c) for s, c in _types(edges, data, schema, types)
                if isinstance(s, URIRef) and s not in described and not _builtin(c))
    return kept


def infer(data: Graph, schema: Graph, reasoner: str = "fast") -> set[Triple]:
    if reasoner not in REASONERS:
        raise ValueError(f"unknown reasoner {reasoner!r}; choose one of {', '.join(REASONERS)}")
    return infer_fast(data, schema) if reasoner == "fast" else infer_owlrl(data, schema)


def infer_step(ctx: BuildContext, folder: Path, options: OutputOptions) -> None:
    """Output step: write ``inferred.ttl`` beside ``graph.ttl`` (the asserted graph itself is not touched)."""
    with paused_gc():
        inferred = infer(ctx.graph, load_schema(), options.reasoner)
        write_text(folder / layout.INFERRED, ntriples_turtle(inferred))

