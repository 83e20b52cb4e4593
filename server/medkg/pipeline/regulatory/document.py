"""One parsed section of regulatory text → provisions, Federal Register history, citations and concepts.

The three regulatory formats (printed CFR, eCFR Markdown, U.S. Code Markdown) each produce ``Section``s; this
module turns them into triples the same way, so the same provision from two formats lands on the same IRIs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rdflib import DCTERMS, OWL, RDF, SKOS, Literal, URIRef

from ...namespaces import MEDKG
from ..context import BuildContext
from ..diagnostics import SourceLocation
from ..labels import normalize_label
from ..sources.registry import InputFile
from . import citations
from .definitions import Definition, concept_iri, emit_definition, qualify_definitions, split_term
from .history import emit_citation, emit_history, find_citations
from .provisions import Ref, emit, emit_text, flag_incomplete
from .schemes import STATUTE, cfr_scheme, scheme_meta
from .structure import Tree, unmark

PUBLIC_DOMAIN = URIRef("https://creativecommons.org/publicdomain/mark/1.0/")
_BASED_ON = re.compile(r"\bThis (subpart|section|part) is based on (sections? [^.;]*? of the (?:Social Security )?Act)")

# a format's term finder: text of a paragraph → [(term as written, offset where its definition starts)]
TermFinder = Callable[[str], "list[tuple[str, int]]"]


@dataclass
class Section:
    ref: Ref
    heading: str | None
    tree: Tree
    location: SourceLocation
    notes: list[tuple[str, SourceLocation]] = field(default_factory=list)  # bracketed source notes
    editorial: list[tuple[str, SourceLocation]] = field(default_factory=list)
    incomplete: tuple[str, ...] | None = None  # path of the paragraph the input cut off
    incomplete_entry: bool = False  # the cut-off text is the last definition entry


def scheme_of(ref: Ref) -> str:
    """A CFR part's own scheme (``42-cfr-423``), or the statute's."""
    return cfr_scheme(ref.title, ref.part or "") if ref.code == "cfr" else STATUTE


def emit_scheme(ctx: BuildContext, slug: str, location: SourceLocation, folder_name: str | None = None) -> URIRef:
    meta = scheme_meta(slug, folder_name)
    scheme = ctx.iris.scheme(slug)
    triples = [
        (scheme, RDF.type, SKOS.ConceptScheme),
        (scheme, DCTERMS.title, Literal(meta.title, lang="en")),
        (scheme, DCTERMS.license, PUBLIC_DOMAIN),
        (scheme, DCTERMS.rights, Literal("U.S. Government work, public domain (17 U.S.C. 105)", lang="en")),
        (scheme, DCTERMS.source, URIRef(meta.source)),
    ]
    triples += [(scheme, DCTERMS.publisher, Literal(p)) for p in meta.publisher]
    if meta.version:
        triples.append((scheme, OWL.versionInfo, Literal(meta.version)))
    ctx.add_all(triples, location)
    return scheme


def emit_section(ctx: BuildContext, scheme: str, section: Section, finder: TermFinder,
                 entry_term: TermFinder) -> list[Definition]:
    """Provisions, history, citations and definitions of one section; returns the definitions (not yet emitted)."""
    ref, tree = section.ref, section.tree
    emit_text(ctx, ref, _own_text(tree, ()), section.location, section.heading)
    for path, para in sorted(tree.paras.items(), key=lambda kv: kv[1].line):
        if path:
            loc = SourceLocation(section.location.file, para.line)
            emit_text(ctx, ref.child(*path), _own_text(tree, path), loc, para.heading)
    if section.incomplete is not None:
        flag_incomplete(ctx, ref.child(*section.incomplete).iri(ctx.iris), section.location)
    for note, loc in section.notes:
        emit_history(ctx, ref.iri(ctx.iris), note, loc)
    for note, loc in section.editorial:
        emit_editorial(ctx, ref.iri(ctx.iris), note, loc)
    for orphan in tree.orphans:
        ctx.diagnostics.info("structure.designator", f"({orphan.designator}) cannot come next in {ref.label()}; "
                             "it is kept as text of the paragraph before it", SourceLocation(section.location.file,
                                                                                              orphan.line))
    _cite_all(ctx, section)
    return _definitions(section, finder, entry_term)


def _own_text(tree: Tree, path: tuple[str, ...]) -> str:
    """A paragraph's own text with the definition entries it lists (its designated sub-paragraphs are apart)."""
    parts = [tree.paras[path].text] if path in tree.paras else []
    parts += [e.text for e in tree.entries_at.get(path, [])]
    return unmark("\n\n".join(p for p in parts if p))  # one entry a paragraph; Markdown italics are not text


