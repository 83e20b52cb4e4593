"""Printed-CFR text: de-hyphenation, structure, the 17 definitions of § 422.350(b), history, gaps in the input."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from medkg.namespaces import MEDKG
from medkg.pipeline.context import BuildContext
from medkg.pipeline.iris import IRIs
from medkg.pipeline.sources import cfr_print
from medkg.pipeline.sources.cfr_print import Vocabulary, join_line
from medkg.pipeline.sources.registry import InputFile
from rdflib import DCTERMS, RDF, RDFS, SKOS, Literal, URIRef, namespace

from tests.support.regulatory import SEED, build, concept_by_label

IRI = IRIs()
S350 = "Capitation payment means a fixed per enrollee per month amount paid for contracted services without regard to the type, cost, or frequency of services furnished."  # noqa: E501
TERMS = {
    "Capitation payment": S350,
    "Cash equivalent": "Cash equivalent means those assets excluding accounts receivable that can be exchanged on an "
    "equivalent basis as cash, or converted into cash within 90 days from their presentation for exchange.",
    "Control": "Control means that an individual, group of individuals, or entity has the power, directly or "
    "indirectly, to direct or influence significantly the actions or policies of an organization or institution.",
    "Current ratio": "Current ratio means total current assets divided by total current liabilities.",
    "Deferred acquisition costs": "Deferred acquisition costs are those costs incurred in starting or purchasing a "
    "business. These costs are capitalized as intangible assets and carried on the balance sheet as deferred charges "
    "since they benefit the business for periods after the period in which the costs were incurred.",
    "Engaged in the delivery of health care services": "Engaged in the delivery of health care services means—\n(1) "
    "For an individual, that the individual directly furnishes health care services, or\n(2) For an entity, that the "
    "entity is organized and operated primarily for the purpose of furnishing health care services directly or "
    "through its provider members or entities.",
    "Generally accepted accounting principles": "Generally accepted accounting principles (GAAP) means broad rules "
    "adopted by the accounting profession as guides in measuring, recording, and reporting the financial affairs and "
    "activities of a business to its owners, creditors and other interested parties.",
    "Guarantor": "Guarantor means an entity that—\n(1) Has been approved by CMS as meeting the requirements to be a "
    "guarantor; and\n(2) Obligates its resources to a PSO to enable the PSO to meet the solvency requirements "
    "required to contract with CMS as an MA organization.",
    "Health care delivery assets": "Health care delivery assets (HCDAs) means any tangible assets that are part of a "
    "PSO’s operation, including hospitals and other medical facilities and their ancillary equipment, and such "
    "property as may be reasonably required for the PSO’s principal office or for such other purposes as the PSO "
    "may need for transacting its business.",
    "Insolvency": "Insolvency means a condition in which the liabilities of the debtor exceed the fair valuation of "
    "its assets.",
    "Net worth": "Net worth means the excess of total assets over total liabilities, excluding fully subordinated "
    "debt or subordinated liabilities.",
    "Provider-sponsored organization": "Provider-sponsored organization (PSO) means a public or private entity that—\n"
    "(1) Is established or organized, and operated, by a provider or group of affiliated providers;\n(2) Provides a "
    "substantial proportion (as defined in § 422.352) of the health care services under the MA contract directly "
    "through the provider or affiliated group of providers; and\n(3) When it is a group, is composed of affiliated "
    "providers who—\n(i) Share, directly or indirectly, substantial financial risk, as determined under § 422.356, "
    "for the provision of services that are the obligation of the PSO under the MA contract; and\n(ii) Have at least "
    "a majority financial interest in the PSO.",
    "Qualified actuary": "Qualified actuary means a member in good standing of the American Academy of Actuaries or "
    "a person recognized by the Academy as qualified for membership, or a person who has otherwise demonstrated "
    "competency in the field of actuarial determination and is satisfactory to CMS.",
    "Statutory accounting practices": "Statutory accounting practices means those accounting principles or practices "
    "prescribed or permitted by the domiciliary State insurance department in the State that PSO operates.",
    "Subordinated debt": "Subordinated debt means an obligation that is owed by an organization, that the creditor "
    "of the obligation, by law, agreement, or otherwise, has a lower repayment rank in the hierarchy of creditors "
    "than another creditor. The creditor would be entitled to repayment only after all higher ranking creditors’ "
    "claims have been satisfied. A debt is fully subordinated if it has a lower repayment rank than all other "
    "classes of creditors.",
    "Subordinated liability": "Subordinated liability means claims liabilities otherwise due to providers that are "
    "retained by the PSO to meet net worth requirements and are fully subordinated to all other creditors.",
    "Uncovered expenditures": "Uncovered expenditures means those expenditures for health care services that are the "
    "obligation of an organization, for which an enrollee may also be liable in the event of the organization’s "
    "insolvency and for which no alternative arrangements have been made that are acceptable to CMS. They include "
    "expenditures for health care services for which the organization is at risk, such as out-of-area services, "
    "referral services and hospital services. However, they do not include expenditures for services when a "
    "provider has agreed not to bill the enrollee.",
}


@pytest.fixture(scope="module")
def seed() -> BuildContext:
    return build(str(SEED))


def parse_text(text: str, name: str = "sample.txt") -> BuildContext:
    ctx = BuildContext(IRIs())
    cfr_print.parse([InputFile(Path(name), name, text)], ctx)
    return ctx


@pytest.mark.parametrize(("text", "line", "corpus", "expected"), [
    ("direct graduate medical edu-", "cation payment", "", "direct graduate medical education payment"),
    ("For a non-", "rural PSO", "a non-rural area", "For a non-rural PSO"),
    ("For a non-", "rural PSO", "", "For a non-rural PSO"),
    ("Authorize provider-", "sponsored organizations", "provider-sponsored plan", "Authorize provider-sponsored "
     "organizations"),
    ("to submit CMS-", "generated attestations", "", "to submit CMS-generated attestations"),
    ("levels of use of providers out-", "side the rural area", "", "levels of use of providers outside the rural area"),
    ("How-", "ever, they do not", "", "However, they do not"),
    ("the MA organiza-", "tion", "", "the MA organization"),
    ("section 1395w-", "25 of the Act", "", "section 1395w-25 of the Act"),
])
def test_line_end_hyphens(text: str, line: str, corpus: str, expected: str) -> None:
    vocab = Vocabulary.from_texts([corpus])
    assert join_line(text, line, vocab) == expected


def test_corpus_decides_between_joined_and_hyphenated_forms() -> None:
    vocab = Vocabulary.from_texts(["the subpart is substantial", "a well-\nknown case"])
    assert vocab.keep_hyphen("sub", "stantial") is False
    assert vocab.words == {"a", "case", "is", "subpart", "substantial", "the"}  # line-end fragments are not evidence


def test_the_17_terms_of_422_350_b_with_their_full_text(seed: BuildContext) -> None:
    g = seed.graph
    paragraph = IRI.cfr("42", "422", "422.350", "b")
    defined = {str(g.value(c, SKOS.prefLabel)): c for c in g.subjects(MEDKG.definedIn, paragraph)}
    assert set(defined) == set(TERMS)
    assert len(defined) == 17
    for term, text in TERMS.items():
        concept = defined[term]
        assert list(g.objects(concept, SKOS.definition)) == [Literal(text, lang="en")], term
        assert concept == IRI.concept("42-cfr-422", term, scope="422.350")
        assert (concept, RDF.type, MEDKG.RegulatoryConcept) in g
        assert (concept, MEDKG.incompleteDefinition, None) not in g


def test_acronyms_become_alt_labels(seed: BuildContext) -> None:
    g = seed.graph
    for term, acronym in (("Health care delivery assets", "HCDAs"), ("Provider-sponsored organization", "PSO"),
                          ("Generally accepted accounting principles", "GAAP")):
        concept = concept_by_label(seed, "42-cfr-422", term)
        assert list(g.objects(concept, SKOS.altLabel)) == [Literal(acronym, lang="en")]


def test_pso_definition_keeps_its_three_conditions(seed: BuildContext) -> None:
    text = str(seed.graph.value(concept_by_label(seed, "42-cfr-422", "Provider-sponsored organization"),
                                SKOS.definition))
    positions = [text.index(marker) for marker in ("(1) Is established", "(2) Provides", "(3) When it is a group",
                                                    "(i) Share", "(ii) Have at least")]
    assert positions == sorted(positions)


def test_substantial_proportion_inside_a_requirement_section(seed: BuildContext) -> None:
    concept = concept_by_label(seed, "42-cfr-422", "Substantial proportion")
    g = seed.graph
    assert g.value(concept, MEDKG.definedIn) == IRI.cfr("42", "422", "422.352", "b")
    text = str(g.value(concept, SKOS.definition))
    assert text.startswith("Substantial proportion means—\n(1) For a non-rural PSO, not less than 70% of Medicare")
    assert "(2) For a rural PSO, not less than 60% of Medicare services covered under the contract." in text


def test_rural_pso_is_narrower_than_pso(seed: BuildContext) -> None:
    g = seed.graph
    rural = concept_by_label(seed, "42-cfr-422", "Rural PSO")
    pso = concept_by_label(seed, "42-cfr-422", "Provider-sponsored organization")
    assert g.value(rural, MEDKG.definedIn) == IRI.cfr("42", "422", "422.352", "c")
    assert (rural, SKOS.broader, pso) in g
    assert str(g.value(rural, MEDKG.broaderEvidence)) == "To qualify as a rural PSO, a PSO must"
    assert "Enroll Medicare beneficiaries, the majority of which reside in the rural area" in str(
        g.value(rural, SKOS.definition))


def test_federal_register_history_of_422_350(seed: BuildContext) -> None:
    g = seed.graph
    section = IRI.cfr("42", "422", "422.350")
    original = IRI.federal_register(63, 18134)
    assert list(g.objects(section, MEDKG.originallyPublishedIn)) == [original]
    assert set(g.objects(section, MEDKG.amendedBy)) == {IRI.federal_register(63, 25376),
                                                         IRI.federal_register(63, 35098)}
    for volume, page, day in ((63, 18134, date(1998, 4, 14)), (63, 25376, date(1998, 5, 7)),
                              (63, 35098, date(1998, 6, 26))):
        fr = IRI.federal_register(volume, page)
        assert g.value(fr, DCTERMS.date) == Literal(day.isoformat(), datatype=namespace.XSD.date)
        assert g.value(fr, MEDKG.frVolume) == Literal(volume, datatype=namespace.XSD.integer)
        assert g.value(fr, MEDKG.frPage) == Literal(page, datatype=namespace.XSD.integer)
        assert str(g.value(fr, RDFS.label)) == f"{volume} FR {page}"
    later = IRI.federal_register(65, 40327)
    assert (IRI.cfr("42", "422", "422.352"), MEDKG.amendedBy, later) in g


def test_references_resolved(seed: BuildContext) -> None:
    g = seed.graph
    b = IRI.cfr("42", "422", "422.350", "b")
    assert (b, MEDKG.cites, IRI.cfr("42", "422", "422.352")) in g
    assert (b, MEDKG.cites, IRI.cfr("42", "422", "422.356")) in g
    pso = concept_by_label(seed, "42-cfr-422", "Provider-sponsored organization")
    assert {IRI.cfr("42", "422", "422.352"), IRI.cfr("42", "422", "422.356")} <= set(g.objects(pso, MEDKG.cites))
    rural_area = IRI.cfr("42", "412", "412.62", "f")
    assert (IRI.cfr("42", "422", "422.352", "c", "1", "i"), MEDKG.cites, rural_area) in g
    assert (concept_by_label(seed, "42-cfr-422", "Rural PSO"), MEDKG.cites, rural_area) in g
    # no text for § 412.62(f) here, but a provision with its label, page and place in the hierarchy
    assert str(g.value(rural_area, MEDKG.citationLabel)) == "42 CFR 412.62(f)"
    assert g.value(rural_area, MEDKG.officialPage) == URIRef(
        "https://www.ecfr.gov/current/title-42/part-412/section-412.62#p-412.62(f)")
    assert g.value(rural_area, DCTERMS.isPartOf) == IRI.cfr("42", "412", "412.62")
    assert (IRI.cfr("42", "422", "422.352", "a", "1"), MEDKG.cites, IRI.cfr("42", "422", "422.370")) in g


def test_structure_headings_and_text(seed: BuildContext) -> None:
    g = seed.graph
    subpart = IRI.cfr("42", "422", "subpart-H")
    assert g.value(subpart, DCTERMS.title) == Literal("Provider-Sponsored Organizations", lang="en")
    assert "Nomenclature changes to subpart H appear at 63 FR 35098, 35099, June 26, 1998." in str(
        g.value(subpart, SKOS.editorialNote))
    section = IRI.cfr("42", "422", "422.350")
    assert g.value(section, DCTERMS.isPartOf) == subpart
    assert g.value(section, DCTERMS.title) == Literal("Basis, scope, and definitions", lang="en")
    assert g.value(IRI.cfr("42", "422", "422.354"), DCTERMS.title) == Literal(
        "Requirements for affiliated providers", lang="en")
    a = IRI.cfr("42", "422", "422.350", "a")
    assert g.value(a, DCTERMS.title) == Literal("Basis and scope", lang="en")
    assert str(g.value(a, MEDKG.text)) == "This subpart is based on sections 1851 and 1855 of the Act which, in part,—"
    assert str(g.value(IRI.cfr("42", "422", "422.350", "a", "1"), MEDKG.text)) == (
        "Authorize provider sponsored organizations, (PSOs), to contract as a MA plan;")
    assert str(g.value(IRI.cfr("42", "422", "422.352", "a"), MEDKG.text)).startswith(
        "An organization is considered a PSO for purposes of a MA contract")  # a page break mid-sentence
    assert (subpart, MEDKG.implements, IRI.usc("42", "1395w-25")) in g
    assert str(g.value(IRI.cfr("42", "422", "422.350", "b"), MEDKG.citationLabel)) == "42 CFR 422.350(b)"
    assert g.value(IRI.cfr("42", "422", "422.350", "b"), MEDKG.officialPage) == URIRef(
        "https://www.ecfr.gov/current/title-42/part-422/section-422.350#p-422.350(b)")


def test_text_before_the_first_heading_is_an_unplaced_fragment(seed: BuildContext) -> None:
    found = [d for d in seed.diagnostics if d.code == "cfr.unplaced"]
    assert len(found) == 1
    assert found[0].location.line == 1 and found[0].location.file.endswith("cfr-42-422-subpart-h.txt")
    assert "(d)" in found[0].message and "(e)" in found[0].message
    texts = " ".join(str(t) for t in seed.graph.objects(None, MEDKG.text))
    assert "graduate medical" not in texts  # never pinned to a guessed section


def test_truncated_section_is_flagged(seed: BuildContext) -> None:
    g = seed.graph
    section = IRI.cfr("42", "422", "422.354")
    assert str(g.value(section, MEDKG.text)) == "A PSO that consists of two or more providers must demonstrate to CMS’S"
    assert g.value(section, MEDKG.incompleteText) == Literal(True, datatype=namespace.XSD.boolean)
    warning = [d for d in seed.diagnostics if d.code == "cfr.truncated"]
    assert [d.location.line for d in warning] == [280]


def test_a_cut_off_definition_is_kept_and_flagged() -> None:
    ctx = parse_text("§ 422.350 Definitions.\n(b) Definitions. As used here—\n\nCurrent ratio means total cur-\n"
                     "rent assets divided by total current liabilities.\n\nNet worth means the excess of total\n")
    concept = IRI.concept("42-cfr-422", "Net worth", scope="422.350")
    assert str(ctx.graph.value(concept, SKOS.definition)) == "Net worth means the excess of total"
    assert ctx.graph.value(concept, MEDKG.incompleteDefinition) == Literal(True, datatype=namespace.XSD.boolean)
    complete = IRI.concept("42-cfr-422", "Current ratio", scope="422.350")
    assert str(ctx.graph.value(complete, SKOS.definition)) == (
        "Current ratio means total current assets divided by total current liabilities.")
    assert (complete, MEDKG.incompleteDefinition, None) not in ctx.graph
    assert any(d.code == "definition.incomplete" and d.location.line == 7 for d in ctx.diagnostics)


def test_wrapped_headings_and_mid_line_designators() -> None:
    ctx = parse_text("Subpart H—Provider-Sponsored\nOrganizations\n\n§ 422.380 Solvency require-\nments.\n"
                     "(a) General rule. The PSO must—(1) Keep cash; and\n(2) Report it.\n[63 FR 25377, May 7, 1998]\n")
    g = ctx.graph
    assert g.value(IRI.cfr("42", "422", "subpart-H"), DCTERMS.title) == Literal(
        "Provider-Sponsored Organizations", lang="en")
    assert g.value(IRI.cfr("42", "422", "422.380"), DCTERMS.title) == Literal("Solvency requirements", lang="en")
    assert str(g.value(IRI.cfr("42", "422", "422.380", "a", "1"), MEDKG.text)) == "Keep cash; and"
    assert str(g.value(IRI.cfr("42", "422", "422.380", "a", "2"), MEDKG.text)) == "Report it."
    assert not ctx.diagnostics.warnings


def test_a_designator_out_of_sequence_is_text_and_reported() -> None:
    ctx = parse_text("§ 422.380 Solvency.\n(a) General rule. The PSO must report.\n(c) Then this.\n")
    text = ctx.graph.value(IRI.cfr("42", "422", "422.380", "a"), MEDKG.text)
    assert str(text) == "The PSO must report.\n\n(c) Then this."  # a line of its own, as printed
    assert (IRI.cfr("42", "422", "422.380", "c"), RDF.type, MEDKG.Provision) not in ctx.graph
    assert [(d.code, d.location.line) for d in ctx.diagnostics if d.code == "structure.designator"] == [
        ("structure.designator", 3)]
