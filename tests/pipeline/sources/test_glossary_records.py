"""The flattened glossary record format: the seed record becomes exactly the expected triples."""

from __future__ import annotations

from pathlib import Path

import pytest
from medkg.namespaces import MEDKG
from medkg.pipeline.context import BuildContext
from medkg.pipeline.sources.glossary_common import labels_for
from medkg.pipeline.sources.record_pages import heading_of
from rdflib import DCTERMS, OWL, RDF, SKOS, Literal, URIRef

from tests.support.glossary import BASE, SEED, build, concept, record

PSO = concept("medicareplans-glossary", "provider-sponsored-organization-pso")
SCHEME = URIRef(BASE + "scheme/medicareplans-glossary")
PLANS = URIRef(BASE + "collection/medicareplans-glossary/plans")
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")
CMS_PAGE = URIRef("https://www.cms.gov/glossary?searchterm=&items_per_page=30&viewmode=list&page=26")
CMS_DEFINITION = (
    "A group of doctors, hospitals, and other health care providers that agree to give health care to Medicare "
    "beneficiaries for a set amount of money from Medicare every month. This type of managed care plan is run by "
    "the doctors and providers themselves, and not by an insurance company. (See Managed Care Plan.)")
INTRO = ("Provider-Sponsored Organization (PSO) refers to a managed care organization operated by healthcare "
         "providers rather than by a traditional insurance company.")
FULL = "\n".join([
    "Provider-Sponsored Organization (PSO) is a managed care organization formed and operated by groups of "
    "doctors, hospitals, and other healthcare providers that agree to provide healthcare services to Medicare "
    "beneficiaries for fixed monthly payments from Medicare.",
    "Unlike traditional insurance company-managed health plans, PSOs are directly controlled and administered "
    "by the participating healthcare providers themselves.",
    "PSOs are designed to coordinate healthcare delivery through provider-led managed care systems that integrate "
    "healthcare financing, provider networks, and patient care management."])
PERSPECTIVE = (
    "PSOs represent a provider-driven approach to managed care in which healthcare providers themselves coordinate "
    "plan administration and healthcare delivery. These arrangements were designed to align provider management "
    "more directly with patient care coordination and healthcare financing.")
SIGNIFICANCE = "\n".join([
    "Understanding Provider-Sponsored Organization (PSO) plans helps beneficiaries evaluate provider-led managed "
    "care systems and healthcare delivery structures.",
    "These organizations can affect:", "- provider network coordination", "- healthcare delivery management",
    "- managed care reimbursement structures", "- care coordination and patient management",
    "- Medicare managed care plan administration"])
FOOTER = (
    "Page content independently curated and maintained by David W. Bynon, Healthcare AI Governance Architect & "
    "Medicare Systems Steward, using a standardized, data-driven methodology designed for accurate, non-commercial "
    "Medicare plan interpretation and resolution.")


def en(text: str) -> Literal:
    return Literal(text, lang="en")


@pytest.fixture(scope="module")
def seed() -> BuildContext:
    return build([SEED])


def test_the_seed_record_becomes_exactly_the_expected_triples(seed: BuildContext) -> None:
    expected = {
        (PSO, RDF.type, SKOS.Concept), (PSO, RDF.type, MEDKG.GlossaryConcept), (PSO, SKOS.inScheme, SCHEME),
        (PSO, SKOS.topConceptOf, SCHEME),
        (PSO, SKOS.prefLabel, en("Provider-Sponsored Organization")),
        (PSO, SKOS.hiddenLabel, en("PROVIDER SPONSORED ORGANIZATION (PSO)")),
        (PSO, SKOS.altLabel, en("PSO")),
        (PSO, SKOS.altLabel, en("provider-run managed care organization")),
        (PSO, SKOS.altLabel, en("provider-sponsored plan")),
        (PSO, DCTERMS.identifier, Literal("provider-sponsored-organization-pso")),
        (PSO, SKOS.definition, en(CMS_DEFINITION)),
        (PSO, MEDKG.definitionSource, CMS_PAGE),
        (PSO, MEDKG.definitionAuthority, Literal("Centers for Medicare & Medicaid Services (CMS)")),
        (PSO, DCTERMS.publisher, Literal("MedicarePlans.com")),
        (PSO, DCTERMS.license, CC_BY),
        (PSO, MEDKG.publisherDefinition, en("\n\n".join([INTRO, FULL, PERSPECTIVE]))),  # in the page's order
        (PSO, MEDKG.significance, en(SIGNIFICANCE)),
        (PSO, SKOS.example, en("The beneficiary enrolled in a Provider-Sponsored Organization (PSO) plan managed "
                               "directly by participating physicians and hospitals.")),
        (PSO, SKOS.editorialNote, en(FOOTER)),
        (PSO, DCTERMS.contributor, Literal("David W. Bynon")),
        (PSO, MEDKG.keyCharacteristic, en("\n".join([  # one list, in the page's order, not five unordered values
            "- Operated by healthcare providers rather than insurance companies",
            "- Uses provider-led managed care structures", "- Receives fixed monthly Medicare payments",
            "- Coordinates healthcare delivery through participating provider networks",
            "- Associated with Medicare managed care programs"]))),
    }
    assert set(seed.graph.triples((PSO, None, None))) == expected


