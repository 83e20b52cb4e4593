"""What the site precomputes once per loaded build (held in ``app.extensions``): labels, ontology, search index."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from rdflib import OWL, Graph, URIRef

from ..assets import ONTOLOGY_FILE, SHAPES_DIR
from ..namespaces import MEDKG, ONTOLOGY_IRI, SHAPES_IRI
from ..packed import Columns
from ..pipeline.context import new_graph
from ..siteindex import Labels, Provenance, best_label, open_site_index
from ..sparql.cache import AnswerCache
from ..store import Dataset
from .language import spoken_in
from .search import SearchIndex, mapped_index
from .terms import PathMap
from .vocab import Vocabularies


@dataclass
class Site:
    """One build as the site sees it. Nothing here changes after start-up except the dump cache."""

    dataset: Dataset
    paths: PathMap
    ontology: Graph
    shapes: Graph
    labels: Labels  # IRI → display labels per language tag
    provenance: Mapping[str, list[str]]  # IRI → the input locations (file:line) of its triples
    index: SearchIndex
    packed: Columns  # the build's site index, mapped (``siteindex``)
    vocab: Vocabularies = field(default_factory=lambda: Vocabularies([], {}))
    dumps: dict[str, bytes] = field(default_factory=dict)
    dumps_lock: threading.Lock = field(default_factory=threading.Lock)
    documents: AnswerCache = field(default_factory=lambda: AnswerCache(0))
    annotator: Any = None  # annotator.Annotator, built on first use (annotator.annotator_of)

    @cached_property
    def triple_count(self) -> int:
        """Distinct triples of asserted ∪ inferred, counted once."""
        return self.dataset.triples

    @cached_property
    def languages(self) -> set[str]:
        """The languages of the site's preferred labels (among ours): A–Z and search offer a switch between them."""
        return spoken_in(self.dataset.store, self.dataset.asserted_graph)

    @property
    def last_modified(self) -> datetime | None:
        built = self.dataset.manifest.get("built")
        return datetime.fromisoformat(built) if built else None

    def label(self, iri: str, lang: str = "en") -> str:
        """The best human label of ``iri``: preferred language, then untagged, then any; else the IRI."""
        return best_label(self.labels.get(iri), iri, lang)

    def whole_graph(self, iri: str) -> Graph | None:
        """The graph ``iri`` names as a whole: the ontology (also under its version IRI) or the shapes."""
        if iri == ONTOLOGY_IRI or (None, OWL.versionIRI, URIRef(iri)) in self.ontology:
            return self.ontology
        return self.shapes if iri == SHAPES_IRI else None

    def fixed_graph(self, iri: str) -> Graph | None:
        """The ontology or shapes graph when ``iri`` lies in their fixed namespaces."""
        if iri == ONTOLOGY_IRI or iri.startswith(str(MEDKG)):
            return self.ontology
        if iri == SHAPES_IRI or iri.startswith(SHAPES_IRI + "#") or iri.startswith(SHAPES_IRI + "/"):
            return self.shapes
        return None


def load_site(dataset: Dataset, cache_size: int = 0, cache_bytes: int = 0) -> Site:
    ontology = _parse_files([ONTOLOGY_FILE] if ONTOLOGY_FILE.is_file() else [])
    shapes = _parse_files(sorted(SHAPES_DIR.glob("*.ttl")) if SHAPES_DIR.is_dir() else [])
    packed = open_site_index(dataset.folder)
    site = Site(dataset, PathMap(dataset.base), ontology, shapes, Labels(packed), Provenance(packed),
                SearchIndex([]), packed)
    site.vocab = Vocabularies.from_columns(packed)
    site.index = mapped_index(packed, dataset, site.vocab)
    site.documents = AnswerCache(cache_size, cache_bytes)
    return site


def _parse_files(files: list[Path]) -> Graph:
    graph = new_graph()
    for path in files:
        graph.parse(path, format="turtle")
    return graph