def emit_editorial(ctx: BuildContext, provision: URIRef, note: str, loc: SourceLocation) -> None:
    ctx.add((provision, SKOS.editorialNote, Literal(note, lang="en")), loc)
    for cite in find_citations(note):
        ctx.add((provision, DCTERMS.references, emit_citation(ctx, cite, loc)), loc)


def _cite_all(ctx: BuildContext, section: Section) -> None:
    for path in section.tree.paras:
        here = section.ref.child(*path)
        text = _own_text(section.tree, path)
        loc = SourceLocation(section.location.file, section.tree.paras[path].line)
        cites, missed = citations.extract(text, here)
        source = here.iri(ctx.iris)
        for cite in cites:
            if cite.ref != here:
                ctx.add((source, MEDKG.cites, emit(ctx, cite.ref, loc)), loc)
        for miss in missed:
            ctx.diagnostics.info("citation.unresolved", f"{miss.text}: {miss.reason}", loc)
        _implements(ctx, section.ref, here, citations.normalize(text), loc)


def _implements(ctx: BuildContext, section: Ref, here: Ref, text: str, loc: SourceLocation) -> None:
    """"This subpart is based on sections 1851 and 1855 of the Act" → the subpart (and paragraph) implement them."""
    for match in _BASED_ON.finditer(text):
        unit = {"subpart": Ref("cfr", section.title, section.part, section.subpart) if section.subpart else None,
                "section": Ref(section.code, section.title, section.part, section.subpart, section.section),
                "part": Ref("cfr", section.title, section.part)}[match.group(1)]
        cites, _ = citations.extract(match.group(2), here)
        for cite in cites:
            target = emit(ctx, cite.ref, loc)
            for subject in filter(None, (unit, here)):
                ctx.add((emit(ctx, subject, loc), MEDKG.implements, target), loc)


def _definitions(section: Section, finder: TermFinder, entry_term: TermFinder) -> list[Definition]:
    out: list[Definition] = []
    tree, file = section.tree, section.location.file
    for entry in tree.entries:
        for hit in entry_term(entry.text)[:1]:
            out.append(_make(hit, entry.text, section.ref.child(*entry.path), SourceLocation(file, entry.line)))
            out[-1].incomplete = section.incomplete_entry and entry is tree.entries[-1]
            out += _nested(entry.parts[1:], finder, out[-1])
    defined: list[tuple[tuple[str, ...], str]] = []
    for path, para in sorted(tree.paras.items(), key=lambda kv: kv[1].line):
        full = "\n".join(t for t in (para.text, tree.descendants_text(path)) if t)
        loc = SourceLocation(file, para.line)
        found = [hit for hit in finder(para.text) or _verbless(finder, para.text, full)
                 if not _restates(defined, path, hit[0])]
        defined += [(path, _singular(split_term(hit[0])[0])) for hit in found]
        for i, hit in enumerate(found):
            # several definitions in one paragraph: each runs to the next one, the last takes the sub-paragraphs
            end = next((later for _, later in found[i + 1:] if later > hit[1]), len(full))
            out.append(_make(hit, full[:end], section.ref.child(*path), loc))
            out[-1].incomplete = _cut(section, path) and end == len(full)
        out.extend(d for d in qualify_definitions(full, section.ref.child(*path), loc)
                   if full.find(d.broader_evidence or "") < len(para.text))
    return out


def _singular(term: str) -> str:
    return re.sub(r"s$", "", normalize_label(term))


def _restates(defined: list[tuple[tuple[str, ...], str]], path: tuple[str, ...], term: str) -> bool:
    """A sub-paragraph of a definition that names the same term again ("Coordinated care plans include plans
    offered by …" under "A coordinated care plan is …") belongs to that definition: it is not a second one."""
    key = _singular(split_term(term)[0])
    return any(key == other and len(at) < len(path) and path[: len(at)] == at for at, other in defined)


