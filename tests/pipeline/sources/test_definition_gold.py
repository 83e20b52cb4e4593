"""Definition extraction scored against the hand-checked gold list (tests/data/ecfr_gold_terms.txt).

The list was made by reading the texts, not by running the parser, so this test can catch what the parser's own
patterns would miss: recall and precision must each be at least 99% over every section the list covers.
"""

from __future__ import annotations

import pytest
from medkg.pipeline.context import BuildContext

from tests.support.gold import extracted, gold_terms, score
from tests.support.paths import shared_path
from tests.support.regulatory import SEED, build


@pytest.fixture(scope="module")
def ctx() -> BuildContext:
    return build(str(SEED), *(str(shared_path("data", name)) for name in (
        "ecfr-md-42cfr-part422", "ecfr-md-42cfr-part423", "uscode-title42-partC")))


def test_recall_and_precision_against_the_gold_list(ctx: BuildContext) -> None:
    gold, sections = gold_terms()
    precision, recall, false_positives, missed = score(extracted(ctx), gold, sections)
    assert recall >= 0.99 and precision >= 0.99, (f"P={precision:.3f} R={recall:.3f}", sorted(missed),
                                                 sorted(false_positives))


def test_the_gold_list_covers_every_section_of_the_corpora() -> None:
    _, sections = gold_terms()
    for name in ("ecfr-md-42cfr-part422", "ecfr-md-42cfr-part423"):
        files = {p.stem.removeprefix("section-") for p in shared_path("data", name).rglob("section-*.md")}
        assert files <= sections, sorted(files - sections)
    assert {"422.350", "422.352", "1395w-21", "1395w-28"} <= sections
