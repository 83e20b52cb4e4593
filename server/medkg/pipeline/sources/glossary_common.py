"""What the glossary formats share: labels written as people write them, licences, schemes and concepts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import DCTERMS, RDF, SKOS, Literal, URIRef
from rdflib.term import Node

from ...names import ACRONYM
from ...namespaces import MEDKG
from ..context import BuildContext
from ..diagnostics import SourceLocation
from ..iris import is_web_iri
from ..labels import normalize_label

# SPDX identifiers and names seen in glossary sources → the licence document IRI.
LICENSES: dict[str, str] = {
    "cc-by-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "cc-by-sa-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "cc0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "pdm-1.0": "https://creativecommons.org/publicdomain/mark/1.0/",
    "public domain mark 1.0": "https://creativecommons.org/publicdomain/mark/1.0/",
}

# A trailing parenthesised acronym: "(PSO)", "(HDHP)", "(ACO en inglés)".
_ACRONYM = re.compile(rf"^(?P<base>.+?)\s*\((?P<acro>{ACRONYM})(?:\s+en\s+ingl[eé]s)?\)\s*$")
_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"}
def license_iri(text: str) -> URIRef | None:
    """The licence document for an SPDX id, a licence name or a licence URL; None when unknown."""
    key = text.strip().lower()
    if key in LICENSES:
        return URIRef(LICENSES[key])
    if is_web_iri(text.strip()):
        return URIRef(text.strip())
    return None


def split_acronym(term: str) -> tuple[str, str | None]:
    """"Provider Sponsored Organization (PSO)" → ("Provider Sponsored Organization", "PSO")."""
    match = _ACRONYM.match(term.strip())
    if not match:
        return term.strip(), None
    return match.group("base").strip(), match.group("acro")


def is_all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def title_case(text: str) -> str:
    """A sensible title casing for a heading written in capitals: small words stay lower-case."""
    words = text.lower().split()
    out = [w if (i and w in _SMALL_WORDS) else w[:1].upper() + w[1:] for i, w in enumerate(words)]
    return " ".join(out)


def casing_in_text(term: str, text: str) -> str | None:
    """The term as the page text writes it ("Provider-Sponsored Organization"), ignoring case, hyphens, spaces."""
    words = normalize_label(term).split()
    if not words:
        return None
    pattern = re.compile(r"\b" + r"[\s\-]+".join(re.escape(w) for w in words) + r"\b", re.IGNORECASE)
    for match in pattern.finditer(text):
        if not is_all_caps(match.group(0)):
            return match.group(0)
    return None


@dataclass
class Labels:
    """A concept's labels in one language, kept SKOS-consistent: one prefLabel, alt and hidden disjoint."""

    pref: str
    lang: str
    alt: list[str]
    hidden: list[str]

    def triples(self, concept: URIRef) -> list[tuple[Node, Node, Node]]:
        used = {self.pref}
        out: list[tuple[Node, Node, Node]] = [(concept, SKOS.prefLabel, Literal(self.pref, lang=self.lang))]
        for prop, values in ((SKOS.altLabel, self.alt), (SKOS.hiddenLabel, self.hidden)):
            for value in (" ".join(v.split()) for v in values):
                if value and value not in used:
                    used.add(value)
                    out.append((concept, prop, Literal(value, lang=self.lang)))
        return out


def labels_for(term: str, lang: str, page_text: str = "", aliases: tuple[str, ...] = ()) -> Labels:
    """prefLabel as people write it; an ALL-CAPS original becomes a hiddenLabel, acronyms become altLabels."""
    base, acronym = split_acronym(term)
    hidden: list[str] = []
    if is_all_caps(base) and len(base.split()) > 1:  # a heading in capitals; one word in capitals is an acronym
        pref = casing_in_text(base, page_text) or title_case(base)
        hidden.append(" ".join(term.split()))
    else:
        pref = base
        if acronym:
            hidden.append(" ".join(term.split()))
    alt = ([acronym] if acronym else []) + [a for a in aliases if a.strip()]
    return Labels(" ".join(pref.split()), lang, alt, hidden)


def add_concept(ctx: BuildContext, concept: URIRef, scheme: URIRef, loc: SourceLocation) -> None:
    ctx.add_all([(concept, RDF.type, SKOS.Concept), (concept, RDF.type, MEDKG.GlossaryConcept),
                 (concept, SKOS.inScheme, scheme)], loc)


@dataclass(frozen=True)
class SchemeInfo:
    slug: str
    title: str
    publisher: str
    license: URIRef | None
    sources: tuple[str, ...]


def add_scheme(ctx: BuildContext, info: SchemeInfo, loc: SourceLocation) -> URIRef:
    """A concept scheme with title, publisher, licence and sources (values from the source, never the clock)."""
    scheme = ctx.iris.scheme(info.slug)
    ctx.add_all([(scheme, RDF.type, SKOS.ConceptScheme),
                 (scheme, DCTERMS.title, Literal(info.title, lang="en")),
                 (scheme, SKOS.prefLabel, Literal(info.title, lang="en")),
                 (scheme, DCTERMS.publisher, Literal(info.publisher))], loc)
    if info.license is not None:
        ctx.add((scheme, DCTERMS.license, info.license), loc)
    for source in info.sources:
        ctx.add((scheme, DCTERMS.source, URIRef(source)), loc)
    return scheme


def add_collection(ctx: BuildContext, scheme_slug: str, scheme: URIRef, category: str, concept: URIRef,
                   loc: SourceLocation) -> None:
    """A category as a skos:Collection of its concepts (part of the scheme it groups)."""
    collection = ctx.iris.collection(scheme_slug, category)
    label = category if not category.islower() else category[:1].upper() + category[1:]
    first = ctx.graph.value(collection, SKOS.prefLabel)
    if first is None:
        ctx.add_all([(collection, RDF.type, SKOS.Collection), (collection, SKOS.prefLabel, Literal(label, lang="en")),
                     (collection, DCTERMS.isPartOf, scheme)], loc)
    elif str(first) != label:  # "Costs" and "Costs!" name one collection: it keeps the first spelling
        ctx.diagnostics.warning("records.category-spelling", f"category {category!r} names the same collection as "
                                f"{str(first)!r}, which keeps that spelling", loc)
    ctx.add((collection, SKOS.member, concept), loc)
