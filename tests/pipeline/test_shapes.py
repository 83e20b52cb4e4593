"""Every shape in shapes/ is seen to pass and to fail on its own example graphs, with pySHACL (the reference) and
with the fast SPARQL engine, and both engines give the same results on every example."""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
from medkg.namespaces import SH, SHAPES_IRI
from medkg.pipeline.shacl_report import (
    load_ontology,
    load_shapes,
    report_graph,
    result_keys,
    validate,
    validate_fast,
    validate_reference,
)
from medkg.pipeline.shacl_sparql import COMPONENTS, UnsupportedShape, compile_shapes
from rdflib import RDF, Graph, Literal, URIRef

EXAMPLES = Path(__file__).resolve().parents[1] / "shapes"
SHAPES = load_shapes()
ONTOLOGY = load_ontology()
CONSTRAINTS = set(COMPONENTS) | {SH.sparql}


def constrained_shapes() -> list[URIRef]:
    """Every shape that owns a constraint (node shapes that only group property shapes cannot fail)."""
    found = {s for p in CONSTRAINTS for s in SHAPES.subjects(p, None) if isinstance(s, URIRef)}
    return sorted(found, key=str)


def shape_name(shape: URIRef) -> str:
    return str(shape).removeprefix(SHAPES_IRI + "/")


def example(shape: URIRef, kind: str) -> Graph:
    graph = Graph().parse(EXAMPLES / "base.ttl")
    path = EXAMPLES / shape_name(shape) / f"{kind}.ttl"
    assert path.is_file(), f"shape {shape_name(shape)} has no {kind} example at {path}"
    return graph.parse(path)


def test_shapes_pass_meta_validation() -> None:
    """The shapes graph conforms to SHACL-SHACL (the shapes for shapes pySHACL ships), and pySHACL's own
    ``meta_shacl`` check accepts it."""
    shacl_shacl = Graph().parse(Path(pyshacl.__file__).parent / "assets" / "shacl-shacl.ttl")
    conforms, _report, text = pyshacl.validate(SHAPES, shacl_graph=shacl_shacl, inference="none")
    assert conforms, text
    conforms, _report, text = pyshacl.validate(Graph(), shacl_graph=SHAPES, meta_shacl=True, inference="none")
    assert conforms, text
    types = set(SHAPES.objects(None, RDF.type))
    assert SH.NodeShape in types and SH.PropertyShape in types


def test_every_shape_is_named_under_the_shapes_namespace() -> None:
    shapes = constrained_shapes()
    assert len(shapes) >= 30
    assert all(str(s).startswith(SHAPES_IRI + "/") for s in shapes)
    assert all(SHAPES.value(s, SH.severity) is not None for s in shapes), "every shape chooses its severity"


def test_base_graph_passes_every_shape() -> None:
    data = Graph().parse(EXAMPLES / "base.ttl")
    assert result_keys(validate_reference(data, SHAPES, ONTOLOGY)) == set()
    assert validate_fast(data, SHAPES, ONTOLOGY) == []


@pytest.mark.parametrize("shape", constrained_shapes(), ids=shape_name)
def test_valid_example_passes(shape: URIRef) -> None:
    data = example(shape, "valid")
    assert result_keys(validate_reference(data, SHAPES, ONTOLOGY)) == set()
    assert validate_fast(data, SHAPES, ONTOLOGY) == []


@pytest.mark.parametrize("shape", constrained_shapes(), ids=shape_name)
def test_invalid_example_fails_that_shape_only(shape: URIRef) -> None:
    data = example(shape, "invalid")
    reference = result_keys(validate_reference(data, SHAPES, ONTOLOGY))
    assert reference, f"{shape_name(shape)}: the invalid example conforms"
    assert {key[3] for key in reference} == {shape}
    fast = result_keys(report_graph(validate(data, SHAPES, ONTOLOGY), SHAPES))
    assert fast == reference


def test_ill_formed_language_tags_fall_back_to_pyshacl() -> None:
    """pyoxigraph refuses literals such as "x"@en-a, so the gate validates such data with pySHACL instead."""
    data = example(URIRef(SHAPES_IRI + "/language-tag-valid"), "invalid")
    with pytest.raises(ValueError):
        validate_fast(data, SHAPES, ONTOLOGY)
    assert {r.shape for r in validate(data, SHAPES, ONTOLOGY)} == {URIRef(SHAPES_IRI + "/language-tag-valid")}


UNSUPPORTED = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex: <https://example.org/> .
ex:shape a sh:NodeShape ; sh:targetClass skos:Concept ;
    sh:property [ sh:path skos:prefLabel ; sh:minLength 2 ] .
"""


def test_the_fast_engine_refuses_what_it_does_not_implement() -> None:
    shapes = Graph().parse(data=UNSUPPORTED, format="turtle")
    with pytest.raises(UnsupportedShape, match="minLength"):
        compile_shapes(shapes)


def test_deactivated_shapes_are_skipped_by_both_engines() -> None:
    shapes = Graph()
    shapes += SHAPES
    shape = URIRef(SHAPES_IRI + "/s13-pref-not-alt")
    shapes.add((shape, SH.deactivated, Literal(True)))
    data = example(shape, "invalid")
    assert result_keys(validate_reference(data, shapes, ONTOLOGY)) == set()
    assert validate_fast(data, shapes, ONTOLOGY) == []
