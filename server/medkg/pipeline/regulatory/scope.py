"""The scope of each regulatory definition (the provision whose text it governs) and the definitions that apply.

Scope (``medkg:scope``, with the wording that set it as ``medkg:scopeEvidence``), for every regulatory concept:

1. the definition's own qualifier before its defining verb ("*Substantial financial risk,* for purposes of this
   section, means", "A “covered person” as used in this paragraph means", "In this part, the term “X” means");
2. else the lead-in of the paragraph that holds it or of one of its ancestors up to the section, when that lead-in
   introduces definitions ("As used in this part -", "(a) *Definitions.* In this subpart, the following
   definitions apply:", "In this subsection:") or names the term itself ("In this subpart, *X* means—");
3. else the section that holds the definition.

"this part / subpart / section / subsection / paragraph (b)(6) / subparagraph / clause / title" resolve against
the provision where the words stand, along ``dct:isPartOf``. The U.S. Code's parts are not in the statute's
headings: a table of known parts (42 U.S.C. chapter 7, subchapter XVIII, part C = §§ 1395w-21–1395w-28, part D)
gives each section its part, so "In this part" has a provision to point at.

Applicable definitions: for a provision, the concepts whose scope is the provision or one of its ancestors; when
one term is defined at several of those levels, the narrowest scope wins (``applicable``). ``medkg:appliesIn``
links each concept to the sections (or the narrower scope itself) whose text it governs.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rdflib import DCTERMS, RDF, RDFS, SKOS, Literal, URIRef
from rdflib.term import Node

from ...namespaces import MEDKG
from ..context import BuildContext
from ..diagnostics import SourceLocation
from ..labels import normalize_label

_UNIT = r"(part|subpart|section|subsection|paragraph|subparagraph|clause|title)"
# "As used in this subpart", "For (the) purpose(s) of this section", "In this part" (a sentence's opening words
# only: "as defined in this section" is not a scope), "as used in this paragraph (b) only"
SCOPE = re.compile(
    rf"(?:\b(?:[Aa]s used in|[Ff]or (?:the )?purposes? of)|(?:^|(?<=[.:;—]\s)|(?<=[.:;—]))\s*In) this {_UNIT}"
    r"((?:\s?\([A-Za-z0-9]{1,4}\))*)(\s+only)?")
_VERB = re.compile(r"\b(?:means?|is|are|refers? to|stands? for|has the (?:meaning|definition)|includes?|"
                   r"occurs? when)\b")
_INTRODUCES = re.compile(r"(?:[:\-—–]\s*$|following (?:definitions?|terms?))")
# "… this subsection and subsection (m)", "… and section 1395w–24 of this title": a second provision in scope
ALSO = re.compile(r"\s*and (subsection|paragraph|section|subpart) (\([A-Za-z0-9]{1,4}\)|[0-9][\w.–-]*|[A-Z])"
                  r"(?: of this (?:title|chapter|part))?")
DEFAULT_EVIDENCE = "no scope stated: the section that holds the definition"
HERE = SourceLocation("(scope)")

# U.S. Code parts the statute's chunks do not name: title → [(chapter, subchapter, part, prefix, first, last)]
USC_PARTS = {
    "42": [("7", "XVIII", "C", "1395w-", 21, 28), ("7", "XVIII", "D", "1395w-", 101, 154)],
}


@dataclass(frozen=True)
class Scope:
    provision: URIRef
    evidence: str
    also: tuple[URIRef, ...] = ()  # "In this subsection and subsection (m)": the other provisions named

    @property
    def provisions(self) -> tuple[URIRef, ...]:
        return (self.provision, *self.also)


class Hierarchy:
    """Provisions along ``dct:isPartOf``, with their level, read once from the graph."""

    def __init__(self, ctx: BuildContext) -> None:
        graph = ctx.graph
        self.ctx = ctx
        self.parent: dict[Node, Node] = {}
        for child, parent in graph.subject_objects(DCTERMS.isPartOf):
            if (child, RDF.type, MEDKG.Provision) in graph:
                self.parent.setdefault(child, parent)
        self.level = {s: str(o) for s, o in graph.subject_objects(MEDKG.provisionLevel)}

    def chain(self, provision: Node) -> list[Node]:
        """The provision and its ancestors, narrowest first."""
        out = [provision]
        while out[-1] in self.parent and len(out) < 20:
            out.append(self.parent[out[-1]])
        return out

    def at_level(self, provision: Node, level: str) -> Node | None:
        return next((p for p in self.chain(provision) if self.level.get(p) == level), None)

    def section(self, provision: Node) -> Node:
        return self.at_level(provision, "section") or provision

    def resolve(self, here: Node, unit: str, designators: str) -> Node | None:
        """What "this {unit}" means where the words stand (``designators``: "(b)(6)" after "this paragraph")."""
        if designators:
            section = self.section(here)
            target = URIRef(f"{section}/" + "/".join(re.findall(r"\(([A-Za-z0-9]+)\)", designators)))
            return target if target in self.level else here
        if unit == "paragraph" and self._is_cfr(here):
            return here if self.level.get(here) == "paragraph" else None
        return self.at_level(here, unit)

    def named(self, here: Node, unit: str, designator: str) -> URIRef | None:
        """A provision named beside "this X": "subsection (m)" and "paragraph (c)" of the same section, "section
        1395w–24 of this title" of the same title, "subpart B" of the same part; None when the build lacks it."""
        designator = designator.strip("()").replace("–", "-")
        base: Node | None
        if unit in ("subsection", "paragraph"):
            base = self.section(here)
        elif unit == "subpart":
            base, designator = self.at_level(here, "part"), f"subpart-{designator}"
        else:
            base = self.at_level(here, "part") if self._is_cfr(here) else self.at_level(here, "title")
        target = URIRef(f"{base}/{designator}")
        return target if base is not None and target in self.level else None

    def _is_cfr(self, provision: Node) -> bool:
        return "/cfr/" in str(provision)


