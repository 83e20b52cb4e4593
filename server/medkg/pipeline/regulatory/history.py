"""Federal Register history: source notes ``[63 FR 18134, Apr. 14, 1998, as amended at 63 FR 25376, May 7, 1998; …]``.

The first citation of a source note is where the section was originally published; those after "as amended at"
amended it. Each becomes a ``medkg:FederalRegisterCitation`` (volume, page, date) at ``fr/{volume}/{page}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rdflib import DCTERMS, RDF, RDFS, Literal, URIRef
from rdflib.namespace import XSD

from ...namespaces import MEDKG
from ..context import BuildContext
from ..diagnostics import SourceLocation

_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
           "nov": 11, "dec": 12}
_CITATION = re.compile(r"(\d{1,3})\s+FR\s+(\d{1,6})((?:\s*,\s*\d{3,6}(?!\d))*)\s*,\s*"
                       r"([A-Z][a-z]+)\.?\s+(\d{1,2}),\s+(\d{4})")


@dataclass(frozen=True)
class FrCitation:
    volume: int
    page: int
    date: date | None
    original: bool

    @property
    def label(self) -> str:
        return f"{self.volume} FR {self.page}"


def parse_note(note: str) -> list[FrCitation]:
    """Every FR citation of a source note, the first one marked original. The others amend it, whether the note
    says "as amended at" or only lists them ("[63 FR 35071, June 26, 1998; 63 FR 52612, Oct. 1, 1998; …]")."""
    found = [_citation(m, False) for m in _CITATION.finditer(note)]
    if found:
        found[0] = _citation(next(_CITATION.finditer(note)), True)
    return found


def find_citations(text: str) -> list[FrCitation]:
    """FR citations anywhere in a text (editorial notes, amendment links), none marked original."""
    return [_citation(m, False) for m in _CITATION.finditer(text)]


def _citation(match: re.Match[str], original: bool) -> FrCitation:
    month = _MONTHS.get(match.group(4)[:3].lower())
    when = date(int(match.group(6)), month, int(match.group(5))) if month else None
    return FrCitation(int(match.group(1)), int(match.group(2)), when, original)


def emit_citation(ctx: BuildContext, cite: FrCitation, location: SourceLocation) -> URIRef:
    iri = ctx.iris.federal_register(cite.volume, cite.page)
    triples = [
        (iri, RDF.type, MEDKG.FederalRegisterCitation),
        (iri, RDFS.label, Literal(cite.label)),
        (iri, MEDKG.frVolume, Literal(cite.volume, datatype=XSD.integer)),
        (iri, MEDKG.frPage, Literal(cite.page, datatype=XSD.integer)),
        (iri, MEDKG.officialPage, URIRef(f"https://www.federalregister.gov/citation/{cite.volume}-FR-{cite.page}")),
    ]
    if cite.date is not None:
        triples.append((iri, DCTERMS.date, Literal(cite.date.isoformat(), datatype=XSD.date)))
    ctx.add_all(triples, location)
    return iri


def emit_history(ctx: BuildContext, provision: URIRef, note: str, location: SourceLocation) -> list[FrCitation]:
    """Link a provision to the citations of its source note; a note without any is reported."""
    cites = parse_note(note)
    if not cites:
        ctx.diagnostics.warning("cfr.source-note", f"no Federal Register citation found in source note {note!r}",
                                location)
    for cite in cites:
        prop = MEDKG.originallyPublishedIn if cite.original else MEDKG.amendedBy
        ctx.add((provision, prop, emit_citation(ctx, cite, location)), location)
    return cites
