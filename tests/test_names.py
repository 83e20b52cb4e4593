"""The one text-folding function (medkg.names.fold) and what is built on it: slugs, label keys, search."""

from __future__ import annotations

import re

import pytest
from medkg.linkeddata import search
from medkg.names import ACRONYM, fold
from medkg.pipeline.labels import normalize_label


@pytest.mark.parametrize(("text", "folded"), [
    ("Organización  Patrocinada (PSO)", "organizacion patrocinada pso"),
    ("managed-care-plan", "managed care plan"),
    ("Managed Care Plan", "managed care plan"),
    ("Straße", "strasse"),
    ("ﬁnal", "final"),  # compatibility forms unfold
    ("the individual’s election", "the individual s election"),  # a typographic apostrophe is punctuation too
    ("the individual's election", "the individual s election"),
    ("  ", ""),
])
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_label_keys_and_search_compare_folded_text() -> None:
    assert normalize_label("Provider-Sponsored  Organization") == fold("provider_sponsored organization")
    assert search.fold is fold


@pytest.mark.parametrize("text", ["PSO", "MA-PDs", "U.S.", "Ad", "HCBS", "FQHC", "MSAs", "PD"])
def test_acronyms(text: str) -> None:
    assert re.fullmatch(ACRONYM, text)


@pytest.mark.parametrize("text", ["Drugs", "State", "Pension", "subasta", "A", "pso", "Medicare"])
def test_qualifiers_are_no_acronyms(text: str) -> None:
    assert not re.fullmatch(ACRONYM, text)


def test_the_one_acronym_pattern_serves_glossaries_definitions_and_search() -> None:
    from medkg.pipeline.regulatory.definitions import split_term
    from medkg.pipeline.sources.glossary_common import split_acronym

    assert split_acronym("Provider Sponsored Organization (PSO)") == ("Provider Sponsored Organization", "PSO")
    assert split_acronym("Brand Name (Drugs)") == ("Brand Name (Drugs)", None)
    assert split_term("Medicare Advantage (MA)") == ("Medicare Advantage", ["MA"])
    assert split_term("Medicare Advantage or MA") == ("Medicare Advantage", ["MA"])
    entries = search._entries("https://example.org/c", "pref", "Brand Name (Drugs) or Plan (PSO)", "en")
    assert [e.text for e in entries if e.kind == "acronym"] == ["PSO"]
