"""Cross-references in regulatory text, resolved to provisions.

Rules (README "Regulatory sources"):
- ``§ 422.352``, ``§ 412.62(f) of this chapter``, ``§§ 422.380 through 422.390`` → 42 CFR sections (the part is the
  number before the dot); ``part 423 of this chapter``, ``subpart O of this part``.
- ``paragraph (c) of this section``, ``paragraphs (a)(1) and (2)`` → relative to the current section; a later item
  that starts at a deeper level keeps the first item's prefix ((a)(1) and (2) → (a)(2)); ``of § 422.374`` and
  ``of such section`` (the last section cited before) name another section; ``this paragraph``/``this definition``
  point inside a definition and are not provisions.
- ``section 1851 of the Act`` → the Social Security Act section's U.S. Code home (1851–1857 → 1395w-21…27,
  1858 → 1395w-27a, 1859 → 1395w-28, and the other sections below); ``42 U.S.C. 1395w-25``;
  ``section 1395w–21(g)(3)(B)(i) of this title``; in the statute ``subsection (d)``, ``paragraph (2)`` and
  ``subparagraph (B)``, ``clause (i)`` are relative to the current subsection / paragraph / subparagraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .provisions import Ref, cfr_section
from .structure import CFR_ORDER, USC_ORDER, kinds_of

# Social Security Act section → 42 U.S.C. section (title XVIII Part C, and the sections Part 422 cites)
SSA_TO_USC = {
    "1851": "1395w-21", "1852": "1395w-22", "1853": "1395w-23", "1854": "1395w-24", "1855": "1395w-25",
    "1856": "1395w-26", "1857": "1395w-27", "1858": "1395w-27a", "1859": "1395w-28", "1819": "1395i-3",
    "1861": "1395x", "1862": "1395y", "1876": "1395mm", "1883": "1395tt", "1886": "1395ww",
    "1860D-13": "1395w-113", "1903": "1396b", "1905": "1396d", "1919": "1396r",
}

_P = r"(?:\(\w{1,5}\))"
_SEC = rf"\d{{3}}\.\d{{1,4}}{_P}*"
_CFR = re.compile(rf"§§?\s*({_SEC}(?:\s*(?:,|and|or|through)\s*(?:§\s*)?{_SEC})*)(\s+of this chapter)?")
_PARAS = re.compile(rf"(this\s+)?paragraphs?\s*({_P}+(?:(?:,\s*|\s+)(?:(?:and|or|through)\s+)?{_P}+)*)"
                    rf"(\s+of\s+(?:this section|such section|this definition|this paragraph|§\s*{_SEC}))?")
_ACT = re.compile(rf"sections?\s+(\d{{4}}(?:[A-Z]-\d+)?{_P}*(?:(?:,\s*|\s+)(?:(?:and|or|through)\s+)?"
                  rf"\d{{4}}(?:[A-Z]-\d+)?{_P}*)*)\s+of\s+the\s+(?:Social\s+Security\s+)?Act\b")
_USC = re.compile(rf"(\d+)\s*U\.\s?S\.\s?C\.\s*(?:§+\s*)?(\d+[a-z]*(?:-\d+[a-z]?)?)({_P}*)")
_TITLE = re.compile(rf"sections?\s+(\d{{3,4}}[a-z]*(?:-\d+[a-z]?)?)({_P}*)\s+of\s+this\s+title")
_OTHER_LAW = re.compile(rf"sections?\s+(\d+[A-Za-z]?{_P}*(?:(?:,\s*|\s+)(?:(?:and|or)\s+)?\d+[A-Za-z]?{_P}*)*)\s+of\s+"
                        r"(?:the\s+)?(Internal Revenue Code(?: of 1986)?|that Code|such Code|"
                        r"the Public Health Service Act)")
_PART = re.compile(r"\bpart\s+(\d{3})\s+of\s+this\s+chapter")
_SUBPART = re.compile(r"\bsubpart\s+([A-Z]{1,2})\s+of\s+this\s+part")
_LIST = rf"{_P}+(?:(?:,\s*|\s+)(?:(?:and|or|through)\s+)?{_P}+)*"
_USC_REL = re.compile(rf"\b(subsection|paragraph|subparagraph|clause)s?\s+({_LIST})(?!\(|\s+of\s+(?!this\b))")
_USC_OF = re.compile(rf"\b(?:paragraph|subparagraph)s?\s+({_LIST})\s+of\s+subsection\s+({_P})(?!\s+of\s)")
_ITEM = re.compile(rf"({_P}+)")
_NUMBER = re.compile(rf"(\d{{3}}\.\d{{1,4}})({_P}*)")


@dataclass(frozen=True)
class Citation:
    ref: Ref
    text: str  # the words of the reference as written


@dataclass(frozen=True)
class Unresolved:
    text: str
    reason: str


def normalize(text: str) -> str:
    """Narrow/no-break spaces to spaces, en dashes inside section numbers to hyphens, "( o )" to "(o)"."""
    text = text.replace("\u202f", " ").replace("\u00a0", " ")
    text = re.sub(r"(?<=\w)[–‑](?=\d)", "-", text)
    return re.sub(r"\(\s+(\w{1,5})\s+\)", r"(\1)", text)


def designators(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\((\w{1,5})\)", text))


def extract(text: str, here: Ref) -> tuple[list[Citation], list[Unresolved]]:
    """Every reference in ``text`` (written in the provision ``here``), resolved where we can."""
    spans, missed = locate(text, here)
    return _unique(_drop_enclosed([c for _, _, cites in spans for c in cites])), missed


Span = tuple[int, int, list[Citation]]


def locate(text: str, here: Ref) -> tuple[list[Span], list[Unresolved]]:
    """Where each reference stands in ``normalize(text)`` and what it cites, finder by finder. Linear in the length
    of the text: a reference found inside an earlier one is skipped by one look-up in a map of covered characters."""
    text = normalize(text)
    spans: list[Span] = []
    missed: list[Unresolved] = []
    covered = Coverage(len(text))
    for finder in (_cfr, _usc_code, _usc_title, _act, _parts, _other_law):
        for start, end, cites, misses in finder(text, here):
            if covered.claim(start, end):
                spans.append((start, end, cites))
                missed.extend(misses)
    before = [c for _, _, cites in spans for c in cites]
    spans += [span for span in _relative(text, here, before) if not covered.holds(span[0])]
    return spans, missed


class Coverage:
    """Which characters of a text the references found so far span."""

    def __init__(self, size: int) -> None:
        self.marks = bytearray(size + 1)

    def holds(self, start: int) -> bool:
        return bool(self.marks[start])

    def claim(self, start: int, end: int) -> bool:
        """Take ``start:end`` unless ``start`` lies in a span already taken."""
        if self.marks[start]:
            return False
        self.marks[start:end] = b"\x01" * (end - start)
        return True


def _drop_enclosed(found: list[Citation]) -> list[Citation]:
    """"paragraphs (a) and (e) of § 422.374" cites the paragraphs, not also the whole section."""
    with_paras: dict[str | None, set[str]] = {}
    for cite in found:
        if cite.ref.paras:
            with_paras.setdefault(cite.ref.section, set()).add(cite.text)
    enclosed: dict[tuple[str | None, str], bool] = {}

    def kept(cite: Citation) -> bool:
        key = (cite.ref.section, cite.text)
        if key not in enclosed:
            enclosed[key] = any(cite.text in text for text in with_paras.get(cite.ref.section, ()))
        return not enclosed[key]

    return [c for c in found if c.ref.paras or kept(c)]


Finding = tuple[int, int, list[Citation], list[Unresolved]]


def _cfr(text: str, here: Ref) -> list[Finding]:
    out: list[Finding] = []
    for m in _CFR.finditer(text):
        cites = [Citation(cfr_section(here.title if here.code == "cfr" else "42", n, None).child(*designators(p)),
                          m.group(0)) for n, p in _NUMBER.findall(m.group(1))]
        out.append((m.start(), m.end(), cites, []))
    return out


def _usc_code(text: str, here: Ref) -> list[Finding]:
    return [(m.start(), m.end(), [Citation(Ref("usc", m.group(1), section=m.group(2)).child(*designators(m.group(3))),
                                           m.group(0))], []) for m in _USC.finditer(text)]


def _usc_title(text: str, here: Ref) -> list[Finding]:
    if here.code != "usc":
        return []
    return [(m.start(), m.end(), [Citation(Ref("usc", here.title, section=m.group(1)).child(*designators(m.group(2))),
                                           m.group(0))], []) for m in _TITLE.finditer(text)]


def _act(text: str, here: Ref) -> list[Finding]:
    out: list[Finding] = []
    for m in _ACT.finditer(text):
        cites, misses = [], []
        for number, paras in re.findall(rf"(\d{{4}}(?:[A-Z]-\d+)?)({_P}*)", m.group(1)):
            usc = SSA_TO_USC.get(number)
            if usc is None:
                misses.append(Unresolved(f"section {number}{paras} of the Act", "Social Security Act section "
                                         f"{number} has no U.S. Code mapping in medkg"))
                continue
            cites.append(Citation(Ref("usc", "42", section=usc).child(*designators(paras)), m.group(0)))
        out.append((m.start(), m.end(), cites, misses))
    return out


def _other_law(text: str, here: Ref) -> list[Finding]:
    """Other laws (the Internal Revenue Code) are recognised and reported: medkg holds no provisions for them."""
    return [(m.start(), m.end(), [], [Unresolved(m.group(0), f"{m.group(2)} is not a source medkg models")])
            for m in _OTHER_LAW.finditer(text)]


def _parts(text: str, here: Ref) -> list[Finding]:
    out: list[Finding] = []
    for m in _PART.finditer(text):
        out.append((m.start(), m.end(), [Citation(Ref("cfr", "42", m.group(1)), m.group(0))], []))
    if here.code == "cfr":
        for m in _SUBPART.finditer(text):
            out.append((m.start(), m.end(), [Citation(Ref("cfr", here.title, here.part, m.group(1)), m.group(0))], []))
    return out


def _relative(text: str, here: Ref, before: list[Citation]) -> list[tuple[int, int, list[Citation]]]:
    if here.code == "usc":
        return _usc_relative(text, here)
    out: list[tuple[int, int, list[Citation]]] = []
    sections = [c.ref for c in before if c.ref.section and c.ref.code == "cfr"]
    last = sections[-1] if sections else None
    for m in _PARAS.finditer(text):
        target = _target_section(m.group(3) or "", here, last)
        if m.group(1) or target is None:
            continue
        paths = _expand(m.group(2))
        out.append((m.start(), m.end(), [Citation(target.child(*p), m.group(0)) for p in paths]))
    return out


def _target_section(qualifier: str, here: Ref, last: Ref | None) -> Ref | None:
    """The section a paragraph reference points into; ``last`` is the last CFR section cited before ("such")."""
    if "definition" in qualifier or "this paragraph" in qualifier:
        return None
    if "such section" in qualifier:
        return Ref("cfr", last.title, last.part, None, last.section) if last else None
    number = _NUMBER.search(qualifier)
    if number:
        return cfr_section(here.title, number.group(1))
    return Ref(here.code, here.title, here.part, here.subpart, here.section) if here.section else None


def _expand(items: str, order: tuple[str, ...] = CFR_ORDER, level: int = 0) -> list[tuple[str, ...]]:
    """"(a)(1) and (2)" → [(a, 1), (a, 2)]; "(a) and (e)" → [(a,), (e,)]. A later item starts at the deepest level
    of the first item whose kind (``order``; the first item starts at ``level``) fits every one of its designators,
    so "(a)(4)(i)(A) and (a)(4)(i)(B)" is two full paths ("i" is a numeral at level 3, not a letter)."""
    groups = [designators(g) for g in _ITEM.findall(items)]
    first = groups[0]
    paths = [first]
    for group in groups[1:]:
        fits = [d for d in range(len(first) - 1, -1, -1) if _fits(group, order, level + d)]
        depth = fits[0] if fits else _same_kind(first, group)
        paths.append(first[:depth] + group)
    return paths


def _fits(group: tuple[str, ...], order: tuple[str, ...], level: int) -> bool:
    """Whether ``group`` can be written starting at paragraph level ``level`` (italic levels as plain ones)."""
    kinds = [k.removeprefix("i") if k in ("idigit", "iroman") else k for k in order[level:level + len(group)]]
    return len(kinds) == len(group) and all(k in kinds_of(d) for k, d in zip(kinds, group, strict=True))


def _same_kind(first: tuple[str, ...], group: tuple[str, ...]) -> int:
    """Beyond the known levels: the deepest designator of ``first`` of a kind ``group`` starts with."""
    kinds = set(kinds_of(group[0]))
    return next((i for i in range(len(first) - 1, -1, -1) if kinds & set(kinds_of(first[i]))), 0)


def _usc_relative(text: str, here: Ref) -> list[tuple[int, int, list[Citation]]]:
    keep = {"subsection": 0, "paragraph": 1, "subparagraph": 2, "clause": 3}
    section = Ref("usc", here.title, section=here.section)
    out = [(m.start(), m.end(), [Citation(section.child(*designators(m.group(2)), *p), m.group(0))
                                 for p in _expand(m.group(1), USC_ORDER, 1)]) for m in _USC_OF.finditer(text)]
    covered = Coverage(len(text))
    for start, end, _ in out:
        covered.claim(start, end)
    for m in _USC_REL.finditer(text):
        if covered.holds(m.start()):
            continue
        depth = keep[m.group(1)]
        if len(here.paras) < depth:
            continue
        paths = _expand(m.group(2), USC_ORDER, depth)
        out.append((m.start(), m.end(), [Citation(section.child(*here.paras[:depth], *p), m.group(0)) for p in paths]))
    return out


def _unique(cites: list[Citation]) -> list[Citation]:
    seen: dict[Ref, Citation] = {}
    for cite in cites:
        seen.setdefault(cite.ref, cite)
    return list(seen.values())
