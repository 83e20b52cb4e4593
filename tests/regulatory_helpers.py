"""Graphs built once per test session for the regulatory tests (real parsers, real link steps)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from medkg.pipeline.build import assemble
from medkg.pipeline.context import BuildContext
from medkg.pipeline.iris import IRIs
from rdflib import SKOS, Literal, URIRef

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
