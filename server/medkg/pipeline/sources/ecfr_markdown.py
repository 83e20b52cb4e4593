"""eCFR sections rendered as Markdown (one file per section, e.g. ``…/subpart-H-…/section-422.354.md``).

``##### § 422.2 Definitions. #####`` heads the file; paragraphs are separated by blank lines (or start a line with
their designator: (a) (1) (i) (A), several may start one line; italic ``(*1*)`` and ``(*i*)`` are levels 5 and 6); an
italic run
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
from ..regulatory.schemes import cfr_scheme, folder_part_name
from ..regulatory.structure import CFR_ORDER, LITERAL_STAR, Unit, build_tree, split_designators
from .ecfr_terms import direct_term, find_terms, restated_term
from .registry import InputFile, SourceFormat, register

_HEADING = re.compile(r"^#{1,6}\s*§\s*(\d+)\.(\d+[a-z]?)\.?(?:\s+(.*?))?\s*#*\s*$")
_FILE_SECTION = re.compile(r"section-(\d+\.\d+[a-z]?)\.md$")
_TITLE = re.compile(r"(?:^|/)title-(\d+)\b|(?:^|[/-])(\d+)-?cfr\b", re.IGNORECASE)
_ITALIC_HEAD = re.compile(r"^\*(?!\()([^*]+)\*\s*(?:-|—)?\s*")
_MARKER = re.compile(r"\(\*(\w{1,5})\*\)|\*\((\w{1,5})\)\*|\*\((\w{1,5})\*\)|\(\*(\w{1,5})\)\*")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>])")
_NEW_BLOCK = re.compile(r"^(?:\*?\(\*?\w{1,5}\*?\)\*?\s|\*[^*]+\*\s+(?:means|is|are|refers)\b)")
_SUBPART = re.compile(r"(?:^|/)subpart-([A-Z]{1,2})(?:-|/|$)")


def detect(item: InputFile) -> bool:
    first = next(item.filled_lines(), "")
    return bool(_HEADING.match(first)) and first.rstrip().endswith("#")


def parse(files: Sequence[InputFile], ctx: BuildContext) -> None:
    emit_files(ctx, files, read_section, find_terms)


def read_section(item: InputFile, ctx: BuildContext) -> Section | None:
    lines = item.lines() or [""]
    start = next((i for i, line in enumerate(lines) if line.strip()), 0)
    location = SourceLocation(item.display, start + 1)
    number, heading = _section_heading(item, lines[start] if lines else "", ctx, location)
    if number is None:
        return None
    title, part = title_of(item), number.split(".")[0]
    emit_scheme(ctx, cfr_scheme(title, part), location, _part_folder(item, part, ctx, location))
    subpart = _SUBPART.search(item.path.as_posix())
    ref = cfr_section(title, number, subpart.group(1) if subpart else None)
    if subpart:
        emit(ctx, Ref("cfr", title, ref.part, subpart.group(1)), location)
    units, notes, editorial = _read_body(item, lines, start + 1 if _HEADING.match(lines[start]) else start)
    if heading == "xxx" and not units:
        heading = "[Reserved]"  # an eCFR placeholder: the heading "xxx" and a "Link to an amendment" line
    return Section(ref, heading, build_tree(units, CFR_ORDER), location, notes, editorial)


def _section_heading(item: InputFile, line: str, ctx: BuildContext,
                     location: SourceLocation) -> tuple[str | None, str | None]:
    """The section number and heading; from the file name (``section-422.9.md``) when the heading is unreadable."""
    if head := _HEADING.match(line):
        return f"{head.group(1)}.{head.group(2)}", head.group(3).rstrip(". ") or None
    named = _FILE_SECTION.search(item.path.name)
    kept = f"; read as § {named.group(1)} (from the file name), its text kept" if named else "; the file is skipped"
    ctx.diagnostics.error("ecfr.heading", f"no '##### § part.section Heading #####' line (found {line[:60]!r})"
                          + kept, location)
    return (named.group(1), None) if named else (None, None)


def title_of(item: InputFile) -> str:
    """The CFR title from the path (``title-45-…``, ``ecfr-md-45cfr-…``); 42 when the path does not say."""
    match = _TITLE.search(item.path.as_posix())
    return match.group(1) or match.group(2) if match else "42"


def _part_folder(item: InputFile, part: str, ctx: BuildContext, location: SourceLocation) -> str | None:
    """The part's name from its folder (``part-405-Federal-Health-…``); a folder without a number is reported."""
    for folder in item.path.parent.parts:
        if not folder.lower().startswith("part-"):
            continue
        number = re.match(r"part-(\d+[A-Z]?)\b", folder, re.IGNORECASE)
        if number is None:
            ctx.diagnostics.warning("ecfr.part-folder", f"folder {folder!r} has no part number; the part is "
                                    f"taken from the section heading (part {part})", location)
        elif number.group(1) != part:
            ctx.diagnostics.warning("ecfr.part-folder", f"folder {folder!r} is part {number.group(1)} but the "
                                    f"section heading says part {part}; the heading wins", location)
        else:
            return folder_part_name(folder) or None
    return None


