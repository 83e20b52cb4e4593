"""Search by citation: a provision or Federal Register notice found however its citation is typed.

"422.350", "§ 422.350(b)", "42 CFR 422.2", "42 C.F.R. part 422", "1395w-25", "42 U.S.C. § 1395w–25(d)" and
"63 FR 18134" each fold to a key ("422.350(b)", "42cfr422.2", …) compared with the keys of every citation label
of the build: the full label's and, for a CFR or U.S.C. citation, the same without its title ("422.350(b)").
An exact key ranks first; then the paragraphs under it ("422.350" → 422.350(a), (b), … in document order).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from rdflib import RDF

from ..namespaces import MEDKG
from ..packed import Columns, Postings, Strings, postings_columns
from ..store import Dataset
from .terms import triples

_DASHES = str.maketrans({"–": "-", "—": "-", "‑": "-", "\u202f": " ", "\xa0": " "})
_WORDS = re.compile(r"§+|¶|\b(?:sections?|sec\.|part|paragraph|para\.)(?![a-z])")
_TITLE = re.compile(r"^\d+(?:cfr|usc)")
_NUMBER = re.compile(r"\d+")
KINDS = ((MEDKG.Provision, "provision"), (MEDKG.FederalRegisterCitation, "Federal Register notice"))


def citation_key(text: str) -> str:
    """The key a citation is compared by: case, spaces, dashes, "§", "part", "section" and the dots of "C.F.R."
    and "U.S.C." do not count. Empty for a text with no digit (never a citation)."""
    if not any(c.isdigit() for c in text):
        return ""
    key = text.casefold().translate(_DASHES).replace("u.s.c.", "usc").replace("c.f.r.", "cfr")
    return "".join(_WORDS.sub(" ", key).split())


def _order(key: str) -> str:
    """Document order of keys: numbers compared as numbers, a paragraph after the one that holds it."""
    return _NUMBER.sub(lambda m: m[0].zfill(8), key)


class CitationIndex:
    """Citation keys → the provisions and notices they name, with each one's label and kind."""

    def __init__(self, named: Iterable[tuple[str, str, str]]) -> None:
        self.exact: dict[str, list[str]] = defaultdict(list)
        self.about: dict[str, tuple[str, str]] = {}  # iri → (label, kind)
        for iri, label, kind in sorted(named):
            self.about[iri] = (label, kind)
            key = citation_key(label)
            for k in {key, _TITLE.sub("", key)} - {""}:
                self.exact[k].append(iri)
        self.keys = sorted(self.exact)

    @classmethod
    def from_columns(cls, columns: Columns) -> CitationIndex:
        """The index as the build wrote it in the site index (``siteindex``), mapped, not loaded."""
        index = cls([])
        iris = columns.strings("cite.iri")
        postings = Postings(columns, "cite.exact")
        index.exact, index.keys = _Named(postings, iris), postings.keys  # type: ignore[assignment]
        index.about = _About(iris, columns.strings("cite.label"), columns.strings("cite.kind"))  # type: ignore[assignment]
        return index

    def columns(self) -> dict[str, Sequence[int] | Sequence[str]]:
        """What ``from_columns`` reads back."""
        iris = sorted(self.about)
        number = {iri: n for n, iri in enumerate(iris)}
        return {"cite.iri": iris, "cite.label": [self.about[i][0] for i in iris],
                "cite.kind": [self.about[i][1] for i in iris],
                **postings_columns("cite.exact", {k: [number[i] for i in v] for k, v in self.exact.items()})}

    def find(self, query: str, limit: int) -> list[tuple[int, str]]:
        """(0, iri) for every exact citation, then (1, iri) for the paragraphs under it, best first."""
        q = citation_key(query)
        if not q:
            return []
        exact = set(self.exact.get(q, ()))
        lo, hi = bisect_left(self.keys, q + "("), bisect_left(self.keys, q + "(\x7f")
        under = {iri for key in self.keys[lo:hi] for iri in self.exact[key]} - exact
        found = [(0, iri) for iri in sorted(exact, key=self._sort)]
        return (found + [(1, iri) for iri in sorted(under, key=self._sort)])[:limit]

    def _sort(self, iri: str) -> tuple[str, str]:
        label = self.about[iri][0]
        return _order(citation_key(label)), label


class _Named:
    """Citation key → the IRIs it names (mapped postings of IRI numbers)."""

    def __init__(self, postings: Postings, iris: Strings) -> None:
        self.postings, self.iris, self.keys = postings, iris, postings.keys

    def get(self, key: str, default: Iterable[str] = ()) -> Iterable[str]:
        found = self.postings.get(key)
        return default if found is None else [self.iris[n] for n in found]

    def __getitem__(self, key: str) -> list[str]:
        return list(self.get(key))


class _About:
    """IRI → (citation label, kind), from sorted columns."""

    def __init__(self, iris: Strings, labels: Strings, kinds: Strings) -> None:
        self.iris, self.labels, self.kinds = iris, labels, kinds

    def __getitem__(self, iri: str) -> tuple[str, str]:
        i = self.iris.bisect(iri)
        if i < len(self.iris) and self.iris[i] == iri:
            return self.labels[i], self.kinds[i]
        raise KeyError(iri)


def load_citations(data: Dataset, label: Callable[[str], str]) -> CitationIndex:
    """Every provision and Federal Register notice of the build, by its citation label."""
    named = [(str(s), label(str(s)), kind) for cls, kind in KINDS
             for s, _, _ in triples(data, predicate=RDF.type, obj=cls)]
    return CitationIndex(named)
