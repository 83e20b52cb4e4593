"""The annotator's HTML page: a form, and the text with each defined term marked, its definition on hover/focus."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from flask import render_template
from rdflib import URIRef

from .facts import Value, value
from .site import Site


@dataclass
class Gloss:
    """What one marked span means: its concepts (a span may name several), shown beside the term."""

    id: str
    concepts: list[dict[str, Any]]
    links: list[Value]
    count: int = 0


@dataclass
class Marked:
    """The text cut into plain pieces and marked terms, and one gloss per distinct meaning."""

    pieces: list[tuple[str, Gloss | None]] = field(default_factory=list)
    glosses: dict[tuple[str, ...], Gloss] = field(default_factory=dict)


def mark(site: Site, text: str, spans: list[dict[str, Any]]) -> Marked:
    """Cut ``text`` at the spans (one record per span and concept, in text order; overlaps are skipped)."""
    marked, at = Marked(), 0
    for (start, end), group in groupby(spans, key=lambda s: (s["start"], s["end"])):
        if start < at:
            continue
        gloss = _gloss(site, marked, list(group))
        gloss.count += 1
        marked.pieces += [(text[at:start], None), (text[start:end], gloss)]
        at = end
    marked.pieces.append((text[at:], None))
    return marked


def _gloss(site: Site, marked: Marked, group: list[dict[str, Any]]) -> Gloss:
    key = tuple(s["concept"] for s in group)
    if key not in marked.glosses:
        links = [value(site, URIRef(s["concept"])) for s in group]
        marked.glosses[key] = Gloss(f"gloss-{len(marked.glosses) + 1}", group, links)
    return marked.glosses[key]


def page(site: Site, fields: dict[str, list[str]], schemes: dict[str, str], spans: list[dict[str, Any]] | None,
         status: int = 200, error: str | None = None) -> tuple[str, int]:
    """The page: the form (filled in with what was sent) and, when there was text, the marked text."""
    text = "\n".join(fields.get("text", []))
    marked = mark(site, text, spans) if spans is not None else None
    body = render_template("annotate.html", title="Annotate a text", text=text, marked=marked, spans=spans,
                           schemes=schemes, chosen=set(fields.get("scheme", [])), error=error,
                           provision=" ".join(fields.get("provision", [])))
    return body, status
