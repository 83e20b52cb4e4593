"""The graph a build assembles (``BuildStore``) answers as rdflib's default store does, and a build can let it go."""

from __future__ import annotations

from pathlib import Path

from medkg.pipeline.build import build
from medkg.pipeline.context import BuildContext, new_build_graph
from medkg.pipeline.iris import IRIs
from medkg.pipeline.output import load_graph
from medkg.pipeline.shacl_report import context_aware
from rdflib import RDF, SKOS, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from tests.support.paths import ROOT

EX = "http://example.org/"


def triples() -> list[tuple[URIRef, URIRef, URIRef | Literal]]:
    return [(URIRef(f"{EX}c{n}"), p, o) for n in range(20)
            for p, o in ((RDF.type, SKOS.Concept), (SKOS.prefLabel, Literal(f"c {n}", lang="en")),
                         (SKOS.broader, URIRef(f"{EX}c{n // 2}")))]


def both() -> tuple[Graph, Graph]:
    fast, default = new_build_graph(), Graph()
    for graph in (fast, default):
        for triple in triples() * 2:  # each triple twice: counted once
            graph.add(triple)
    return fast, default


def test_matches_and_size_equal_the_default_store() -> None:
    fast, default = both()
    c3 = URIRef(f"{EX}c3")
    for pattern in ((None, None, None), (c3, None, None), (None, SKOS.broader, None), (None, None, c3),
                    (c3, SKOS.broader, None), (None, RDF.type, SKOS.Concept), (c3, RDF.type, SKOS.Concept)):
        assert sorted(fast.triples(pattern)) == sorted(default.triples(pattern))
    assert len(fast) == len(default) == 60
    for graph in (fast, default):
        graph.remove((None, SKOS.broader, None))
        graph.remove((c3, None, None))
    assert len(fast) == len(default) == 38 and isomorphic(fast, default)


def test_a_step_may_change_the_graph_while_it_walks_a_match() -> None:
    fast, _ = both()
    for s, o in fast.subject_objects(SKOS.broader):
        fast.remove((s, SKOS.broader, o))
        fast.add((o, SKOS.narrower, s))
        fast.add((s, SKOS.related, URIRef(f"{s}/new")))
    assert not list(fast.triples((None, SKOS.broader, None))) and len(fast) == 80


def test_pyshacl_gets_a_copy_with_named_graphs_and_the_prefixes() -> None:
    fast, default = both()
    copy = context_aware(fast)
    assert copy.store.context_aware and isomorphic(copy, default) and context_aware(default) is default
    assert dict(copy.namespaces())["skos"] == URIRef(str(SKOS))


def test_a_build_that_lets_its_graph_go_writes_the_same_graph(tmp_path: Path) -> None:
    kept = build([ROOT / "data"], tmp_path / "kept", progress=lambda _m: None)
    let_go = build([ROOT / "data"], tmp_path / "let-go", progress=lambda _m: None, keep_graph=False)
    assert len(let_go.context.graph) == 0 and not let_go.context.provenance
    assert let_go.triples == kept.triples == len(kept.context.graph) > 0
    assert isomorphic(load_graph(tmp_path / "let-go"), kept.context.graph)
    assert let_go.build_id == kept.build_id


def test_build_context_starts_with_a_build_store() -> None:
    ctx = BuildContext(IRIs())
    assert not ctx.graph.store.context_aware and dict(ctx.graph.namespaces())["skos"] == URIRef(str(SKOS))
