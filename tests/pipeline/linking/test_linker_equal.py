"""The linear link steps give what the quadratic ones gave, on the real corpora: mentions found by Aho–Corasick
equal those of the one regular expression over every label (the reference, kept here), and glossary mappings found
through the key index equal those of comparing every glossary concept with every regulatory concept."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from medkg.namespaces import MEDKG
from medkg.pipeline.context import BuildContext
from medkg.pipeline.linking.mapping import _concepts, _keys, _labels, regulatory_schemes
from medkg.pipeline.linking.mentions import MentionMatcher
from rdflib import RDF, SKOS, URIRef

from tests.support.paths import shared_path
from tests.support.regulatory import SEED
from tests.support.regulatory import build as build_cached


def reference(labels: list[str]) -> re.Pattern[str]:
    """The former ``link_mentions``' expression: one alternation of every label, longest first."""
    ordered = sorted(labels, key=lambda s: (-len(s), s))
    alternatives = "|".join(re.escape(label) if len(label) <= 3 else f"(?i:{re.escape(label)})" for label in ordered)
    return re.compile(rf"(?<![\w-])({alternatives})(?:s|es)?(?![\w-])")


def reference_keys(pattern: re.Pattern[str], text: str) -> list[str]:
    return [w if len(w) <= 3 else w.lower() for w in (m.group(1) for m in pattern.finditer(text))]


def scheme_keys(ctx: BuildContext, scheme: str) -> list[str]:
    return sorted({label if len(label) <= 3 else label.lower()
                   for c in _concepts(ctx, scheme) for label in _labels(ctx, c)})


@pytest.fixture(scope="module")
def builds() -> list[BuildContext]:
    """The two real builds the regulatory and usage tests make (cached for the session): every corpus."""
    data = [str(shared_path("data", name)) for name in ("ecfr-md-42cfr-part422", "uscode-title42-partC",
                                                        "healthcare-gov-glossary", "ecfr-md-42cfr-part423")]
    return [build_cached(str(SEED.parent), *data[:3]), build_cached(data[0], data[3], data[1])]


def test_mentions_equal_the_regular_expression_on_every_real_text(builds: list[BuildContext]) -> None:
    compared = 0
    for ctx in builds:
        texts = [str(t) for p in (SKOS.definition, MEDKG.text) for t in ctx.graph.objects(None, p)]
        for scheme in regulatory_schemes(ctx):
            keys = scheme_keys(ctx, scheme)
            matcher, pattern = MentionMatcher(keys), reference(keys)
            for text in texts:
                assert matcher.keys_in(text) == reference_keys(pattern, text), (scheme, text[:80])
                compared += 1
    assert compared > 10_000


@pytest.mark.parametrize("text", ["MA plans and PLANS, the MA-PD plan", "an A B C D of a b", "Ma plan MAs", "Plans's"])
def test_mentions_equal_the_regular_expression_on_edge_cases(text: str) -> None:
    keys = ["a b", "b c d", "ma plan", "ma", "MA", "plan", "ma-pd", "plans", "A B"]
    assert MentionMatcher(keys).keys_in(text) == reference_keys(reference(keys), text)


def test_glossary_mappings_equal_every_pair_compared(builds: list[BuildContext]) -> None:
    ctx = builds[0]
    g = ctx.graph
    keyed = {c: _keys(ctx, c) for s in regulatory_schemes(ctx) for c in _concepts(ctx, s)}
    expected = set()
    for concept in (c for c in g.subjects(RDF.type, MEDKG.GlossaryConcept) if isinstance(c, URIRef)):
        exact, close = _keys(ctx, concept)
        expected |= {(concept, t) for t, (te, tc) in keyed.items() if exact & te or close & tc}
    mapped: dict[URIRef, set[URIRef]] = defaultdict(set)
    for prop in (SKOS.exactMatch, SKOS.closeMatch):
        for s, o in g.subject_objects(prop):
            if (s, RDF.type, MEDKG.GlossaryConcept) in g and o in keyed:
                mapped[s].add(o)  # type: ignore[index, arg-type]
    assert {(s, o) for s, os in mapped.items() for o in os} == expected
    assert len(expected) > 10
