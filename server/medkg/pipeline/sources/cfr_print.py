"""Printed-CFR text (a plain-text extraction of the printed 42 CFR, e.g. ``data/cfr-42-422-subpart-h.txt``).

The text is hyphenated across lines, has blank lines from page breaks, subpart and section headings that may wrap,
``EDITORIAL NOTE:`` blocks and bracketed source notes. It may start in the middle of a section (those paragraphs
are reported as an unplaced fragment, never pinned to a guessed section) and end mid-sentence (the paragraph, and a
definition it holds, is flagged incomplete). The printed text does not name its CFR title: it is read as title 42.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..context import BuildContext
from ..diagnostics import SourceLocation
from ..regulatory.definitions import Definition
from ..regulatory.document import Section, emit_definitions, emit_editorial, emit_scheme, emit_section, scheme_of
from ..regulatory.provisions import Ref, cfr_section, emit_text
from ..regulatory.structure import CFR_ORDER, DESIGNATOR, Unit, build_tree, split_designators
from .registry import InputFile, SourceFormat, register

TITLE = "42"
_SUBPART = re.compile(r"^Subpart\s+([A-Z]{1,2})\s*[—–-]\s*(.*)$")
_SECTION = re.compile(r"^§\s*(\d{1,3}\.\d{1,4})\s+(.*)$")
_EDITORIAL = re.compile(r"^EDITORIAL NOTE:\s*", re.IGNORECASE)
_UNIT_START = re.compile(rf"^{DESIGNATOR}\s*(?=[A-Z(“\"])")
_TERM = r"[A-Z][\w’'-]*(?:\s+[\w’'-]+){0,8}?(?:\s+\([A-Z][A-Za-z]{0,9}\))?"
_ENTRY = re.compile(rf"^({_TERM})\s+(?:means|are|is|refers to)\b")
_MEANS = re.compile(rf"(?:^|(?<=\.\s))({_TERM})\s+means\b")
_NOT_TERMS = {"a", "an", "the", "this", "that", "these", "those", "each", "any", "such", "it", "if", "in", "for"}
_HEADING = re.compile(r"^([A-Z][^.;:,]{1,60}?)\.\s+(?=[A-Z])")
_VERBS = re.compile(r"\b(is|are|must|may|shall|will|has|have|was|were)\b")
_KEEP_PREFIXES = {"non", "self"}


def detect(item: InputFile) -> bool:
    head = item.text[:20000]
    return bool(re.search(r"^§\s*\d+\.\d+\s+\S", head, re.M)) and "#####" not in head and \
        bool(re.search(r"\w-\s*$", head, re.M) or re.search(r"^\[\d+ FR \d+", head, re.M))


# ---------------------------------------------------------------- de-hyphenation


@dataclass
class Vocabulary:
    """Words and hyphenated compounds seen in the corpus away from line ends: the evidence for de-hyphenation."""

    words: set[str] = field(default_factory=set)
    compounds: set[str] = field(default_factory=set)

    @classmethod
    def from_texts(cls, texts: Sequence[str]) -> Vocabulary:
        vocab = cls()
        for text in texts:
            lines = text.split("\n")
            for i, line in enumerate(lines):
                tokens = re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)*-?", line)
                if tokens and tokens[-1].endswith("-") and line.rstrip().endswith("-"):
                    tokens.pop()
                if i and lines[i - 1].rstrip().endswith("-") and tokens and line.lstrip()[:1].isalpha():
                    tokens.pop(0)
                for token in tokens:
                    (vocab.compounds if "-" in token.strip("-") else vocab.words).add(token.strip("-").lower())
        return vocab

    def keep_hyphen(self, before: str, after: str) -> bool:
        """``before-`` ends a line and ``after`` starts the next: is the hyphen part of the word?"""
        if not after:
            return True
        a, b = before.lower(), after.lower()
        if f"{a}-{b}" in self.compounds:
            return True
        if a + b in self.words:
            return False
        if after[0].isupper() or (len(before) > 1 and before.isupper()) or before[-1:].isdigit():
            return True
        if a in _KEEP_PREFIXES:
            return True
        return len(a) >= 4 and len(b) >= 4 and a in self.words and b in self.words


def join_line(text: str, line: str, vocab: Vocabulary) -> str:
    """Append one printed line to the text so far, undoing a line-end hyphen unless it belongs to the word."""
    line = line.strip()
    stripped = text.rstrip()
    if stripped.endswith("-") and stripped[-2:-1].isalpha():
        before = re.search(r"([A-Za-z]+)-$", stripped)
        after = re.match(r"[A-Za-z]+", line)
        if vocab.keep_hyphen(before.group(1) if before else "", after.group(0) if after else ""):
            return stripped + line
        return stripped[:-1] + line
    return f"{stripped} {line}" if stripped else line


# ---------------------------------------------------------------- the file


@dataclass
class _Open:
    """The section being read."""

    number: str
    heading: str
    line: int
    body: list[tuple[int, str]] = field(default_factory=list)
    notes: list[tuple[str, SourceLocation]] = field(default_factory=list)
    editorial: list[tuple[str, SourceLocation]] = field(default_factory=list)


@dataclass
class _State:
    item: InputFile
    vocab: Vocabulary
    subpart: str | None = None
    subpart_heading: tuple[str, int] | None = None
    subpart_notes: list[tuple[str, SourceLocation]] = field(default_factory=list)
    section: _Open | None = None
    before: list[tuple[int, str]] = field(default_factory=list)  # text before any section heading
    sections: list[Section] = field(default_factory=list)


def parse(files: Sequence[InputFile], ctx: BuildContext) -> None:
    vocab = Vocabulary.from_texts([f.text for f in files])
    definitions: dict[str, list[Definition]] = {}
    for item in files:
        for section in read_sections(item, vocab, ctx):
            scheme = scheme_of(section.ref)
            emit_scheme(ctx, scheme, SourceLocation(item.display, 1))
            definitions.setdefault(scheme, []).extend(emit_section(ctx, scheme, section, find_term, entry_term))
    for scheme, found in sorted(definitions.items()):
        emit_definitions(ctx, scheme, found)


def read_sections(item: InputFile, vocab: Vocabulary, ctx: BuildContext) -> list[Section]:
    state = _State(item, vocab)
    lines = item.text.split("\n")
    i = 0
    while i < len(lines):
        i = _step(state, lines, i, ctx)
    _close(state, ctx, end_of_input=True)
    return state.sections


def _step(state: _State, lines: list[str], i: int, ctx: BuildContext) -> int:
    """Read the block starting at line ``i``; return the index of the next line to read."""
    line = lines[i].strip()
    if m := _SUBPART.match(line):
        heading, nxt = _wrapped(m.group(2), lines, i + 1)
        _close(state, ctx)
        state.subpart, state.subpart_heading, state.subpart_notes = m.group(1), (heading, i + 1), []
        return nxt
    if m := _SECTION.match(line):
        heading, nxt = _wrapped(m.group(2), lines, i + 1)
        _close(state, ctx)
        state.section = _Open(m.group(1), heading.rstrip(". "), i + 1)
        return nxt
    if _EDITORIAL.match(line) or (line.startswith("[") and " FR " in line):
        return _read_note(state, lines, i, ctx)
    (state.section.body if state.section else state.before).append((i + 1, lines[i]))
    return i + 1


def _read_note(state: _State, lines: list[str], i: int, ctx: BuildContext) -> int:
    """A bracketed source note (to the open section) or an EDITORIAL NOTE (to the section or the subpart)."""
    source = lines[i].strip().startswith("[")
    text, nxt = _block(lines, i, "]" if source else "")
    loc = SourceLocation(state.item.display, i + 1)
    if source:
        _note(state, text, loc, ctx)
    elif state.section is not None:
        state.section.editorial.append((text, loc))
    else:
        state.subpart_notes.append((text, loc))
    return nxt


def _wrapped(first: str, lines: list[str], i: int) -> tuple[str, int]:
    """A heading that does not end in a period continues on the next line (if that line is not structure)."""
    heading = first.strip()
    while i < len(lines) and not heading.endswith(".") and lines[i].strip() and \
            not _UNIT_START.match(lines[i].strip()) and not _SECTION.match(lines[i].strip()) and \
            not _EDITORIAL.match(lines[i].strip()) and len(lines[i].split()) <= 6:
        heading = join_line(heading, lines[i], Vocabulary())
        i += 1
    return heading, i


def _block(lines: list[str], i: int, closer: str) -> tuple[str, int]:
    """A note: up to the closing bracket, or (editorial notes) up to the next blank line."""
    text = ""
    while i < len(lines) and lines[i].strip():
        text = join_line(text, lines[i], Vocabulary())
        i += 1
        if closer and text.rstrip().endswith(closer):
            break
    return text.strip(), i


def _note(state: _State, text: str, loc: SourceLocation, ctx: BuildContext) -> None:
    if state.section is None:
        ctx.diagnostics.warning("cfr.unplaced", f"source note {text!r} before any section heading cannot be "
                                "placed", loc)
        return
    state.section.notes.append((text.strip("[] "), loc))


def _close(state: _State, ctx: BuildContext, end_of_input: bool = False) -> None:
    """Finish the open section (or report the text read before the first heading)."""
    _unplaced(state, ctx)
    current, state.section = state.section, None
    if current is None:
        return
    ref = cfr_section(TITLE, current.number, state.subpart)
    if state.subpart and state.subpart_heading:
        _emit_subpart(state, ref, ctx)
    units = to_units(current.body, state.vocab)
    tree = build_tree(units, CFR_ORDER)
    section = Section(ref, current.heading, tree, SourceLocation(state.item.display, current.line),
                      current.notes, current.editorial)
    if end_of_input and not current.notes and units and not _ends_sentence(units[-1].text):
        section.incomplete, section.incomplete_entry = tree.last, tree.last_in_entry
        ctx.diagnostics.warning("cfr.truncated", f"the input ends mid-sentence in {ref.child(*tree.last).label()}: "
                                "the text is kept as found and flagged incomplete",
                                SourceLocation(state.item.display, units[-1].line))
    state.sections.append(section)


def _emit_subpart(state: _State, section: Ref, ctx: BuildContext) -> None:
    assert state.subpart_heading is not None
    heading, line = state.subpart_heading
    ref = Ref("cfr", section.title, section.part, state.subpart)
    loc = SourceLocation(state.item.display, line)
    iri = emit_text(ctx, ref, "", loc, heading)
    for note, note_loc in state.subpart_notes:
        emit_editorial(ctx, iri, note, note_loc)
    state.subpart_heading = None


def _unplaced(state: _State, ctx: BuildContext) -> None:
    """Paragraphs read before any section heading belong to a section the text does not name: report them."""
    text_lines = [(n, t) for n, t in state.before if t.strip()]
    if text_lines:
        units = to_units(state.before, state.vocab)
        named = ", ".join(f"({u.designator})" for u in units if u.designator) or "undesignated text"
        ctx.diagnostics.warning(
            "cfr.unplaced", f"unplaced fragment: {len(units)} paragraph(s) {named} on lines {text_lines[0][0]}–"
            f"{text_lines[-1][0]} come before any section heading; their section is not named, so they are not "
            "placed", SourceLocation(state.item.display, text_lines[0][0]))
    state.before = []


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith((".", ";", ":", "—", ")", "]"))


def to_units(body: list[tuple[int, str]], vocab: Vocabulary) -> list[Unit]:
    """Printed lines → units: a designator at a line start or a new undesignated paragraph starts a unit."""
    paragraphs: list[tuple[int, str]] = []
    blank = False
    for number, raw in body:
        line = raw.strip()
        if not line:
            blank = True
            continue
        starts = bool(_UNIT_START.match(line)) or (blank and line[0].isupper() and bool(paragraphs)
                                                   and _ends_sentence(paragraphs[-1][1]))
        if not paragraphs or starts:
            paragraphs.append((number, line))
        else:
            paragraphs[-1] = (paragraphs[-1][0], join_line(paragraphs[-1][1], raw, vocab))
        blank = False
    return [unit for number, text in paragraphs for unit in _units(number, text)]


def _units(number: int, text: str) -> list[Unit]:
    units = []
    for designator, piece in split_designators(text):
        heading = None
        if designator and (m := _HEADING.match(piece)) and len(m.group(1).split()) <= 6 and \
                not _VERBS.search(m.group(1)):
            heading, piece = m.group(1), piece[m.end():]
        units.append(Unit(designator, piece, number, entry=not designator and bool(entry_term(piece)),
                          heading=heading))
    return units


def entry_term(text: str) -> list[tuple[str, int]]:
    """An undesignated definition entry: "Capitation payment means …", "Deferred acquisition costs are …"."""
    m = _ENTRY.match(text)
    return [(m.group(1), 0)] if m and m.group(1).split()[0].lower() not in _NOT_TERMS else []


def find_term(text: str) -> list[tuple[str, int]]:
    """A definition inside a designated paragraph: "… the PSO. Substantial proportion means— (1) …"."""
    return [(m.group(1), m.start(1)) for m in _MEANS.finditer(text) if m.group(1).split()[0].lower() not in _NOT_TERMS]


FORMAT = register(SourceFormat("cfr-print", "printed CFR text (plain text of the printed Code of Federal "
                               "Regulations)", detect, parse))