Notes = list[tuple[str, SourceLocation]]


def _read_body(item: InputFile, lines: list[str], start: int) -> tuple[list[Unit], Notes, Notes]:
    units: list[Unit] = []
    notes: Notes = []
    editorial: Notes = []
    blocks = _blocks(lines, start)
    for index, (number, block) in enumerate(blocks):
        loc = SourceLocation(item.display, number)
        if block.startswith("[") and block.endswith("]") and " FR " in block:
            notes.append((block.strip("[] "), loc))
        elif block.startswith("Link to "):
            editorial.extend((f"Link to {part.strip()}", loc) for part in block.split("Link to ") if part.strip())
        else:
            units.extend(_units(number, block, blocks[index + 1][1] if index + 1 < len(blocks) else ""))
    return units, notes, editorial


def _blocks(lines: list[str], start: int) -> list[tuple[int, str]]:
    """Blank-line separated blocks (a table is one block, a row a line), with their first line number; a line that
    opens with a paragraph designator starts a new block even without a blank line before it."""
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
    return [(first, ("\n" if parts[0].startswith("|") else " ").join(parts)) for first, _, parts in blocks]


def _units(number: int, block: str, following: str = "") -> list[Unit]:
    """The designated pieces of a block; ``following`` (the next block) tells a verb-less term (``*X* -`` then
    ``(1) Means …``) from a heading."""
    units = []
    pieces = split_designators(clean_markup(block))
    for k, (designator, piece) in enumerate(pieces):
        heading = None
        after = f"({pieces[k + 1][0]}) {pieces[k + 1][1]}" if k + 1 < len(pieces) and pieces[k + 1][0] else following
        defines = bool(find_terms(piece) or (designator is None and find_terms(f"{piece} {after[:60]}")))
        if designator and (m := _ITALIC_HEAD.match(piece)) and not direct_term(piece):
            # a restated heading ("*A coordinated care plan.* A coordinated care plan is …") stays in the text
            heading = m.group(1).strip().rstrip(".")
            kept = restated_term(piece) or _definition_heading(heading, piece) or _runs_on(piece, m)
            piece = piece if kept else piece[m.end():]
        units.append(Unit(designator, piece, number, designator is None and defines, heading))
    return units


def _runs_on(piece: str, head: re.Match[str]) -> bool:
    """``(8) *Quality and performance indicators* for benefits under …``, ``(2) *Marketing materials* exclude …``:
    the heading is also the sentence's subject (no stop, no dash, lower case after it), so it stays in the text."""
    run = head.group(0).rstrip()
    return not run.endswith((".*", "-", "—")) and piece[head.end():head.end() + 1].islower()


def _definition_heading(heading: str, piece: str) -> bool:
    """``*Definition.* A PDP enrollee is disruptive if …``: the heading says the sentence defines."""
    return heading.lower() in ("definition", "definitions") and bool(find_terms(piece))


def clean_markup(text: str) -> str:
    """Markdown escapes (``\\*`` is a literal asterisk); italic markers (``*(1)*``, ``*(2*)``) as ``(*1*)``."""
    text = text.replace("\\*", LITERAL_STAR)
    text = _ESCAPE.sub(r"\1", text)
    text = re.sub(r"<br\s*/?>", " ", text)
    return _MARKER.sub(lambda m: f"(*{next(g for g in m.groups() if g)}*)", text)


FORMAT = register(SourceFormat("ecfr-markdown", "eCFR section rendered as Markdown ('##### § 422.2 Definitions. "
                               "#####')", detect, parse))
