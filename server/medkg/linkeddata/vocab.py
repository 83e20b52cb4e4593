"""What tells same-named concepts apart: each concept's vocabulary (its scheme) and, if regulatory, its section."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from rdflib import DCTERMS, RDF, SKOS, URIRef

from ..namespaces import MEDKG
from ..packed import Columns, RecordMap, Records, record_columns, record_map_columns
from ..store import Dataset
from .terms import triples

_SECTION_NUMBER = re.compile(r"(?:CFR|U\.S\.C\.)\s+(\S.*)$")
MAX_DEPTH = 12  # paragraph → … → section: never deeper than this


@dataclass(frozen=True)
class Tag:
    """A concept's vocabulary (scheme IRI, short name, slug) and, for a regulatory concept, its section."""

    scheme: str
    vocabulary: str
    slug: str
    section: str = ""

    @property
    def text(self) -> str:
        """``42 CFR Part 422 · § 422.2``; the vocabulary alone for a glossary concept."""
        return " · ".join(part for part in (self.vocabulary, self.section) if part)


@dataclass(frozen=True)
class Vocabulary:
    iri: str
    title: str
    short: str
    slug: str


class UnknownVocabulary(ValueError):
    """A ``scheme=`` the build does not have; the message names the known ones."""


class Vocabularies:
    """Every scheme of the build, and every concept's tag (its first scheme by IRI)."""

    def __init__(self, schemes: list[Vocabulary], tags: Mapping[str, Tag]) -> None:
        self.schemes = sorted(schemes, key=lambda v: v.short.casefold())
        self.tags = tags
        self.by_iri = {v.iri: v for v in schemes}
        self._names = {name: v.iri for v in schemes for name in (v.iri, v.title, v.short, v.slug)}

    @classmethod
    def from_columns(cls, columns: Columns) -> Vocabularies:
        """The schemes and tags as the build wrote them in the site index (``siteindex``), mapped, not loaded."""
        return cls(list(Records(columns, "vocab.schemes", Vocabulary)), RecordMap(columns, "vocab.tags", Tag))

    def columns(self) -> dict[str, Sequence[int] | Sequence[str]]:
        """What ``from_columns`` reads back."""
        schemes = sorted(self.by_iri.values(), key=lambda v: v.iri)
        return {**record_columns("vocab.schemes", schemes, Vocabulary),
                **record_map_columns("vocab.tags", self.tags, Tag)}

    def tag(self, iri: str | None) -> Tag | None:
        return self.tags.get(iri) if iri else None

    def resolve(self, names: Iterable[str]) -> frozenset[str]:
        """Scheme IRIs of ``names`` (each an IRI, title, short name or slug); empty when none is given."""
        asked = [n.strip() for n in names if n.strip()]
        unknown = [n for n in asked if n not in self._names]
        if unknown:
            known = ", ".join(v.slug for v in self.schemes)
            raise UnknownVocabulary(f"no vocabulary {unknown[0]!r} in this build; known: {known}")
        return frozenset(self._names[n] for n in asked)


def short_name(title: str) -> str:
    """``42 CFR Part 422`` of ``42 CFR Part 422 — Medicare Advantage Program``."""
    return title.split(" — ", 1)[0].strip() or title


def short_section(citation: str) -> str:
    """``§ 422.2`` of ``42 CFR 422.2``; ``§ 1395w-25`` of ``42 U.S.C. 1395w-25``."""
    match = _SECTION_NUMBER.search(citation)
    return f"§ {match[1]}" if match else citation


def load_vocabularies(data: Dataset, label: Callable[[str], str]) -> Vocabularies:
    """The schemes and each concept's tag, read once per build."""
    schemes = {str(s) for s, _, _ in triples(data, predicate=RDF.type, obj=SKOS.ConceptScheme)}
    found = {iri: Vocabulary(iri, label(iri), short_name(label(iri)), iri.rstrip("/").rsplit("/", 1)[-1])
             for iri in schemes}
    first: dict[str, str] = {}
    for concept, _, scheme in triples(data, predicate=SKOS.inScheme):
        if str(scheme) in found and (str(concept) not in first or str(scheme) < first[str(concept)]):
            first[str(concept)] = str(scheme)
    sections = _sections(data, label)
    tags = {c: Tag(s, found[s].short, found[s].slug, sections.get(c, "")) for c, s in first.items()}
    return Vocabularies(list(found.values()), tags)


def _sections(data: Dataset, label: Callable[[str], str]) -> dict[str, str]:
    """Regulatory concept → the section that defines it (``§ 422.500`` for a definition in § 422.500(b))."""
    parents: dict[str, list[str]] = {}
    for s, _, o in triples(data, predicate=DCTERMS.isPartOf):
        parents.setdefault(str(s), []).append(str(o))
    levels = {str(s): str(o) for s, _, o in triples(data, predicate=MEDKG.provisionLevel)}
    regulatory = {str(s) for s, _, _ in triples(data, predicate=RDF.type, obj=MEDKG.RegulatoryConcept)}
    out: dict[str, str] = {}
    for concept, _, home in sorted(triples(data, predicate=MEDKG.definedIn)):
        if str(concept) in regulatory and isinstance(home, URIRef):
            out.setdefault(str(concept), short_section(label(section_of(str(home), parents, levels))))
    return out


def section_of(provision: str, parents: dict[str, list[str]], levels: dict[str, str]) -> str:
    """The section a provision belongs to (itself when it is one; the provision when no section is found)."""
    node = provision
    for _ in range(MAX_DEPTH):
        if levels.get(node) == "section" or not parents.get(node):
            break
        node = max(parents[node], key=lambda p: (len(p), p))  # the nearest container
    return node if levels.get(node) == "section" else provision
