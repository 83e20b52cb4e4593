"""Matching terms by name across sources: one normalization, one index of every concept's labels."""

from __future__ import annotations

from collections import defaultdict

from rdflib import RDF, SKOS, Graph, URIRef

from ..names import fold

SKOS_LABELS = (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)  # the names a term is matched by


def normalize_label(text: str) -> str:
    """The key labels are matched by (``names.fold``): "Provider-Sponsored  Organization" → "provider sponsored
    organization"; a slug such as "managed-care-plan" gives the same key as "Managed Care Plan"."""
    return fold(text)


def label_index(graph: Graph, properties: tuple[URIRef, ...] = SKOS_LABELS) -> dict[str, set[URIRef]]:
    """normalized label → the concepts carrying it (as pref, alt or hidden label, in any language)."""
    index: dict[str, set[URIRef]] = defaultdict(set)
    for concept in graph.subjects(RDF.type, SKOS.Concept):
        if not isinstance(concept, URIRef):
            continue
        for prop in properties:
            for label in graph.objects(concept, prop):
                index[normalize_label(str(label))].add(concept)
    return dict(index)
