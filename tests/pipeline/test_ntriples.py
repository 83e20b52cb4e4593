"""The one sorted N-Triples writer (medkg.pipeline.ntriples): valid N-Triples and Turtle, same triples → same bytes."""

from __future__ import annotations

import pyoxigraph as ox
from medkg.pipeline.ntriples import TURTLE_HEADER, ntriples_turtle, sorted_ntriples
from medkg.pipeline.oxterms import graph_from_ox
from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

A, P = URIRef("https://example.org/a"), URIRef("https://example.org/p")
TRIPLES = [(A, P, Literal('two\nlines, a "quote", a \\ and a\ttab')), (A, P, Literal("crlf\r\n\x01", lang="en")),
           (A, P, Literal("3", datatype=XSD.integer)), (A, P, BNode("b1")), (A, P, Literal("Organización"))]


def test_every_literal_is_one_escaped_line_and_reads_back_in_both_libraries() -> None:
    text = sorted_ntriples(TRIPLES)
    assert text.count("\n") == len(TRIPLES) and '"""' not in text
    assert "\\u0001" in text and "\\r\\n" in text and '\\"quote\\"' in text
    expected = Graph()
    for triple in TRIPLES:
        expected.add(triple)
    assert isomorphic(Graph().parse(data=text, format="nt"), expected)
    assert isomorphic(graph_from_ox(ox.parse(text.encode(), format=ox.RdfFormat.N_TRIPLES)), expected)


def test_the_same_triples_give_the_same_bytes_in_any_order() -> None:
    assert sorted_ntriples(TRIPLES) == sorted_ntriples(list(reversed(TRIPLES + TRIPLES)))
    turtle = ntriples_turtle(TRIPLES)
    assert turtle.startswith(TURTLE_HEADER) and len(Graph().parse(data=turtle, format="turtle")) == len(TRIPLES)