def scope_step(ctx: BuildContext) -> None:
    """Link step: the statute's parts, then ``medkg:scope`` and ``medkg:appliesIn`` on every regulatory concept."""
    usc_parts(ctx)
    tree = Hierarchy(ctx)
    where = ctx.subject_locations
    scopes: dict[URIRef, Scope] = {}
    for concept in sorted(regulatory_concepts(ctx)):
        found = find_scope(ctx, tree, concept)
        if found is not None:
            scopes[concept] = found
            loc = where.get(concept, HERE)
            ctx.add_all([(concept, MEDKG.scope, provision) for provision in found.provisions], loc)
            ctx.add((concept, MEDKG.scopeEvidence, Literal(found.evidence, lang="en")), loc)
    for concept, provision in applies_in(ctx, tree, scopes):
        ctx.add((concept, MEDKG.appliesIn, provision), where.get(concept, HERE))



def regulatory_concepts(ctx: BuildContext) -> Iterable[URIRef]:
    return (c for c in ctx.graph.subjects(RDF.type, MEDKG.RegulatoryConcept) if isinstance(c, URIRef))


def find_scope(ctx: BuildContext, tree: Hierarchy, concept: URIRef) -> Scope | None:
    home = ctx.graph.value(concept, MEDKG.definedIn)
    if home is None:
        return None
    text = str(ctx.graph.value(concept, SKOS.definition) or "")
    verb = _VERB.search(text)
    stated = _stated(tree, home, text[: verb.start() if verb else 200], home)
    if stated is not None:
        return stated
    labels = [normalize_label(str(v)) for v in ctx.graph.objects(concept, SKOS.prefLabel)]
    for provision in tree.chain(home):
        lead = _lead_in(ctx, provision)
        if lead and (_INTRODUCES.search(lead) or any(k and k in normalize_label(lead) for k in labels)):
            stated = _stated(tree, provision, lead, home)
            if stated is not None:
                return stated
        if tree.level.get(provision) == "section":
            break
    return Scope(tree.section(home), DEFAULT_EVIDENCE)  # type: ignore[arg-type]


def _lead_in(ctx: BuildContext, provision: Node) -> str:
    """The first paragraph of a provision's own text."""
    text = str(ctx.graph.value(provision, MEDKG.text) or "")
    return text.split("\n\n", 1)[0].strip()


def _stated(tree: Hierarchy, here: Node, text: str, home: Node) -> Scope | None:
    match = SCOPE.search(text)
    if match is None:
        return None
    target = tree.resolve(here, match.group(1), match.group(2) or "")
    if not isinstance(target, URIRef):
        return None
    label = tree.ctx.graph.value(here, MEDKG.citationLabel)
    more = ALSO.match(text, match.end())
    also = tree.named(here, more.group(1), more.group(2)) if more else None
    words = text[match.start():more.end() if more and also else match.end()].strip()
    return Scope(target, f"“{words}” ({label})", (also,) if also is not None and also != target else ())


