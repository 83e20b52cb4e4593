"""Every definition form the CFR uses, one scheme per CFR part, and bad input, on small eCFR files of our own.

The files below are composed in the real eCFR Markdown layout (``part-NNN-…/subpart-X-…/section-NNN.N.md``,
``##### § N.N Heading #####``, blank-line paragraphs, a bracketed source note); none is copied from ../shared.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from medkg.namespaces import MEDKG
from medkg.pipeline.build import assemble
from medkg.pipeline.context import BuildContext
from medkg.pipeline.iris import IRIs
from rdflib import DCTERMS, RDF, SKOS, Literal, URIRef

IRI = IRIs()

PART_405 = """##### § 405.902 Definitions. #####

For the purposes of this subpart, the term—

*Appellant* means the beneficiary, assignee or other person or entity that has filed an appeal.

*Assignee* means—

(1) A supplier that furnishes items or services to a beneficiary and has accepted a valid assignment.

(2) A beneficiary whose provider of services has waived its liability.

*Clean claim* or *complete claim* means a claim that has no defect or impropriety.

*Incentive(s) program, reward(s) program,* and *R&I program* mean the same thing as rewards and incentives program.

*Target activity means* the activity for which the reward is provided.

*Definition. Continuation area* means an additional area outside the service area.

*Substantial financial risk,* for purposes of this section, means risk for referral services.

*Qualifying individual* in the context of a plan-covered health benefit means any plan enrollee.

*Significant cost,* as it relates to a particular NCD, means either of the following:

*Reward item (or incentive item)* means the item furnished to a qualifying individual.

*National coverage determination (NCD)* means a determination by the Secretary.

*Dual eligible special needs plan* or D-SNP means a specialized MA plan.

“*Covered person*” means one of the following persons.

*Party in interest* includes the following:

(1) *Immediate family member* means husband or wife, natural or adoptive parent or child.

(2) Any person who is the beneficial owner of more than 5 percent of the organization.

*Physician* has the meaning given the term in section 1861(r) of the Act.

*Balance billing* generally refers to an amount billed by a provider.

*MSA* stands for medical savings account.

*Consolidation* occurs when two contracts are combined.

*Statistical significance* assesses how likely differences are due to chance.

*Traditional rounding rules* mean that the last digit in a value will be rounded.

*Redetermination* -

(1) Means a second look at a claim by the contractor; and

(2) Includes a review of the evidence.

*ALJ/attorney adjudicator* means an administrative law judge or an attorney adjudicator.

*Minus score* means the first quartile −3\\*Interquartile Range.

[74 FR 65333, Dec. 9, 2009]"""

PART_405_RULES = """##### § 405.904 Medicare initial determinations and appeals: General description. #####

(a) *General.* The entitlement appeals process is described at *see* § 405.904(a)(1). Beneficiaries act *bona fide*.
More at *www.cms.gov*.

(b) *Definitions.* In this subpart, *home skilled nursing facility* means the skilled nursing facility in which the
beneficiary resided.

(c) *Requirements.* The term *significant cost,* as it relates to a particular determination, means a cost above a
threshold.

(d) *Plan types*—(1) *Definition of local preferred provider organization plan.* For purposes of this section, the
term local preferred provider organization (PPO) plan means a plan that has a network of providers.

(2) *Definition of crosswalk.* A crosswalk is the movement of enrollees from one plan to another plan.

(3) An employer-sponsored group plan means coverage offered to retirees. The hold time is defined as the time
spent on hold. A “remote person” as used in this paragraph means one of the following.

(4) Skilled nursing care defined as services provided during a covered stay.

(5) *Network.* (i) The number of providers.
(ii) The mix of providers, with markers broken by a single newline.

(e) *Table.* The limits are:

| Specialty | Limit |
|---|---|
| Primary Care<br/>and Pediatrics | 10 |

(f) *Steps*—(1) *Step one.* (i) First.

(A) The first item.

(*1*) The first italic item.

(*2*) The second italic item.

*(ii)* The italic (ii) under (f)(1).

[74 FR 65340, Dec. 9, 2009]"""

PLACEHOLDER = """##### § 405.903 xxx #####

Link to an amendment published at 84 FR 15833, April 16, 2019."""

PART_423 = """##### § 423.501 Definitions #####

