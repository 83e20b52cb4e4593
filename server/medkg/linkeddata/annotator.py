"""The annotator: every defined term in a free text, with its concept, vocabulary, definition and citation.

One matcher over every concept's English labels is built once per build (``annotator_of`` keeps it on the site)
with the build's own ``usesTerm`` matcher (``pipeline.linking.usage.TermMatcher``: Aho–Corasick, whole words, the
longest match, plurals, acronyms case-sensitive). ``scheme=`` (named as search names it: ``vocab``) and
``provision=`` narrow the concepts first and match again over those only (so a shorter term of the chosen set is
found where a longer one of another set was), with the narrowed matchers kept in a small cache. Offsets count
Unicode code points, as W3C Web Annotation's ``TextPositionSelector`` does.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from markupsafe import escape
from rdflib import RDF, SKOS, Literal, URIRef
from rdflib.term import Node

from ..namespaces import MEDKG
from ..pipeline.linking.usage import TermMatcher
from .definitions_view import find_provision, governing
from .site import Site
from .terms import triples
from .vocab import UnknownVocabulary

NARROWED_CACHE = 64  # matchers over a scheme or provision's concepts kept per build
WEB_ANNOTATION_CONTEXT = "http://www.w3.org/ns/anno.jsonld"


@dataclass(frozen=True)
class Entry:
    """What a span says about one concept."""

    iri: str
    label: str
    vocabulary: str | None
    vocabulary_label: str | None
    definition: str | None
    citation: str | None
    citation_iri: str | None


class Annotator:
    """The build's concepts and their matchers (the whole set built at once, narrowed sets on demand)."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.labels = _english_labels(site)
        self.entries = _entries(site, self.labels)
        self.schemes = _schemes(site, self.labels)
        self.full = TermMatcher(self.labels)
        self._narrowed: OrderedDict[frozenset[URIRef], TermMatcher] = OrderedDict()
        self._lock = threading.Lock()

    def matcher(self, concepts: frozenset[URIRef] | None) -> TermMatcher:
        """The matcher over ``concepts`` (None: every concept)."""
        if concepts is None:
            return self.full
        with self._lock:
            if concepts in self._narrowed:
                self._narrowed.move_to_end(concepts)
                return self._narrowed[concepts]
        made = TermMatcher({c: self.labels[c] for c in concepts if c in self.labels})
        with self._lock:
            self._narrowed[concepts] = made
            while len(self._narrowed) > NARROWED_CACHE:
                self._narrowed.popitem(last=False)
        return made

    def in_schemes(self, schemes: Iterable[str]) -> frozenset[URIRef]:
        return frozenset(c for s in schemes for c in self.schemes.get(s, ()))

    def annotate(self, text: str, concepts: frozenset[URIRef] | None = None) -> list[dict[str, Any]]:
        """One record per (span, concept), in text order."""
        spans = []
        for start, end, found in self.matcher(concepts).matches(text):
            for concept in found:
                entry = self.entries[concept]
                spans.append({"start": start, "end": end, "text": text[start:end], "concept": entry.iri,
                              "label": entry.label, "vocabulary": entry.vocabulary,
                              "vocabulary_label": entry.vocabulary_label, "definition": entry.definition,
                              "citation": entry.citation, "citation_iri": entry.citation_iri})
        return spans


class Unknown(ValueError):
    """A scheme or provision the build does not have (``status``: the HTTP status to answer with)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def select(site: Site, annotator: Annotator, schemes: Iterable[str], provision: str) -> frozenset[URIRef] | None:
    """The concepts to look for: every one (None), or those of the schemes named and/or that apply in the
    provision (an IRI, a path or a citation label)."""
    chosen: frozenset[URIRef] | None = None
    try:
        named = site.vocab.resolve(schemes)
    except UnknownVocabulary as error:
        raise Unknown(400, str(error)) from None
    if named:
        chosen = annotator.in_schemes(named)
    asked = " ".join(provision.split())[:200]
    if asked:
        found = find_provision(site, asked)
        if found is None:
            raise Unknown(404, f"no provision {asked!r} in this build (give an IRI, a path such as "
                               "cfr/42/422/422.504/a, or a citation label such as 42 CFR 422.504(a))")
        there = frozenset(c for c, _ in governing(site, found))
        chosen = there if chosen is None else chosen & there
    return chosen


def marked_html(text: str, spans: list[dict[str, Any]]) -> str:
    """The text, escaped, with each span a link to its concept titled with its definition (first concept)."""
    out, at = [], 0
    for span in spans:
        if span["start"] < at:
            continue  # another concept of the same span
        title = f"{span['label']} ({span['vocabulary_label']}): {span['definition'] or ''}"
        out += [escape(text[at:span["start"]]),
                f'<a class="term" href="{escape(span["concept"])}" title="{escape(title)}">'
                f'{escape(span["text"])}</a>']
        at = span["end"]
    out.append(escape(text[at:]))
    return "".join(str(piece) for piece in out)


_LOCK = threading.Lock()


def annotator_of(site: Site) -> Annotator:
    """The site's annotator, built on first use and kept for the life of the build."""
    with _LOCK:
        if site.annotator is None:
            site.annotator = Annotator(site)
        annotator: Annotator = site.annotator
        return annotator


