"""Links across sources: mentions, mappings with evidence, regulatory citations, and the end-to-end SPARQL walk."""

from __future__ import annotations

from pathlib import Path

import pytest
from medkg.namespaces import MEDKG
from medkg.pipeline.build import EXIT_OK, build
from medkg.pipeline.context import BuildContext
from medkg.pipeline.iris import IRIs
from medkg.pipeline.linking.mapping import link_mentions, map_concepts, variants
from rdflib import RDF, SKOS, Graph, Literal, URIRef

from tests.support.paths import shared_path
from tests.support.regulatory import SEED, concept_by_label
from tests.support.regulatory import build as assemble_cached

IRI = IRIs()


def concept(ctx: BuildContext, scheme: str, term: str, definition: str, glossary: bool = False,
            alt: tuple[str, ...] = ()) -> URIRef:
    iri = IRI.concept(scheme, term, scope=None if glossary else "422.350")
    kind = MEDKG.GlossaryConcept if glossary else MEDKG.RegulatoryConcept
    for triple in [(iri, RDF.type, SKOS.Concept), (iri, RDF.type, kind), (iri, SKOS.inScheme, IRI.scheme(scheme)),
                   (iri, SKOS.prefLabel, Literal(term, lang="en")),
                   (iri, SKOS.definition, Literal(definition, lang="en"))]:
        ctx.add(triple)
    if not glossary:
        ctx.add((iri, MEDKG.definedIn, IRI.cfr("42", "422", "422.350", "b")))
    for label in alt:
        ctx.add((iri, SKOS.altLabel, Literal(label, lang="en")))
    return iri


def test_mapping_strength_follows_the_labels() -> None:
    ctx = BuildContext(IRI)
    reg = concept(ctx, "42-cfr-422", "Coinsurance", "Coinsurance is a fixed percentage.")
    hmo = concept(ctx, "42-cfr-422", "Health maintenance organization", "HMO means …", alt=("HMO",))
    exact = concept(ctx, "healthcare-gov-glossary", "Coinsurance", "Coinsurance is a fixed percentage.", glossary=True)
    paraphrase = concept(ctx, "paraphrase-glossary", "Coinsurance", "Your share of the costs.", glossary=True)
    hyphen = concept(ctx, "other-glossary", "Co-insurance", "Your share.", glossary=True)
    acronym_only = concept(ctx, "other-glossary", "HMO", "A plan.", glossary=True)
    plural = concept(ctx, "other-glossary", "Health maintenance organizations (HMOs)", "Plans.", glossary=True)
    map_concepts(ctx)
    g = ctx.graph
    assert (exact, SKOS.exactMatch, reg) in g and (exact, SKOS.closeMatch, reg) not in g
    # the same label but a paraphrase, not the regulation's wording: close, never exact (mapping policy)
    assert (paraphrase, SKOS.closeMatch, reg) in g and (paraphrase, SKOS.exactMatch, reg) not in g
    assert (hyphen, SKOS.closeMatch, reg) in g and (hyphen, SKOS.exactMatch, reg) not in g
    assert (plural, SKOS.closeMatch, hmo) in g
    assert not list(g.objects(acronym_only, SKOS.exactMatch)) and not list(g.objects(acronym_only, SKOS.closeMatch))
    assert g.value(exact, MEDKG.regulatoryCitation) == IRI.cfr("42", "422", "422.350", "b")
    assert "same label “coinsurance”" in str(g.value(exact, MEDKG.mappingEvidence))
    assert variants("Co-payments") >= {"co payments", "copayments", "co payment", "copayment"}


def test_mentions_whole_words_longest_first_never_itself() -> None:
    ctx = BuildContext(IRI)
    worth = concept(ctx, "42-cfr-422", "Net worth", "Net worth means assets over liabilities, excluding fully "
                    "subordinated debt, and net worthless items.")
    debt = concept(ctx, "42-cfr-422", "Subordinated debt", "Subordinated debt means a debt.")
    sub = concept(ctx, "42-cfr-422", "Debt", "Debt means an obligation.")
    link_mentions(ctx)
    g = ctx.graph
    assert set(g.objects(worth, MEDKG.mentions)) == {debt}  # not "Debt" inside "subordinated debt", not itself
    assert set(g.objects(debt, MEDKG.mentions)) == {sub}


def test_seed_mentions(full: BuildContext) -> None:
    g = full.graph
    net_worth = concept_by_label(full, "42-cfr-422", "Net worth")
    assert concept_by_label(full, "42-cfr-422", "Subordinated debt") in set(g.objects(net_worth, MEDKG.mentions))
    guarantor = concept_by_label(full, "42-cfr-422", "Guarantor")
    assert concept_by_label(full, "42-cfr-422", "Provider-sponsored organization") in set(
        g.objects(guarantor, MEDKG.mentions))
    for s, o in g.subject_objects(MEDKG.mentions):
        assert s != o and g.value(s, SKOS.inScheme) == g.value(o, SKOS.inScheme)


@pytest.fixture(scope="module")
def sources() -> list[str]:
    return [str(SEED.parent), str(shared_path("data", "ecfr-md-42cfr-part422")),
            str(shared_path("data", "uscode-title42-partC")), str(shared_path("data", "healthcare-gov-glossary"))]


@pytest.fixture(scope="module")
def full(sources: list[str]) -> BuildContext:
    return assemble_cached(*sources)


WALK = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX medkg: <https://w3id.org/medkg/def/>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT DISTINCT ?definition ?paragraph ?statute ?notice ?date WHERE {
  ?term a medkg:GlossaryConcept ; skos:altLabel "PSO"@en ;
        skos:exactMatch|skos:closeMatch ?concept ; medkg:regulatoryCitation ?paragraph .
  ?concept a medkg:RegulatoryConcept ; skos:inScheme ?scheme ; skos:definition ?definition ;
           medkg:definedIn ?paragraph .
  FILTER(STRENDS(STR(?scheme), "42-cfr-422"))
  ?paragraph dct:isPartOf+ ?section .
  ?section medkg:provisionLevel "section" ; medkg:amendedBy ?notice .
  ?notice dct:date ?date .
  ?paragraph dct:isPartOf* ?unit .
  ?unit medkg:implements ?statute .
  ?concept skos:closeMatch ?statuteConcept .
  ?statuteConcept medkg:definedIn/dct:isPartOf* ?statute .
}
"""


def test_end_to_end_walk_from_glossary_term_to_law_and_history(sources: list[str], tmp_path: Path) -> None:
    result = build([Path(s) for s in sources], tmp_path / "out", progress=lambda _m: None)
    assert result.written and result.exit_code == EXIT_OK
    graph = Graph().parse(tmp_path / "out" / "graph.ttl")
    rows = list(graph.query(WALK))
    assert {(str(r[1]), str(r[2]), str(r[3]), str(r[4])) for r in rows} == {
        (str(IRI.cfr("42", "422", "422.350", "b")), str(IRI.usc("42", "1395w-25")),
         str(IRI.federal_register(63, page)), day) for page, day in ((25376, "1998-05-07"), (35098, "1998-06-26"))}
    assert all(str(r[0]).startswith("Provider-sponsored organization (PSO) means") for r in rows)
    changed = graph.query("""
        PREFIX medkg: <https://w3id.org/medkg/def/>
        PREFIX dct: <http://purl.org/dc/terms/>
        PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {
          ?c medkg:definedIn/dct:isPartOf* ?s . ?s medkg:amendedBy/dct:date ?d .
          FILTER(?d > "2000-12-31"^^xsd:date) }""")
    assert int(next(iter(changed))[0]) > 50  # "which definitions changed after 2000"
