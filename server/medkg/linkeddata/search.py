"""Concept search: built once per build (mapped from the site index), ranked, case- and accent-insensitive.

Ranks (lower is better): 0 a provision or Federal Register notice by its citation, 1 a paragraph under it (see
``citation_search``); for concepts 2 exact preferred label, 3 exact alternative/hidden label or acronym,
4 preferred label starts with the query, 5 another label starts with it, 6 a label contains it, 7 a definition
contains it. Within the exact ranks an official (regulatory) definition comes first, then the kind of label;
otherwise ties go to the kind of label, the shorter text, then the official definition, then the IRI. Each hit
names its vocabulary and, for a regulatory concept, its section; ``schemes`` narrows to some vocabularies
(citations are then left out: a provision belongs to no concept scheme).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, SKOS

from ..names import ACRONYM, fold
from ..namespaces import MEDKG
from ..packed import Columns, Joined, Records, StringMap, map_columns, record_columns
from ..store import Dataset
from .citation_search import CitationIndex, load_citations
from .terms import subject_objects, text
from .vocab import Tag, Vocabularies

_ACRONYM = re.compile(rf"\(({ACRONYM})\)")
RANK_NAMES = ("citation", "within the citation", "preferred label", "alternative label", "label prefix",
              "label prefix", "label", "definition")
CITATION_RANKS = 2  # ranks below this are citations
EXACT_RANKS = (2, 3)  # a whole label matches: among these, an official definition comes before a publisher's
KIND_ORDER = {"pref": 0, "acronym": 1, "alt": 2, "hidden": 3, "definition": 4}
KINDS = {SKOS.prefLabel: "pref", SKOS.altLabel: "alt", SKOS.hiddenLabel: "hidden", SKOS.definition: "definition"}


@dataclass(frozen=True)
class Entry:
    """One searchable text of one concept."""

    iri: str
    kind: str  # pref | alt | hidden | acronym | definition
    text: str
    lang: str
    folded: str
    tier: int = 1  # 0: an official (regulatory) definition, which outranks a publisher's of the same label


@dataclass(frozen=True)
class Hit:
    iri: str
    label: str
    matched: str
    kind: str  # an Entry's kind, or "citation"
    lang: str
    rank: int
    scheme: str = ""  # the vocabulary's title
    tag: Tag | None = None
    type: str = "concept"  # or "provision", "Federal Register notice"

    @property
    def match(self) -> str:
        return RANK_NAMES[self.rank]

    def as_json(self, url: str) -> dict[str, Any]:
        tag = self.tag or Tag("", "", "")
        return {"iri": self.iri, "url": url, "label": self.label, "matched": self.matched, "field": self.kind,
                "lang": self.lang, "rank": self.rank, "match": self.match, "type": self.type,
                "scheme": self.scheme, "scheme_iri": tag.scheme, "vocabulary": tag.vocabulary,
                "section": tag.section}


class SearchIndex:
    def __init__(self, entries: list[Entry], labels: Mapping[str, str] | None = None,
                 vocab: Vocabularies | None = None, citations: CitationIndex | None = None,
                 schemes_of: dict[str, tuple[str, ...]] | None = None) -> None:
        self.entries = entries
        self.label_entries: Sequence[Entry] = [e for e in entries if e.kind != "definition"]
        self.definition_entries: Sequence[Entry] = [e for e in entries if e.kind == "definition"]
        self.labels: Mapping[str, str] = labels or {}
        self.vocab = vocab or Vocabularies([], {})  # concept → vocabulary and section, to tell namesakes apart
        self.citations = citations or CitationIndex([])
        self.schemes_of = schemes_of or {}  # concept → every scheme it is in

    def search(self, query: str, limit: int = 50, lang: str | None = None, labels_only: bool = False,
               schemes: frozenset[str] = frozenset()) -> list[Hit]:
        """Citations first (unless ``schemes`` narrows the search), then the best hit per concept."""
        q = fold(query)
        if not q:
            return []
        found = [] if schemes else self._citations(query, limit)
        best: dict[str, tuple[int, int, int, int, str, int, Entry]] = {}
        for entry in self._matching(q, labels_only):
            if lang and entry.lang and entry.lang != lang:
                continue
            if schemes and schemes.isdisjoint(self.schemes_of.get(entry.iri, ())):
                continue
            rank = _rank(entry, q)
            if rank is None:
                continue
            official_first = entry.tier if rank <= EXACT_RANKS[-1] else 0  # the same label: the official first
            key = (rank, official_first, KIND_ORDER[entry.kind], len(entry.folded), entry.folded, entry.tier, entry)
            if entry.iri not in best or key[:6] < best[entry.iri][:6]:
                best[entry.iri] = key
        ordered = sorted(best.values(), key=lambda k: (*k[:6], k[6].iri))
        return (found + [self._hit(e, rank) for rank, *_, e in ordered[:limit]])[:limit]

    def _matching(self, q: str, labels_only: bool) -> Iterator[Entry]:
        """The entries whose folded text contains ``q`` (every rank needs it): labels, then definitions (a label
        and a definition never tie, so the order of the two kinds changes no result)."""
        for pool in (self.label_entries,) if labels_only else (self.label_entries, self.definition_entries):
            found = pool.containing("folded", q) if isinstance(pool, Records) else pool
            yield from (e for e in found if q in e.folded)

    @classmethod
    def from_columns(cls, columns: Columns, vocab: Vocabularies, citations: CitationIndex,
                     schemes_of: dict[str, tuple[str, ...]]) -> SearchIndex:
        """The entries and labels as the build wrote them in the site index (``siteindex``), mapped, not loaded."""
        index = cls([], StringMap(columns, "search.labels"), vocab, citations, schemes_of)
        index.label_entries = Records(columns, "search.label_entries", Entry)
        index.definition_entries = Records(columns, "search.definition_entries", Entry)
        index.entries = Joined(index.label_entries, index.definition_entries)  # type: ignore[assignment]
        return index

    def columns(self) -> dict[str, Sequence[int] | Sequence[str]]:
        """What ``from_columns`` reads back."""
        return {**record_columns("search.label_entries", self.label_entries, Entry),
                **record_columns("search.definition_entries", self.definition_entries, Entry),
                **map_columns("search.labels", self.labels), **self.citations.columns()}

    def suggest(self, query: str, limit: int = 10, lang: str | None = None,
                schemes: frozenset[str] = frozenset()) -> list[Hit]:
        """Label matches only (no definitions): what an autocomplete box shows while someone types."""
        return self.search(query, limit, lang, labels_only=True, schemes=schemes)

    def _hit(self, e: Entry, rank: int) -> Hit:
        tag = self.vocab.tag(e.iri)
        scheme = self.vocab.by_iri[tag.scheme].title if tag else ""
        return Hit(e.iri, self.labels.get(e.iri, e.text), e.text, e.kind, e.lang, rank, scheme, tag)

    def _citations(self, query: str, limit: int) -> list[Hit]:
        hits = []
        for rank, iri in self.citations.find(query, limit):
            label, kind = self.citations.about[iri]
            hits.append(Hit(iri, label, label, "citation", "", rank, type=kind))
        return hits


def _rank(entry: Entry, q: str) -> int | None:
    text = entry.folded
    if entry.kind == "definition":
        return 7 if q in text else None
    if text == q:
        return 2 if entry.kind == "pref" else 3
    if text.startswith(q):
        return 4 if entry.kind == "pref" else 5
    if q in text:
        return 6
    return None


def build_index(data: Dataset, label: Callable[[str], str], vocab: Vocabularies) -> SearchIndex:
    """Index every skos:Concept's labels and definitions, in every language, plus acronyms in parentheses, and
    every citation label; ``label`` names a concept or a provision in the results."""
    concepts = {text(s) for s, _ in subject_objects(data, RDF.type, SKOS.Concept)}
    official = {text(s) for s, _ in subject_objects(data, RDF.type, MEDKG.RegulatoryConcept)}
    entries: list[Entry] = []
    for prop, kind in KINDS.items():
        for s, o in subject_objects(data, prop):
            if isinstance(s, ox.NamedNode) and s.value in concepts and isinstance(o, ox.Literal):
                entries.extend(_entries(s.value, kind, text(o), o.language or "", 0 if s.value in official else 1))
    entries = sorted(set(entries), key=lambda e: (e.iri, e.kind, e.lang, e.text))
    return SearchIndex(entries, {iri: label(iri) for iri in concepts}, vocab, load_citations(data, label),
                       scheme_sets(data))


def mapped_index(columns: Columns, data: Dataset, vocab: Vocabularies) -> SearchIndex:
    """``build_index``'s index with its entries, labels and citations mapped from the build's site index."""
    return SearchIndex.from_columns(columns, vocab, CitationIndex.from_columns(columns), scheme_sets(data))


def scheme_sets(data: Dataset) -> dict[str, tuple[str, ...]]:
    """Concept → every scheme it is in (one tuple per distinct set of schemes)."""
    schemes: dict[str, set[str]] = {}
    for c, s in subject_objects(data, SKOS.inScheme):
        schemes.setdefault(text(c), set()).add(text(s))
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}
    return {c: shared.setdefault(tuple(sorted(s)), tuple(sorted(s))) for c, s in schemes.items()}


def _entries(iri: str, kind: str, label: str, lang: str, tier: int = 1) -> list[Entry]:
    found = [Entry(iri, kind, label, lang, fold(label), tier)]
    if kind != "definition":
        found += [Entry(iri, "acronym", m, lang, fold(m), tier) for m in _ACRONYM.findall(label)]
    return found
