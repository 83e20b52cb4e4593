"""Cross-source link steps: references by name, skos:broader from a definition's genus, top concepts."""

from __future__ import annotations

from pathlib import Path

import pytest
from medkg.namespaces import MEDKG
from medkg.pipeline.context import BuildContext
from medkg.pipeline.diagnostics import SourceLocation
from medkg.pipeline.iris import IRIs
from medkg.pipeline.linking.genus import genera, link_broader, separate_related_from_broader, top_concepts
from medkg.pipeline.linking.references import resolve_references
from rdflib import RDF, SKOS, Literal, URIRef

from tests.support.glossary import SEED, build, concept, record


def add(ctx: BuildContext, scheme: str, term: str, definition: str, kind: URIRef = MEDKG.GlossaryConcept,
        scope: str | None = None) -> URIRef:
    """A concept as any source would add it (the regulatory sources too)."""
    iri = ctx.iris.concept(scheme, term, scope)
    scheme_iri = ctx.iris.scheme(scheme)
    ctx.add_all([(iri, RDF.type, SKOS.Concept), (iri, RDF.type, kind), (iri, SKOS.inScheme, scheme_iri),
                 (iri, SKOS.prefLabel, Literal(term, lang="en")),
                 (iri, SKOS.definition, Literal(definition, lang="en")),
                 (scheme_iri, RDF.type, SKOS.ConceptScheme)], SourceLocation(f"{scheme}.txt", 1))
    return iri


@pytest.mark.parametrize(("text", "phrase"), [
    ("Provider-Sponsored Organization (PSO) refers to a managed care organization operated by healthcare "
     "providers.", "refers to a managed care organization"),
    ("A type of Medicare health plan offered by a private company.", "A type of Medicare health plan"),
    ("A plan that features higher deductibles.", "A plan"),
    ("means an MA plan that is not an MA regional plan.", "means an MA plan"),
    ("Provider-Sponsored Organization (PSO) is a managed care organization formed and operated by groups.",
     "Provider-Sponsored Organization (PSO) is a managed care organization"),
])
def test_the_genus_phrase_is_found(text: str, phrase: str) -> None:
    labels = {"provider sponsored organization pso"}
    assert [g.phrase for g in genera(text, labels)] == [phrase]


@pytest.mark.parametrize(("text", "words"), [
    ("A health plan meets this standard if it pays 60% of costs.", []),  # the phrase runs into a clause
    ("A group of doctors and hospitals.", [("group",)]),  # the genus is "group", not "doctors"
    ("Alimony is money you get from a spouse.", []),  # no article: no genus stated
    ("An agent or broker is a person who helps you.", []),  # one of two: not the genus
    ("A physician (M.D. or D.O.), nurse practitioner or physician assistant who provides care.", []),
    ("means a Medicare+Choice plan that pays.", [("Medicare+Choice", "plan")]),  # not "Medicare"
    ("A non-physician specialist is a provider who trained.", []),  # "is a" speaks of another subject
])
def test_no_genus_beyond_what_the_text_states(text: str, words: list[tuple[str, ...]]) -> None:
    assert [g.words for g in genera(text, {"rider"})] == words


def test_broader_within_a_scheme_and_broad_match_across_schemes_with_evidence() -> None:
    ctx = BuildContext(IRIs())
    ma_plan = add(ctx, "42-cfr-422", "MA plan", "health benefits coverage offered under a policy.",
                  MEDKG.RegulatoryConcept, "422.2")
    local = add(ctx, "42-cfr-422", "MA local plan", "means an MA plan that is not an MA regional plan.",
                MEDKG.RegulatoryConcept, "422.2")
    mco = add(ctx, "other-glossary", "Managed Care Organization", "An organization that manages care.")
    pso = add(ctx, "medicareplans-glossary", "Provider-Sponsored Organization",
              "Provider-Sponsored Organization refers to a managed care organization operated by providers.")
    ctx.add((pso, SKOS.related, mco))
    dsnp = add(ctx, "42-cfr-422", "D-SNP", "means a specialized MA local plan for special needs individuals.",
               MEDKG.RegulatoryConcept, "422.2")
    ctx.add((dsnp, MEDKG.mentions, ma_plan))  # as a later step may add: MA plan is above D-SNP, two levels up
    link_broader(ctx)
    separate_related_from_broader(ctx)
    top_concepts(ctx)
    assert (dsnp, SKOS.broader, local) in ctx.graph and (dsnp, MEDKG.mentions, ma_plan) not in ctx.graph
    assert (local, SKOS.broader, ma_plan) in ctx.graph
    assert (local, MEDKG.broaderEvidence, Literal("means an MA plan", lang="en")) in ctx.graph
    assert (pso, SKOS.broadMatch, mco) in ctx.graph and (pso, SKOS.broader, mco) not in ctx.graph
    assert (pso, SKOS.related, mco) not in ctx.graph  # SKOS S27: the broader link replaces the related one
    assert (ma_plan, SKOS.topConceptOf, ctx.iris.scheme("42-cfr-422")) in ctx.graph
    assert (local, SKOS.topConceptOf, None) not in ctx.graph
    assert (pso, SKOS.topConceptOf, ctx.iris.scheme("medicareplans-glossary")) in ctx.graph


