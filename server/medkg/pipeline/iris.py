"""IRI policy: every IRI medkg mints is made here, from one base, so builds are stable.

The policy is documented in the README ("IRIs"). In short, under the data base IRI (``--base``):

- ``scheme/{scheme}``                      a concept scheme (one per source vocabulary)
- ``concept/{scheme}/{term}``              a glossary concept
- ``concept/{scheme}/{scope}/{term}``      a regulatory concept, scoped by the section that defines it
- ``collection/{scheme}/{category}``       a category of a glossary, as a ``skos:Collection``
- ``cfr/{title}/{part}[/subpart-X|/{section}[/{para}...]]``  a CFR provision, e.g. ``cfr/42/422/422.350/b/1``
- ``usc/{title}/{section}[/{para}...]``    a U.S. Code provision, e.g. ``usc/42/1395w-25/d``
- ``fr/{volume}/{page}``                   a Federal Register citation, e.g. ``fr/63/18134``

The ontology namespace (``MEDKG``) is fixed and independent of the base: it names our vocabulary, not our data.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
from rdflib import URIRef

from ..names import fold
from ..namespaces import DEFAULT_BASE, MEDKG, ONTOLOGY_IRI

__all__ = ["IRIs", "slugify"]

_WEB = re.compile(r"^https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]|$)")


def slugify(text: str) -> str:
    """Lower-case ASCII slug (``names.fold``, dots kept): "&" is "and", apostrophes vanish, every other run of
    characters becomes one hyphen."""
    text = text.replace("&", " and ").replace("'", "").replace("\u2019", "")
    return fold(text, keep=".").replace(" ", "-").strip("-.") or "x"


def is_iri(text: str) -> bool:
    """An absolute IRI as RFC 3987 defines it (checked by oxiri, the parser our query store uses)."""
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


def is_web_iri(text: str) -> bool:
    """An absolute http(s) IRI with a dotted host: what a source or licence URL must be."""
    return bool(_WEB.match(text)) and is_iri(text)


def normalize_base(base: str) -> str:
    """A base IRI always ends in a slash so that relative paths append cleanly."""
    if not re.match(r"^https?://[^\s/]+", base) or not is_iri(base):
        raise ValueError(f"base IRI must be an absolute http(s) IRI, got {base!r}")
    return base if base.endswith("/") else base + "/"


class IRIs:
    """Mints the IRIs of one build under one base."""

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        self.base = normalize_base(base)

    def _iri(self, *parts: str) -> URIRef:
        return URIRef(self.base + "/".join(parts))

    def scheme(self, scheme: str) -> URIRef:
        return self._iri("scheme", scheme)

    def concept(self, scheme: str, term: str, scope: str | None = None) -> URIRef:
        if scope:
            return self._iri("concept", scheme, slugify(scope), slugify(term))
        return self._iri("concept", scheme, slugify(term))

    def collection(self, scheme: str, category: str) -> URIRef:
        return self._iri("collection", scheme, slugify(category))

    def cfr(self, title: str, part: str, *rest: str) -> URIRef:
        """A CFR provision: ``rest`` is a subpart (``subpart-H``) or a section (``422.350``) and paragraphs."""
        return self._iri("cfr", title, part, *rest)

    def usc(self, title: str, section: str, *paragraphs: str) -> URIRef:
        return self._iri("usc", title, section, *paragraphs)

    def federal_register(self, volume: int, page: int) -> URIRef:
        return self._iri("fr", str(volume), str(page))

    def is_ours(self, iri: str) -> bool:
        return iri.startswith(self.base) or iri.startswith(str(MEDKG)) or iri.startswith(ONTOLOGY_IRI)
