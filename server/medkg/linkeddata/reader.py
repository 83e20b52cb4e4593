"""A provision's text as hypertext: paragraphs nested by designator, each anchored, with its cross-references and
the defined terms that apply there as links (the reader of eCFR and Cornell LII).

Anchors follow eCFR: ``p-422.350(b)(1)``. Cross-references are found again in the text by the build's own
finder (``regulatory.citations.locate``) and link to our page for the provision they cite; defined terms are
those that govern the paragraph (``definitions_view.governing``: scope-aware, the narrowest scope winning),
found by the annotator's matcher (pyahocorasick). Every piece of text is escaped before any markup is added.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import request
from markupsafe import Markup, escape
from rdflib import DCTERMS, Literal, URIRef
from rdflib.term import Node

from ..namespaces import MEDKG
from ..pipeline.iris import IRIs
from ..pipeline.regulatory.citations import SSA_TO_USC, Citation, locate, normalize
from ..pipeline.regulatory.provisions import Ref
from . import definitions_view
from .annotator import Annotator, annotator_of
from .documents import exists
from .order import designator_order
from .site import Site
from .terms import triples

MAX_BLOCKS = 2000  # paragraphs shown on one page: a section of the CFR has a few hundred at most
_SUP = re.compile(r"&lt;sup&gt;(\w{1,4})&lt;/sup&gt;")  # eCFR table footnote marks, kept as superscripts
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}")
# after a defined term: "(PSO)", ", for purposes of this section,", "generally", then the defining verb
_DEFINES = re.compile(r"\s*(?:\([^)]{1,40}\)\s*)?(?:,[^,]{1,80},\s*)?(?:\w+ly\s+)?(?:means|is|are|refers|includes|"
                      r"has the meaning|stands for|—|-)")


@dataclass
class Block:
    """One provision on the page: its anchor, citation, heading, text (as HTML) and the paragraphs under it."""

    iri: str
    href: str | None
    citation: str
    designator: str | None
    anchor: str | None
    heading: str | None
    html: Markup
    children: list[Block] = field(default_factory=list)


@dataclass
class Terms:
    """The defined terms marked on one page: each concept's description element, numbered in order of use."""

    annotator: Annotator
    ids: dict[URIRef, str] = field(default_factory=dict)

    def id_of(self, concept: URIRef) -> str:
        return self.ids.setdefault(concept, f"term-def-{len(self.ids) + 1}")

    def described(self, site: Site) -> list[dict[str, str]]:
        """One hidden description per concept marked: label, vocabulary, where defined, definition."""
        rows = []
        for concept, ident in self.ids.items():
            entry = self.annotator.entries[concept]
            where = ", ".join(filter(None, (entry.vocabulary_label, entry.citation)))
            rows.append({"id": ident, "label": entry.label, "where": where, "definition": entry.definition or ""})
        return rows


def ref_of(site: Site, iri: str) -> Ref | None:
    """The provision an IRI of ours names (``cfr/42/422/422.350/b`` → 42 CFR 422.350(b))."""
    path = site.paths.path(iri)
    parts = path.strip("/").split("/") if path else []
    if len(parts) >= 3 and parts[0] == "usc":
        return Ref("usc", parts[1], section=parts[2], paras=tuple(parts[3:]))
    if len(parts) < 3 or parts[0] != "cfr":
        return None
    if len(parts) == 3:
        return Ref("cfr", parts[1], parts[2])
    if parts[3].startswith("subpart-"):
        return Ref("cfr", parts[1], parts[2], parts[3][len("subpart-"):])
    return Ref("cfr", parts[1], parts[2], None, parts[3], tuple(parts[4:]))


def anchor_of(ref: Ref) -> str | None:
    """eCFR's paragraph anchor, ``p-422.350(b)(1)``; None for a section or above."""
    if not ref.paras or not ref.section:
        return None
    return "p-" + ref.section + "".join(f"({p})" for p in ref.paras)


