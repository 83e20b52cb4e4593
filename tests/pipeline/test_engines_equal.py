"""The fast engines give exactly what the reference libraries give, on the largest real build CI can afford.

The README says the fast SHACL engine and the fast reasoner are proven equal to pySHACL and owlrl. The whole real
build (the seeds and every current corpus of ../shared/data, ~54,000 triples) is out of reach of the references in
a test: on this machine neither owlrl nor pySHACL finished it in 7 minutes, and owlrl alone took 254 s on ~19,000
triples (BENCHMARKS.md, "Engines proven equal"). Both are compared here on the largest real subset that keeps this
module near a minute and a half on a quiet machine: the seeds, the whole HealthCare.gov glossary (229 entries, English
and Spanish), eCFR subpart H and one statute chunk: every source format, ~3,400 triples.
"""

from __future__ import annotations

import pytest
from medkg.pipeline.build import assemble
from medkg.pipeline.inference import infer_fast, infer_owlrl, load_schema
from medkg.pipeline.shacl_report import (
    load_ontology,
    load_shapes,
    report_graph,
    result_keys,
    validate_fast,
    validate_reference,
)
from rdflib import Graph

from tests.support.paths import ROOT, shared_path


@pytest.fixture(scope="module")
def real_graph() -> Graph:
    sources = [ROOT / "data", shared_path("data", "healthcare-gov-glossary"),
               shared_path("data", "ecfr-md-42cfr-part422", "subpart-H-ProviderSponsored-Organizations"),
               shared_path("data", "uscode-title42-partC", "chunck-7488.md")]
    graph = assemble(sources, progress=lambda _m: None).graph
    assert len(graph) > 3000
    return graph


def test_fast_shacl_engine_equals_pyshacl_on_a_whole_real_glossary(real_graph: Graph) -> None:
    shapes, ontology = load_shapes(), load_ontology()
    fast = result_keys(report_graph(validate_fast(real_graph, shapes, ontology), shapes))
    assert fast == result_keys(validate_reference(real_graph, shapes, ontology))
    assert len(fast) > 100, "the build has notes at least, so the comparison is not vacuous"


def test_fast_reasoner_equals_owlrl_on_a_whole_real_glossary(real_graph: Graph) -> None:
    schema = load_schema()
    fast = set(infer_fast(real_graph, schema))
    assert len(fast) > 150
    assert set(infer_owlrl(real_graph, schema)) == fast
