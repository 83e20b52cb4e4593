"""Paragraph structure of regulatory text: designators (a) (1) (i) (A) placed into a tree.

Every source format cuts its text into ``Unit``s (a designator, or none, and the text that follows it). ``build_tree``
decides where each designator belongs from the designator sequence itself ((i) after (h) is a sibling, (i) after
(3) is a child), so a designator that cannot be the next one is text, not structure ("(c) of this section").
Undesignated definition entries (the terms listed in § 422.350(b)) are kept apart: their numbered sub-paragraphs
belong to the definition, not to the paragraph that lists it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

CFR_ORDER = ("lower", "digit", "roman", "upper", "idigit", "iroman")  # (a)(1)(i)(A)(*1*)(*i*): italic levels 5, 6
USC_ORDER = ("lower", "digit", "upper", "roman", "uroman", "dlower")

_ROMANS = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv", "xvi",
           "xvii", "xviii", "xix", "xx", "xxi", "xxii", "xxiii", "xxiv", "xxv", "xxvi", "xxvii", "xxviii", "xxix",
           "xxx", "xxxi", "xxxii", "xxxiii", "xxxiv", "xxxv", "xxxvi", "xxxvii", "xxxviii", "xxxix", "xl"]
_FIRST = {"lower": "a", "digit": "1", "roman": "i", "upper": "A", "uroman": "I", "dlower": "aa", "idigit": "*1*",
          "iroman": "*i*"}
LITERAL_STAR = "\ue02a"  # a Markdown-escaped asterisk ("\\*") while italics are read; an "*" again in the text
DESIGNATOR = r"\((?:\d{1,3}|[a-z]{1,5}|[A-Z]{1,5}|\*\d{1,3}\*|\*[a-z]{1,5}\*)\)"


@dataclass
class Unit:
    """A run of text that starts at a designator (or at an undesignated paragraph)."""

    designator: str | None
    text: str
    line: int
    entry: bool = False  # an undesignated definition entry ("Capitation payment means …")
    heading: str | None = None


@dataclass
class Para:
    """A designated paragraph (``path`` under its section) or the section's own text (``path == ()``)."""

    path: tuple[str, ...]
    line: int
    heading: str | None = None
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Its pieces as paragraphs, as the source breaks them (a table, a note after the text)."""
        return "\n\n".join(p.strip() for p in self.parts if p.strip())


@dataclass
class Entry:
    """An undesignated definition entry and the sub-paragraphs that belong to it."""

    path: tuple[str, ...]  # the designated paragraph that lists it
    line: int
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The entry and its sub-paragraphs, one a line (a definition of several paragraphs stays several)."""
        return "\n".join(p.strip() for p in self.parts if p.strip())


@dataclass
class Tree:
    paras: dict[tuple[str, ...], Para]
    entries: list[Entry]
    last: tuple[str, ...] = ()  # where the last unit went (to flag text the input cut off)
    last_in_entry: bool = False
    orphans: list[Unit] = field(default_factory=list)  # designators that cannot come where they stand

    def descendants_text(self, path: tuple[str, ...]) -> str:
        """The text of every paragraph below ``path``, in document order."""
        below = self.below.get(path, [])
        return "\n".join(f"({p.path[-1]}) {p.text}" for p in sorted(below, key=lambda p: p.line) if p.text)

    @cached_property
    def below(self) -> dict[tuple[str, ...], list[Para]]:
        """The paragraphs below each path (built once: asking every paragraph stays linear in the tree's size)."""
        found: dict[tuple[str, ...], list[Para]] = {}
        for key, para in self.paras.items():
            for depth in range(len(key)):
                found.setdefault(key[:depth], []).append(para)
        return found

    @cached_property
    def entries_at(self) -> dict[tuple[str, ...], list[Entry]]:
        """The definition entries of each paragraph, in document order."""
        found: dict[tuple[str, ...], list[Entry]] = {}
        for entry in self.entries:
            found.setdefault(entry.path, []).append(entry)
        return found


def unmark(text: str) -> str:
    """Text without Markdown italics, escaped asterisks restored."""
    return text.replace("*", "").replace(LITERAL_STAR, "*")


def kinds_of(designator: str) -> list[str]:
    if designator.startswith("*"):  # an italic designator: (*1*) and (*i*) are the fifth and sixth levels
        inner = designator.strip("*")
        return ["idigit"] if inner.isdigit() else ["iroman"] if inner in _ROMANS else []
    kinds = []
    if designator.isdigit():
        kinds.append("digit")
    if designator in _ROMANS:
        kinds.append("roman")
    if len(designator) == 1 and designator.islower():
        kinds.append("lower")
    if designator.lower() in _ROMANS and designator.isupper():
        kinds.append("uroman")
    if len(designator) == 1 and designator.isupper():
        kinds.append("upper")
    if len(designator) == 2 and designator[0] == designator[1] and designator.islower():
        kinds.append("dlower")
    return kinds


def successor(kind: str, designator: str) -> str:
    if kind in ("idigit", "iroman"):
        return f"*{successor(kind[1:], designator.strip('*'))}*"
    if kind == "digit":
        return str(int(designator) + 1)
    if kind in ("roman", "uroman"):
        index = _ROMANS.index(designator.lower()) + 1
        nxt = _ROMANS[index] if index < len(_ROMANS) else "?"
        return nxt.upper() if kind == "uroman" else nxt
    if kind == "dlower":
        return chr(ord(designator[0]) + 1) * 2
    return chr(ord(designator) + 1)


Stack = list[tuple[str, str]]


