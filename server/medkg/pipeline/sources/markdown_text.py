"""Markdown with inline HTML → plain text for a definition: the words of link text are kept, scripts dropped."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .registry import split_lines

_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_MD_LINK = re.compile(r"!?\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]*)(?:\s+\"[^\"]*\")?\)")
_HTML_LINK = re.compile(r"<a\b[^>]*?href\s*=\s*[\"'](?P<url>[^\"']*)[\"'][^>]*>(?P<text>.*?)</a\s*>",
                        re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_EMPHASIS = re.compile(r"(\*\*|__|\*)(?=\S)(.+?)(?<=\S)\1")
_HEADING = re.compile(r"^#{1,6}\s*")
_GLOSSARY_LINK = re.compile(r"^(?:https?://(?:www\.)?healthcare\.gov)?/(?:es/)?glossary/(?P<slug>[^/#?\s]+)/?$",
                            re.IGNORECASE)


@dataclass(frozen=True)
class Link:
    text: str
    url: str
    line: int  # 0-based line within the text

    @property
    def glossary_slug(self) -> str | None:
        """The entry a link points at, for links to ``/glossary/<slug>`` (or ``/es/glossary/<slug>``)."""
        match = _GLOSSARY_LINK.match(self.url.strip())
        return match.group("slug") if match else None


def links(text: str) -> list[Link]:
    """Every Markdown or HTML link, with the line it is on."""
    text = _SCRIPT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    found = []
    for pattern in (_MD_LINK, _HTML_LINK):
        for match in pattern.finditer(text):
            found.append(Link(_inline(match.group("text")), match.group("url"), text.count("\n", 0, match.start())))
    return sorted(found, key=lambda link: (link.line, link.url))


def _inline(text: str) -> str:
    text = _MD_LINK.sub(lambda m: m.group("text"), text)
    text = _HTML_LINK.sub(lambda m: m.group("text"), text)
    text = _TAG.sub("", text)
    text = _EMPHASIS.sub(lambda m: m.group(2), text)
    return " ".join(html.unescape(text).split())


def plain_text(text: str) -> str:
    """Paragraphs separated by a blank line, list items on their own lines, no markup."""
    text = _SCRIPT.sub("", text)
    paragraphs: list[list[str]] = [[]]
    for raw in split_lines(text):
        line = _HEADING.sub("", raw.strip())
        if not line:
            paragraphs.append([])
        elif re.match(r"^[-*+]\s+", line) or re.match(r"^\d+\.\s+", line):
            paragraphs[-1].append("\n" + re.sub(r"^[-*+]\s+", "- ", line))
        else:
            paragraphs[-1].append(" " + line)
    out = [_inline_keep_lines("".join(p)) for p in paragraphs]
    return "\n\n".join(p for p in out if p)


def _inline_keep_lines(text: str) -> str:
    return "\n".join(_inline(line) for line in text.split("\n") if _inline(line))
