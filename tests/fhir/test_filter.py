"""``FilterIndex`` (``$expand?filter=``) ranks exactly as ``SearchIndex.suggest`` on a synthetic vocabulary large
enough for every path of the index: big prefix ranges read in row order, sparse ones sorted, n-gram postings, and
the totals (including the omitted one). ``tests/fhir/test_real.py`` checks the same on the real build."""

from __future__ import annotations

from bisect import bisect_left

import pytest
from medkg.fhir.filtering import SCAN_LIMIT, SORT_LIMIT, TOTAL_BUDGET, FilterIndex
from medkg.linkeddata.search import Entry, SearchIndex, fold

N = 12_000


def entry(iri: str, kind: str, text: str, lang: str = "en", tier: int = 1) -> Entry:
    return Entry(iri, kind, text, lang, fold(text), tier)


@pytest.fixture(scope="module")
def indexes() -> tuple[SearchIndex, FilterIndex, list[str]]:
    entries = []
    for i in range(N):
        iri = f"https://example.org/c/{i:05d}"
        entries.append(entry(iri, "pref", f"Term {i}"))
        if i % 2 == 0:
            entries.append(entry(iri, "pref", f"Término {i}", "es"))
        if i % 5 == 0:
            entries.append(entry(iri, "alt", f"T{i}"))
        if i % 7 == 0:
            entries.append(entry(iri, "hidden", f"TERM NUMBER {i}"))
        if i % 11 == 0:
            entries.append(entry(iri, "acronym", f"TN{i % 100}"))
        if i % 3 == 0:  # the same label as another concept's: official (tier 0) and publisher's namesakes
            entries.append(entry(iri, "alt" if i % 2 else "pref", f"Term {i // 3}", tier=0 if i % 4 else 1))
    concepts = sorted({e.iri for e in entries})
    ids = {iri: n for n, iri in enumerate(concepts)}
    schemes = [(n % 3,) for n in range(len(concepts))]
    return SearchIndex(entries), FilterIndex(entries, ids, schemes), concepts


QUERIES = ["t", "te", "term", "term ", "termi", "término", "termino 1", "termino 11", "term 1", "term 11",
           "term 1199", "t1", "t10", "tn1", "tn", "number", "number 7", "12", "999", "rmino 4", "zz", "term number",
           "terms", "o 11", "1 1", "term 5", "term 12", "term 2", "term 10", "tn11", "term number 77", "term 3000"]


@pytest.mark.parametrize("q", QUERIES)
def test_same_order_and_total_as_suggest(indexes: tuple[SearchIndex, FilterIndex, list[str]], q: str) -> None:
    search, fast, concepts = indexes
    expected = [h.iri for h in search.suggest(q, limit=10**6)]
    for offset, count in ((0, 10), (0, 50), (37, 20), (0, 10**6)):
        page = fast.search(q, offset, count)
        assert [concepts[c] for c in page.concepts] == expected[offset:offset + count], (q, offset)
        assert page.total in (None, len(expected))
        if len(fold(q)) <= 3 or len(expected) <= TOTAL_BUDGET // 4:
            assert page.total == len(expected), q


def test_the_paths_are_exercised(indexes: tuple[SearchIndex, FilterIndex, list[str]]) -> None:
    """The vocabulary is big enough for the row-order scan and its sorted fall-back to be used."""
    _, fast, _ = indexes
    keys = fast.prefix[0][0]
    span = bisect_left(keys, "termino\x7f") - bisect_left(keys, "termino")
    assert span > SORT_LIMIT and fast.first_other > SCAN_LIMIT
    assert fast.search("term", 0, 10).total is None  # 4+ characters in more than TOTAL_BUDGET labels: not counted


def test_one_scheme(indexes: tuple[SearchIndex, FilterIndex, list[str]]) -> None:
    search, fast, concepts = indexes
    number = {iri: n for n, iri in enumerate(concepts)}
    for q in ("t", "te", "termino 1", "term 11"):
        expected = [h.iri for h in search.suggest(q, limit=10**6) if number[h.iri] % 3 == 1]
        page = fast.search(q, 5, 30, scheme=1)
        assert [concepts[c] for c in page.concepts] == expected[5:35], q
        assert page.total in (None, len(expected))


def test_an_official_namesake_comes_first(indexes: tuple[SearchIndex, FilterIndex, list[str]]) -> None:
    """"Term 2" is the preferred label of a publisher's concept (2) and of an official one (6): 6 first."""
    search, fast, concepts = indexes
    expected = [h.iri for h in search.suggest("term 2", limit=3)]
    assert expected[:2] == [concepts[6], concepts[2]]
    assert [concepts[c] for c in fast.search("term 2", 0, 3).concepts] == expected
