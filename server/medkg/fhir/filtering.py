"""``ValueSet/$expand?filter=``: the ranking of ``/suggest`` (``linkeddata.search``), answered without a scan.

``SearchIndex.suggest`` ranks a concept by its best label: 0 exact preferred label, 1 exact other label, 2 preferred
label starts with the text, 3 another label does, 4 a label contains it (its concept ranks, 2–6 there, less the
citation ranks); then by kind of label, length, text, official before publisher (``Entry.tier``) and IRI, except
that among exact labels the official definition comes before the kind of label. Here every label is a row numbered
in that order (kind, length, folded text, tier, IRI), so within each rank the rows come out already sorted (the
few rows of one exact text are put in their order once) and the first ``offset + count`` distinct concepts end the
search: exact labels come from a dict, prefixes from bisection of sorted texts, containment from a posting list of
the text's rarest 1-3-gram.
``tests/fhir/test_filter.py`` (a synthetic vocabulary that takes every path) and ``tests/fhir/test_real.py`` (the
real build) prove the order and the totals equal to ``SearchIndex.suggest``.

``total`` is exact for texts of up to three characters (each n-gram's concepts are counted at start-up; within one
scheme's value set when first asked, then remembered) and for
longer texts whose candidate rows number at most ``TOTAL_BUDGET``; beyond that it is None and the expansion omits
it (FHIR makes it optional; a client pages until a short page).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..linkeddata.search import KIND_ORDER, Entry, fold
from ..packed import Columns, Counts, Postings, postings_columns

GRAM = 3
TOTAL_BUDGET = 10_000  # candidate rows checked for an exact total of a text longer than GRAM
SORT_LIMIT = 4_096  # a prefix range this small is sorted at once; a larger one is first read in row order …
SCAN_LIMIT = 2_048  # … for this many rows (enough when matches are dense), then the rest of the range is sorted
_END = "\x7f"  # sorts after every character a folded text holds ([0-9a-z ])


@dataclass(frozen=True)
class Page:
    concepts: list[int]
    total: int | None


class FilterIndex:
    """Label rows of the concepts numbered in ``concept_ids``; ``schemes_of[c]`` are concept ``c``'s schemes.

    Built in memory from entries (by the build, and by tests), or mapped from the site index (``from_columns``): the
    same searches over lists and dicts, or over the mapped columns with the same ``[]``, ``len`` and ``get``."""

    folded: Sequence[str]
    concept: Sequence[int]
    prefix: list[tuple[Sequence[str], Sequence[int]]]
    exact: Any  # text → its rows: a dict of lists, or ``packed.Postings``
    grams: Any  # n-gram → its rows: a dict of arrays, or ``packed.Postings``
    gram_totals: Any  # n-gram → its concepts: a dict, or ``packed.Counts``

    def __init__(self, entries: Iterable[Entry], concept_ids: dict[str, int], schemes_of: list[tuple[int, ...]]):
        rows = sorted({(KIND_ORDER[e.kind], len(e.folded), e.folded, e.tier, e.iri) for e in entries
                       if e.kind != "definition" and e.folded and e.iri in concept_ids})
        self.folded = [r[2] for r in rows]
        self.concept = array("i", (concept_ids[r[4]] for r in rows))
        self.first_other = next((i for i, r in enumerate(rows) if r[0] > 0), len(rows))
        self.schemes_of = schemes_of
        self.exact = defaultdict(list)
        for i, text in enumerate(self.folded):
            self.exact[text].append(i)
        for found in self.exact.values():  # preferred labels, then others; the official definition first in each
            if len(found) > 1:
                found.sort(key=lambda i: (rows[i][0] > 0, rows[i][3], i))
        self.prefix = [_sorted_keys(self.folded, range(0, self.first_other)),
                       _sorted_keys(self.folded, range(self.first_other, len(rows)))]
        self.grams, self.gram_totals = self._grams()
        self.scheme_totals: dict[tuple[str, int], int] = {}  # (n-gram, scheme) → concepts, counted when first asked

    @classmethod
    def from_columns(cls, columns: Columns, schemes_of: list[tuple[int, ...]]) -> FilterIndex:
        """The rows as the build wrote them in the site index (``siteindex``), mapped, not loaded."""
        index = cls([], {}, schemes_of)
        index.folded, index.concept = columns.strings("filter.folded"), columns.ints("filter.concept")
        index.first_other = columns.meta["filter.first_other"]
        index.exact = Postings(columns, "filter.exact")  # type: ignore[assignment]
        index.prefix = [(columns.strings(f"filter.prefix{n}.keys"), columns.ints(f"filter.prefix{n}.rows"))
                        for n in (0, 1)]
        index.grams = Postings(columns, "filter.grams")  # type: ignore[assignment]
        index.gram_totals = Counts(columns.strings("filter.grams.keys"), columns.ints("filter.gram_totals"))
        return index

    def columns(self) -> tuple[dict[str, Any], dict[str, Sequence[int] | Sequence[str]]]:
        """What ``from_columns`` reads back: the meta and the columns."""
        columns: dict[str, Sequence[int] | Sequence[str]] = {
            "filter.folded": self.folded, "filter.concept": array("q", self.concept),
            **postings_columns("filter.exact", self.exact), **postings_columns("filter.grams", self.grams),
            "filter.gram_totals": array("q", (self.gram_totals[g] for g in sorted(self.grams)))}
        for n, (keys, rows) in enumerate(self.prefix):
            columns |= {f"filter.prefix{n}.keys": keys, f"filter.prefix{n}.rows": array("q", rows)}
        return {"filter.first_other": self.first_other}, columns

    def _grams(self) -> tuple[dict[str, array], dict[str, int]]:
        """n-gram (n ≤ 3) → the rows holding it, ascending; and → how many distinct concepts hold it."""
        rows: dict[str, array] = defaultdict(lambda: array("i"))
        concepts: dict[str, set[int]] = defaultdict(set)
        for i, text in enumerate(self.folded):
            c = self.concept[i]
            for gram in {text[j:j + n] for n in range(1, GRAM + 1) for j in range(len(text) - n + 1)}:
                rows[gram].append(i)
                concepts[gram].add(c)
        return dict(rows), {gram: len(found) for gram, found in concepts.items()}

    def search(self, text: str, offset: int, count: int, scheme: int | None = None) -> Page:
        """Concepts whose labels contain ``text``, best first: ``count`` of them from ``offset``, and the total."""
        q = fold(text)
        if not q:  # nothing searchable (e.g. only punctuation): /suggest finds nothing either
            return Page([], 0)
        schemes_of = self.schemes_of
        allowed: Callable[[int], bool] = (lambda c: True) if scheme is None else (lambda c: scheme in schemes_of[c])
        need, found, seen = offset + count, [], set()
        for row in self._ranked(q):
            c = self.concept[row]
            if c not in seen and allowed(c):
                seen.add(c)
                found.append(c)
                if len(found) >= need:
                    break
        return Page(found[offset:need], self._total(q, allowed, scheme))

    def _ranked(self, q: str) -> Iterator[int]:
        """Every row matching ``q``, in the order of ``SearchIndex.suggest`` (a concept may come more than once)."""
        yield from self.exact.get(q, ())
        for cls, rows in enumerate((range(0, self.first_other), range(self.first_other, len(self.folded)))):
            yield from self._prefixed(q, cls, rows)
        yield from (r for r in self._containing(q) if not self.folded[r].startswith(q))

    def _prefixed(self, q: str, cls: int, rows: range) -> Iterator[int]:
        keys, ids = self.prefix[cls]
        lo, hi = bisect_left(keys, q), bisect_left(keys, q + _END)
        if hi - lo <= SORT_LIMIT:
            yield from sorted(i for i in ids[lo:hi] if self.folded[i] != q)
            return
        folded, scanned = self.folded, rows[:SCAN_LIMIT]
        yield from (i for i in scanned if folded[i].startswith(q) and folded[i] != q)
        end = scanned.stop  # the matches are sparse in row order (e.g. longer labels only): sort the rest
        yield from (i for i in sorted(ids[lo:hi]) if i >= end and folded[i] != q)

    def _candidates(self, q: str) -> array:
        if len(q) <= GRAM:
            return self.grams.get(q, array("i"))
        grams = [self.grams.get(q[j:j + GRAM], array("i")) for j in range(len(q) - GRAM + 1)]
        return min(grams, key=len)

    def _containing(self, q: str) -> Iterator[int]:
        rows = self._candidates(q)
        return iter(rows) if len(q) <= GRAM else (r for r in rows if q in self.folded[r])

    def _total(self, q: str, allowed: Callable[[int], bool], scheme: int | None) -> int | None:
        if len(q) <= GRAM and scheme is None:
            return self.gram_totals.get(q, 0)
        if len(q) <= GRAM and scheme is not None:  # one scheme's value set: counted once, then remembered
            key = (q, scheme)
            if key not in self.scheme_totals:
                concept = self.concept
                self.scheme_totals[key] = len({concept[r] for r in self._candidates(q) if allowed(concept[r])})
            return self.scheme_totals[key]
        rows = self._candidates(q)
        if len(rows) > TOTAL_BUDGET:
            return None
        folded, concept = self.folded, self.concept
        return len({concept[r] for r in rows if q in folded[r] and allowed(concept[r])})


def _sorted_keys(folded: list[str], rows: range) -> tuple[list[str], list[int]]:
    pairs = sorted((folded[i], i) for i in rows)
    return [p[0] for p in pairs], [p[1] for p in pairs]