def test_a_name_shared_by_concepts_of_several_other_schemes_is_not_chosen() -> None:
    ctx = BuildContext(IRIs())
    add(ctx, "a-glossary", "Health plan", "Coverage.")
    add(ctx, "b-glossary", "Health plan", "Coverage too.")
    hmo = add(ctx, "c-glossary", "HMO", "A type of health plan that limits coverage.")
    link_broader(ctx)
    assert not set(ctx.graph.objects(hmo, SKOS.broadMatch)) and not set(ctx.graph.objects(hmo, SKOS.broader))


def test_a_one_word_genus_links_only_within_its_own_scheme() -> None:
    ctx = BuildContext(IRIs())
    plan = add(ctx, "a-glossary", "Plan", "A benefit your employer offers.")
    new_plan = add(ctx, "42-cfr-422", "New MA plan", "means a plan that was not offered before.",
                   MEDKG.RegulatoryConcept, "422.2")
    hdhp = add(ctx, "a-glossary", "High deductible plan", "A plan with higher deductibles.")
    link_broader(ctx)
    assert (new_plan, SKOS.broadMatch, plan) not in ctx.graph  # "a plan" of a regulation is not the glossary's
    assert (hdhp, SKOS.broader, plan) in ctx.graph


def test_no_broader_cycle_is_made() -> None:
    ctx = BuildContext(IRIs())
    a = add(ctx, "s", "Alpha plan", "A beta plan that pays.")
    b = add(ctx, "s", "Beta plan", "An alpha plan that pays.")
    link_broader(ctx)
    assert len(list(ctx.graph.triples((None, SKOS.broader, None)))) == 1
    assert {(a, b), (b, a)} & set(ctx.graph.subject_objects(SKOS.broader))
    assert any(d.code == "genus.cycle" for d in ctx.diagnostics)


def test_an_unmatched_reference_is_a_warning_and_never_a_dangling_iri() -> None:
    ctx = BuildContext(IRIs())
    a = add(ctx, "s", "Alpha", "First.")
    b = add(ctx, "s", "Beta gamma", "Second.")
    ctx.refer(a, SKOS.related, "beta-gamma", SourceLocation("a.txt", 3), "ALPHA")
    ctx.refer(a, SKOS.related, "delta", SourceLocation("a.txt", 5), "ALPHA")
    resolve_references(ctx)
    assert set(ctx.graph.objects(a, SKOS.related)) == {b}
    [warning] = ctx.diagnostics.warnings
    assert (str(warning.location), warning.record, "'delta'" in warning.message) == ("a.txt:5", "ALPHA", True)
    assert not ctx.pending


def test_genus_links_the_seed_to_a_managed_care_organization_of_another_source(tmp_path: Path) -> None:
    other = tmp_path / "mco.txt"
    other.write_text(record("MANAGED CARE ORGANIZATION", "managed-care-organization",
                            "An organization that manages care.", "Other.org"), encoding="utf-8")
    ctx = build([SEED, other])
    pso = concept("medicareplans-glossary", "provider-sponsored-organization-pso")
    mco = concept("other-glossary", "managed-care-organization")
    assert set(ctx.graph.objects(pso, SKOS.broadMatch)) == {mco}
    assert set(ctx.graph.objects(pso, MEDKG.broaderEvidence)) == {
        Literal("refers to a managed care organization", lang="en"),
        Literal("Provider-Sponsored Organization (PSO) is a managed care organization", lang="en")}
    assert (pso, SKOS.related, mco) not in ctx.graph