def test_the_scheme_and_the_category_collection(seed: BuildContext) -> None:
    scheme = set(seed.graph.triples((SCHEME, None, None)))
    version = seed.graph.value(SCHEME, OWL.versionInfo)
    assert scheme == {
        (SCHEME, RDF.type, SKOS.ConceptScheme), (SCHEME, DCTERMS.title, en("MedicarePlans.com glossary")),
        (SCHEME, SKOS.prefLabel, en("MedicarePlans.com glossary")),
        (SCHEME, DCTERMS.publisher, Literal("MedicarePlans.com")), (SCHEME, DCTERMS.license, CC_BY),
        (SCHEME, DCTERMS.source, CMS_PAGE), (SCHEME, SKOS.hasTopConcept, PSO), (SCHEME, OWL.versionInfo, version),
    }
    assert str(version).startswith("content sha256 ")
    assert set(seed.graph.triples((PLANS, None, None))) == {
        (PLANS, RDF.type, SKOS.Collection), (PLANS, SKOS.prefLabel, en("Plans")),
        (PLANS, DCTERMS.isPartOf, SCHEME), (PLANS, SKOS.member, PSO)}


def test_the_four_related_terms_are_reported_when_nothing_carries_their_names(seed: BuildContext) -> None:
    unresolved = [d for d in seed.diagnostics if d.code == "link.unresolved"]
    assert [(d.location.line, d.message.split("'")[1]) for d in unresolved] == [
        (16, "managed-care-organization"), (18, "managed-care-plan"), (20, "payer"), (22, "health-plan")]
    assert all(d.location.file.endswith(SEED.name) and d.record == "PROVIDER SPONSORED ORGANIZATION (PSO)"
               for d in unresolved)
    assert not seed.diagnostics.errors


def test_related_terms_resolve_against_concepts_of_another_source(tmp_path: Path) -> None:
    other = tmp_path / "plans.txt"
    other.write_text(record("MANAGED CARE PLAN", "managed-care-plan", "A plan with a network.", "Other.org")
                     + record("PAYER", "payer", "Who pays (See also Premium.)", "Other.org")
                     + "🔗 Related Terms\n- Managed Care Plan\n", encoding="utf-8")
    ctx = build([SEED, other])
    related = set(ctx.graph.objects(PSO, SKOS.related))
    assert related == {concept("other-glossary", "managed-care-plan"), concept("other-glossary", "payer")}
    payer = concept("other-glossary", "payer")
    assert set(ctx.graph.objects(payer, SKOS.related)) == {concept("other-glossary", "managed-care-plan")}
    premium = [d for d in ctx.diagnostics if d.code == "link.unresolved" and d.record == "PAYER"]
    assert [(d.message.split("'")[1], d.location.line) for d in premium] == [("Premium", 16)]
    names = sorted(d.message.split("'")[1] for d in ctx.diagnostics if d.code == "link.unresolved" and
                   d.record != "PAYER")
    assert names == ["health-plan", "managed-care-organization"]


def test_a_file_holds_many_records(tmp_path: Path) -> None:
    text = (record("HEALTH MAINTENANCE ORGANIZATION (HMO)", "hmo", "A plan that limits coverage.")
            + "A Health Maintenance Organization limits coverage to its network.\n"
            + record("MEDICARE ADVANTAGE PLAN", "ma-plan", "A type of Medicare health plan.")
            + record("Copay", "copay", "A fixed amount.", category="costs"))
    path = tmp_path / "many.txt"
    path.write_text(text, encoding="utf-8")
    ctx = build([path])
    labels = {str(s).rsplit("/", 1)[1]: str(o) for s, o in ctx.graph.subject_objects(SKOS.prefLabel)
              if "/concept/" in str(s)}
    assert labels == {"hmo": "Health Maintenance Organization", "ma-plan": "Medicare Advantage Plan",
                      "copay": "Copay"}
    assert (concept("example-glossary", "hmo"), SKOS.altLabel, en("HMO")) in ctx.graph
    scheme = URIRef(BASE + "scheme/example-glossary")  # no source_url: the publisher's domain is its site
    assert set(ctx.graph.objects(scheme, DCTERMS.source)) == {URIRef("https://example.org/")}
    assert not ctx.diagnostics.errors


@pytest.mark.parametrize(("term", "page", "pref", "alt", "hidden"), [
    ("PROVIDER SPONSORED ORGANIZATION (PSO)", "the Provider-Sponsored Organization (PSO) is", "Provider-Sponsored "
     "Organization", ["PSO"], ["PROVIDER SPONSORED ORGANIZATION (PSO)"]),
    ("MEDICARE SAVINGS PROGRAM", "", "Medicare Savings Program", [], ["MEDICARE SAVINGS PROGRAM"]),
    ("COBRA", "", "COBRA", [], []),
    ("Organización Responsable (ACO en inglés)", "", "Organización Responsable", ["ACO"],
     ["Organización Responsable (ACO en inglés)"]),
])
def test_labels_are_written_as_people_write_them(term: str, page: str, pref: str, alt: list[str],
                                                 hidden: list[str]) -> None:
    labels = labels_for(term, "en", page)
    assert (labels.pref, labels.alt, labels.hidden) == (pref, alt, hidden)


@pytest.mark.parametrize(("line", "section"), [
    ("🧠 Full Definition", "full"), ("📌 Key Characteristics", "characteristics"),
    ("🗣️ Example Use", "example"), ("🌐 MedicarePlans.com Perspective", "perspective"),
    ("📚 Source Definition", "source"), ("PSOs are designed from a provider perspective and more.", None),
])
def test_section_headings_carry_emoji_prefixes(line: str, section: str | None) -> None:
    assert heading_of(line) == section
