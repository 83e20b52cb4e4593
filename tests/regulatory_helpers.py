"""Graphs built once per test session for the regulatory tests (real parsers, real link steps)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from rdflib import SKOS, Literal, URIRef

from server.pipeline.build import assemble
from server.pipeline.context import BuildContext
from server.pipeline.iris import IRIs

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "cfr-42-422-subpart-h.txt"
IRI = IRIs()


@cache
def build(*sources: str) -> BuildContext:
    return assemble([Path(s) for s in sources], progress=lambda _m: None)


def concept_by_label(ctx: BuildContext, scheme: str, label: str) -> URIRef:
    found = [c for c in ctx.graph.subjects(SKOS.prefLabel, Literal(label, lang="en"))
             if isinstance(c, URIRef) and (c, SKOS.inScheme, IRI.scheme(scheme)) in ctx.graph]
    assert len(found) == 1, (label, found)
    return found[0]