def _english_labels(site: Site) -> dict[URIRef, list[str]]:
    concepts = {s for s, _, _ in triples(site.dataset, predicate=RDF.type, obj=SKOS.Concept)
                if isinstance(s, URIRef)}
    found: dict[URIRef, set[str]] = defaultdict(set)
    for prop in (SKOS.prefLabel, SKOS.altLabel):
        for s, _, o in triples(site.dataset, predicate=prop):
            if s in concepts and isinstance(o, Literal) and (o.language or "en") == "en" and str(o).strip():
                found[s].add(str(o))  # type: ignore[index]
    return {c: sorted(names) for c, names in found.items()}


def _entries(site: Site, concepts: Iterable[URIRef]) -> dict[URIRef, Entry]:
    """Every concept's entry; each property read in one pass over the store, each label looked up once."""
    wanted: set[Node] = set(concepts)
    scheme, defined, cited = (_firsts(site, wanted, p) for p in (SKOS.inScheme, MEDKG.definedIn,
                                                                  MEDKG.regulatoryCitation))
    definition = _firsts(site, wanted, SKOS.definition, english=True)
    label = lru_cache(maxsize=None)(site.label)
    return {c: _entry(c, label, scheme.get(c), definition.get(c), defined.get(c) or cited.get(c))
            for c in concepts}


def _firsts(site: Site, wanted: set[Node], predicate: URIRef, english: bool = False) -> dict[Node, Node]:
    """Each wanted subject's first object of ``predicate`` by its text (only English or untagged literals if
    ``english``)."""
    first: dict[Node, Node] = {}
    for s, _, o in triples(site.dataset, predicate=predicate):
        if s in wanted and (not english or not isinstance(o, Literal) or (o.language or "en") == "en"):
            if s not in first or str(o) < str(first[s]):
                first[s] = o
    return first


def _entry(concept: URIRef, label: Callable[[str], str], scheme: Node | None, definition: Node | None,
           cited: Node | None) -> Entry:
    return Entry(str(concept), label(str(concept)), str(scheme) if scheme is not None else None,
                 label(str(scheme)) if scheme is not None else None,
                 str(definition) if definition is not None else None,
                 label(str(cited)) if cited is not None else None, str(cited) if cited is not None else None)


def _schemes(site: Site, labels: dict[URIRef, list[str]]) -> dict[str, set[URIRef]]:
    """A scheme's IRI → its concepts."""
    found: dict[str, set[URIRef]] = defaultdict(set)
    for concept, _, scheme in triples(site.dataset, predicate=SKOS.inScheme):
        if concept in labels:
            found[str(scheme)].add(concept)  # type: ignore[arg-type]
    return found


def web_annotations(spans: list[dict[str, Any]], source: str | None = None) -> dict[str, Any]:
    """The spans as a W3C Web Annotation collection (JSON-LD): each concept a tagging body of its span."""
    items = []
    for i, span in enumerate(spans):
        target: dict[str, Any] = {"selector": [
            {"type": "TextPositionSelector", "start": span["start"], "end": span["end"]},
            {"type": "TextQuoteSelector", "exact": span["text"]}]}
        if source:
            target["source"] = source
        body = {"type": "SpecificResource", "purpose": "identifying", "source": span["concept"]}
        items.append({"id": f"#annotation-{i}", "type": "Annotation", "motivation": "identifying",
                      "body": [body, {"type": "TextualBody", "purpose": "describing", "format": "text/plain",
                                      "value": span["definition"] or span["label"], "language": "en"}],
                      "target": target})
    return {"@context": WEB_ANNOTATION_CONTEXT, "type": "AnnotationCollection", "total": len(items),
            "first": {"type": "AnnotationPage", "items": items}}
