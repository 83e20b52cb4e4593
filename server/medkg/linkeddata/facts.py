"""What the graph says about one resource, in a shape pages can use: values with labels and links."""

from __future__ import annotations

from dataclasses import dataclass

from flask import has_request_context, request
from rdflib import Literal, URIRef
from rdflib.term import Node

from .documents import Description, describe
from .language import DEFAULT, page_language
from .site import Site
from .terms import triples


@dataclass(frozen=True)
class Value:
    """One RDF term ready to show: its text, and for IRIs where a link goes and whether it leaves the site."""

    text: str
    iri: str | None = None
    href: str | None = None
    lang: str | None = None
    datatype: str | None = None
    external: bool = False
    inferred: bool = False
    tag: str = ""  # a concept's vocabulary and section ("42 CFR Part 422 · § 422.2"), to tell namesakes apart


def value(site: Site, node: Node, inferred: bool = False) -> Value:
    if isinstance(node, Literal):
        datatype = str(node.datatype) if node.datatype else None
        return Value(str(node), lang=node.language, datatype=datatype, inferred=inferred)
    iri = str(node)
    local = site.paths.path(iri)
    if local is not None:
        tag = site.vocab.tag(iri)
        return Value(site.label(iri, label_language()), iri, request.script_root + local, inferred=inferred,
                     tag=tag.text if tag else "")
    external = iri.startswith(("http://", "https://"))
    return Value(site.label(iri), iri, iri if external else None, external=external, inferred=inferred)


def label_language() -> str:
    """The language labels are shown in: the page's, outside a request English."""
    return page_language() if has_request_context() else DEFAULT


def _order(node: Node) -> tuple[str, str]:
    return type(node).__name__, str(node)


class Facts:
    """A resource's outgoing triples (asserted and inferred) and the triples that point at it."""

    def __init__(self, site: Site, iri: str) -> None:
        self.site = site
        self.iri = iri
        self.description: Description = describe(site, iri, labels=False)  # pages label from site.labels
        self.incoming: list[tuple[Node, Node]] = sorted(
            {(s, p) for s, p, _ in triples(site.dataset, obj=URIRef(iri)) if isinstance(s, URIRef)})

    def objects(self, *preds: URIRef) -> list[Node]:
        found = {o for p in preds for g in (self.description.asserted, self.description.inferred)
                 for o in g.objects(URIRef(self.iri), p)}
        return sorted(found, key=_order)

    def subjects(self, *preds: URIRef) -> list[Node]:
        return sorted({s for s, p in self.incoming if p in preds}, key=_order)

    def values(self, *preds: URIRef) -> list[Value]:
        """Objects of ``preds`` as values, marked inferred when no asserted triple says them."""
        asserted = self.description.asserted
        return [value(self.site, o, not any((URIRef(self.iri), p, o) in asserted for p in preds))
                for o in self.objects(*preds)]

    def linked(self, out: tuple[URIRef, ...], back: tuple[URIRef, ...] = ()) -> list[Value]:
        """Resources linked by ``out`` from here or by ``back`` to here, labelled, sorted by label."""
        found = {v.iri: v for v in self.values(*out) if v.iri}
        for s in self.subjects(*back):
            if str(s) not in found or found[str(s)].inferred:
                found[str(s)] = value(self.site, s, not self._asserted_link(s, back))
        return sorted(found.values(), key=lambda v: (v.text.casefold(), v.iri or ""))

    def _asserted_link(self, subject: Node, preds: tuple[URIRef, ...]) -> bool:
        dataset = self.site.dataset
        return any(next(triples(dataset, subject, p, URIRef(self.iri), dataset.asserted_graph), None) for p in preds)

    def texts(self, *preds: URIRef) -> list[Value]:
        return [v for v in self.values(*preds) if v.iri is None]

    def statements(self) -> list[tuple[Value, Value]]:
        """Every outgoing triple as (property, value), properties in label order."""
        rows = [(value(self.site, p), value(self.site, o, inferred)) for inferred, g in
                ((False, self.description.asserted), (True, self.description.inferred))
                for _, p, o in g.triples((URIRef(self.iri), None, None))]
        return sorted(rows, key=lambda r: (r[0].text.casefold(), r[1].text))

    def incoming_statements(self, limit: int = 500) -> list[tuple[Value, Value]]:
        return [(value(self.site, s), value(self.site, p)) for s, p in self.incoming[:limit]]