def page_blocks(site: Site, iri: str) -> tuple[Block | None, list[dict[str, str]]]:
    """The provision and every paragraph under it, as hypertext, with the definitions of the terms marked."""
    ref = ref_of(site, iri)
    if ref is None or not ref.section or not _has_text(site, URIRef(iri)):  # a section we only know as cited
        return None, []
    terms = Terms(annotator_of(site))
    scopes = definitions_view.scopes_of(site)
    budget = [MAX_BLOCKS]

    def make(node: URIRef, here: Ref) -> Block:
        budget[0] -= 1
        concepts = frozenset(c for c, _ in definitions_view.governing(site, node, scopes))
        block = _block(site, node, here, lambda text: hypertext(site, text, here, concepts, terms))
        kids = _children(site, node)
        block.children = [make(kid, here.child(d)) for kid, d in kids if budget[0] > 0]
        return block

    return make(URIRef(iri), ref), terms.described(site)


def _block(site: Site, node: URIRef, here: Ref, render: Callable[[str], Markup]) -> Block:
    texts = [str(o) for _, _, o in triples(site.dataset, node, MEDKG.text, graph=site.dataset.asserted_graph)]
    heading = _first_text(site, node, DCTERMS.title)
    path = site.paths.path(str(node))
    return Block(str(node), path, here.label(), here.paras[-1] if here.paras else None, anchor_of(here),
                 heading, Markup("").join(render(t) for t in sorted(texts)))


def _first_text(site: Site, node: Node, predicate: URIRef) -> str | None:
    found = sorted(str(o) for _, _, o in triples(site.dataset, node, predicate) if isinstance(o, Literal))
    return found[0] if found else None


def _children(site: Site, node: URIRef) -> list[tuple[URIRef, str]]:
    """The paragraphs directly under a provision that hold text (a paragraph only cited from elsewhere is not
    part of the text), in designator order."""
    found: dict[str, URIRef] = {}
    for kid, _, _ in triples(site.dataset, None, DCTERMS.isPartOf, node, graph=site.dataset.asserted_graph):
        designator = _first_text(site, kid, MEDKG.designator)
        if isinstance(kid, URIRef) and designator and _has_text(site, kid):
            found[designator] = kid
    return [(found[d], d) for d in designator_order(list(found))]


def _has_text(site: Site, node: URIRef) -> bool:
    return any(True for _ in triples(site.dataset, node, MEDKG.text)) or any(
        True for _ in triples(site.dataset, node, DCTERMS.title)) or any(
        _has_text(site, kid) for kid, _, _ in triples(site.dataset, None, DCTERMS.isPartOf, node,
                                                     graph=site.dataset.asserted_graph) if isinstance(kid, URIRef))


def hypertext(site: Site, text: str, here: Ref, concepts: frozenset[URIRef], terms: Terms) -> Markup:
    """A provision's own text: a ``<p>`` per paragraph (a line of its own per sub-paragraph of a definition), a
    table per Markdown table, with cross-references and defined terms as links."""
    out = []
    for chunk in text.split("\n\n"):
        lines = [line for line in chunk.split("\n") if line.strip()]
        if lines and all(line.lstrip().startswith("|") for line in lines):
            out.append(_table(lines))
            continue
        rendered = [_linked(site, line, here, concepts, terms) for line in lines]
        if rendered:
            css = ' class="definition"' if rendered[0][1] else ""
            out.append(Markup(f"<p{css}>") + Markup("<br>").join(r[0] for r in rendered) + Markup("</p>"))
    return Markup("\n").join(out)


def _linked(site: Site, text: str, here: Ref, concepts: frozenset[URIRef],
            terms: Terms) -> tuple[Markup, bool]:
    """One line with its links, and whether it opens with a term it defines (a definition entry)."""
    if len(normalize(text)) == len(text):  # offsets of references are offsets in the normalized text
        text = normalize(text)
    spans = _citation_spans(site, text, here)
    taken = bytearray(len(text) + 1)
    for start, end, _ in spans:
        taken[start:end] = b"\x01" * (end - start)
    matcher = terms.annotator.matcher(concepts)
    for start, end, found in matcher.matches(text):
        if 1 not in taken[start:end]:
            spans.append((start, end, _term_link(text[start:end], found[0], terms)))
    defines = _opens_definition(text, spans)
    out, at = [], 0
    for start, end, html in sorted(spans, key=lambda s: s[0]):
        if start >= at:
            opening = defines and not at and 'class="term"' in html  # the term this entry defines
            out += [escape(text[at:start]), Markup("<dfn>{}</dfn>").format(html) if opening else html]
            at = end
    out.append(escape(text[at:]))
    return Markup("").join(out), defines


