"""Text as its source wrote it, as HTML: a paragraph per blank-line block, a list per run of "- " lines, other line
breaks kept; every piece escaped."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_ITEM = re.compile(r"^\s*(?:[-*•]|\d{1,3}[.)])\s+")


def prose(text: str) -> Markup:
    """``"Intro:\\n- a\\n- b\\n\\nNext"`` → ``<p>Intro:</p><ul><li>a</li><li>b</li></ul><p>Next</p>``."""
    out: list[Markup] = []
    for block in re.split(r"\n\s*\n", str(text).strip()):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        run: list[str] = []  # the lines of the paragraph being read
        items: list[str] = []  # the items of the list being read
        for line in lines:
            if _ITEM.match(line):
                out += _paragraph(run)
                run, items = [], items + [_ITEM.sub("", line)]
            else:
                out += _list(items)
                run, items = run + [line], []
        out += _paragraph(run) + _list(items)
    return Markup("").join(out)


def _paragraph(lines: list[str]) -> list[Markup]:
    return [Markup("<p>{}</p>").format(Markup("<br>").join(escape(line) for line in lines))] if lines else []


def _list(items: list[str]) -> list[Markup]:
    if not items:
        return []
    return [Markup("<ul>{}</ul>").format(Markup("").join(Markup("<li>{}</li>").format(i) for i in items))]
