"""Defined terms on pages and in the API: the definitions that apply in a provision and where a term is used (with
counts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rdflib import DCTERMS, RDF, SKOS, Literal, URIRef
from rdflib.term import Node

from ..namespaces import MEDKG
from ..pipeline.iris import is_iri
from ..pipeline.linking.usage import TermMatcher, uses
from ..pipeline.regulatory.scope import applicable, scope_index, term_key
from .facts import Value, value
from .site import Site
from .terms import triples


def _one(site: Site, subject: Node, predicate: URIRef) -> Node | None:
    found = sorted((o for _, _, o in triples(site.dataset, subject, predicate)), key=str)
    return found[0] if found else None


def chain(site: Site, provision: URIRef) -> list[Node]:
    """The provision and the provisions it is part of, narrowest first (the nearest container at each step)."""
    out: list[Node] = [provision]
    while len(out) < 12:
        parents = [o for _, _, o in triples(site.dataset, out[-1], DCTERMS.isPartOf)]
        if not parents:
            break
        out.append(max(parents, key=lambda p: (len(str(p)), str(p))))
    return out


def _labels(site: Site, concept: Node) -> list[str]:
    return sorted({str(o) for p in (SKOS.prefLabel, SKOS.altLabel) for _, _, o in triples(site.dataset, concept, p)
                   if isinstance(o, Literal) and (o.language or "en") == "en"})


def _key(site: Site, concept: URIRef) -> str:
    return term_key(str(o) for _, _, o in triples(site.dataset, concept, SKOS.prefLabel))


@dataclass
class Scopes:
    """Scope provision → the concepts scoped there, and each concept's term: built once for a page that asks
    about many provisions."""

    index: dict[Node, list[URIRef]]
    keys: dict[URIRef, str] = field(default_factory=dict)

    def key(self, site: Site, concept: URIRef) -> str:
        if concept not in self.keys:
            self.keys[concept] = _key(site, concept)
        return self.keys[concept]


def scopes_of(site: Site) -> Scopes:
    return Scopes(scope_index((s, o) for s, _, o in triples(site.dataset, predicate=MEDKG.scope)))


def governing(site: Site, provision: URIRef, scopes: Scopes | None = None) -> list[tuple[URIRef, Node]]:
    """(concept, scope) of every definition that applies in the provision, the narrowest scope winning."""
    known = scopes_of(site) if scopes is None else scopes
    found = applicable(chain(site, provision), lambda p: known.index.get(p, []), lambda c: known.key(site, c))
    return sorted(found, key=lambda pair: (site.label(str(pair[0])).casefold(), str(pair[0])))


def definition_row(site: Site, concept: URIRef, scope: Node | None = None) -> dict[str, Any]:
    """A defined term with its vocabulary, the provision that defines it and its scope."""
    scheme, home = _one(site, concept, SKOS.inScheme), _one(site, concept, MEDKG.definedIn)
    scope = scope if scope is not None else _one(site, concept, MEDKG.scope)
    return {"concept": value(site, concept), "scheme": value(site, scheme) if scheme is not None else None,
            "defined_in": value(site, home) if home is not None else None,
            "scope": value(site, scope) if scope is not None else None}


def applicable_rows(site: Site, provision: URIRef) -> list[dict[str, Any]]:
    return [definition_row(site, concept, scope) for concept, scope in governing(site, provision)]


def applicable_json(site: Site, provision: URIRef, root: str) -> dict[str, Any]:
    """The answer of ``GET /applicable-definitions?provision=…``."""
    def named(v: Value | None) -> dict[str, str] | None:
        return None if v is None else {"iri": v.iri or "", "label": v.text, "page": root + (v.href or "")}

    rows = [{key: named(v) for key, v in row.items()} for row in applicable_rows(site, provision)]
    return {"provision": named(value(site, provision)), "count": len(rows), "definitions": rows}


def used_in(site: Site, concept: URIRef) -> list[dict[str, Any]]:
    """Provisions whose text uses the term, with how often (the same matcher as the build, over the terms each
    provision uses: those are the only ones that can compete with it for a stretch of text)."""
    home = _one(site, concept, MEDKG.definedIn)
    rows = []
    for provision in sorted({s for s, _, _ in triples(site.dataset, predicate=MEDKG.usesTerm, obj=concept)}, key=str):
        rivals = {o for _, _, o in triples(site.dataset, provision, MEDKG.usesTerm) if isinstance(o, URIRef)}
        matcher = TermMatcher({c: _labels(site, c) for c in rivals | {concept}})
        text = " ".join(str(o) for _, _, o in triples(site.dataset, provision, MEDKG.text))
        count = uses(matcher, text, {concept} if provision == home else set())[concept]
        rows.append({"provision": value(site, provision), "count": count})
    return sorted(rows, key=lambda r: (-r["count"], r["provision"].text))


def find_provision(site: Site, asked: str) -> URIRef | None:
    """A provision named by its IRI, its path under the base (``cfr/42/422/422.504/a``) or its citation label
    (``42 CFR 422.504(a)``); None when the build has no such provision."""
    asked = " ".join(asked.split())
    candidates = [asked] if asked.startswith(("http://", "https://")) else [site.paths.iri(asked.lstrip("/"))]
    candidates += site.labels.named(asked)
    for iri in filter(is_iri, candidates):
        if any(True for _ in triples(site.dataset, URIRef(iri), RDF.type, MEDKG.Provision)):
            return URIRef(iri)
    return None
