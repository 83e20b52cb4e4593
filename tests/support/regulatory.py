"""Graphs built once per test session for the regulatory tests (real parsers, real link steps)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from medkg.pipeline.build import assemble
from medkg.pipeline.context import BuildContext
from medkg.pipeline.iris import IRIs
from rdflib import SKOS, Literal, URIRef

ROOT = Path(__file__).resolve().parents[2]
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


def compose_part(root: Path, sections: dict[str, str]) -> Path:
    """Write composed eCFR section files (``{"subpart-I-x/section-405.902.md": text}``) under ``root``: a part
    folder in the real layout, for tests of parts we do not ship."""
    for name, text in sections.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def assemble_part(root: Path, sections: dict[str, str]) -> BuildContext:
    return assemble([compose_part(root, sections)], progress=lambda _m: None)
