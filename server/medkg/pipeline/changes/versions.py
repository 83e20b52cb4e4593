"""Several versions of a section in one build: the one in force is built as usual, every version gets an IRI.

Given the folders of several snapshots (``medkg build current earlier history/2018-04-16 …``), one-section eCFR
files naming the same section (``##### § 422.2 …``) are versions of it. Each version is dated by the latest
Federal Register citation of its source note; the versions of a section are ordered by that date. The version in
force on ``--as-of DATE`` (the latest dated on or before it; without ``--as-of``, the latest) is parsed as the
section's text; the unversioned IRIs stay that text. Every version gets

- ``{section}/version/{date}``: ``medkg:ProvisionVersion``, ``dct:isVersionOf`` the section (which has
  ``dct:hasVersion``), ``dct:title``, ``medkg:versionText`` (the whole section text), ``eli:changed_by`` the FR
  citations its source note adds to the previous version's;
- for each paragraph whose own text differs from the version before, ``{paragraph}/version/{date}`` (a
  ``medkg:ProvisionVersion`` of the paragraph, ``medkg:inVersion`` the section version), so ``?date=`` on a
  paragraph finds the wording in force;
- for each term it defines whose definition differs from the version before, ``{concept}/version/{date}``:
  ``medkg:DefinitionVersion``, ``dct:isVersionOf`` the concept, ``medkg:versionText`` (the definition),
  ``medkg:inVersion`` the section version, ``eli:changed_by``.

Each carries ``medkg:amendmentPublished`` (and ``eli:version_date``, the same day): the Federal Register
publication date of the latest rule its source note cites, and ``medkg:supersededOn``, that date of the next
version with another text. eCFR source notes give publication dates only, never effective dates (often later),
so no ``eli:date_applicability`` is stated; "in force on a day" (``--as-of``, ``?date=``) means "the latest
version published on or before it".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from rdflib import DCTERMS, RDF, RDFS, SKOS, XSD, Literal, URIRef

from ...namespaces import ELI, MEDKG
from ..context import BuildContext
from ..diagnostics import SourceLocation
from ..iris import IRIs
from ..regulatory.history import FrCitation, emit_citation, parse_note
from ..sources.ecfr_markdown import title_of
from ..sources.registry import FORMATS, InputFile
from .text import same_text

_HEADING = re.compile(r"^#{1,6}\s*§\s*(\d+\.\d+[a-z]?)\s+(.*?)\s*#*\s*$", re.M)
_NOTE = re.compile(r"^\[([^\]]* FR [^\]]*)\]\s*$", re.M)
_LINK = re.compile(r"^Link to .*$", re.M)
VERSION_FORMAT = "ecfr-markdown"


@dataclass
class Version:
    item: InputFile
    section: str
    heading: str
    title: str  # the CFR title, from the file's path (as the eCFR reader takes it)
    day: date
    citations: list[FrCitation] = field(default_factory=list)

    @property
    def labels(self) -> set[str]:
        return {c.label for c in self.citations}


def dated(item: InputFile) -> Version | None:
    """A one-section eCFR file as a version: its section number and the latest date of its source note."""
    head = _HEADING.search(item.text)
    note = _NOTE.search(item.text)
    if head is None or note is None:
        return None
    citations = parse_note(note.group(1))
    days = [c.date for c in citations if c.date is not None]
    if not days:
        return None
    return Version(item, head.group(1), head.group(2).rstrip(". "), title_of(item), max(days), citations)


def select(items: Sequence[InputFile], ctx: BuildContext, as_of: date | None) -> tuple[list[InputFile],
                                                                                         list[list[Version]]]:
    """The files to parse (one version per section) and every section's versions, oldest first."""
    groups: dict[tuple[str, str], list[Version]] = {}
    dropped: set[int] = set()
    for item in items:
        version = dated(item) if _is_section_file(item) else None
        if version is None:
            continue
        same = groups.setdefault((version.title, version.section), [])
        if any(v.item.text == item.text for v in same):
            dropped.add(id(item))  # the same file given twice is one version
        elif any(v.day == version.day for v in same):
            dropped.add(id(item))
            ctx.diagnostics.warning("version.same-date", f"§ {version.section}: another version with a different "
                                    f"text is also dated {version.day}; this one is left out", _where(version))
        else:
            same.append(version)
    several = {s: sorted(vs, key=lambda v: v.day) for s, vs in groups.items() if len(vs) > 1}
    for (_title, section), versions in sorted(several.items()):
        chosen = in_force(versions, as_of)
        if chosen is None:
            chosen = versions[0]
            ctx.diagnostics.warning("version.before-first", f"§ {section}: no stored version is dated on or before "
                                    f"{as_of}; the earliest ({chosen.day}) is used", _where(chosen))
        dropped.update(id(v.item) for v in versions if v is not chosen)
    return [i for i in items if id(i) not in dropped], [several[s] for s in sorted(several)]


def in_force(versions: Sequence[Version], as_of: date | None) -> Version | None:
    found = [v for v in versions if as_of is None or v.day <= as_of]
    return found[-1] if found else None


def _is_section_file(item: InputFile) -> bool:
    fmt = FORMATS.get(VERSION_FORMAT)
    return fmt is not None and fmt.detect(item)


def _where(version: Version) -> SourceLocation:
    return SourceLocation(version.item.display, 1)


def emit_versions(ctx: BuildContext, sections: list[list[Version]]) -> None:
    for versions in sections:
        _emit_section(ctx, versions)


@dataclass
class Parsed:
    """One version parsed on its own: its definitions and its paragraphs' own texts (with their labels), by IRI."""

    definitions: dict[str, str]
    paragraphs: dict[str, str]
    labels: dict[str, str]


