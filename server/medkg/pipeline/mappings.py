"""The SKOS mappings of a build, with their evidence: one reading shared by the SSSOM export and FHIR ConceptMap.

A build asserts each mapping once (glossary → regulation, regulation → statute) with a ``medkg:mappingEvidence``
text that names the target (``skos:exactMatch Label <target>: why``); ``skos:broadMatch`` links made from a
definition's genus carry ``medkg:broaderEvidence``. ``RELATIONS`` is the one table of what each SKOS mapping
property means elsewhere: its inverse, its FHIR R4 ``ConceptMapEquivalence`` and its R5 ``relationship``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rdflib import SKOS, Literal, URIRef
from rdflib.term import Node

from ..namespaces import MEDKG

Pairs = Callable[[URIRef], Iterable[tuple[Node, Node]]]


@dataclass(frozen=True)
class Relation:
    prop: URIRef
    inverse: URIRef
    r4: str  # ConceptMapEquivalence (source → target)
    r5: str  # ConceptMapRelationship
    strength: int  # the strongest statement about a pair wins when a pair is linked twice


RELATIONS: dict[URIRef, Relation] = {
    r.prop: r
    for r in (
        Relation(SKOS.exactMatch, SKOS.exactMatch, "equivalent", "equivalent", 0),
        Relation(SKOS.broadMatch, SKOS.narrowMatch, "wider", "source-is-narrower-than-target", 1),
        Relation(SKOS.narrowMatch, SKOS.broadMatch, "narrower", "source-is-broader-than-target", 1),
        Relation(SKOS.closeMatch, SKOS.closeMatch, "relatedto", "related-to", 2),
        Relation(SKOS.relatedMatch, SKOS.relatedMatch, "relatedto", "related-to", 3),
    )
}


@dataclass(frozen=True)
class Mapping:
    """``subject prop object``, as asserted (``inverted`` False) or read backwards from an assertion."""

    subject: str
    prop: URIRef
    object: str
    evidence: tuple[str, ...]
    inverted: bool = False

    @property
    def relation(self) -> Relation:
        return RELATIONS[self.prop]

    def reversed(self) -> Mapping:
        return Mapping(self.object, self.relation.inverse, self.subject, self.evidence, not self.inverted)


def asserted_mappings(pairs: Pairs) -> list[Mapping]:
    """Every asserted mapping between two IRIs, sorted; ``pairs(p)`` gives the (subject, object) pairs of ``p``."""
    evidence = _texts(pairs, MEDKG.mappingEvidence)
    genus = _texts(pairs, MEDKG.broaderEvidence)
    found = set()
    for prop in RELATIONS:
        for s, o in pairs(prop):
            if isinstance(s, URIRef) and isinstance(o, URIRef) and s != o:
                texts = genus.get(str(s), []) if prop == SKOS.broadMatch else evidence.get(str(s), [])
                found.add(Mapping(str(s), prop, str(o), _about(texts, str(o))))
    return sorted(found, key=lambda m: (m.subject, m.object, str(m.prop)))


def both_ways(mappings: Iterable[Mapping]) -> dict[str, list[Mapping]]:
    """subject → its mappings, asserted or read backwards; a pair linked twice keeps its strongest statement."""
    best: dict[tuple[str, str], Mapping] = {}
    for mapping in mappings:
        for m in (mapping, mapping.reversed()):
            key = (m.subject, m.object)
            if key not in best or (m.relation.strength, m.inverted) < (best[key].relation.strength,
                                                                          best[key].inverted):
                best[key] = m
    by_subject: dict[str, list[Mapping]] = {}
    for (subject, _), m in sorted(best.items()):
        by_subject.setdefault(subject, []).append(m)
    return by_subject


def _texts(pairs: Pairs, prop: URIRef) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for s, o in pairs(prop):
        if isinstance(o, Literal):
            found.setdefault(str(s), []).append(str(o))
    return {k: sorted(v) for k, v in found.items()}


def _about(texts: list[str], target: str) -> tuple[str, ...]:
    """The evidence texts that name ``target``; texts naming no IRI at all apply to every mapping of the subject."""
    named = [t for t in texts if f"<{target}>" in t]
    return tuple(named or [t for t in texts if "<http" not in t])
