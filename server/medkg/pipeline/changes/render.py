"""A change report as text (wdiff style: [-struck-] {+inserted+}), JSON, Turtle (the changes vocabulary) or an
HTML page (words struck and inserted with <del>/<ins>)."""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import groupby
from typing import Any

import jinja2

from ...assets import package_path
from .compare import Change, Report, headline
from .text import shorten
from .vocabulary import report_graph

SUMMARY_KINDS = ("added", "removed", "modified", "moved")


def summary(report: Report) -> str:
    counts = report.counts()
    parts = ", ".join(f"{counts.get(k, 0)} {k}" for k in SUMMARY_KINDS)
    return (f"{len(report.changes)} change(s) ({parts}); {report.cosmetic} difference(s) of whitespace, dash style "
            "or amendment-link lines only, not listed")


def as_text(report: Report) -> str:
    lines = [f"medkg diff: {report.old.folder} (built {report.old.built}) -> {report.new.folder} "
             f"(built {report.new.built})"]
    for section, group in grouped(report.changes):
        title = report.new.label(section) if section else "(no section)"
        rules = sorted({r for c in group for r in c.amended_by})
        lines.append("")
        lines.append(title + (f" - amended by {', '.join(rules)}" if rules else ""))
        for change in group:
            lines.extend(_text_change(report, change))
    lines += ["", summary(report)]
    return "\n".join(lines) + "\n"


_MARK = {"added": "+", "removed": "-", "modified": "~", "moved": ">"}


def _text_change(report: Report, change: Change) -> list[str]:
    head = f"  {_MARK[change.kind]} {change.label}: {headline(change)}"
    if change.kind == "moved" and change.target:
        head += f" to {report.new.label(change.target)}"
    out = [head, f"      <{change.iri}>"]
    if change.diff is not None:
        out.append("      " + wdiff(change))
    elif change.what == "cross-reference":
        out.append(f"      {'cites' if change.kind == 'added' else 'no longer cites'} "
                   f"{change.after or change.before} <{change.target}>")
    else:
        for word, value in (("was", change.before), ("now", change.after)):
            if value:
                out.append(f"      {word}: {_flat(value)}")
    return out


def wdiff(change: Change) -> str:
    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    return " ".join(marks[op].format(words) for op, words in shorten(change.diff or []))


def _flat(value: Any) -> str:
    text = "; ".join(value) if isinstance(value, list) else str(value)
    return " ".join(text.split())


def as_json(report: Report) -> str:
    data = {"old": _meta(report.old), "new": _meta(report.new), "counts": report.counts(),
            "cosmetic": report.cosmetic, "changes": [c.as_json() for c in report.changes]}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _meta(snap: Any) -> dict[str, str]:
    return {"folder": str(snap.folder), "base": snap.base, "built": snap.built}


def as_turtle(report: Report) -> str:
    from ..export import serialize

    return serialize(report_graph(report), "ttl")


def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(package_path("templates"))),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(TEMPLATE_GLOBALS)
    return env


def grouped(changes: list[Change]) -> list[tuple[str | None, list[Change]]]:
    """Changes grouped by their section, in report order."""
    return [(section, list(group)) for section, group in groupby(changes, key=lambda c: c.section)]


TEMPLATE_GLOBALS: dict[str, Any] = {"headline": headline, "shorten": shorten, "grouped": grouped}


def as_html(report: Report) -> str:
    template = environment().get_template("changes_report.html")
    return template.render(report=report, summary=summary(report), label=report.new.label, link=lambda iri: iri)


RENDERERS: dict[str, Callable[[Report], str]] = {"text": as_text, "json": as_json, "ttl": as_turtle,
                                                  "html": as_html}
