"""The build as FHIR sees it, computed once per loaded build: code systems (one per concept scheme), codes, the
hierarchy, the mappings and the filter index. A concept's details are read from the store when asked for.

A code is the concept IRI's local part under its scheme (``concept/42-cfr-422/422.350/provider-sponsored-
organization`` in ``scheme/42-cfr-422`` has code ``422.350/provider-sponsored-organization``): stable as the IRI.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import DCTERMS, OWL, RDF, SKOS, Literal, URIRef
from rdflib.term import Node

from ..linkeddata.search import fold
from ..linkeddata.site import Site
from ..linkeddata.terms import triples
from ..namespaces import MEDKG
from ..pipeline.mappings import Mapping, asserted_mappings, both_ways
from ..siteindex import no_index_message
from ..store import NoStore
from .filtering import FilterIndex

ALL_ID = "all"  # the value set of every concept of every scheme
LABEL_KINDS = {SKOS.prefLabel: "prefLabel", SKOS.altLabel: "altLabel", SKOS.hiddenLabel: "hiddenLabel"}
SCHEME_METADATA = (DCTERMS.title, SKOS.prefLabel, DCTERMS.publisher, DCTERMS.license, DCTERMS.rights,
                   DCTERMS.description, DCTERMS.source, DCTERMS.modified, DCTERMS.issued, OWL.versionInfo)


@dataclass(frozen=True)
class Scheme:
    """One concept scheme as a code system; ``codes`` maps each code to its concept IRI, sorted by code."""

    index: int
    id: str
    url: str
    meta: dict[str, list[Node]]
    codes: dict[str, str]

    @property
    def value_set(self) -> str:
        return self.url + "?fhir_vs"

    def texts(self, prop: URIRef) -> list[str]:
        return sorted(str(v) for v in self.meta.get(str(prop), []))

    def title(self) -> str:
        titled = self.meta.get(str(DCTERMS.title)) or self.meta.get(str(SKOS.prefLabel)) or [Literal(self.id)]
        return str(sorted(titled, key=lambda v: (getattr(v, "language", None) not in (None, "en"), str(v)))[0])


@dataclass(frozen=True)
class Label:
    kind: str  # prefLabel | altLabel | hiddenLabel
    lang: str
    text: str


@dataclass
class Details:
    """What one concept says of itself, read from the store."""

    labels: list[Label] = field(default_factory=list)
    definitions: dict[str, str] = field(default_factory=dict)
    citations: list[str] = field(default_factory=list)
    defined_in: list[str] = field(default_factory=list)
    authority: list[str] = field(default_factory=list)


class Terminology:
    def __init__(self, site: Site) -> None:
        self.site = site
        self.version = str(site.dataset.manifest.get("built") or "unversioned")
        self.schemes = _schemes(site)
        self.by_id = {s.id: s for s in self.schemes}
        self.by_url = {s.url: s for s in self.schemes}
        self.concepts = sorted({iri for s in self.schemes for iri in s.codes.values()})
        self.concept_ids = {iri: i for i, iri in enumerate(self.concepts)}
        self.code_in: dict[tuple[str, int], str] = {(iri, s.index): code for s in self.schemes
                                                    for code, iri in s.codes.items()}
        in_schemes: dict[str, list[int]] = defaultdict(list)
        for scheme in self.schemes:
            for code, iri in scheme.codes.items():  # the scheme that names the IRI comes first
                in_schemes[iri].insert(0 if code != iri else len(in_schemes[iri]), scheme.index)
        self.schemes_of = [tuple(in_schemes[iri]) for iri in self.concepts]
        self.parents = _hierarchy(site)
        self.mappings = both_ways(asserted_mappings(self._pairs))
        self.filter = _filter(site, self.concepts, self.schemes_of)
        self.listing = sorted(range(len(self.concepts)), key=lambda c: (fold(self.display(self.concepts[c])),
                                                                        self.concepts[c]))
        self.details = lru_cache(maxsize=4096)(self._details)

    def _pairs(self, prop: URIRef) -> list[tuple[Node, Node]]:
        dataset = self.site.dataset
        return [(s, o) for s, _, o in triples(dataset, predicate=prop, graph=dataset.asserted_graph)]

    def home(self, iri: str) -> Scheme:
        """The scheme a concept is given under when one code system must be chosen (its IRI's own scheme)."""
        return self.schemes[self.schemes_of[self.concept_ids[iri]][0]]

    def coding(self, iri: str, lang: str | None = None) -> dict[str, str]:
        scheme = self.home(iri)
        return {"system": scheme.url, "code": self.code_in[(iri, scheme.index)], "display": self.display(iri, lang)}

    def display(self, iri: str, lang: str | None = None) -> str:
        """The preferred label in ``lang`` (``es-ES`` falls back to ``es``), else English, else any."""
        lang = lang or "en"
        names = self.site.labels.get(iri, {})
        return self.site.label(iri, lang if lang in names else lang.split("-")[0])

    def children(self, iri: str) -> list[str]:
        return self._children().get(iri, [])

    @lru_cache(maxsize=1)  # noqa: B019 - one per Terminology, which lives as long as the app
    def _children(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        for child, parents in sorted(self.parents.items()):
            for parent in parents:
                found[parent].append(child)
        return dict(found)

    def _details(self, iri: str) -> Details:
        details = Details()
        seen: set[tuple[Node, Node]] = set()
        for _, p, o in triples(self.site.dataset, subject=URIRef(iri)):
            if (p, o) not in seen:
                seen.add((p, o))
                self._read(details, p, o)
        details.labels.sort(key=lambda lab: (lab.kind, lab.lang, lab.text))
        for values in (details.citations, details.defined_in, details.authority):
            values.sort()
        return details

    def _read(self, details: Details, p: Node, o: Node) -> None:
        if isinstance(p, URIRef) and p in LABEL_KINDS and isinstance(o, Literal):
            details.labels.append(Label(LABEL_KINDS[p], o.language or "", str(o)))
        elif p == SKOS.definition and isinstance(o, Literal):
            lang = o.language or ""
            details.definitions[lang] = min(details.definitions.get(lang, str(o)), str(o))
        elif p == MEDKG.regulatoryCitation:
            details.citations.append(self.site.label(str(o)))
        elif p == MEDKG.definedIn:
            details.defined_in.append(self.site.label(str(o)))
        elif p == MEDKG.definitionAuthority:
            details.authority.append(str(o))

    def definition(self, iri: str, lang: str | None = None) -> str | None:
        found = self.details(iri).definitions
        for key in (lang or "en", (lang or "en").split("-")[0], "", "en"):
            if key in found:
                return found[key]
        return found[sorted(found)[0]] if found else None

    def mappings_of(self, iri: str) -> list[Mapping]:
        return [m for m in self.mappings.get(iri, []) if m.object in self.concept_ids]


def _filter(site: Site, concepts: list[str], schemes_of: list[tuple[int, ...]]) -> FilterIndex:
    """The filter rows the build wrote, whose concepts are numbered as here (the same concepts, else refused)."""
    if site.packed.strings("filter.concepts")[:] != concepts:
        raise NoStore(no_index_message(site.dataset.folder))
    return FilterIndex.from_columns(site.packed, schemes_of)


def _schemes(site: Site) -> list[Scheme]:
    dataset = site.dataset
    iris = sorted({str(s) for s, _, _ in triples(dataset, predicate=RDF.type, obj=SKOS.ConceptScheme)
                   if isinstance(s, URIRef)})
    members: dict[str, set[str]] = defaultdict(set)
    for c, _, s in triples(dataset, predicate=SKOS.inScheme):
        members[str(s)].add(str(c))
    concepts = {str(c) for c, _, _ in triples(dataset, predicate=RDF.type, obj=SKOS.Concept)}
    schemes: list[Scheme] = []
    for iri in iris:
        ident = _scheme_id(site.dataset.base, iri)
        prefix = iri.replace("/scheme/", "/concept/", 1) + "/"
        codes = {(c[len(prefix):] if c.startswith(prefix) else c): c for c in members[iri] & concepts}
        meta = {str(p): list(dict.fromkeys(o for _, _, o in triples(dataset, subject=URIRef(iri), predicate=p)))
                for p in SCHEME_METADATA}
        schemes.append(Scheme(len(schemes), ident, iri, meta, dict(sorted(codes.items()))))
    return schemes


def _scheme_id(base: str, iri: str) -> str:
    """A FHIR id ([A-Za-z0-9-.]{1,64}): the scheme's local name under the base."""
    local = iri.removeprefix(base + "scheme/") if iri.startswith(base + "scheme/") else iri
    return re.sub(r"[^A-Za-z0-9.-]+", "-", local).strip("-")[:64] or "scheme"


def _hierarchy(site: Site) -> dict[str, list[str]]:
    """concept → its skos:broader concepts (asserted, or inferred from skos:narrower)."""
    found: dict[str, set[str]] = defaultdict(set)
    for s, _, o in triples(site.dataset, predicate=SKOS.broader):
        found[str(s)].add(str(o))
    for s, _, o in triples(site.dataset, predicate=SKOS.narrower):
        found[str(o)].add(str(s))
    return {k: sorted(v) for k, v in found.items()}


def version_info(scheme: Scheme) -> str | None:
    notes = scheme.texts(OWL.versionInfo)
    return notes[0] if notes else None
