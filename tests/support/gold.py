"""The hand-checked gold list of defined terms (tests/data/ecfr_gold_terms.txt) and what a build extracted.

A gold line is ``section<TAB>term`` (``section<TAB>-`` records a section that was read and defines nothing). Only
the sections the list covers are scored, so precision counts every concept found in them. A term matches when its
section and its label agree, ignoring case, punctuation and a parenthesised acronym or alias.
"""

from __future__ import annotations

import re
from pathlib import Path

from medkg.namespaces import MEDKG
from medkg.pipeline.context import BuildContext
from medkg.pipeline.labels import normalize_label
from rdflib import RDF, SKOS

GOLD = Path(__file__).resolve().parents[1] / "data" / "ecfr_gold_terms.txt"
Key = tuple[str, str]


def key(section: str, term: str) -> Key:
    return section, normalize_label(re.sub(r"\s*\([^)]*\)", "", term).replace("-", " "))


def gold_terms(path: Path = GOLD) -> tuple[set[Key], set[str]]:
    """The gold keys and the sections the list covers."""
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    return {key(s, t) for s, t in rows if t.strip() != "-"}, {s for s, _ in rows}


def section_of(provision: str) -> str:
    """``…/cfr/42/422/422.134/a`` → ``422.134``; ``…/usc/42/1395w-25/d`` → ``1395w-25``."""
    parts = provision.split("/")
    if "cfr" in parts:
        return parts[parts.index("cfr") + 3]
    return parts[parts.index("usc") + 2]


def extracted(ctx: BuildContext) -> set[Key]:
    g = ctx.graph
    return {key(section_of(str(g.value(c, MEDKG.definedIn))), str(g.value(c, SKOS.prefLabel)))
            for c in g.subjects(RDF.type, MEDKG.RegulatoryConcept)}


def score(found: set[Key], gold: set[Key], sections: set[str]) -> tuple[float, float, set[Key], set[Key]]:
    """Precision, recall, false positives and misses over the covered sections."""
    found = {k for k in found if k[0] in sections}
    hits = found & gold
    precision = len(hits) / len(found) if found else 1.0
    return precision, len(hits) / len(gold) if gold else 1.0, found - gold, gold - found
