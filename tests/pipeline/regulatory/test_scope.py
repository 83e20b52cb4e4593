"""Scope of definitions ("As used in this subpart", "For purposes of this section", …) and applicable definitions,
on composed eCFR files of a part we do not ship (part 405) and on the real parts 422 and 423 and the statute."""

from __future__ import annotations

from pathlib import Path

import pytest
from medkg.assets import SPARQL_EXAMPLES_DIR
from medkg.pipeline.context import PREFIXES, BuildContext
from medkg.pipeline.iris import MEDKG, IRIs
from medkg.pipeline.labels import normalize_label
from medkg.pipeline.regulatory.scope import Hierarchy, applicable, scope_index, term_key
from rdflib import DCTERMS, SKOS, Literal, URIRef

from tests.support.paths import shared_path
from tests.support.regulatory import assemble_part
from tests.support.regulatory import build as build_cached

IRI = IRIs()
CFR405 = "https://w3id.org/medkg/cfr/42/405/"

SECTIONS = {
    "subpart-I-Determinations-Appeals/section-405.902.md": """##### § 405.902 Definitions. #####

For the purposes of this subpart, the term—

*Appellant* means the beneficiary, provider or supplier who has filed an appeal.

*Party* means a person who may appeal a determination.

*Redetermination* means a second look at a claim by the contractor.

[70 FR 11472, Mar. 8, 2005]
""",
    "subpart-I-Determinations-Appeals/section-405.904.md": """##### § 405.904 Medicare initial determinations. #####

(a) *Definitions.* As used in this section, the following definitions apply:

*Party* means the beneficiary only.

(b) *Appeals.* An appellant may request a redetermination. Each party is notified of the redetermination.

(c) *Notice.* A “covered person” as used in this paragraph means the beneficiary named on the claim.

[70 FR 11472, Mar. 8, 2005]
""",
    "subpart-J-Expedited-Reviews/section-405.1200.md": """##### § 405.1200 Notifying beneficiaries. #####

(a) Every party to a termination is told of the decision; an appellant is not a term of this subpart.

(b) *Timeliness,* for purposes of this section, means two days from the notice.

[70 FR 11472, Mar. 8, 2005]
""",
}


@pytest.fixture(scope="module")
def part405(tmp_path_factory: pytest.TempPathFactory) -> BuildContext:
    return assemble_part(tmp_path_factory.mktemp("ecfr") / "part-405-Federal-Health-Insurance", SECTIONS)


def defined(ctx: BuildContext, label: str, section: str) -> URIRef:
    found = [c for c in ctx.graph.subjects(SKOS.prefLabel, Literal(label, lang="en"))
             if f"/{section}" in str(ctx.graph.value(c, MEDKG.definedIn))]
    assert len(found) == 1, (label, section, found)
    return found[0]  # type: ignore[return-value]


def test_scope_follows_the_words_that_set_it(part405: BuildContext) -> None:
    g = part405.graph
    scope = {(label, section): g.value(defined(part405, label, section), MEDKG.scope)
             for label, section in [("Appellant", "405.902"), ("Party", "405.902"), ("Party", "405.904"),
                                    ("Timeliness", "405.1200")]}
    assert scope == {("Appellant", "405.902"): URIRef(CFR405 + "subpart-I"),  # the definitions section's lead-in
                     ("Party", "405.902"): URIRef(CFR405 + "subpart-I"),
                     ("Party", "405.904"): URIRef(CFR405 + "405.904"),  # "As used in this section" in (a)
                     ("Timeliness", "405.1200"): URIRef(CFR405 + "405.1200")}  # its own qualifier
    evidence = str(g.value(defined(part405, "Party", "405.904"), MEDKG.scopeEvidence))
    assert evidence == "“As used in this section” (42 CFR 405.904(a))"


def test_applicable_definitions_narrowest_scope_wins(part405: BuildContext) -> None:
    g = part405.graph
    tree = Hierarchy(part405)
    index = scope_index(g.subject_objects(MEDKG.scope))

    def key(concept: URIRef) -> str:
        return term_key(str(v) for v in g.objects(concept, SKOS.prefLabel))

    def governing(provision: str) -> set[tuple[str, str]]:
        chain = tree.chain(URIRef(CFR405 + provision))
        return {(str(g.value(c, SKOS.prefLabel)), str(g.value(c, MEDKG.definedIn)).split("/405/")[1].split("/")[0])
                for c, _ in applicable(chain, lambda p: index.get(p, []), key)}

    # in 405.904 "Party" is the section's own definition; the subpart's Appellant and Redetermination apply too
    assert governing("405.904/b") == {("Party", "405.904"), ("Appellant", "405.902"),
                                      ("Redetermination", "405.902")}
    # elsewhere in subpart I the subpart's "Party" governs; subpart J has only its own section's term
    assert ("Party", "405.902") in governing("405.902")
    assert governing("405.1200/a") == {("Timeliness", "405.1200")}
    party_i = defined(part405, "Party", "405.902")
    assert (party_i, MEDKG.appliesIn, URIRef(CFR405 + "405.902")) in g
    assert (party_i, MEDKG.appliesIn, URIRef(CFR405 + "405.904")) not in g  # the narrower definition wins there
    assert (party_i, MEDKG.appliesIn, URIRef(CFR405 + "405.1200")) not in g  # outside its scope


def test_every_regulatory_concept_has_one_scope(part405: BuildContext) -> None:
    g = part405.graph
    concepts = set(g.subjects(SKOS.definition, None))
    assert concepts and all(len(set(g.objects(c, MEDKG.scope))) == 1 for c in concepts)


