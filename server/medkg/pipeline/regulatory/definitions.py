"""Defined terms → regulatory concepts, scoped by the section that defines them.

A definition keeps its whole text (the term, the defining verb and every sub-paragraph that belongs to it). An
acronym written with the term ("Health care delivery assets (HCDAs)", "*Dual eligible special needs plan* or
D-SNP") becomes an altLabel. A definition cut off by the end of the input is flagged, never completed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import RDF, SKOS, Literal, URIRef
from rdflib.namespace import XSD

from ...names import ACRONYM
from ...namespaces import MEDKG
from ..context import BuildContext
from ..diagnostics import SourceLocation
from .citations import extract
from .provisions import Ref, emit

NAME_SEP = "\x1f"  # between the names a finder gives one term ("*A* or *B* means"); the first is preferred
_ACRONYM = re.compile(rf"^(.*?)\s*\(({ACRONYM})\)$")
_OR_ACRONYM = re.compile(rf"^(.*?)\s+or\s+({ACRONYM})$")
# "To qualify as a rural PSO, a PSO must—": the narrower term and its broader one
QUALIFY = re.compile(r"\bTo qualify as an? ([\w -]{2,60}?), an? ([\w -]{2,60}?) must\b")


@dataclass
class Definition:
    term: str
    text: str
    ref: Ref  # the paragraph that holds it
    location: SourceLocation
    alt: list[str] = field(default_factory=list)
    incomplete: bool = False
    broader: str | None = None
    broader_evidence: str | None = None
    scope: str | None = None  # defaults to the section; set when one section defines the term twice


def split_term(raw: str) -> tuple[str, list[str]]:
    """"Provider-sponsored organization (PSO)" → ("Provider-sponsored organization", ["PSO"]); several names
    (joined by ``NAME_SEP``) → the first, and the others as alternatives; "X (or Y)" → X and Y."""
    labels: list[str] = []
    for name in raw.split(NAME_SEP):
        labels += [n for n in _one_name(name) if n and n not in labels]
    return (labels[0], labels[1:]) if labels else ("", [])


def _one_name(raw: str) -> list[str]:
    term = " ".join(raw.replace("*", "").split()).strip(" ,.;:")
    if match := re.match(r"^(.*?)\s*\(or ([^()]+)\)$", term):
        return [match.group(1).strip(" ,"), match.group(2).strip()]
    for pattern in (_ACRONYM, _OR_ACRONYM):
        match = pattern.match(term)
        if match and match.group(1):
            return [match.group(1).strip(" ,"), match.group(2)]
    return [term]


def qualify_definitions(text: str, ref: Ref, location: SourceLocation) -> list[Definition]:
    """"To qualify as a rural PSO, a PSO must— …" defines *Rural PSO*, narrower than *PSO*."""
    out = []
    for match in QUALIFY.finditer(text):
        term = match.group(1).strip()
        out.append(Definition(term[0].upper() + term[1:], text[match.start():].strip(), ref, location,
                              broader=match.group(2).strip(), broader_evidence=match.group(0)))
    return out


def concept_iri(ctx: BuildContext, scheme: str, definition: Definition) -> URIRef:
    return ctx.iris.concept(scheme, definition.term, scope=definition.scope or definition.ref.section)


def emit_definition(ctx: BuildContext, scheme: str, definition: Definition, provision: URIRef,
                    authority: str) -> URIRef:
    concept = concept_iri(ctx, scheme, definition)
    loc = definition.location
    if (concept, SKOS.definition, None) in ctx.graph:
        ctx.diagnostics.warning("definition.duplicate", f"{definition.term!r} is defined twice in "
                                f"{definition.ref.label()}; the definitions are kept on one concept", loc)
    triples = [
        (concept, RDF.type, SKOS.Concept),
        (concept, RDF.type, MEDKG.RegulatoryConcept),
        (concept, SKOS.inScheme, ctx.iris.scheme(scheme)),
        (concept, SKOS.prefLabel, Literal(definition.term, lang="en")),
        (concept, SKOS.definition, Literal(definition.text, lang="en")),
        (concept, MEDKG.definedIn, provision),
        (concept, MEDKG.definitionAuthority, Literal(authority)),
    ]
    triples += [(concept, SKOS.altLabel, Literal(alt, lang="en")) for alt in definition.alt]
    if definition.incomplete:
        triples.append((concept, MEDKG.incompleteDefinition, Literal(True, datatype=XSD.boolean)))
        ctx.diagnostics.warning("definition.incomplete", f"the definition of {definition.term!r} is cut off by "
                                "the end of the input; kept as found and flagged", loc)
    ctx.add_all(triples, loc)
    _cite(ctx, concept, definition)
    return concept


def _cite(ctx: BuildContext, concept: URIRef, definition: Definition) -> None:
    """The provisions a definition refers to are cited by the concept too."""
    cites, _ = extract(definition.text, definition.ref)
    for cite in cites:
        ctx.add((concept, MEDKG.cites, emit(ctx, cite.ref, definition.location)), definition.location)
