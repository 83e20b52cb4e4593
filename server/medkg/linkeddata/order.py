"""The order of provisions as the law numbers them: 422.50 before 422.390; (h) (i) (j) letters, (i) (ii) numerals."""

from __future__ import annotations

import re
from collections.abc import Callable

from ..pipeline.regulatory.structure import kinds_of

_NUMBER = re.compile(r"(\d+)|([^\d]+)")


def designator_order(designators: list[str]) -> list[str]:
    """Sibling designators in the order of the text: the kind all of them share decides how each is read."""
    return sorted(designators, key=_sibling_key(designators))


def _sibling_key(designators: list[str]) -> Callable[[str], tuple[object, ...]]:
    shared = set.intersection(*(set(kinds_of(d)) for d in designators)) if designators else set()
    romans = [k for k in ("roman", "uroman") if k in shared]
    letters_only = all(len(d) == 1 for d in designators) and len(designators) > 1
    if romans and not (letters_only and _consecutive_letters(designators)):
        return lambda d: (0, _roman(d), d)
    return number_key


def _consecutive_letters(designators: list[str]) -> bool:
    """(h) (i) (j): letters; (i) (v) alone: numerals."""
    codes = sorted(ord(d.lower()) for d in designators)
    return any(b - a == 1 for a, b in zip(codes, codes[1:], strict=False))


def _roman(text: str) -> int:
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
    total, last = 0, 0
    for char in reversed(text.lower()):
        value = values.get(char, 0)
        total, last = (total - value, last) if value < last else (total + value, value)
    return total


def number_key(text: str) -> tuple[object, ...]:
    """"422.50" < "422.390" < "422.2260"; "A" < "H" < "AA"; "1395w-21" < "1395w-27a"; digits as numbers."""
    parts: list[object] = []
    for digits, other in _NUMBER.findall(text):
        parts.append((0, int(digits), "") if digits else (1, len(other), other))
    return (1, *parts)
