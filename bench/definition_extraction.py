"""Precision and recall of definition extraction against the hand-checked gold list, overall and per section.

    .venv/bin/python bench/definition_extraction.py [SOURCE ...]

Default sources: data/cfr-42-422-subpart-h.txt and ../shared/data's ecfr-md-42cfr-part422, ecfr-md-42cfr-part423
and uscode-title42-partC. The gold list is tests/data/ecfr_gold_terms.txt (read by tests/support/gold.py, the
same scoring the test uses). A term matches when its section and its label agree (case, punctuation, hyphens and a
parenthesised acronym ignored). Prints one line per section (gold, found, correct, misses, false positives), then
the totals.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from definition_gold import Key, extracted, gold_terms, score  # noqa: E402
from medkg.pipeline.build import assemble  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
DEFAULT = [ROOT / "data" / "cfr-42-422-subpart-h.txt"] + [
    SHARED / name for name in ("ecfr-md-42cfr-part422", "ecfr-md-42cfr-part423", "uscode-title42-partC")]


def by_section(keys: set[Key]) -> dict[str, set[Key]]:
    out: dict[str, set[Key]] = defaultdict(set)
    for k in keys:
        out[k[0]].add(k)
    return out


def _order(section: str) -> tuple[tuple[int, str], ...]:
    """422.2 < 422.10 < 1395w-21: numbers as numbers."""
    return tuple((int(p), "") if p.isdigit() else (0, p) for p in section.replace("-", ".").split("."))


def main(argv: list[str]) -> int:
    sources = [Path(a) for a in argv[1:]] or DEFAULT
    gold, sections = gold_terms()
    found = extracted(assemble(sources, progress=lambda _m: None))
    precision, recall, false_positives, missed = score(found, gold, sections)
    g, f, fp, ms = by_section(gold), by_section({k for k in found if k[0] in sections}), by_section(
        false_positives), by_section(missed)
    print(f"{'section':<12}{'gold':>5}{'found':>6}{'right':>6}  misses / false positives")
    for section in sorted(sections, key=_order):
        right = len(g[section] & f[section])
        notes = "; ".join([f"missed {t!r}" for _, t in sorted(ms[section])] + [f"extra {t!r}" for _, t in sorted(
            fp[section])])
        print(f"{section:<12}{len(g[section]):>5}{len(f[section]):>6}{right:>6}  {notes}")
    hits = len(gold) - len(missed)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"\ngold {len(gold)}  extracted {sum(len(v) for v in f.values())}  correct {hits}  sections {len(sections)}")
    print(f"precision {precision:.4f}  recall {recall:.4f}  F1 {f1:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