For purposes of this subpart, the following definitions apply:

*Downstream entity* means any party that enters into a written arrangement below the level of the arrangement
between a PDP sponsor and a first tier entity.

*Appellant* means the beneficiary, assignee or other person or entity that has filed an appeal.

*Reconsideration* means a review by which a clean claim, as defined in § 405.902 of this chapter, is looked at again.

[70 FR 4525, Jan. 28, 2005]"""

PART_422 = """##### § 422.500 Scope and definitions. #####

(a) *Scope.* This subpart sets forth application requirements.

(b) *Definitions.* As used in this subpart—

*Downstream entity* means any party that enters into a written arrangement, acceptable to CMS, with persons
involved with the MA benefit, below the level of the arrangement between an MA organization and a first tier
entity.

[63 FR 35106, June 26, 1998]"""


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ecfr") / "title-42-Public-Health"
    part = "part-405-Federal-Health-Insurance-Aged-Disabled/subpart-I-Determinations-Redeterminations"
    write(root, f"{part}/section-405.902.md", PART_405)
    write(root, f"{part}/section-405.903.md", PLACEHOLDER)
    write(root, f"{part}/section-405.904.md", PART_405_RULES)
    write(root, "part-423-Voluntary-Medicare-Prescription-Drug-Benefit/subpart-K-Application/section-423.501.md",
          PART_423)
    write(root, "part-422-Medicare-Advantage-Program/subpart-K-Application/section-422.500.md", PART_422)
    return root


@pytest.fixture(scope="module")
def ctx(corpus: Path) -> BuildContext:
    return assemble([corpus], progress=lambda _m: None)


def concept(scheme: str, section: str, label: str) -> URIRef:
    return IRI.concept(scheme, label, scope=section)


def labels(ctx: BuildContext, iri: URIRef) -> tuple[str, list[str]]:
    g = ctx.graph
    assert (iri, RDF.type, MEDKG.RegulatoryConcept) in g, iri
    return str(g.value(iri, SKOS.prefLabel)), sorted(str(a) for a in g.objects(iri, SKOS.altLabel))


def test_one_scheme_per_part_with_its_own_title(ctx: BuildContext) -> None:
    g = ctx.graph
    for part, title in (("405", "42 CFR Part 405 — Federal Health Insurance for the Aged and Disabled"),
                        ("423", "42 CFR Part 423 — Voluntary Medicare Prescription Drug Benefit"),
                        ("422", "42 CFR Part 422 — Medicare Advantage Program")):
        scheme = IRI.scheme(f"42-cfr-{part}")
        assert g.value(scheme, DCTERMS.title) == Literal(title, lang="en")
        assert (scheme, DCTERMS.source, URIRef(f"https://www.ecfr.gov/current/title-42/part-{part}")) in g
        assert (scheme, DCTERMS.license, None) in g and (scheme, DCTERMS.publisher, None) in g
        members = set(g.subjects(SKOS.inScheme, scheme))
        assert members and all(f"/concept/42-cfr-{part}/{part}." in str(m) for m in members)
        assert all(f"/cfr/42/{part}/{part}." in str(g.value(m, MEDKG.definedIn)) for m in members)
    appellant = concept("42-cfr-405", "405.902", "Appellant")
    assert g.value(appellant, MEDKG.definedIn) == IRI.cfr("42", "405", "405.902")
    assert set(g.objects(appellant, SKOS.inScheme)) == {IRI.scheme("42-cfr-405")}
    assert g.value(IRI.cfr("42", "405", "405.902"), DCTERMS.isPartOf) == IRI.cfr("42", "405", "subpart-I")


def test_the_same_term_in_two_parts_is_two_concepts_mapped_by_their_texts(ctx: BuildContext) -> None:
    g = ctx.graph
    a405, a423 = concept("42-cfr-405", "405.902", "Appellant"), concept("42-cfr-423", "423.501", "Appellant")
    assert (a405, SKOS.exactMatch, a423) in g  # the same words
    d422, d423 = concept("42-cfr-422", "422.500", "Downstream entity"), concept("42-cfr-423", "423.501",
                                                                                "Downstream entity")
    assert (d422, SKOS.closeMatch, d423) in g and (d422, SKOS.exactMatch, d423) not in g
    evidence = [str(e) for e in g.objects(d422, MEDKG.mappingEvidence)]
    assert any("same term" in e and str(d423) in e for e in evidence)


def test_a_definition_mentions_another_parts_term_only_where_it_cites_its_section(ctx: BuildContext) -> None:
    g = ctx.graph
    reconsideration = concept("42-cfr-423", "423.501", "Reconsideration")
    assert (reconsideration, MEDKG.mentions, concept("42-cfr-405", "405.902", "Clean claim")) in g
    # the part 422 definition cites no part 423 section: no mention across the parts
    assert not [o for o in g.objects(concept("42-cfr-422", "422.500", "Downstream entity"), MEDKG.mentions)
                if "/42-cfr-423/" in str(o)]


def test_a_placeholder_section_is_reserved(ctx: BuildContext) -> None:
    section = IRI.cfr("42", "405", "405.903")
    assert ctx.graph.value(section, DCTERMS.title) == Literal("[Reserved]", lang="en")
    assert not str(ctx.graph.value(section, MEDKG.text) or "")
    assert "Link to an amendment" in str(ctx.graph.value(section, SKOS.editorialNote))


@pytest.mark.parametrize(("section", "label", "alts"), [
    ("405.902", "Appellant", []),
    ("405.902", "Assignee", []),  # verb "means—" then its numbered sub-paragraphs
    ("405.902", "Clean claim", ["Complete claim"]),  # *A* or *B* means
    ("405.902", "Incentive(s) program", ["R&I program", "Reward(s) program"]),  # *A, B,* and *C* mean
    ("405.902", "Target activity", []),  # the verb inside the italics
    ("405.902", "Continuation area", []),  # a heading inside the italics
    ("405.902", "Substantial financial risk", []),  # qualifier between the term and the verb
    ("405.902", "Qualifying individual", []),
    ("405.902", "Significant cost", []),
    ("405.902", "Reward item", ["incentive item"]),  # alias in parentheses
    ("405.902", "National coverage determination", ["NCD"]),
    ("405.902", "Dual eligible special needs plan", ["D-SNP"]),
    ("405.902", "Covered person", []),  # a quoted term
    ("405.902", "Party in interest", []),  # includes
    ("405.902", "Immediate family member", []),  # nested in a list item of another definition
    ("405.902", "Physician", []),  # has the meaning given
    ("405.902", "Balance billing", []),  # generally refers to
    ("405.902", "MSA", []),  # stands for
    ("405.902", "Consolidation", []),  # occurs when
    ("405.902", "Statistical significance", []),  # assesses
    ("405.902", "Traditional rounding rules", []),  # mean (plural)
    ("405.902", "Redetermination", []),  # no verb: "(1) Means …"
    ("405.902", "ALJ/attorney adjudicator", []),  # A/B
    ("405.904", "Home skilled nursing facility", []),  # In this subpart, *X* means
    ("405.904", "Significant cost", []),  # The term *X,* …, means
    ("405.904", "Local preferred provider organization (PPO) plan", []),  # the term X means, unquoted
    ("405.904", "Crosswalk", []),  # *Definition of crosswalk.* A crosswalk is
    ("405.904", "Employer-sponsored group plan", []),  # plain text: An X means
    ("405.904", "Hold time", []),  # The X is defined as
    ("405.904", "Remote person", []),  # A “X” as used in this paragraph means
    ("405.904", "Skilled nursing care", []),  # X defined as
])
def test_definition_forms(ctx: BuildContext, section: str, label: str, alts: list[str]) -> None:
    assert labels(ctx, concept("42-cfr-405", section, label)) == (label, alts)


def test_nested_definitions_are_their_own_concepts_mentioned_by_the_outer_one(ctx: BuildContext) -> None:
    g = ctx.graph
    outer, inner = (concept("42-cfr-405", "405.902", t) for t in ("Party in interest", "Immediate family member"))
    assert str(g.value(inner, SKOS.definition)).startswith("Immediate family member means husband or wife")
    assert "Immediate family member means" in str(g.value(outer, SKOS.definition))
    assert (outer, MEDKG.mentions, inner) in g


def test_verbless_definition_keeps_its_sub_paragraphs(ctx: BuildContext) -> None:
    text = str(ctx.graph.value(concept("42-cfr-405", "405.902", "Redetermination"), SKOS.definition))
    assert "(1) Means a second look" in text and "(2) Includes a review" in text


def test_italic_text_that_is_not_a_definition_is_never_a_concept(ctx: BuildContext) -> None:
    found = {str(o) for c in ctx.graph.subjects(RDF.type, MEDKG.RegulatoryConcept)
             for o in ctx.graph.objects(c, SKOS.prefLabel)}
    assert not found & {"General", "See", "Bona fide", "www.cms.gov", "Www.cms.gov", "Definitions", "Requirements",
                        "Plan types", "Network", "Table", "Steps", "Step one"}
    assert len([c for c in ctx.graph.subjects(SKOS.inScheme, IRI.scheme("42-cfr-405"))]) == 32


def test_markdown_escapes_tables_markers_and_single_newlines(ctx: BuildContext) -> None:
    g = ctx.graph
    minus = str(g.value(concept("42-cfr-405", "405.902", "Minus score"), SKOS.definition))
    assert minus == "Minus score means the first quartile −3*Interquartile Range."
    table = str(g.value(IRI.cfr("42", "405", "405.904", "e"), MEDKG.text))
    assert "Primary Care and Pediatrics" in table and "<br" not in table
    assert str(g.value(IRI.cfr("42", "405", "405.904", "d", "5", "ii"), MEDKG.text)).startswith("The mix of providers")
    italic = IRI.cfr("42", "405", "405.904", "f", "1", "i", "A", "1")
    assert str(g.value(italic, MEDKG.text)) == "The first italic item."
    assert str(g.value(IRI.cfr("42", "405", "405.904", "f", "1", "ii"), MEDKG.text)) == "The italic (ii) under (f)(1)."
    assert (IRI.cfr("42", "405", "405.904", "f", "1", "i", "A", "2"), RDF.type, MEDKG.Provision) in g


def test_another_title_lands_in_its_own_title_and_part(tmp_path: Path) -> None:
    root = tmp_path / "title-45-Public-Welfare" / "part-164-Security-Privacy" / "subpart-E-Privacy"
    write(root, "section-164.501.md", "##### § 164.501 Definitions. #####\n\nAs used in this subpart, the "
          "following terms have the following meanings:\n\n*Designated record set* means a group of records "
          "maintained by or for a covered entity.\n\n[65 FR 82802, Dec. 28, 2000]")
    ctx = assemble([tmp_path], progress=lambda _m: None)
    iri = concept("45-cfr-164", "164.501", "Designated record set")
    assert ctx.graph.value(iri, MEDKG.definedIn) == IRI.cfr("45", "164", "164.501")
    assert ctx.graph.value(IRI.scheme("45-cfr-164"), DCTERMS.title) == Literal("45 CFR Part 164 — Security and "
                                                                               "Privacy", lang="en")
    assert not ctx.diagnostics.errors


def test_bad_input_is_reported_with_file_and_line_and_the_rest_kept(tmp_path: Path) -> None:
    folder = tmp_path / "part-Medicare" / "subpart-A-General"
    write(folder, "section-405.1.md", "##### § 405.1 Scope. #####\n\n*Good term* means a kept definition.\n\n"
          "*—* means a definition without a term.\n")
    write(folder, "section-405.2.md", "Heading lost. #####\n\n*Other term* means a definition after a bad heading.\n")
    ctx = assemble([folder.parent], forced="ecfr-markdown", progress=lambda _m: None)
    by_code = {d.code: d for d in ctx.diagnostics.items}
    assert by_code["ecfr.heading"].location.file.endswith("section-405.2.md")
    assert by_code["ecfr.heading"].location.line == 1
    assert "part-Medicare" in by_code["ecfr.part-folder"].message
    assert by_code["ecfr.part-folder"].location.file.endswith(".md")
    assert by_code["definition.empty-term"].location.file.endswith("section-405.1.md")
    assert by_code["definition.empty-term"].location.line == 5
    g = ctx.graph
    assert (concept("42-cfr-405", "405.1", "Good term"), RDF.type, MEDKG.RegulatoryConcept) in g
    assert (concept("42-cfr-405", "405.2", "Other term"), RDF.type, MEDKG.RegulatoryConcept) in g
    assert all(str(label).strip(" -—") for label in g.objects(None, SKOS.prefLabel))
