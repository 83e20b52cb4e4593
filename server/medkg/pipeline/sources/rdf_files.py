"""RDF files as a source (Turtle, N-Triples, N-Quads, RDF/XML, JSON-LD): their triples are added as they are.

So an existing SKOS vocabulary can be published with medkg (gate, inference, store, site), and the benchmarks can
build a large graph end to end. The syntax is detected from the content, never the file name. N-Quads lose their
graph names (every triple joins the asserted graph). Blank nodes get fresh ids per file. A syntax error is reported
at its file and line; in the line-based syntaxes (N-Triples, N-Quads) the other lines are still read, in the others
the triples before the error are kept. Each triple's provenance is its line in N-Triples and N-Quads, the file
otherwise (the parser reports no positions for triples).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import pyoxigraph as ox
from rdflib import BNode
from rdflib.term import Node

from ..context import BuildContext, Triple
from ..diagnostics import SourceLocation
from ..oxterms import from_ox
from .registry import InputFile, SourceFormat, register

LINE_BASED = (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
HEAD_CHARS = 65536
_TURTLE_DIRECTIVE = re.compile(r"^\s*(@prefix|@base|prefix\s|base\s)", re.IGNORECASE)
_JSON_LD_KEY = re.compile(r'"@(context|id|graph|type)"\s*:')


def syntax_of(text: str) -> ox.RdfFormat | None:
    """The RDF syntax of a file's text, from its first significant lines; None when it is not RDF."""
    head = text[:HEAD_CHARS].lstrip("\ufeff \t\r\n")
    if head.startswith(("<?xml", "<rdf:RDF")) and RDF_NS in head:
        return ox.RdfFormat.RDF_XML
    if head.startswith(("{", "[")) and _JSON_LD_KEY.search(head):
        return ox.RdfFormat.JSON_LD
    lines = [line for line in head.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        return None
    if _TURTLE_DIRECTIVE.match(lines[0]):
        return ox.RdfFormat.TURTLE
    if not lines[0].lstrip().startswith(("<", "_:")):
        return None
    whole = lines if len(text) <= HEAD_CHARS else lines[:-1]  # the last line of a cut head may be cut too
    return line_syntax(whole[:200]) or (ox.RdfFormat.TURTLE if parses_start(head) else None)


def line_syntax(lines: list[str]) -> ox.RdfFormat | None:
    """N-Triples or N-Quads when most lines are a statement of that syntax on their own (a few bad lines are
    reported later, at their line, rather than making the file Turtle); None otherwise."""
    triples = sum(parses(line, ox.RdfFormat.N_TRIPLES) for line in lines)
    quads = sum(parses(line, ox.RdfFormat.N_QUADS) for line in lines)  # every N-Triples line is N-Quads too
    if quads * 2 <= len(lines):
        return None
    return ox.RdfFormat.N_TRIPLES if triples == quads else ox.RdfFormat.N_QUADS


def parses(text: str, syntax: ox.RdfFormat) -> bool:
    try:
        for _ in ox.parse(text.encode(), format=syntax):
            pass
    except SyntaxError:
        return False
    return True


def parses_start(head: str) -> bool:
    """True when the first statement of ``head`` is Turtle."""
    end = head.find(" .\n")
    return end > 0 and parses(head[: end + 3], ox.RdfFormat.TURTLE)


def detect(item: InputFile) -> bool:
    return syntax_of(item.text) is not None


def parse(files: Sequence[InputFile], ctx: BuildContext) -> None:
    for item in files:
        syntax = syntax_of(item.text)
        assert syntax is not None  # detected
        read_file(item, syntax, ctx)


def read_file(item: InputFile, syntax: ox.RdfFormat, ctx: BuildContext) -> None:
    terms = TermCache()
    if syntax in LINE_BASED:
        for line, quad in line_quads(item, syntax, ctx):
            ctx.add(triple_of(quad, item.display, terms), SourceLocation(item.display, line))
        return
    where = SourceLocation(item.display)
    try:
        for quad in ox.parse(item.text.encode(), format=syntax, base_iri=item.path.resolve().as_uri(),
                             rename_blank_nodes=True):
            ctx.add(triple_of(quad, terms=terms), where)
    except SyntaxError as exc:
        ctx.diagnostics.error("input.rdf", f"{syntax.name} syntax error: {reason(exc)}",
                              SourceLocation(item.display, exc.lineno))


class TermCache(dict[object, Node]):
    """pyoxigraph term → its rdflib term, made once per file: a subject or predicate repeated on a million lines is
    converted once and held once in memory."""

    def __missing__(self, term: object) -> Node:
        found = self[term] = from_ox(term)
        return found


def triple_of(quad: ox.Quad, file: str | None = None, terms: TermCache | None = None) -> Triple:
    """The triple of ``quad`` in rdflib terms; blank node labels made the file's own when ``file`` is given."""
    parts = (quad.subject, quad.predicate, quad.object)
    if file is not None and ox.BlankNode in (type(parts[0]), type(parts[2])):  # (a predicate is an IRI)
        return tuple(BNode(f"{file}#{t.value}") if isinstance(t, ox.BlankNode) else from_ox(t)
                     for t in parts)  # type: ignore[return-value]
    convert = from_ox if terms is None else terms.__getitem__
    return convert(parts[0]), convert(parts[1]), convert(parts[2])


_STATEMENT_LINE = re.compile(r"^[ \t]*[^\s#]", re.MULTILINE)


def line_quads(item: InputFile, syntax: ox.RdfFormat, ctx: BuildContext) -> Iterator[tuple[int, ox.Quad]]:
    """Each statement of a line-based file (one per line) with its line; a bad line is reported and skipped."""
    text, offset, first_line = item.text, 0, 1
    while offset < len(text):
        lines = statement_lines(text, offset, first_line)
        try:
            for quad in ox.parse(text[offset:].encode(), format=syntax):
                yield next(lines), quad
            return
        except SyntaxError as exc:
            bad = first_line + (exc.lineno or 1) - 1
            ctx.diagnostics.error("input.rdf", f"{syntax.name} syntax error: {reason(exc)}",
                                  SourceLocation(item.display, bad))
            for _ in range(bad - first_line + 1):  # go past the bad line
                newline = text.find("\n", offset)
                offset = len(text) if newline < 0 else newline + 1
            first_line = bad + 1


def reason(exc: SyntaxError) -> str:
    """The parser's message without its position (given as file:line, counted from the file's start)."""
    return re.sub(r"^Parser error (at line \d+ )?(between .*? and .*?|at .*?): ", "", str(exc.msg))


def statement_lines(text: str, offset: int, line: int) -> Iterator[int]:
    """The numbers of the lines from ``offset`` (line ``line``) on that hold a statement (not blank or comment)."""
    position = offset
    for match in _STATEMENT_LINE.finditer(text, offset):
        line += text.count("\n", position, match.start())
        position = match.start()
        yield line


FORMAT = register(SourceFormat("rdf", "RDF: Turtle, N-Triples, N-Quads, RDF/XML or JSON-LD (triples added as they are)",
                               detect, parse))