def _verbless(finder: TermFinder, text: str, full: str) -> list[tuple[str, int]]:
    """``*X* -`` whose first sub-paragraph says "(1) Means …": the term the sub-paragraphs define."""
    if not text or len(text) > 200 or not re.search(r"[-—–:]\s*$", text) or len(full) <= len(text):
        return []
    return [hit for hit in finder(full[: len(text) + 40]) if hit[1] < len(text)]


def _nested(parts: list[str], finder: TermFinder, outer: Definition) -> list[Definition]:
    """Italic terms that open the list items of another definition ("(1) *X* means …"): concepts of their own."""
    out = []
    for part in parts:
        match = re.match(r"^\((\w{1,5})\)\s*", part)
        body = part[match.end():] if match else part
        for hit in finder(body)[:1]:
            nested = _make(hit, body, outer.ref, outer.location)
            if nested.term and normalize_label(nested.term) != normalize_label(outer.term):
                out.append(nested)
    return out


def _make(found: tuple[str, int], text: str, ref: Ref, loc: SourceLocation) -> Definition:
    term, alt = split_term(found[0])
    lines = (" ".join(line.split()) for line in unmark(text[found[1]:]).split("\n"))
    return Definition(term, "\n".join(line for line in lines if line), ref, loc, alt)


def _cut(section: Section, path: tuple[str, ...]) -> bool:
    cut = section.incomplete
    return cut is not None and not section.incomplete_entry and cut[: len(path)] == path


def emit_files(ctx: BuildContext, files: Sequence[InputFile],
               read: Callable[[InputFile, BuildContext], Section | None], finder: TermFinder) -> None:
    """Every section of a group of one-section files (eCFR, U.S. Code), then the concepts of their definitions,
    each in the scheme of its own part."""
    definitions: dict[str, list[Definition]] = {}
    for item in files:
        section = read(item, ctx)
        if section is not None:
            scheme = scheme_of(section.ref)
            definitions.setdefault(scheme, []).extend(emit_section(ctx, scheme, section, finder, finder))
    for scheme, found in sorted(definitions.items()):
        emit_definitions(ctx, scheme, found)


def emit_definitions(ctx: BuildContext, scheme: str, definitions: Sequence[Definition]) -> None:
    """Concepts for every definition of a group of files, then broader links named by the text."""
    authority = scheme_meta(scheme).authority
    minted: dict[URIRef, Ref] = {}
    for definition in definitions:
        if not re.search(r"[^\W\d_]", definition.term):
            ctx.diagnostics.warning("definition.empty-term", f"a definition in {definition.ref.label()} names no term "
                                    f"({definition.text[:60]!r}); no concept is made for it", definition.location)
            continue
        iri = concept_iri(ctx, scheme, definition)
        if minted.setdefault(iri, definition.ref) != definition.ref:
            # the same term defined in two provisions of one section: scope the later one by its provision
            definition.scope = definition.ref.label().split(" ", 2)[-1]
        minted.setdefault(concept_iri(ctx, scheme, definition), definition.ref)
        emit_definition(ctx, scheme, definition, definition.ref.iri(ctx.iris), authority)
    for definition in definitions:
        if definition.broader:
            _broader(ctx, scheme, definition, definitions)


def _broader(ctx: BuildContext, scheme: str, narrow: Definition, definitions: Sequence[Definition]) -> None:
    key = normalize_label(narrow.broader or "")
    matches = [d for d in definitions if key in {normalize_label(d.term), *map(normalize_label, d.alt)}]
    if not matches:
        ctx.diagnostics.info("definition.broader", f"{narrow.broader!r} (broader than {narrow.term!r}) is not a "
                             "defined term of this source", narrow.location)
        return
    concept = concept_iri(ctx, scheme, narrow)
    ctx.add((concept, SKOS.broader, concept_iri(ctx, scheme, matches[0])), narrow.location)
    ctx.add((concept, MEDKG.broaderEvidence, Literal(narrow.broader_evidence or "", lang="en")), narrow.location)