def _emit_section(ctx: BuildContext, versions: list[Version]) -> None:
    parsed = [_parse_alone(ctx.iris, v) for v in versions]
    first = versions[0]
    section = str(ctx.iris.cfr(first.title, first.section.partition(".")[0], first.section))
    previous_labels: set[str] = set()
    nodes = []
    for i, version in enumerate(versions):
        until = versions[i + 1].day if i + 1 < len(versions) else None
        nodes.append(URIRef(f"{section}/version/{version.day.isoformat()}"))
        rules = [emit_citation(ctx, c, _where(version)) for c in version.citations
                 if c.label not in previous_labels] if i else []
        _emit_version(ctx, section, nodes[i], version, until, rules)
        previous_labels = version.labels
        for iri, text, stop in _wordings([p.definitions for p in parsed], versions, i):
            _emit_part_version(ctx, MEDKG.DefinitionVersion, iri, f"definition as of {version.day.isoformat()}",
                               nodes[i], version, text, stop, rules)
        for iri, text, stop in _wordings([p.paragraphs for p in parsed], versions, i):
            if iri != section:  # the section's own text is in its version's whole text
                label = f"{parsed[i].labels.get(iri, iri)} (version of {version.day.isoformat()})"
                _emit_part_version(ctx, MEDKG.ProvisionVersion, iri, label, nodes[i], version, text, stop, rules)


def _wordings(texts: list[dict[str, str]], versions: list[Version], i: int) -> list[tuple[str, str, date | None]]:
    """The texts of version ``i`` that differ from version ``i - 1`` (more than in whitespace or dash style) and
    until when each stood."""
    before = texts[i - 1] if i else {}
    return [(iri, text, _until(iri, text, versions, texts, i))
            for iri, text in sorted(texts[i].items()) if not _same(before.get(iri), text)]


def _same(before: str | None, after: str | None) -> bool:
    return before is not None and after is not None and same_text(before, after)


def _until(iri: str, text: str, versions: list[Version], texts: list[dict[str, str]], i: int) -> date | None:
    """The date of the first later version whose text of ``iri`` differs (or that lacks it)."""
    for j in range(i + 1, len(versions)):
        if not _same(texts[j].get(iri), text):
            return versions[j].day
    return None


def _parse_alone(iris: IRIs, version: Version) -> Parsed:
    """The version parsed on its own: its concepts' English definitions and its provisions' own texts."""
    sub = BuildContext(IRIs(iris.base))
    FORMATS[VERSION_FORMAT].parse([version.item], sub)
    english = {p: {str(s): str(o) for s, o in sub.graph.subject_objects(p)
                   if isinstance(o, Literal) and o.language in ("en", None)}
               for p in (SKOS.definition, MEDKG.text)}
    labels = {str(s): str(o) for s, o in sub.graph.subject_objects(MEDKG.citationLabel)}
    return Parsed(english[SKOS.definition], english[MEDKG.text], labels)


def _dates(node: URIRef, version: Version, until: date | None) -> list[tuple[URIRef, URIRef, Literal]]:
    """A version's dates: the FR publication date its source note gives (never an effective date, which the note
    does not give), and the publication date of the rule that superseded it."""
    day = Literal(version.day.isoformat(), datatype=XSD.date)
    triples = [(node, ELI.version_date, day), (node, MEDKG.amendmentPublished, day)]
    if until is not None:
        triples.append((node, MEDKG.supersededOn, Literal(until.isoformat(), datatype=XSD.date)))
    return triples


def _emit_version(ctx: BuildContext, section: str, node: URIRef, version: Version, until: date | None,
                  rules: list[URIRef]) -> None:
    label = f"{version.title} CFR {version.section} (version of {version.day.isoformat()})"
    triples = [(node, RDF.type, MEDKG.ProvisionVersion), (node, DCTERMS.isVersionOf, URIRef(section)),
               (URIRef(section), DCTERMS.hasVersion, node), (node, RDFS.label, Literal(label)),
               (node, DCTERMS.title, Literal(version.heading, lang="en")),
               (node, MEDKG.versionText, Literal(section_text(version.item.text), lang="en"))]
    triples += _dates(node, version, until) + [(node, ELI.changed_by, rule) for rule in rules]
    ctx.add_all(triples, _where(version))


def _emit_part_version(ctx: BuildContext, kind: URIRef, of: str, label: str, section_version: URIRef,
                       version: Version, text: str, until: date | None, rules: list[URIRef]) -> None:
    """``{of}/version/{date}``: one wording of a paragraph's own text (a ``ProvisionVersion``, which ``?date=`` on
    the paragraph finds) or of a definition (a ``DefinitionVersion``), inside the section's version."""
    node = URIRef(f"{of}/version/{version.day.isoformat()}")
    triples = [(node, RDF.type, kind), (node, DCTERMS.isVersionOf, URIRef(of)), (node, RDFS.label, Literal(label)),
               (node, MEDKG.versionText, Literal(text, lang="en")), (node, MEDKG.inVersion, section_version)]
    triples += _dates(node, version, until) + [(node, ELI.changed_by, rule) for rule in rules]
    ctx.add_all(triples, _where(version))


def section_text(markdown: str) -> str:
    """A version's regulation text: its paragraphs without the heading, source note, link lines or italics."""
    body = _NOTE.sub("", _LINK.sub("", _HEADING.sub("", markdown, count=1)))
    blocks = [" ".join(b.split()) for b in re.split(r"\n\s*\n", body)]
    return "\n\n".join(b for b in blocks if b).replace("*", "")
