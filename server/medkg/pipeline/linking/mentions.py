"""Finding a scheme's defined terms in a definition in linear time: the rules of one regular expression, Aho–Corasick.

The rules (``medkg:mentions``, see ``mapping``) are those of ``(?<![\\w-])(L1|L2|…)(?:s|es)?(?![\\w-])`` with the
labels longest first (ties in string order), labels of at most 3 characters with their case and longer ones in any
case: scanning left to right, at each place the longest label that ends a whole word (with an -s/-es plural) wins,
and the search goes on after it. Python's ``re`` tries such an alternation one label at a time, so over a scheme of
N terms it costs N per character: quadratic in the scheme. pyahocorasick finds every occurrence of every label in
one pass; the leftmost-longest choice above is then made over those occurrences.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import ahocorasick

_WORD = re.compile(r"[\w-]")
SUFFIXES = ("s", "es", "")  # in the order the expression tries them


def lower_keeping_offsets(text: str) -> str:
    """``text.lower()``, except that a character whose lower case is longer than one character stays as it is."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(low if len(low := char.lower()) == 1 else char for char in text)


def _boundary(text: str, at: int) -> bool:
    return at >= len(text) or not _WORD.match(text[at])


def word_end(text: str, start: int, after: int) -> int | None:
    """Where a label occurring at ``text[start:after]`` ends as a whole word (an -s/-es plural allowed), or None."""
    if start > 0 and _WORD.match(text[start - 1]):
        return None
    for suffix in SUFFIXES:
        end = after + len(suffix)
        if text.startswith(suffix, after) and _boundary(text, end):
            return end
    return None


class MentionMatcher:
    """The label keys of one scheme (``label`` if at most 3 characters, else ``label.lower()``)."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.automata: dict[bool, ahocorasick.Automaton] = {}
        words = [key for key in keys if key]
        for exact in (True, False):
            automaton = ahocorasick.Automaton()
            for key in words:
                if (len(key) <= 3) == exact:
                    automaton.add_word(key, key)
            if len(automaton):
                automaton.make_automaton()
                self.automata[exact] = automaton

    def keys_in(self, text: str) -> list[str]:
        """The keys found, left to right: at each place the longest, never overlapping."""
        best: dict[int, tuple[tuple[int, str], int]] = {}  # start → ((-length, key), end of the match)
        for exact, automaton in self.automata.items():
            for last, key in automaton.iter(text if exact else lower_keeping_offsets(text)):
                start = last - len(key) + 1
                end = word_end(text, start, last + 1)
                if end is not None and (start not in best or (-len(key), key) < best[start][0]):
                    best[start] = ((-len(key), key), end)
        found, free = [], 0
        for start in sorted(best):
            if start >= free:
                (_rank, key), free = best[start]
                found.append(key)
        return found