def test_a_second_provision_named_beside_this_one_is_in_scope_too() -> None:
    """"In this subsection and subsection (m)", "For purposes of this subsection and section 1395w–24 of this
    title": both provisions are the scope, and the definition applies in both."""
    g = build_cached(str(shared_path("data", "uscode-title42-partC"))).graph
    usc = IRI.base + "usc/42/"
    qualifying = next(c for c in g.subjects(SKOS.prefLabel, Literal("Qualifying MA organization", lang="en")))
    assert set(g.objects(qualifying, MEDKG.scope)) == {URIRef(usc + "1395w-23/l"), URIRef(usc + "1395w-23/m")}
    assert str(g.value(qualifying, MEDKG.scopeEvidence)).startswith("“In this subsection and subsection (m)”")
    telehealth = next(c for c in g.subjects(SKOS.prefLabel, Literal("Additional telehealth benefits", lang="en")))
    assert set(g.objects(telehealth, MEDKG.scope)) == {URIRef(usc + "1395w-22/m"), URIRef(usc + "1395w-24")}
    assert (telehealth, MEDKG.appliesIn, URIRef(usc + "1395w-24")) in g


def real() -> BuildContext:
    sources = [shared_path("data", "ecfr-md-42cfr-part422"), shared_path("data", "ecfr-md-42cfr-part423"),
               shared_path("data", "uscode-title42-partC")]
    return build_cached(*map(str, sources))


def scope_of(ctx: BuildContext, label: str, home: str) -> str:
    found = [c for c in ctx.graph.subjects(SKOS.prefLabel, None)
             if normalize_label(str(c and ctx.graph.value(c, SKOS.prefLabel))) == normalize_label(label)
             and str(ctx.graph.value(c, MEDKG.definedIn)).endswith(home)]
    assert len(found) == 1, (label, home, found)
    return str(ctx.graph.value(found[0], MEDKG.scope)).removeprefix(IRI.base)


def test_real_scopes_of_parts_422_423_and_the_statute() -> None:
    ctx = real()
    assert scope_of(ctx, "MA plan", "cfr/42/422/422.2") == "cfr/42/422"  # "As used in this part -"
    assert scope_of(ctx, "Grievance", "cfr/42/422/422.561") == "cfr/42/422/subpart-M"  # "As used in this subpart"
    assert scope_of(ctx, "Capitation", "422.208/a") == "cfr/42/422/subpart-E"  # "In this subpart, the following"
    assert scope_of(ctx, "Substantial financial risk", "422.208/a") == "cfr/42/422/422.208"  # ", for purposes of"
    assert scope_of(ctx, "Electronic exchange", "422.135/a") == "cfr/42/422/422.135"
    assert scope_of(ctx, "Prescriber", "423.159/a") == "cfr/42/423/423.159"
    assert scope_of(ctx, "Downstream entity", "423/423.501") == "cfr/42/423/subpart-K"
    # the statute: "In this part" is 42 U.S.C. chapter 7, subchapter XVIII, part C, which holds its sections
    assert scope_of(ctx, "Provider-sponsored organization", "1395w-25/d/1") == \
        "usc/42/chapter-7/subchapter-XVIII/part-C"
    assert scope_of(ctx, "Health care provider", "1395w-25/d/5") == "usc/42/1395w-25/d"  # "In this subsection"
    part_c = IRI.base + "usc/42/chapter-7/subchapter-XVIII/part-C"
    assert ctx.graph.value(IRI.usc("42", "1395w-25"), DCTERMS.isPartOf) == URIRef(part_c)
    assert str(ctx.graph.value(URIRef(part_c), MEDKG.citationLabel)) == \
        "42 U.S.C. Chapter 7, Subchapter XVIII, Part C"
    assert ctx.graph.value(URIRef(part_c), DCTERMS.isPartOf) == URIRef(IRI.base + "usc/42")


def test_real_build_every_regulatory_concept_scoped() -> None:
    g = real().graph
    concepts = set(g.subjects(MEDKG.definedIn, None))
    assert len(concepts) > 200
    assert all(1 <= len(set(g.objects(c, MEDKG.scope))) <= 2 for c in concepts)


def test_scope_detection_needs_the_words_at_a_sentence_start(tmp_path: Path) -> None:
    """"as defined in this section" inside a definition is a reference, not a scope."""
    ctx = assemble_part(tmp_path / "part-405", {"subpart-I-x/section-405.910.md": (
        "##### § 405.910 Appointed representatives. #####\n\n(a) *Representative* means a person named as "
        "defined in this part to act for a party.\n\n[70 FR 11472, Mar. 8, 2005]\n")})
    rep = defined(ctx, "Representative", "405.910")
    assert ctx.graph.value(rep, MEDKG.scope) == URIRef(CFR405 + "405.910")
    assert str(ctx.graph.value(rep, MEDKG.scopeEvidence)).startswith("no scope stated")


def test_the_documented_sparql_pattern_gives_the_same_answer(part405: BuildContext) -> None:
    """The README's (and the endpoint's example) SPARQL pattern for applicable definitions agrees with
    ``applicable`` on every provision of the composed part."""
    query = (SPARQL_EXAMPLES_DIR / "8-applicable-definitions.rq").read_text(encoding="utf-8")
    g = part405.graph
    tree = Hierarchy(part405)
    index = scope_index(g.subject_objects(MEDKG.scope))
    for provision in sorted(set(g.subjects(MEDKG.text, None)), key=str):
        label = str(g.value(provision, MEDKG.citationLabel))
        rows = g.query(query.replace('"42 CFR 422.354"', f'"{label}"'), initNs=PREFIXES)
        by_sparql = {(row[0], row[2]) for row in rows}  # type: ignore[index]
        expected = set(applicable(tree.chain(provision), lambda p: index.get(p, []),
                                  lambda c: term_key(str(v) for v in g.objects(c, SKOS.prefLabel))))
        assert by_sparql == expected, label
