"""U.S. Code Markdown chunks (one subsection per file, each repeating its heading path).

``# Title 42— …``, ``#### § 1395w–25. Heading``, ``##### (d) “Provider-sponsored organization” defined``, then the
subsection's paragraphs separated by blank lines. A designated line that starts with a capital, ends without
punctuation and does not end on a function word is the paragraph's heading ("(1) In general"); otherwise it is
text. Definitions are written ``the term “X” means …``. Section numbers use an en dash after a narrow no-break
space (``§ 1395w–25``); IRIs and labels use a hyphen ("1395w-25").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..context import BuildContext
from ..diagnostics import SourceLocation
from ..regulatory.citations import normalize
from ..regulatory.document import Section, emit_files, emit_scheme
from ..regulatory.provisions import Ref, emit_text
from ..regulatory.schemes import STATUTE
from ..regulatory.structure import USC_ORDER, Unit, build_tree, split_designators
from .registry import InputFile, SourceFormat, register

_TITLE = re.compile(r"^#\s*Title\s+(\d+)\s*[—–-]", re.M)
_SECTION = re.compile(r"^####\s*§\s*([\w-]+)\.\s*(.*)$", re.M)
_SUBSECTION = re.compile(r"^#####\s*\((\w+)\)\s*(.*)$", re.M)
_TERM = re.compile(r"\bthe terms? (?P<names>“[^”]{1,120}”(?:,?\s*(?:and |or )?“[^”]{1,120}”){0,5})[^.“”]{0,60}?\s+"
                   r"(?:means|mean|includes|include|has the meaning|have the meaning|refers to)\b", re.IGNORECASE)
_LEAD_IN = re.compile(r"^(?:In the case of|With respect to|For purposes of|Subject to|Except as)\b")
_FUNCTION_WORDS = {"a", "an", "and", "as", "be", "by", "for", "from", "if", "in", "is", "of", "on", "or", "such",
                   "than", "that", "the", "to", "under", "which", "who", "with", "whom", "whose", "are"}


def detect(item: InputFile) -> bool:
    head = normalize(item.text[:2000])
    return bool(_TITLE.search(head) and _SECTION.search(head))


def parse(files: Sequence[InputFile], ctx: BuildContext) -> None:
    emit_files(ctx, files, read_chunk, find_terms)


def read_chunk(item: InputFile, ctx: BuildContext) -> Section | None:
    text = normalize(item.text)
    title, section, subsection = _TITLE.search(text), _SECTION.search(text), _SUBSECTION.search(text)
    if not (title and section):
        ctx.diagnostics.error("usc.heading", "no '# Title N—' and '#### § N. Heading' lines", SourceLocation(
            item.display, 1))
        return None
    line_of = text[: section.start()].count("\n") + 1
    emit_scheme(ctx, STATUTE, SourceLocation(item.display, line_of))
    ref = Ref("usc", title.group(1), section=section.group(1))
    emit_text(ctx, ref, "", SourceLocation(item.display, line_of), section.group(2).strip())
    body_start = (subsection or section).end()
    first_line = text[:body_start].count("\n") + 2
    units = to_units(text[body_start:].split("\n"), first_line)
    if subsection is None:
        return Section(ref, section.group(2).strip(), build_tree(units, USC_ORDER),
                       SourceLocation(item.display, line_of))
    tree = build_tree(units, USC_ORDER, [("lower", subsection.group(1))])
    root = tree.paras[(subsection.group(1),)]
    root.heading, root.line = subsection.group(2).strip(), text[: subsection.start()].count("\n") + 1
    return Section(ref, section.group(2).strip(), tree, SourceLocation(item.display, line_of))


def to_units(lines: list[str], first_line: int) -> list[Unit]:
    blocks = [(first_line + i, line.strip()) for i, line in enumerate(lines) if line.strip()]
    units: list[Unit] = []
    for index, (number, block) in enumerate(blocks):
        for designator, piece in split_designators(block):
            following = blocks[index + 1][1] if index + 1 < len(blocks) else ""
            if designator and _is_heading(piece, following):
                units.append(Unit(designator, "", number, heading=piece))
            else:
                units.append(Unit(designator, piece, number))
    return units


def _is_heading(text: str, following: str) -> bool:
    """"(1) In general" is a heading; "(vi) In the case of … of clause (iv)" is a lead-in sentence."""
    words = text.split()
    if _LEAD_IN.match(text) or re.search(r"\([A-Za-z0-9]{1,4}\)", text):
        return False
    return bool(words) and text.lstrip("“\"")[:1].isupper() and len(words) <= 20 and bool(following) \
        and not text.endswith((".", ";", ":", ",")) and words[-1].lower() not in _FUNCTION_WORDS


def find_terms(text: str) -> list[tuple[str, int]]:
    """``the term “X” means`` (several per paragraph possible): the definition starts with its sentence.
    ``the terms “A”, “B”, and “C” mean`` defines three terms with one text: three hits at the same place."""
    found = []
    for m in _TERM.finditer(text):
        if re.search(r"\bnot\b", text[m.end("names"):m.end()]):
            continue  # "the term “X” does not include …" narrows a definition given elsewhere
        start = max(text.rfind(". ", 0, m.start()) + 2, 0) if ". " in text[: m.start()] else 0
        for name in re.findall(r"“([^”]+)”", m.group("names")):
            found.append((name[0].upper() + name[1:], start))
    return found


FORMAT = register(SourceFormat("uscode-markdown", "U.S. Code Markdown chunk ('# Title 42— …', '#### § 1395w–25.')",
                               detect, parse))
