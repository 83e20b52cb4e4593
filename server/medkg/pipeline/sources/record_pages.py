"""The page text after a flattened glossary record, read into its sections.

A page opens with a one-line summary, then headings with emoji prefixes ("🧠 Full Definition", "📌 Key
Characteristics", "💡 Why It Matters", "🌐 <Publisher> Perspective", "🗣️ Example Use", "🔗 Related Terms",
"📚 Source Definition") and ends with an attribution footer ("Page content independently curated …").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

Line = tuple[str, int]  # text and its 1-based line number

SECTIONS = {
    "full definition": "full",
    "key characteristics": "characteristics",
    "why it matters": "significance",
    "example use": "example",
    "related terms": "related",
    "source definition": "source",
}
_LEAD = re.compile(r"^[^\w\"“'(\[]+")  # emoji, variation selectors and other symbols before a heading
_FOOTER = re.compile(r"^Page content\b", re.IGNORECASE)
_CURATOR = re.compile(r"\bby\s+(?P<name>[^,]+?)\s*(?:,|\busing\b|\.$)")
_AUTHORITY = re.compile(r"sourced from\s+(?:the\s+)?(?P<who>.+?)\.?$", re.IGNORECASE)
_QUOTES = "\"“”'‘’"


@dataclass
class Page:
    intro: list[Line] = field(default_factory=list)
    sections: dict[str, list[Line]] = field(default_factory=dict)
    perspective: list[Line] = field(default_factory=list)
    footer: Line | None = None

    def text(self) -> str:
        parts = [t for t, _ in self.intro]
        for lines in (*self.sections.values(), self.perspective):
            parts.extend(t for t, _ in lines)
        return "\n".join(parts)


def heading_of(line: str) -> str | None:
    """The section a heading line opens ("perspective" for "<Publisher> Perspective"), else None."""
    if len(line) > 60:
        return None
    name = _LEAD.sub("", line).strip()
    key = name.lower()
    if key in SECTIONS:
        return SECTIONS[key]
    has_symbol = name != line.strip()
    if key.endswith(" perspective") and (has_symbol or len(key.split()) <= 3):
        return "perspective"
    return None


def read_page(lines: list[Line]) -> Page:
    """Split page lines into the summary, the sections and the footer; blank lines are dropped."""
    page = Page()
    current = page.intro
    for text, number in lines:
        text = text.strip()
        if not text:
            continue
        if _FOOTER.match(text):
            page.footer = (text, number)
            continue
        section = heading_of(text)
        if section == "perspective":
            current = page.perspective
        elif section is not None:
            current = page.sections.setdefault(section, [])
        else:
            current.append((text, number))
    return page


def joined(lines: list[Line]) -> str:
    return "\n".join(t for t, _ in lines)


def bullet_items(lines: list[Line]) -> list[Line]:
    """"- item" lines as items; other lines are kept whole."""
    return [(t[2:].strip() if t.startswith("- ") else t, n) for t, n in lines if t.strip("- ")]


def unquote(text: str) -> str:
    return text.strip().strip(_QUOTES).strip()


def curator(footer: str) -> str | None:
    """"… maintained by David W. Bynon, Healthcare AI …" → "David W. Bynon"."""
    match = _CURATOR.search(footer)
    return match.group("name").strip() if match else None


@dataclass(frozen=True)
class SourceDefinition:
    authority: Line | None
    heading: str | None
    text: Line | None


def source_definition(lines: list[Line]) -> SourceDefinition:
    """"Original definition sourced from the X." and "HEADING: definition" of the Source Definition section."""
    authority: Line | None = None
    heading: str | None = None
    text: Line | None = None
    for line, number in lines:
        match = _AUTHORITY.search(line)
        if match and authority is None:
            authority = (match.group("who").strip(), number)
        elif text is None:
            head, sep, rest = line.partition(": ")
            heading, text = (head.strip(), (rest.strip(), number)) if sep else (None, (line, number))
    return SourceDefinition(authority, heading, text)