def _opens_definition(text: str, spans: list[tuple[int, int, Markup]]) -> bool:
    """"Capitation means …", "A coordinated care plan is …": the first term opens the line and a verb follows."""
    first = min((s for s in spans if 'class="term"' in s[2]), default=None, key=lambda s: s[0])
    if first is None or text[:first[0]].strip(" “\"'") not in ("", "A", "An", "The"):
        return False
    return bool(_DEFINES.match(text[first[1]:]))


def _term_link(words: str, concept: URIRef, terms: Terms) -> Markup:
    entry = terms.annotator.entries[concept]
    return Markup('<a class="term" href="{}" aria-describedby="{}">{}</a>').format(
        _local(terms.annotator.site, entry.iri), terms.id_of(concept), words)


def _citation_spans(site: Site, text: str, here: Ref) -> list[tuple[int, int, Markup]]:
    """Each cross-reference a link to our page for what it cites: one link per provision where a list names
    several ("§§ 422.380 through 422.390"), else one link for the whole reference to the first it cites."""
    iris = IRIs(site.paths.base)
    out = []
    spans, _ = locate(text, here)
    taken = bytearray(len(text) + 1)
    for start, end, cites in sorted(spans, key=lambda s: (s[0], -s[1])):
        if not cites or 1 in taken[start:end]:
            continue
        taken[start:end] = b"\x01" * (end - start)
        pieces = _pieces(text[start:end], cites) if len(cites) > 1 else []
        for at, until, cite in pieces if len(pieces) > 1 else [(0, end - start, cites[0])]:
            label = "; ".join(c.ref.label() for c in (cites if len(pieces) < 2 else [cite]))
            out.append((start + at, start + until, Markup('<a class="xref" href="{}" title="{}">{}</a>').format(
                _target(site, cite.ref, iris), label, text[start + at:start + until])))
    return out


def _target(site: Site, ref: Ref, iris: IRIs) -> str:
    """Our page for a cited provision; its official page when this build does not hold it."""
    iri = str(ref.iri(iris))
    return _local(site, iri) if exists(site, iri) else ref.official_page()


_ACT_OF = {usc: act for act, usc in SSA_TO_USC.items()}


def _pieces(words: str, cites: list[Citation]) -> list[tuple[int, int, Citation]]:
    """Where in the words of a reference each provision it cites is named, in order (those found)."""
    out, at = [], 0
    for cite in cites:
        tail = "".join(f"({p})" for p in cite.ref.paras)
        numbers = (cite.ref.section or "", _ACT_OF.get(cite.ref.section or "", ""))
        keys = [n + tail for n in numbers if n] + [tail, f"({cite.ref.paras[-1]})" if cite.ref.paras else ""]
        found = next(((words.find(k, at), k) for k in keys if k and words.find(k, at) >= 0), None)
        if found is not None:
            out.append((found[0], found[0] + len(found[1]), cite))
            at = found[0] + len(found[1])
    return out


def _local(site: Site, iri: str) -> str:
    path = site.paths.path(iri)
    return request.script_root + path if path else iri


def _table(lines: list[str]) -> Markup:
    """A Markdown table: the first row is the header, the ``|---|`` rule is dropped."""
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in lines
            if not _TABLE_RULE.match(line.strip())]
    head = Markup("").join(_cell(c, "th") for c in rows[0])
    body = Markup("").join(Markup("<tr>{}</tr>").format(Markup("").join(_cell(c, "td") for c in row))
                           for row in rows[1:])
    return Markup('<div class="table-wrap"><table class="provision-table"><thead><tr>{}</tr></thead>'
                  "<tbody>{}</tbody></table></div>").format(head, body)


def _cell(text: str, tag: str) -> Markup:
    return Markup(f"<{tag}>") + Markup(_SUP.sub(r"<sup>\1</sup>", str(escape(text)))) + Markup(f"</{tag}>")
