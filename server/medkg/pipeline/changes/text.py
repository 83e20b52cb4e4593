"""Comparing regulation texts: what counts as the same text, word-level differences, and similarity.

Differences of whitespace, of dash style (a lead-in ending " -" in older eCFR renderings, "—" in newer ones) and
eCFR "Link to an amendment published at …" lines are not changes of the regulation: ``canonical`` removes them.
The word diff is difflib's ``SequenceMatcher`` over whitespace-separated words.
"""

from __future__ import annotations

import difflib
import re

_LINK_LINE = re.compile(r"(?m)^\s*Link to an amendment published at [^\n]*$")
_DASH = re.compile(r"\s*\u2014\s*|\s+-(?=\s|$)\s*|\s*--\s*")
_SPACE = re.compile(r"\s+")

Segment = tuple[str, str]  # ("equal" | "delete" | "insert", words)


def canonical(text: str) -> str:
    """The text with link lines removed, every dash style one em dash, and whitespace collapsed."""
    text = _LINK_LINE.sub(" ", text)
    text = _DASH.sub(" \u2014 ", text)
    return _SPACE.sub(" ", text).strip()


def same_text(before: str, after: str) -> bool:
    return canonical(before) == canonical(after)


def word_diff(before: str, after: str) -> list[Segment]:
    """Word-level differences between the canonical forms of two texts (a replace is a delete then an insert)."""
    old, new = canonical(before).split(), canonical(after).split()
    segments: list[Segment] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(("equal", " ".join(old[i1:i2])))
            continue
        if i2 > i1:
            segments.append(("delete", " ".join(old[i1:i2])))
        if j2 > j1:
            segments.append(("insert", " ".join(new[j1:j2])))
    return segments


def similarity(before: str, after: str) -> float:
    """How alike two texts are, 0–1, by words (cheap upper bounds first)."""
    old, new = canonical(before).split(), canonical(after).split()
    if not old or not new:
        return 0.0
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    if matcher.real_quick_ratio() < 0.5 or matcher.quick_ratio() < 0.5:
        return matcher.quick_ratio() * 0.5
    return matcher.ratio()


def shorten(segments: list[Segment], context: int = 8) -> list[Segment]:
    """Long unchanged runs cut to ``context`` words either side of a change, with an ellipsis."""
    out: list[Segment] = []
    for i, (op, words) in enumerate(segments):
        parts = words.split()
        if op != "equal" or len(parts) <= 2 * context + 1:
            out.append((op, words))
            continue
        head = parts[:context] if i > 0 else []
        tail = parts[-context:] if i < len(segments) - 1 else []
        out.append((op, " ".join([*head, "…", *tail])))
    return out
