"""Concept search: an in-memory index built once per build, ranked, case- and accent-insensitive.

Ranks (lower is better): 0 exact preferred label, 1 exact alternative/hidden label or acronym, 2 preferred label
starts with the query, 3 another label starts with it, 4 a label contains it, 5 a definition contains it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rdflib import RDF, SKOS, Literal, URIRef

from ..names import ACRONYM, fold
from ..store import Dataset
from .terms import triples

_ACRONYM = re.compile(rf"\(({ACRONYM})\)")
RANK_NAMES = ("preferred label", "alternative label", "label prefix", "label prefix", "label", "definition")
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


@dataclass(frozen=True)
class Hit:
    iri: str
    label: str
    matched: str
    kind: str
    lang: str
    rank: int
    scheme: str = ""

    def as_json(self, url: str) -> dict[str, Any]:
        return {"iri": self.iri, "url": url, "label": self.label, "matched": self.matched, "field": self.kind,
                "lang": self.lang, "rank": self.rank, "match": RANK_NAMES[self.rank], "scheme": self.scheme}


class SearchIndex:
    def __init__(self, entries: list[Entry], labels: dict[str, str] | None = None,
                 schemes: dict[str, str] | None = None) -> None:
        self.entries = entries
        self.label_entries = [e for e in entries if e.kind != "definition"]
        self.labels = labels or {}
        self.schemes = schemes or {}  # concept → the title of its scheme, to tell same-named concepts apart

    def search(self, query: str, limit: int = 50, lang: str | None = None, labels_only: bool = False) -> list[Hit]:
        """The best hit per concept, best concepts first."""
        q = fold(query)
        if not q:
            return []
        best: dict[str, tuple[int, int, int, str, Entry]] = {}
        for entry in self.label_entries if labels_only else self.entries:
            if lang and entry.lang and entry.lang != lang:
                continue
            rank = _rank(entry, q)
            if rank is None:
                continue
            key = (rank, KIND_ORDER[entry.kind], len(entry.folded), entry.folded, entry)
            if entry.iri not in best or key[:4] < best[entry.iri][:4]:
                best[entry.iri] = key
        ordered = sorted(best.values(), key=lambda k: (*k[:4], k[4].iri))
        return [Hit(e.iri, self.labels.get(e.iri, e.text), e.text, e.kind, e.lang, rank, self.schemes.get(e.iri, ""))
                for rank, _, _, _, e in ordered[:limit]]

    def suggest(self, query: str, limit: int = 10, lang: str | None = None) -> list[Hit]:
        """Label matches only (no definitions): what an autocomplete box shows while someone types."""
        return self.search(query, limit, lang, labels_only=True)


def _rank(entry: Entry, q: str) -> int | None:
    text = entry.folded
    if entry.kind == "definition":
        return 5 if q in text else None
    if text == q:
        return 0 if entry.kind == "pref" else 1
    if text.startswith(q):
        return 2 if entry.kind == "pref" else 3
    if q in text:
        return 4
    return None


def build_index(data: Dataset, label: Callable[[str], str]) -> SearchIndex:
    """Index every skos:Concept's labels and definitions, in every language, plus acronyms in parentheses;
    ``label`` names a concept or a scheme in the results."""
    concepts = {str(s) for s, _, _ in triples(data, predicate=RDF.type, obj=SKOS.Concept)}
    entries: list[Entry] = []
    for prop, kind in KINDS.items():
        for s, _, o in triples(data, predicate=prop):
            if isinstance(s, URIRef) and str(s) in concepts and isinstance(o, Literal):
                entries.extend(_entries(str(s), kind, o))
    entries = sorted(set(entries), key=lambda e: (e.iri, e.kind, e.lang, e.text))
    schemes = {str(c): label(str(s)) for c, _, s in triples(data, predicate=SKOS.inScheme)}
    return SearchIndex(entries, {iri: label(iri) for iri in concepts}, schemes)


def _entries(iri: str, kind: str, literal: Literal) -> list[Entry]:
    text, lang = str(literal), literal.language or ""
    found = [Entry(iri, kind, text, lang, fold(text))]
    if kind != "definition":
        found += [Entry(iri, "acronym", m, lang, fold(m)) for m in _ACRONYM.findall(text)]
    return found
