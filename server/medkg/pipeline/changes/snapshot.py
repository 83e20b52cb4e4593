"""One build folder read back as the facts a diff compares: concepts, provisions and Federal Register citations.

It reads whatever the asserted graph holds (``graph.ttl``), never parser internals, with pyoxigraph's fast parser.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ... import namespaces
from ...namespaces import MEDKG
from .. import layout
from ..diagnostics import InputError, SourceLocation

SKOS = str(namespaces.SKOS)  # plain strings: pyoxigraph terms are compared by their text
DCT = str(namespaces.DCTERMS)
RDFS_LABEL = str(namespaces.RDFS.label)
RDF_TYPE = str(namespaces.RDF.type)
GRAPH_FILE = layout.GRAPH
MANIFEST_FILE = layout.MANIFEST

Values = dict[str, set[str]]  # property (short name) → values (IRIs, or literals as "text@lang")


@dataclass
class Snapshot:
    """The resources of one build that a change report compares, keyed by IRI."""

    base: str
    built: str
    folder: Path
    props: dict[str, Values] = field(default_factory=dict)
    concepts: set[str] = field(default_factory=set)
    provisions: set[str] = field(default_factory=set)
    versions: dict[str, str] = field(default_factory=dict)  # a stored version → the resource it is a version of

    def get(self, iri: str, prop: str) -> set[str]:
        return self.props.get(iri, {}).get(prop, set())

    def one(self, iri: str, prop: str) -> str | None:
        values = sorted(self.get(iri, prop))
        return values[0] if values else None

    def label(self, iri: str) -> str:
        for prop in ("citationLabel", "prefLabel", "label"):
            for value in sorted(self.get(iri, prop)):
                text, _, lang = value.rpartition("@")
                if lang in ("en", ""):
                    return text or value
        return iri

    def section_of(self, iri: str) -> str | None:
        """The section a provision belongs to (itself when it is one); a concept's through ``definedIn``."""
        current: str | None = self.one(iri, "definedIn") if iri in self.concepts else iri
        seen: set[str] = set()
        while current and current not in seen:
            seen.add(current)
            if text_of(self.one(current, "provisionLevel")) == "section":
                return current
            current = self.one(current, "isPartOf")
        return None

    def history(self, section: str | None) -> set[str]:
        """The Federal Register citations of a section's source note (original and amendments)."""
        if section is None:
            return set()
        return self.get(section, "originallyPublishedIn") | self.get(section, "amendedBy")


# properties kept, by full IRI → short name
PROPERTIES = {
    **{SKOS + p: p for p in ("prefLabel", "altLabel", "hiddenLabel", "definition", "scopeNote", "broader",
                             "exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch",
                             "editorialNote", "inScheme")},
    **{str(MEDKG) + p: p for p in ("text", "citationLabel", "definedIn", "cites", "provisionLevel", "designator",
                                   "amendedBy", "originallyPublishedIn", "frVolume", "frPage")},
    DCT + "title": "title", DCT + "isPartOf": "isPartOf", DCT + "date": "date", RDFS_LABEL: "label",
}
VERSION_OF = DCT + "isVersionOf"
VERSION_TYPES = {str(MEDKG) + "ProvisionVersion", str(MEDKG) + "DefinitionVersion"}
CONCEPT_TYPE = SKOS + "Concept"
PROVISION_TYPE = str(MEDKG) + "Provision"


def load(folder: Path) -> Snapshot:
    """Read a build folder; a missing folder or file is an ``InputError`` naming it."""
    manifest = _manifest(folder)
    snapshot = Snapshot(str(manifest.get("base", "")), str(manifest.get("built", "")), folder)
    props: dict[str, Values] = defaultdict(lambda: defaultdict(set))
    try:
        quads = ox.parse(path=str(folder / GRAPH_FILE), format=ox.RdfFormat.TURTLE)
        for quad in quads:
            _keep(snapshot, props, quad)
    except (OSError, SyntaxError) as exc:
        raise InputError(f"cannot read the build's graph: {exc}", SourceLocation(str(folder / GRAPH_FILE))) from exc
    snapshot.props = {iri: dict(values) for iri, values in props.items()}
    snapshot.versions = {iri: snapshot.one(iri, "isVersionOf") or "" for iri in snapshot.versions}
    return snapshot


def check_folder(folder: Path, base: str | None = None) -> None:
    """An ``InputError`` unless ``folder`` is a readable build folder (of ``base``, when given)."""
    found = _manifest(folder).get("base")
    if base is not None and found != base:
        raise InputError(f"the previous build has base {found}, this one {base}: their IRIs cannot be matched",
                         SourceLocation(str(folder / MANIFEST_FILE)))


def _manifest(folder: Path) -> dict[str, object]:
    if not folder.is_dir():
        raise InputError("no such build folder", SourceLocation(str(folder)))
    for name in (MANIFEST_FILE, GRAPH_FILE):
        if not (folder / name).is_file():
            raise InputError(f"not a build folder (no {name}); run 'medkg build' first", SourceLocation(str(folder)))
    try:
        data = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"unreadable build manifest: {exc}", SourceLocation(str(folder / MANIFEST_FILE))) from exc
    if not isinstance(data, dict):
        raise InputError("the build manifest is not a JSON object", SourceLocation(str(folder / MANIFEST_FILE)))
    return data


def _keep(snapshot: Snapshot, props: dict[str, Values], quad: ox.Quad) -> None:
    subject, predicate, obj = quad.subject, quad.predicate.value, quad.object
    if not isinstance(subject, ox.NamedNode):
        return
    if predicate == RDF_TYPE:
        kind = obj.value if isinstance(obj, ox.NamedNode) else None
        if kind == CONCEPT_TYPE:
            snapshot.concepts.add(subject.value)
        elif kind == PROVISION_TYPE:
            snapshot.provisions.add(subject.value)
        elif kind in VERSION_TYPES:
            snapshot.versions.setdefault(subject.value, "")
        return
    if predicate == VERSION_OF and isinstance(obj, ox.NamedNode):
        props[subject.value]["isVersionOf"].add(obj.value)
    name = PROPERTIES.get(predicate)
    if name is not None:
        props[subject.value][name].add(_value(obj))


def _value(term: object) -> str:
    if isinstance(term, ox.Literal):
        return f"{term.value}@{term.language}" if term.language else f"{term.value}@"
    return str(getattr(term, "value", term))


def text_of(value: str | None) -> str:
    """The text of a literal value as stored here (``text@lang``)."""
    return value.rpartition("@")[0] if value else ""
