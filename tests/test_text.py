"""The one text-folding function (medkg.text.fold) and what is built on it: slugs, label keys, search."""

from __future__ import annotations

import pytest
from medkg.linkeddata import search
from medkg.pipeline.iris import slugify
from medkg.pipeline.labels import normalize_label
from medkg.text import fold


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


@pytest.mark.parametrize(("text", "slug"), [
    ("Accountable Care Organization (ACO)", "accountable-care-organization-aco"),
    ("§ 422.350", "422.350"),
    ("Beneficiary’s Rights & Duties", "beneficiarys-rights-and-duties"),
    ("Cobertura médica", "cobertura-medica"),
    ("***", "x"),
])
def test_slugs_are_folded_text_with_hyphens(text: str, slug: str) -> None:
    assert slugify(text) == slug
