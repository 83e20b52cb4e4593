"""eCFR sections rendered as Markdown (one file per section, e.g. ``…/subpart-H-…/section-422.354.md``).

``##### § 422.2 Definitions. #####`` heads the file; paragraphs are separated by blank lines (or start a line with
their designator: (a) (1) (i) (A), several may start one line, italic markers ``(*1*)`` read as ``(1)``); an italic run
right after a designator is the paragraph's heading unless it is the defined term. ``ecfr_terms`` finds the terms.
Markdown escapes (``\\*``) are literal characters and ``<br/>`` in table cells a space. A bracketed source note ends
the file; "Link to an amendment published at …" lines are kept as editorial notes, not text. The subpart comes
from the folder name (``subpart-H-ProviderSponsored-Organizations`` → subpart H).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..context import BuildContext
from ..diagnostics import SourceLocation
from ..regulatory.document import Section, emit_files, emit_scheme
from ..regulatory.provisions import Ref, cfr_section, emit
from ..regulatory.structure import CFR_ORDER, LITERAL_STAR, Unit, build_tree, split_designators
from .ecfr_terms import direct_term, find_terms, restated_term
from .registry import InputFile, SourceFormat, register

SCHEME = "42-cfr-422"
_HEADING = re.compile(r"^#{1,6}\s*§\s*(\d+)\.(\d+)\s+(.*?)\s*#*\s*$")
_ITALIC_HEAD = re.compile(r"^\*(?!\()([^*]+)\*\s*(?:-|—)?\s*")
_MARKER = re.compile(r"\(\*(\w{1,5})\*\)|\*\((\w{1,5})\)\*|\*\((\w{1,5})\*\)|\(\*(\w{1,5})\)\*")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>])")
_NEW_BLOCK = re.compile(r"^(?:\*?\(\*?\w{1,5}\*?\)\*?\s|\*[^*]+\*\s+(?:means|is|are|refers)\b)")
_SUBPART = re.compile(r"(?:^|/)subpart-([A-Z]{1,2})(?:-|/|$)")


def detect(item: InputFile) -> bool:
    first = next((line for line in item.lines() if line.strip()), "")
    return bool(_HEADING.match(first)) and first.rstrip().endswith("#")


def parse(files: Sequence[InputFile], ctx: BuildContext) -> None:
    emit_files(ctx, SCHEME, files, read_section, find_terms)


def read_section(item: InputFile, ctx: BuildContext) -> Section | None:
    lines = item.lines()
    start = next(i for i, line in enumerate(lines) if line.strip())
    head = _HEADING.match(lines[start])
    if head is None:
        ctx.diagnostics.error("ecfr.heading", "no '##### § part.section Heading #####' line", SourceLocation(
            item.display, start + 1))
        return None
    location = SourceLocation(item.display, start + 1)
    emit_scheme(ctx, SCHEME, location)
    subpart = _SUBPART.search(item.path.as_posix())
    ref = cfr_section("42", f"{head.group(1)}.{head.group(2)}", subpart.group(1) if subpart else None)
    if subpart:
        emit(ctx, Ref("cfr", "42", ref.part, subpart.group(1)), location)
    units, notes, editorial = _read_body(item, lines, start + 1)
    tree = build_tree(units, CFR_ORDER)
    return Section(ref, head.group(3).rstrip(". "), tree, location, notes, editorial)


Notes = list[tuple[str, SourceLocation]]


def _read_body(item: InputFile, lines: list[str], start: int) -> tuple[list[Unit], Notes, Notes]:
    units: list[Unit] = []
    notes: Notes = []
    editorial: Notes = []
    for number, block in _blocks(lines, start):
        loc = SourceLocation(item.display, number)
        if block.startswith("[") and block.endswith("]") and " FR " in block:
            notes.append((block.strip("[] "), loc))
        elif block.startswith("Link to "):
            editorial.extend((f"Link to {part.strip()}", loc) for part in block.split("Link to ") if part.strip())
        else:
            units.extend(_units(number, block))
    return units, notes, editorial


def _blocks(lines: list[str], start: int) -> list[tuple[int, str]]:
    """Blank-line separated blocks (a table is one block), with their first line number; a line that opens with a
    paragraph designator starts a new block even without a blank line before it."""
    blocks: list[tuple[int, int, list[str]]] = []
    for i in range(start, len(lines)):
        line = lines[i].strip()
        if not line:
            continue
        joined = blocks and blocks[-1][1] == i - 1 and not _NEW_BLOCK.match(line)
        if joined:
            blocks[-1][2].append(line)
            blocks[-1] = (blocks[-1][0], i, blocks[-1][2])
        else:
            blocks.append((i + 1, i, [line]))
    return [(first, " ".join(parts)) for first, _, parts in blocks]


def _units(number: int, block: str) -> list[Unit]:
    units = []
    for designator, piece in split_designators(clean_markup(block)):
        heading = None
        defines = bool(find_terms(piece))
        if designator and (m := _ITALIC_HEAD.match(piece)) and not direct_term(piece):
            # a restated heading ("*A coordinated care plan.* A coordinated care plan is …") stays in the text
            heading, piece = m.group(1).strip().rstrip("."), piece if restated_term(piece) else piece[m.end():]
        units.append(Unit(designator, piece, number, designator is None and defines, heading))
    return units


def clean_markup(text: str) -> str:
    """Markdown escapes (``\\*`` is a literal asterisk) and italic paragraph markers (``(*1*)``, ``*(i)*``)."""
    text = text.replace("\\*", LITERAL_STAR)
    text = _ESCAPE.sub(r"\1", text)
    text = re.sub(r"<br\s*/?>", " ", text)
    return _MARKER.sub(lambda m: f"({next(g for g in m.groups() if g)})", text)


FORMAT = register(SourceFormat("ecfr-markdown", "eCFR section rendered as Markdown ('##### § 422.2 Definitions. "
                               "#####')", detect, parse))
