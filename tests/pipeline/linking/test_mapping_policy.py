"""Honest mappings: exactMatch only between agreeing definitions, chains lowered when their closure would say
more than the evidence, and the gate's check over the real build (asserted, and asserted ∪ inferred)."""

from __future__ import annotations

from pathlib import Path

from medkg.pipeline.build import EXIT_OK, build
from medkg.pipeline.context import BuildContext
from medkg.pipeline.iris import MEDKG, IRIs
from medkg.pipeline.linking.mapping import honest_closure, map_concepts
from rdflib import RDF, SKOS, Graph, Literal, URIRef

from tests.support.paths import shared_path
from tests.support.regulatory import SEED

IRI = IRIs()
WEAKER = (SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)


def concept(ctx: BuildContext, scheme: str, term: str, definition: str, kind: URIRef) -> URIRef:
    iri = IRI.concept(scheme, term)
    for triple in [(iri, RDF.type, SKOS.Concept), (iri, RDF.type, kind), (iri, SKOS.inScheme, IRI.scheme(scheme)),
                   (iri, SKOS.prefLabel, Literal(term, lang="en")),
                   (iri, SKOS.definition, Literal(definition, lang="en"))]:
        ctx.add(triple)
    if kind == MEDKG.RegulatoryConcept:
        ctx.add((iri, MEDKG.definedIn, IRI.cfr("42", "422", "422.2")))
    return iri


def test_a_chain_that_would_equate_two_different_definitions_is_lowered() -> None:
    ctx = BuildContext(IRI)
    glossary = concept(ctx, "g", "PSO", "A provider-sponsored organization.", MEDKG.GlossaryConcept)
    cfr = concept(ctx, "cfr", "PSO", "PSO means an entity of providers.", MEDKG.RegulatoryConcept)
    usc = concept(ctx, "usc", "PSO", "The term PSO means a public or private entity.", MEDKG.RegulatoryConcept)
    for s, p, o in [(glossary, SKOS.exactMatch, cfr), (glossary, SKOS.exactMatch, usc), (cfr, SKOS.closeMatch, usc)]:
        ctx.add((s, p, o))
    ctx.add((glossary, MEDKG.mappingEvidence, Literal(f"skos:exactMatch PSO <{cfr}>: same label “pso”", lang="en")))
    honest_closure(ctx)
    g = ctx.graph
    assert not list(g.triples((None, SKOS.exactMatch, None)))
    assert {(glossary, cfr), (glossary, usc), (cfr, usc)} <= set(g.subject_objects(SKOS.closeMatch))
    (evidence,) = g.objects(glossary, MEDKG.mappingEvidence)
    assert str(evidence).startswith(f"skos:closeMatch PSO <{cfr}>: same label “pso”; lowered from exactMatch")
    assert str(evidence).endswith("their own link is only skos:closeMatch")
    assert [d.code for d in ctx.diagnostics] == ["mapping.lowered"]


def test_agreeing_chains_stay_exact() -> None:
    ctx = BuildContext(IRI)
    a = concept(ctx, "a", "Plan", "Plan means coverage.", MEDKG.GlossaryConcept)
    b = concept(ctx, "b", "Plan", "Plan means coverage.", MEDKG.RegulatoryConcept)
    c = concept(ctx, "c", "Plan", "Plan means coverage.", MEDKG.RegulatoryConcept)
    for s, o in [(a, b), (b, c), (a, c)]:
        ctx.add((s, SKOS.exactMatch, o))
    honest_closure(ctx)
    assert len(list(ctx.graph.triples((None, SKOS.exactMatch, None)))) == 3


def test_glossary_exact_only_when_the_wording_agrees() -> None:
    ctx = BuildContext(IRI)
    reg = concept(ctx, "42-cfr-422", "Service area", "Service area means a geographic area approved by CMS.",
                  MEDKG.RegulatoryConcept)
    same = concept(ctx, "g1", "Service area", "Service area means a geographic area approved by CMS.",
                   MEDKG.GlossaryConcept)
    paraphrase = concept(ctx, "g2", "Service area", "The area where a plan accepts members.", MEDKG.GlossaryConcept)
    map_concepts(ctx)
    g = ctx.graph
    assert (same, SKOS.exactMatch, reg) in g
    assert (paraphrase, SKOS.closeMatch, reg) in g and (paraphrase, SKOS.exactMatch, reg) not in g
    assert "definitions 100% alike" in str(g.value(same, MEDKG.mappingEvidence))


def test_real_build_passes_the_check_over_the_union(tmp_path: Path) -> None:
    """The full real build: the gate's check finds nothing, and no exactMatch of the union graph (asserted ∪
    inferred) joins two concepts whose asserted link is weaker — the provider-sponsored organization case."""
    data = shared_path("data")
    sources = [SEED.parent, data / "ecfr-md-42cfr-part422", data / "ecfr-md-42cfr-part423",
               data / "uscode-title42-partC", data / "healthcare-gov-glossary"]
    result = build(sources, tmp_path / "out", progress=lambda _m: None)
    assert result.exit_code == EXIT_OK
    assert not [d for d in result.diagnostics if d.code == "shacl.exact-match-closure"]
    asserted = result.context.graph
    union = Graph()
    union += asserted
    union.parse(tmp_path / "out" / "inferred.ttl")
    exact = {(s, o) for s, o in union.subject_objects(SKOS.exactMatch) if s != o}
    weaker = {(s, o) for p in WEAKER for s, o in asserted.subject_objects(p)}
    assert exact and not exact & (weaker | {(o, s) for s, o in weaker})
    pso = [c for c in asserted.subjects(SKOS.prefLabel, Literal("Provider-sponsored organization", lang="en"))
           if (c, RDF.type, MEDKG.RegulatoryConcept) in asserted]
    assert len(pso) == 2 and (pso[0], SKOS.exactMatch, pso[1]) not in union