# ---------------------------------------------------------------- U.S. Code parts


def usc_parts(ctx: BuildContext) -> None:
    """Each U.S. Code section of a known part is part of that part, and the part of the title."""
    sections = {s for s, o in ctx.graph.subject_objects(MEDKG.provisionLevel) if str(o) == "section"}
    for section in sorted(sections, key=str):
        iri = str(section)
        head, _, number = iri.rpartition("/")
        title = head.rsplit("/", 1)[-1]
        if "/usc/" not in iri or title not in USC_PARTS:
            continue
        for chapter, subchapter, part, prefix, first, last in USC_PARTS[title]:
            tail = number[len(prefix):]
            if number.startswith(prefix) and tail.isdigit() and first <= int(tail) <= last:
                _reparent(ctx, section, _emit_usc_part(ctx, URIRef(head), title, chapter, subchapter, part))


def _emit_usc_part(ctx: BuildContext, title_iri: URIRef, title: str, chapter: str, subchapter: str,
                   part: str) -> URIRef:
    iri = URIRef(f"{title_iri}/chapter-{chapter}/subchapter-{subchapter}/part-{part}")
    label = Literal(f"{title} U.S.C. Chapter {chapter}, Subchapter {subchapter}, Part {part}")
    page = f"https://www.law.cornell.edu/uscode/text/{title}/chapter-{chapter}/subchapter-{subchapter}/part-{part}"
    loc = ctx.provenance.get((title_iri, RDF.type, MEDKG.Provision), HERE)
    ctx.add_all([(iri, RDF.type, MEDKG.Provision), (iri, MEDKG.citationLabel, label), (iri, RDFS.label, label),
                 (iri, MEDKG.provisionLevel, Literal("part")), (iri, MEDKG.designator, Literal(part)),
                 (iri, MEDKG.officialPage, URIRef(page)), (iri, DCTERMS.isPartOf, title_iri)], loc)
    return iri


def _reparent(ctx: BuildContext, section: Node, part: URIRef) -> None:
    for parent in list(ctx.graph.objects(section, DCTERMS.isPartOf)):
        triple = (section, DCTERMS.isPartOf, parent)
        location = ctx.provenance.pop(triple, None)
        ctx.graph.remove(triple)
        ctx.add((section, DCTERMS.isPartOf, part), location)


# ---------------------------------------------------------------- applicable definitions


def term_key(labels: Iterable[str]) -> str:
    """Definitions of "the same term" share their normalized preferred label."""
    return min((normalize_label(label) for label in labels), default="")


def applicable(chain: Sequence[Node], scoped: Callable[[Node], Iterable[URIRef]],
               key: Callable[[URIRef], str]) -> list[tuple[URIRef, Node]]:
    """(concept, its scope) for every definition that governs the first provision of ``chain`` (it and its
    ancestors, narrowest first): scoped at one of them, and for each term only the narrowest scope."""
    winner: dict[str, Node] = {}
    out: list[tuple[URIRef, Node]] = []
    for provision in chain:
        for concept in sorted(scoped(provision)):
            term = key(concept)
            if winner.setdefault(term, provision) == provision:
                out.append((concept, provision))
    return out


def scope_index(pairs: Iterable[tuple[Node, Node]]) -> dict[Node, list[URIRef]]:
    """scope provision → the concepts scoped there, from (concept, scope) pairs."""
    index: dict[Node, list[URIRef]] = defaultdict(list)
    for concept, provision in pairs:
        if isinstance(concept, URIRef):
            index[provision].append(concept)
    return index


def applies_in(ctx: BuildContext, tree: Hierarchy, scopes: dict[URIRef, Scope]) -> list[tuple[URIRef, Node]]:
    """``medkg:appliesIn``: a concept → every section we hold under its scope where it wins, or its scope when
    that is narrower than a section."""
    index = scope_index((c, p) for c, s in scopes.items() for p in s.provisions)
    keys = {c: term_key(str(v) for v in ctx.graph.objects(c, SKOS.prefLabel)) for c in scopes}
    held = {s for s in tree.level if tree.level[s] == "section" and (s, DCTERMS.title, None) in ctx.graph}
    out = [(concept, section) for section in sorted(held, key=str)
           for concept, _ in applicable(tree.chain(section), lambda p: index.get(p, []), keys.__getitem__)]
    out += [(c, p) for c, s in sorted(scopes.items()) for p in s.provisions
            if tree.level.get(p) not in ("title", "part", "subpart", "section")]
    return out
