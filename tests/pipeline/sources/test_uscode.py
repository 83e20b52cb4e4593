"""U.S. Code Markdown: the statute's definition forms (recall: test_definition_gold.py); hyphens, not en dashes."""

from __future__ import annotations

from pathlib import Path

import pytest
from medkg.namespaces import MEDKG
from medkg.pipeline.context import BuildContext
from medkg.pipeline.iris import IRIs
from rdflib import DCTERMS, RDF, SKOS, Literal

from tests.support.paths import shared_path
from tests.support.regulatory import SEED, build, concept_by_label

IRI = IRIs()


@pytest.fixture(scope="module")
def folder() -> Path:
    return shared_path("data", "uscode-title42-partC")


@pytest.fixture(scope="module")
def ctx(folder: Path) -> BuildContext:
    return build(str(folder))


CHUNK = """
# Title 42— THE PUBLIC HEALTH AND WELFARE
### CHAPTER 7— SOCIAL SECURITY
#### § 1395w–23. Payments to Medicare+Choice organizations
##### (d) Areas

(1) Definitions

In subparagraph (C), the terms “metropolitan statistical area”, “consolidated metropolitan statistical area”, and \
“primary metropolitan statistical area” mean any area designated as such by the Secretary of Commerce.

(2) Plans

For 2012, the term “qualifying plan” includes an MA plan that the Secretary determines is not able to have a rating.

(3) Exclusions

The term “network-based plan” shall not include an MA regional plan.
"""


def test_statute_forms_the_terms_mean_includes_and_exclusions(tmp_path: Path) -> None:
    chunk = tmp_path / "chunck-1.md"
    chunk.write_text(CHUNK.replace("\\\n", ""), encoding="utf-8")
    g = build(str(chunk)).graph
    names = ("Metropolitan statistical area", "Consolidated metropolitan statistical area",
             "Primary metropolitan statistical area")
    for name in names:  # three terms, one shared text
        concept = IRI.concept("42-usc-part-c", name, scope="1395w-23")
        assert str(g.value(concept, SKOS.definition)).startswith("In subparagraph (C), the terms “metropolitan")
        assert str(g.value(concept, SKOS.definition)).endswith("by the Secretary of Commerce.")
    assert (IRI.concept("42-usc-part-c", "Qualifying plan", scope="1395w-23"), RDF.type, MEDKG.RegulatoryConcept) in g
    labels = {str(o) for o in g.objects(None, SKOS.prefLabel)}
    assert "Network-based plan" not in labels  # "shall not include" narrows a definition; it is not one
    assert len(set(g.subjects(RDF.type, MEDKG.RegulatoryConcept))) == 4


def test_pso_in_1395w_25_d(ctx: BuildContext) -> None:
    g = ctx.graph
    pso = IRI.concept("42-usc-part-c", "Provider-sponsored organization", scope="1395w-25")
    paragraph = IRI.usc("42", "1395w-25", "d", "1")
    assert g.value(pso, MEDKG.definedIn) == paragraph
    text = str(g.value(pso, SKOS.definition))
    assert text.startswith("In this part, the term “provider-sponsored organization” means a public or private entity")
    assert "(A) that is established or organized" in text and "(C) with respect to which the affiliated" in text
    assert g.value(paragraph, DCTERMS.title) == Literal("In general", lang="en")
    assert g.value(paragraph, DCTERMS.isPartOf) == IRI.usc("42", "1395w-25", "d")
    subsection = IRI.usc("42", "1395w-25", "d")
    assert g.value(subsection, DCTERMS.title) == Literal("“Provider-sponsored organization” defined", lang="en")
    assert str(g.value(subsection, MEDKG.citationLabel)) == "42 U.S.C. 1395w-25(d)"
    assert str(g.value(subsection, MEDKG.officialPage)) == "https://www.law.cornell.edu/uscode/text/42/1395w-25#d"
    assert g.value(IRI.usc("42", "1395w-25"), DCTERMS.title) == Literal(
        "Organizational and financial requirements for Medicare+Choice organizations; provider-sponsored "
        "organizations", lang="en")


def test_no_en_dash_or_narrow_space_in_iris_and_labels(ctx: BuildContext) -> None:
    g = ctx.graph
    for s, p, o in g:
        assert "\u2013" not in str(s) and "\u202f" not in str(s)
        if p in (MEDKG.citationLabel, SKOS.prefLabel):
            assert "\u2013" not in str(o) and "\u202f" not in str(o)


def test_statutory_cross_references(ctx: BuildContext) -> None:
    g = ctx.graph
    source = IRI.usc("42", "1395w-21", "a", "2", "A", "i")
    assert (source, MEDKG.cites, IRI.usc("42", "1395w-25", "d")) in g
    assert (IRI.usc("42", "1395w-28", "a", "2"), MEDKG.cites, IRI.usc("42", "1395w-25", "d", "1")) in g
    # "paragraph (2)" inside 1395w-25(d)(1)(B) is relative to the subsection
    assert (IRI.usc("42", "1395w-25", "d", "1", "B"), MEDKG.cites, IRI.usc("42", "1395w-25", "d", "2")) in g


def test_pso_maps_to_cfr_and_glossary(folder: Path) -> None:
    ctx = build(str(SEED.parent), str(folder))
    g = ctx.graph
    usc = IRI.concept("42-usc-part-c", "Provider-sponsored organization", scope="1395w-25")
    cfr = concept_by_label(ctx, "42-cfr-422", "Provider-sponsored organization")
    glossary = concept_by_label(ctx, "medicareplans-glossary", "Provider-Sponsored Organization")
    assert (cfr, SKOS.closeMatch, usc) in g
    # the glossary paraphrases both texts: close matches, so the closure never equates the statute and the CFR
    assert (glossary, SKOS.closeMatch, usc) in g and (glossary, SKOS.closeMatch, cfr) in g
    assert not set(g.objects(glossary, SKOS.exactMatch))
    assert {IRI.cfr("42", "422", "422.350", "b"), IRI.usc("42", "1395w-25", "d")} == set(
        g.objects(glossary, MEDKG.regulatoryCitation))
    evidence = [str(e) for e in g.objects(cfr, MEDKG.mappingEvidence)]
    assert any("provider sponsored organization" in e and str(usc) in e for e in evidence)
