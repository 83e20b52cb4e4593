"""Provisions of the CFR and the U.S. Code: citation labels, IRIs, official pages and the isPartOf hierarchy.

A ``Ref`` names a provision whether or not we hold its text; emitting it gives the resource, its label, its
official page and every ancestor up to the title, so a citation to "§ 412.62(f) of this chapter" is a real node.

Official pages: eCFR ``https://www.ecfr.gov/current/title-42/part-422/section-422.350#p-422.350(b)(1)`` (parts and
subparts ``…/part-422``, ``…/part-422/subpart-H``); U.S. Code at Cornell LII
``https://www.law.cornell.edu/uscode/text/42/1395w-25#d_1``.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import DCTERMS, RDF, RDFS, Literal, URIRef
from rdflib.namespace import XSD

from ...namespaces import MEDKG
from ..context import BuildContext
from ..diagnostics import SourceLocation
from ..iris import IRIs

USC_LEVELS = ("section", "subsection", "paragraph", "subparagraph", "clause", "subclause", "item")


@dataclass(frozen=True)
class Ref:
    """A provision: ``code`` is "cfr" or "usc"; CFR refs have a part (a subpart or a section), USC refs a section."""

    code: str
    title: str
    part: str | None = None
    subpart: str | None = None
    section: str | None = None
    paras: tuple[str, ...] = ()

    def child(self, *paras: str) -> Ref:
        return Ref(self.code, self.title, self.part, self.subpart, self.section, self.paras + paras)

    @property
    def level(self) -> str:
        if self.code == "usc":
            return USC_LEVELS[len(self.paras)] if self.section else "title"
        if self.section:
            return "paragraph" if self.paras else "section"
        return "subpart" if self.subpart else ("part" if self.part else "title")

    @property
    def designator(self) -> str:
        if self.paras:
            return self.paras[-1]
        return self.section or self.subpart or self.part or self.title

    def parent(self) -> Ref | None:
        if self.paras:
            return Ref(self.code, self.title, self.part, self.subpart, self.section, self.paras[:-1])
        if self.code == "usc":
            return Ref("usc", self.title) if self.section else None
        if self.section:
            return Ref("cfr", self.title, self.part, self.subpart)
        if self.subpart:
            return Ref("cfr", self.title, self.part)
        return Ref("cfr", self.title) if self.part else None

    def label(self) -> str:
        tail = "".join(f"({p})" for p in self.paras)
        if self.code == "usc":
            return f"{self.title} U.S.C. {self.section}{tail}" if self.section else f"{self.title} U.S.C."
        if self.section:
            return f"{self.title} CFR {self.section}{tail}"
        if self.subpart:
            return f"{self.title} CFR part {self.part}, subpart {self.subpart}"
        return f"{self.title} CFR part {self.part}" if self.part else f"{self.title} CFR"

    def iri(self, iris: IRIs) -> URIRef:
        if self.code == "usc":
            # iris.usc needs a section; the title itself sits one level up under the same pattern
            return iris.usc(self.title, self.section, *self.paras) if self.section else URIRef(
                f"{iris.base}usc/{self.title}")
        if not self.part:
            return URIRef(f"{iris.base}cfr/{self.title}")
        if self.section:
            return iris.cfr(self.title, self.part, self.section, *self.paras)
        if self.subpart:
            return iris.cfr(self.title, self.part, f"subpart-{self.subpart}")
        return iris.cfr(self.title, self.part)

    def official_page(self) -> str:
        if self.code == "usc":
            base = f"https://www.law.cornell.edu/uscode/text/{self.title}"
            if not self.section:
                return base
            anchor = f"#{'_'.join(self.paras)}" if self.paras else ""
            return f"{base}/{self.section}{anchor}"
        base = f"https://www.ecfr.gov/current/title-{self.title}"
        if not self.part:
            return base
        if self.section:
            anchor = f"#p-{self.section}{''.join(f'({p})' for p in self.paras)}" if self.paras else ""
            return f"{base}/part-{self.part}/section-{self.section}{anchor}"
        return f"{base}/part-{self.part}" + (f"/subpart-{self.subpart}" if self.subpart else "")


def cfr_section(title: str, section: str, subpart: str | None = None) -> Ref:
    return Ref("cfr", title, section.split(".")[0], subpart, section)


def emit(ctx: BuildContext, ref: Ref, location: SourceLocation | None = None) -> URIRef:
    """The provision and its ancestors, each with type, labels, level, designator, page and isPartOf (once each)."""
    iri = ref.iri(ctx.iris)
    if ref in ctx.provisions:
        return iri
    ctx.provisions.add(ref)
    label = Literal(ref.label())
    triples = [
        (iri, RDF.type, MEDKG.Provision),
        (iri, MEDKG.citationLabel, label),
        (iri, RDFS.label, label),
        (iri, MEDKG.provisionLevel, Literal(ref.level)),
        (iri, MEDKG.designator, Literal(ref.designator)),
        (iri, MEDKG.officialPage, URIRef(ref.official_page())),
    ]
    parent = ref.parent()
    if parent is not None:
        triples.append((iri, DCTERMS.isPartOf, emit(ctx, parent, location)))
    ctx.add_all(triples, location)
    return iri


def emit_text(ctx: BuildContext, ref: Ref, text: str, location: SourceLocation,
              heading: str | None = None) -> URIRef:
    iri = emit(ctx, ref, location)
    if text:
        ctx.add((iri, MEDKG.text, Literal(text, lang="en")), location)
    if heading:
        ctx.add((iri, DCTERMS.title, Literal(heading, lang="en")), location)
    return iri


def flag_incomplete(ctx: BuildContext, iri: URIRef, location: SourceLocation) -> None:
    ctx.add((iri, MEDKG.incompleteText, Literal(True, datatype=XSD.boolean)), location)
