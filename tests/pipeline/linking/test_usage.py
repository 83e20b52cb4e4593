"""Where defined terms are used (medkg:usesTerm): the matcher's rules, scope honoured, and the real build."""

from __future__ import annotations

from pathlib import Path

import pytest
from medkg.pipeline.context import BuildContext
from medkg.pipeline.iris import MEDKG
from medkg.pipeline.linking.usage import TermMatcher, is_acronym
from rdflib import SKOS, URIRef

from tests.pipeline.regulatory.test_scope import CFR405, SECTIONS, defined
from tests.support.paths import shared_path
from tests.support.regulatory import assemble_part
from tests.support.regulatory import build as build_cached

MA = URIRef("https://example.org/ma")
MA_PLAN = URIRef("https://example.org/ma-plan")
PLAN = URIRef("https://example.org/plan")
ENTITY = URIRef("https://example.org/entity")
PSO = URIRef("https://example.org/pso")
MATCHER = TermMatcher({MA: ["MA"], MA_PLAN: ["MA plan"], PLAN: ["Plan"], ENTITY: ["Related entity"],
                       PSO: ["Provider-sponsored organization", "PSO"]})


def found(text: str) -> list[tuple[str, URIRef]]:
    return [(text[s:e], c) for s, e, cs in MATCHER.matches(text) for c in cs]


def test_longest_match_first_and_whole_words() -> None:
    assert found("An MA plan offered by an MA organization under a plan.") == [
        ("MA plan", MA_PLAN), ("MA", MA), ("plan", PLAN)]
    assert found("planning a planet, an MA-PD, a non-plan") == []  # inside words and hyphenated compounds


def test_plurals_and_acronym_case() -> None:
    assert found("MA plans and PSOs; related entities") == [
        ("MA plans", MA_PLAN), ("PSOs", PSO), ("related entities", ENTITY)]
    assert found("ma, Ma and pso are not acronyms; a Provider-Sponsored Organization is") == [
        ("Provider-Sponsored Organization", PSO)]
    assert is_acronym("MA-PD") and is_acronym("R&I") and not is_acronym("Part D sponsor") and not is_acronym("A")


def test_counts() -> None:
    assert MATCHER.counts("A PSO is an MA plan. The PSO offers MA plans.") == {PSO: 2, MA_PLAN: 2}


@pytest.fixture(scope="module")
def part405(tmp_path_factory: pytest.TempPathFactory) -> BuildContext:
    return assemble_part(tmp_path_factory.mktemp("ecfr") / "part-405-Federal-Health-Insurance", SECTIONS)


def uses(ctx: BuildContext, provision: str) -> set[tuple[str, str]]:
    g = ctx.graph
    return {(str(g.value(c, SKOS.prefLabel)), str(g.value(c, MEDKG.definedIn)).split("/405/")[1])
            for c in g.objects(URIRef(CFR405 + provision), MEDKG.usesTerm)}


def test_uses_only_terms_whose_definition_applies(part405: BuildContext) -> None:
    # "party" in 405.904 is the section's own Party; "appellant", "redetermination" the subpart's
    assert uses(part405, "405.904/b") == {("Party", "405.904/a"), ("Appellant", "405.902"),
                                          ("Redetermination", "405.902")}
    # subpart J: "party" and "appellant" are words there, not the defined terms of subpart I
    assert uses(part405, "405.1200/a") == set()
    # the definitions section does not "use" a term by defining it
    party = defined(part405, "Party", "405.902")
    assert (URIRef(CFR405 + "405.902"), MEDKG.usesTerm, party) not in part405.graph


def test_a_second_occurrence_in_the_defining_paragraph_is_a_use(tmp_path: Path) -> None:
    ctx = assemble_part(tmp_path / "part-405", {"subpart-I-x/section-405.902.md": (
        "##### § 405.902 Definitions. #####\n\nFor the purposes of this subpart—\n\n*Party* means a person.\n\n"
        "*Appellant* means a party who appeals.\n\n[70 FR 11472, Mar. 8, 2005]\n")})
    section = URIRef(CFR405 + "405.902")
    assert set(ctx.graph.objects(section, MEDKG.usesTerm)) == {defined(ctx, "Party", "405.902")}


def test_real_build_uses_terms() -> None:
    sources = [shared_path("data", "ecfr-md-42cfr-part422"), shared_path("data", "ecfr-md-42cfr-part423"),
               shared_path("data", "uscode-title42-partC")]
    g = build_cached(*map(str, sources)).graph
    ma_org = next(c for c in g.subjects(SKOS.prefLabel, None) if str(g.value(c, SKOS.prefLabel)) == "MA organization"
                  and str(g.value(c, MEDKG.definedIn)).endswith("/422.2"))
    users = set(g.subjects(MEDKG.usesTerm, ma_org))
    assert len(users) > 100
    assert all("/cfr/42/422/" in str(p) for p in users)  # part 422's definition governs only part 422
    assert URIRef("https://w3id.org/medkg/cfr/42/422/422.504/a") in users
