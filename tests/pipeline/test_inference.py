"""Inference: the entailments users rely on, nothing else, and the fast reasoner proven equal to owlrl."""

from __future__ import annotations

from pathlib import Path

import pytest
from medkg.namespaces import MEDKG
from medkg.pipeline.context import BuildContext
from medkg.pipeline.inference import infer, infer_fast, infer_owlrl, infer_step, load_schema
from medkg.pipeline.iris import IRIs
from medkg.pipeline.output import load_graph
from medkg.pipeline.steps import OutputOptions
from rdflib import OWL, RDF, RDFS, SKOS, Graph, URIRef

EX = "https://example.org/"
SCHEMA = load_schema()
EXAMPLE = """
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix medkg: <https://w3id.org/medkg/def/> .
@prefix ex: <https://example.org/> .
ex:plan a skos:Concept ; skos:prefLabel "Plan"@en .
ex:hmo a medkg:GlossaryConcept ; skos:broader ex:plan ; skos:related ex:network ; medkg:mentions ex:provider .
ex:staff-hmo a medkg:GlossaryConcept ; skos:broader ex:hmo .
ex:network a skos:Concept .
ex:provider a skos:Concept .
ex:ma-plan a skos:Concept ; medkg:definedIn ex:p422-2 ; skos:exactMatch ex:plan .
ex:plan-b skos:exactMatch ex:plan .
ex:p422-2 medkg:citationLabel "42 CFR 422.2" ; medkg:cites ex:p422-4 .
"""


@pytest.fixture(scope="module")
def example() -> Graph:
    return Graph().parse(data=EXAMPLE, format="turtle")


@pytest.fixture(scope="module")
def inferred(example: Graph) -> Graph:
    graph = Graph()
    for triple in infer_fast(example, SCHEMA):
        graph.add(triple)
    return graph


def ex(name: str) -> URIRef:
    return URIRef(EX + name)


def test_narrower_from_broader_and_transitive_hierarchy(inferred: Graph) -> None:
    assert (ex("plan"), SKOS.narrower, ex("hmo")) in inferred
    assert (ex("staff-hmo"), SKOS.broaderTransitive, ex("plan")) in inferred
    assert (ex("plan"), SKOS.narrowerTransitive, ex("staff-hmo")) in inferred


def test_related_both_ways_and_mentions_is_related(inferred: Graph) -> None:
    assert (ex("network"), SKOS.related, ex("hmo")) in inferred
    assert (ex("hmo"), SKOS.related, ex("provider")) in inferred
    assert (ex("provider"), SKOS.related, ex("hmo")) in inferred


def test_exact_match_symmetric_and_transitive(inferred: Graph) -> None:
    assert (ex("plan"), SKOS.exactMatch, ex("ma-plan")) in inferred
    assert (ex("ma-plan"), SKOS.exactMatch, ex("plan-b")) in inferred
    assert (ex("plan-b"), SKOS.closeMatch, ex("ma-plan")) in inferred


def test_citations(inferred: Graph) -> None:
    assert (ex("ma-plan"), MEDKG.regulatoryCitation, ex("p422-2")) in inferred
    assert (ex("p422-2"), MEDKG.defines, ex("ma-plan")) in inferred
    assert (ex("p422-4"), MEDKG.citedBy, ex("p422-2")) in inferred
    assert (ex("p422-2"), RDF.type, MEDKG.Provision) in inferred  # range of medkg:definedIn
    assert (ex("ma-plan"), RDF.type, MEDKG.RegulatoryConcept) in inferred  # domain of medkg:definedIn
    assert (ex("hmo"), RDF.type, SKOS.Concept) in inferred  # sub-class


def test_only_new_triples_about_the_data(example: Graph, inferred: Graph) -> None:
    assert not set(inferred) & set(example)
    assert all(s != o for s, _, o in inferred), "no reflexive triples such as x skos:exactMatch x"
    assert not list(inferred.triples((None, OWL.sameAs, None)))
    assert not {o for o in inferred.objects(None, RDF.type) if str(o).startswith((str(RDFS), str(OWL), str(RDF)))}
    schema_terms = set(SCHEMA.subjects())
    assert not {s for s in inferred.subjects() if s in schema_terms}


def test_fast_equals_owlrl_on_the_example(example: Graph, inferred: Graph) -> None:
    assert set(infer_owlrl(example, SCHEMA)) == set(inferred)


def test_fast_equals_owlrl_on_the_shape_examples(root: Path) -> None:
    data = Graph()
    for path in sorted((root / "tests" / "shapes").rglob("*.ttl")):
        data.parse(path)
    assert set(infer(data, SCHEMA, "owlrl")) == set(infer(data, SCHEMA, "fast"))


def test_infer_step_writes_inferred_ttl_apart(tmp_path: Path, example: Graph) -> None:
    ctx = BuildContext(IRIs())
    ctx.graph += example
    infer_step(ctx, tmp_path, OutputOptions())
    text = (tmp_path / "inferred.ttl").read_text(encoding="utf-8")
    (tmp_path / "graph.ttl").write_text(example.serialize(format="turtle"), encoding="utf-8")
    assert set(load_graph(tmp_path, "inferred")) == set(infer_fast(example, SCHEMA))
    infer_step(ctx, tmp_path, OutputOptions())
    assert (tmp_path / "inferred.ttl").read_text(encoding="utf-8") == text, "deterministic output"


def test_reasoner_is_chosen_per_build(tmp_path: Path, example: Graph) -> None:
    ctx = BuildContext(IRIs())
    ctx.graph += example
    texts = []
    for reasoner in ("owlrl", "fast"):
        infer_step(ctx, tmp_path, OutputOptions(reasoner=reasoner))
        texts.append((tmp_path / "inferred.ttl").read_text(encoding="utf-8"))
    assert texts[0] == texts[1], "owlrl and the fast reasoner write the same inferred.ttl"
    with pytest.raises(ValueError, match="unknown reasoner"):
        infer_step(ctx, tmp_path, OutputOptions(reasoner="hermit"))


def test_unknown_reasoner_is_refused(example: Graph) -> None:
    with pytest.raises(ValueError, match="unknown reasoner"):
        infer(example, SCHEMA, "hermit")
