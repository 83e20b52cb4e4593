"""The quality gate: validate the asserted graph (with the ontology) against ``shapes/`` after every build.

Writes ``DIR/validation.ttl`` (the SHACL report graph) and ``DIR/validation.txt`` (the same, readable), and turns
each result into a diagnostic pointing at the source line the offending value came from: a violation is an
error with a ``shacl.`` code (``medkg build`` exits 1 and keeps the previous ``DIR``), a warning a warning (exit 1
only under ``--strict``); notes (``sh:Info``) are counted in one diagnostic and listed in ``validation.txt``.
A rejected build's whole output, reports included, is kept in ``DIR.rejected/`` beside ``DIR`` (by ``build``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import DCTERMS, RDFS, SKOS, Graph, Literal
from rdflib.term import Node

from ..namespaces import MEDKG, SH
from . import layout
from .context import BuildContext
from .diagnostics import Diagnostics, Severity, SourceLocation
from .gcpause import paused_gc
from .layout import write_text
from .ntriples import ntriples_turtle
from .output import OutputOptions, Verdict
from .shacl_report import load_ontology, load_shapes, report_graph, validate
from .shacl_sparql import Result

SEVERITIES: dict[Node, Severity] = {SH.Violation: "error", SH.Warning: "warning", SH.Info: "info"}
_LABELS = (SKOS.prefLabel, MEDKG.citationLabel, RDFS.label, DCTERMS.title)

Locate = Callable[[Result], SourceLocation]


@dataclass(frozen=True)
class Entry:
    """One result, ready to read: who, what rule, which value, and where it came from."""

    result: Result
    label: str
    location: SourceLocation

    @property
    def severity(self) -> Severity:
        return SEVERITIES.get(self.result.severity, "error")

    @property
    def code(self) -> str:
        return "shacl." + str(self.result.shape).rstrip("/").rsplit("/", 1)[-1]

    @property
    def value(self) -> str:
        value = self.result.value
        if value is None or value == self.result.focus:  # a node shape's SPARQL result names its focus again
            return ""
        if isinstance(value, Literal):
            return f'"{value}"' + (f"@{value.language}" if value.language else "")
        return f"<{value}>"

    @property
    def headline(self) -> str:
        label = f' "{self.label}"' if self.label else ""
        value = f" (value: {self.value})" if self.value else ""
        return f"<{self.result.focus}>{label}: {self.result.message}{value}"

    def block(self) -> str:
        lines = [f"{self.location}: {self.severity}: {self.code}", f"  focus:  <{self.result.focus}>"]
        lines += [f"  label:  {self.label}"] if self.label else []
        lines += [f"  rule:   {self.result.message}"]
        lines += [f"  value:  {self.value}"] if self.value else []
        return "\n".join(lines)


def label_of(graph: Graph, node: Node) -> str:
    """The name a person knows the node by: English preferred label first, then any other label."""
    for prop in _LABELS:
        labels = sorted(graph.objects(node, prop), key=lambda o: (getattr(o, "language", None) != "en", str(o)))
        if labels:
            return str(labels[0])
    return ""


def provenance_locator(ctx: BuildContext, fallback: SourceLocation) -> Locate:
    """Where a result's value came from: the (focus, p, value) triple's line, else the focus node's first line."""
    first: dict[Node, SourceLocation] = {}
    for (s, _p, _o), loc in ctx.provenance.items():
        if s not in first or loc < first[s]:
            first[s] = loc

    def locate(result: Result) -> SourceLocation:
        exact = ctx.provenance.get((result.focus, result.path, result.value))  # type: ignore[arg-type]
        if exact is not None:
            return exact
        if result.value is not None:
            for s, o in ((result.focus, result.value), (result.value, result.focus)):
                found = [ctx.provenance[(s, p, o)] for p in ctx.graph.predicates(s, o) if (s, p, o) in ctx.provenance]
                if found:
                    return min(found)
        return first.get(result.focus, fallback)

    return locate


def entries(results: list[Result], graph: Graph, locate: Locate) -> list[Entry]:
    found = [Entry(r, label_of(graph, r.focus), locate(r)) for r in results]
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(found, key=lambda e: (order[e.severity], e.location, e.code, str(e.result.focus), e.value))


def summary(found: list[Entry]) -> str:
    counts = Counter(e.severity for e in found)
    return (f"validation: {counts['error']} violation(s), {counts['warning']} warning(s), "
            f"{counts['info']} note(s)")


def report_text(found: list[Entry]) -> str:
    """The readable report: one block per result, violations first, then a summary line."""
    return "\n\n".join([*(e.block() for e in found), summary(found)]) + "\n"


def add_diagnostics(found: list[Entry], diagnostics: Diagnostics) -> None:
    """Violations and warnings one by one; notes as one count per rule (they are listed in validation.txt)."""
    notes: Counter[str] = Counter()
    for entry in found:
        if entry.severity == "info":
            notes[entry.code] += 1
        else:
            diagnostics.add(entry.severity, entry.code, entry.headline, entry.location)
    for code, count in sorted(notes.items()):
        diagnostics.info(code, f"{count} note(s) of this kind; listed in {layout.VALIDATION_TEXT}",
                         SourceLocation(layout.GRAPH))


def write_reports(found: list[Entry], shapes: Graph, folder: Path) -> None:
    # sorted N-Triples lines (valid Turtle): stable without canonicalizing blank nodes, whose ids are digests
    write_text(folder / layout.VALIDATION, ntriples_turtle(report_graph([e.result for e in found], shapes)))
    write_text(folder / layout.VALIDATION_TEXT, report_text(found))


def verdict(found: list[Entry]) -> Verdict:
    counts = Counter(e.severity for e in found)
    return Verdict(counts["error"], counts["warning"], counts["info"])


def validate_step(ctx: BuildContext, folder: Path, options: OutputOptions) -> Verdict:
    """Output step: the validation gate (see the module docstring); returns its verdict."""
    shapes = load_shapes()
    graph_file = folder / layout.GRAPH  # the asserted graph as written by the build
    with paused_gc():
        results = validate(ctx.graph, shapes, load_ontology(), graph_file if graph_file.is_file() else None)
        found = entries(results, ctx.graph, provenance_locator(ctx, SourceLocation(layout.GRAPH)))
        write_reports(found, shapes, folder)
    add_diagnostics(found, ctx.diagnostics)
    return verdict(found)
