"""Precision and recall of definition extraction on the eCFR Markdown files against a hand-checked gold list.

    .venv/bin/python bench/definition_extraction.py [ECFR_FOLDER] [GOLD_FILE]

Defaults: ../shared/data/ecfr-md-42cfr-part422 and tests/data/ecfr_gold_terms.txt. A term matches when its section
and its label (case, punctuation and a parenthesised acronym ignored) agree. Prints P, R, F1 and the misses.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from medkg.namespaces import MEDKG
from medkg.pipeline.build import assemble
from medkg.pipeline.labels import normalize_label
from rdflib import RDF, SKOS

ROOT = Path(__file__).resolve().parents[1]


def key(section: str, term: str) -> tuple[str, str]:
    return section, normalize_label(re.sub(r"\s*\([^)]*\)", "", term))


def gold_terms(path: Path) -> set[tuple[str, str]]:
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    return {key(section, term) for section, term in rows}


def extracted(folder: Path) -> set[tuple[str, str]]:
    ctx = assemble([folder], progress=lambda _m: None)
    g = ctx.graph
    found = set()
    for concept in g.subjects(RDF.type, MEDKG.RegulatoryConcept):
        section = str(g.value(concept, MEDKG.definedIn)).split("/cfr/42/422/")[1].split("/")[0]
        found.add(key(section, str(g.value(concept, SKOS.prefLabel))))
    return found


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared" / "data" / "ecfr-md-42cfr-part422"
    gold = gold_terms(Path(argv[2]) if len(argv) > 2 else ROOT / "tests" / "data" / "ecfr_gold_terms.txt")
    found = extracted(folder)
    hits = gold & found
    precision, recall = len(hits) / len(found), len(hits) / len(gold)
    print(f"gold {len(gold)}  extracted {len(found)}  correct {len(hits)}")
    print(f"precision {precision:.3f}  recall {recall:.3f}  F1 {2 * precision * recall / (precision + recall):.3f}")
    for label, items in (("false positives", found - gold), ("missed", gold - found)):
        print(f"{label}: " + ("; ".join(f"§ {s} {t}" for s, t in sorted(items)) or "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
