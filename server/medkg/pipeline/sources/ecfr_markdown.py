"""eCFR sections rendered as Markdown (one file per section, e.g. ``…/subpart-H-…/section-422.354.md``).

``##### § 422.2 Definitions. #####`` heads the file; paragraphs are separated by blank lines and start with their
designators ((a) (1) (i) (A), several may start one line); an italic run right after a designator is the
paragraph's heading unless a defining verb follows it. A paragraph that opens with an italic term followed by a
defining verb (means, is, are, refers to, generally refers to, stands for, has the meaning given, has the
definition, includes, is defined in) defines that term; so does a heading restated as the subject of "is a/an/the"
or "means" (``*A coordinated care plan.* A coordinated care plan is a plan that …``). A bracketed source note ends
the file; "Link to an amendment published at …" lines are kept as editorial notes, not text. The subpart comes
from the folder name (``subpart-H-ProviderSponsored-Organizations`` → subpart H).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..context import BuildContext
from ..diagnostics import SourceLocation
from ..labels import normalize_label
from ..regulatory.document import Section, emit_files, emit_scheme
from ..regulatory.provisions import Ref, cfr_section, emit
from ..regulatory.structure import CFR_ORDER, Unit, build_tree, split_designators
from .registry import InputFile, SourceFormat, register

SCHEME = "42-cfr-422"
_HEADING = re.compile(r"^#{1,6}\s*§\s*(\d+)\.(\d+)\s+(.*?)\s*#*\s*$")
_VERB = r"(?:means|is|are|refers to|generally refers to|stands for|has the meaning|has the definition|includes)\b"
_QUALIFIER = r"(?:,?\s*for (?:the )?purposes? of [^,]{1,60},)?"
_DIRECT = re.compile(rf"^\*([^*]+)\*(,?\s*(?:\([A-Z][\w-]*\)|or [A-Z][A-Z0-9-]+)?){_QUALIFIER}\s+{_VERB}")
_RESTATED = re.compile(r"^\*([^*]+)\.\*\s+(?:An?\s+|The\s+)?([^.*]{1,90}?)\s+"
                       r"(?:is an?\b|is the\b|means\b|has the definition\b|has the meaning\b)")
_ITALIC_HEAD = re.compile(r"^\*([^*]+)\*\s*(?:-|—)?\s*")
_SUBPART = re.compile(r"(?:^|/)subpart-([A-Z]{1,2})(?:-|/|$)")


def detect(item: InputFile) -> bool:
    first = next((line for line in item.text.splitlines() if line.strip()), "")
    return bool(_HEADING.match(first)) and first.rstrip().endswith("#")


def parse(files: Sequence[InputFile], ctx: BuildContext) -> None:
    emit_files(ctx, SCHEME, files, read_section, find_terms)


def read_section(item: InputFile, ctx: BuildContext) -> Section | None:
    lines = item.text.splitlines()
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
    """Blank-line separated blocks (a table is one block), with their first line number."""
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    for i in range(start, len(lines) + 1):
        line = lines[i].strip() if i < len(lines) else ""
        if line:
            current.append(line)
            continue
        if current:
            blocks.append((i - len(current) + 1, " ".join(current)))
            current = []
    return blocks


def _units(number: int, block: str) -> list[Unit]:
    units = []
    for designator, piece in split_designators(block):
        heading = None
        defines = bool(find_terms(piece))
        if designator and not _DIRECT.match(piece) and (m := _ITALIC_HEAD.match(piece)):
            # a restated heading ("*A coordinated care plan.* A coordinated care plan is …") stays in the text
            heading, piece = m.group(1).strip().rstrip("."), piece if defines else piece[m.end():]
        units.append(Unit(designator, piece, number, designator is None and defines, heading))
    return units


def find_terms(text: str) -> list[tuple[str, int]]:
    """The term an italic-opened paragraph defines, directly or restated after its heading."""
    if m := _DIRECT.match(text):
        prefix = re.match(r"Definitions?\.\s*", m.group(1))  # "*Definition. Post-stabilization care services*"
        skip = prefix.end() if prefix else 0
        return [(m.group(1)[skip:] + m.group(2).rstrip(", "), skip + 1 if skip else 0)]
    if m := _RESTATED.match(text):
        heading = re.sub(r"^(?:An?|The)\s+", "", m.group(1))
        restated = m.group(2)
        short = re.sub(r"\s*\([^)]*\)", "", heading)
        if normalize_label(restated) in {normalize_label(heading), normalize_label(short)} or \
                restated in re.findall(r"\(([A-Z]+)\)", heading):
            # the definition is the restating sentence: "A coordinated care plan is a plan that …"
            return [(heading[0].upper() + heading[1:], m.end(1) + 2 + len(text[m.end(1) + 2:]) -
                     len(text[m.end(1) + 2:].lstrip()))]
    return []


FORMAT = register(SourceFormat("ecfr-markdown", "eCFR section rendered as Markdown ('##### § 422.2 Definitions. "
                               "#####')", detect, parse))
