"""Sorted N-Triples, the one writer of exports (``nt``), ``inferred.ttl`` and ``validation.ttl``.

Every literal on one line with N-Triples escapes (``Literal.n3()`` may write Turtle's triple quotes), lines sorted
and unique: the same triples give the same bytes, and the text is valid N-Triples and valid Turtle.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rdflib import Literal
from rdflib.term import Node

TURTLE_HEADER = "# N-Triples lines, sorted (valid Turtle)\n"
_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"} | {
    c: f"\\u{c:04X}" for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)}
_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f]')


def nt_term(node: Node) -> str:
    """The N-Triples form of one term."""
    if not isinstance(node, Literal):
        return node.n3()
    text = str(node)
    if _NEEDS_ESCAPE.search(text):
        text = text.translate(_ESCAPES)
    if node.language:
        return f'"{text}"@{node.language}'
    if node.datatype is not None:
        return f'"{text}"^^<{node.datatype}>'
    return f'"{text}"'


def nt_line(s: Node, p: Node, o: Node) -> str:
    return f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n"


class NTerms(dict[Node, str]):
    """Each term's N-Triples form, written once however often the term occurs (fast at millions of triples)."""

    def __missing__(self, node: Node) -> str:
        found = self[node] = nt_term(node)
        return found

    def line(self, triple: tuple[Node, Node, Node]) -> str:
        return f"{self[triple[0]]} {self[triple[1]]} {self[triple[2]]} .\n"


def sorted_ntriples(triples: Iterable[tuple[Node, Node, Node]], header: str = "") -> str:
    """The triples as sorted, unique N-Triples lines."""
    terms = NTerms()
    return header + "".join(sorted({terms.line(t) for t in triples}))


def ntriples_turtle(triples: Iterable[tuple[Node, Node, Node]]) -> str:
    """A build's Turtle file written as sorted N-Triples (``inferred.ttl``, ``validation.ttl``)."""
    return sorted_ntriples(triples, TURTLE_HEADER)