def place(stack: Stack, designator: str, order: tuple[str, ...], floor: int = 0,
          after: str | None = None) -> Stack | None:
    """The stack after ``designator``, or None when it cannot come next (then it is plain text). ``after``, the
    designator that follows, decides between a letter and a roman numeral: (i) then (j) is a letter, (i) then (ii)
    a numeral."""
    top = order.index(stack[-1][0]) if stack else -1
    children, siblings = [], []
    for kind in kinds_of(designator):
        if kind not in order:
            continue
        for depth in range(floor, len(stack)):
            if stack[depth][0] == kind and successor(kind, stack[depth][1]) == designator:
                siblings.append(stack[:depth] + [(kind, designator)])
        if designator == _FIRST[kind] and order.index(kind) > top:
            children.append((order.index(kind) - top, stack + [(kind, designator)]))
    children.sort(key=lambda c: c[0])
    letter = [s for s in siblings if s[-1][0] == "lower"]
    if letter and children and after is not None and after != successor("roman", designator) and (
            after == successor("lower", designator) or after in ("1", "*1*")):
        return letter[0]
    if children and children[0][0] == 1:
        return children[0][1]
    if siblings:
        return max(siblings, key=len)
    return children[0][1] if children else None


def _path(stack: Stack) -> tuple[str, ...]:
    """Designators as a provision path: an italic (*1*) is paragraph 1 at its level."""
    return tuple(d.strip("*") for _, d in stack)


def build_tree(units: list[Unit], order: tuple[str, ...], base: Stack | None = None) -> Tree:
    """Place the units of one section (``base``: designators given by a heading, e.g. a U.S. Code subsection)."""
    builder = _Builder(order, list(base or []), units[0].line if units else 0)
    designators = [u.designator for u in units if u.designator]
    at = 0
    for unit in units:
        at += bool(unit.designator)
        builder.add(unit, designators[at] if at < len(designators) else None)
    return builder.tree()


class _Builder:
    """The state of ``build_tree``: the designator stack, the paragraph being filled and the open entry."""

    def __init__(self, order: tuple[str, ...], stack: Stack, line: int) -> None:
        self.order, self.stack, self.floor = order, stack, len(stack)
        root = _path(stack)
        self.paras: dict[tuple[str, ...], Para] = {root: Para(root, line)}
        self.current = self.paras[root]
        self.entries: list[Entry] = []
        self.entry: Entry | None = None
        self.entry_depth = 0
        self.orphans: list[Unit] = []

    def add(self, unit: Unit, after: str | None = None) -> None:
        new = place(self.stack, unit.designator, self.order, self.floor, after) if unit.designator else None
        if new is None and unit.designator and unit.designator.startswith("*"):
            # an italic marker that cannot be level 5 or 6 here is an ordinary designator set in italics
            unit.designator = unit.designator.strip("*")
            new = place(self.stack, unit.designator, self.order, self.floor, after)
        if unit.entry:
            self._open_entry(unit)
        elif new is None:
            if unit.designator:
                self.orphans.append(unit)
            lead = f"({unit.designator}) " if unit.designator else ""
            (self.entry.parts if self.entry is not None else self.current.parts).append(lead + unit.text)
        else:
            self._designated(unit, new)

    def _open_entry(self, unit: Unit) -> None:
        # a new entry closes the previous one: its sub-paragraphs end where the entry began
        self.stack = self.stack[:self.entry_depth] if self.entry else self.stack
        self.entry_depth = len(self.stack)
        self.entry = Entry(_path(self.stack), unit.line, [unit.text])
        self.entries.append(self.entry)

    def _designated(self, unit: Unit, new: Stack) -> None:
        if self.entry is not None and len(new) <= self.entry_depth:
            self.entry = None  # a designator at the entry's level or above ends the definitions list
        self.stack = new
        if self.entry is not None:
            self.entry.parts.append(f"({unit.designator}) {unit.text}".strip())
            return
        path = _path(new)
        self.current = self.paras.setdefault(path, Para(path, unit.line, unit.heading))
        self.current.parts.append(unit.text)

    def tree(self) -> Tree:
        return Tree(self.paras, self.entries, self.current.path, self.entry is not None, self.orphans)


_MIDLINE = re.compile(r"(?:(?<=\.)|(?<=\*)|(?<=:)|(?<=—)|(?<= -))\s*(?=\((?:1|i|A|a|\*1\*|\*i\*)\)\s*[A-Z*(])")
_LEADING = re.compile(rf"^\s*({DESIGNATOR})\s*")


def split_designators(text: str) -> list[tuple[str | None, str]]:
    """``"(b) *Heading* - (1) *Definitions.* (i) Text"`` → [("b", "*Heading* -"), ("1", …), ("i", "Text")].

    A designator splits the text only at the start or, mid-line, when it is the first of a new level ((1), (i),
    (A), (a)) right after a heading's end; "paragraph (a)(1) of this section" never splits."""
    pieces: list[tuple[str | None, str]] = []
    for chunk in _MIDLINE.split(text):
        pieces.extend(_leading(chunk))
    return pieces


def _leading(chunk: str) -> list[tuple[str | None, str]]:
    out: list[tuple[str | None, str]] = []
    rest = chunk
    match = _LEADING.match(rest)
    if not match:
        return [(None, rest.strip())]
    while match:
        designator = match.group(1)[1:-1]
        rest = rest[match.end():]
        nxt = _LEADING.match(rest)
        if nxt and rest.startswith("("):
            out.append((designator, ""))
            match = nxt
            continue
        out.append((designator, rest.strip()))
        break
    return out
