"""What the site precomputes once per loaded build (held in ``app.extensions``): labels, ontology, search index."""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from rdflib import DCTERMS, OWL, RDFS, SKOS, Graph, Literal, URIRef

from ..assets import ONTOLOGY_FILE, SHAPES_DIR
from ..namespaces import MEDKG, ONTOLOGY_IRI, PREFIXES, SHAPES_IRI
from ..pipeline import layout
from ..pipeline.context import new_graph
from ..sparql.cache import AnswerCache
from ..store import Dataset
from .search import SearchIndex, build_index
from .terms import PathMap, triples
from .vocab import Vocabularies, load_vocabularies

# What names a resource on a page or in a document, first found first: a provision by its citation label.
DISPLAY_NAME_PROPERTIES = (SKOS.prefLabel, MEDKG.citationLabel, RDFS.label, DCTERMS.title)


@dataclass
class Site:
    """One build as the site sees it. Nothing here changes after start-up except the dump cache."""

    dataset: Dataset
    paths: PathMap
    ontology: Graph
    shapes: Graph
    labels: dict[str, dict[str, str]]
    provenance: dict[str, list[str]]
    index: SearchIndex
    vocab: Vocabularies = field(default_factory=lambda: Vocabularies([], {}))
    dumps: dict[str, bytes] = field(default_factory=dict)
    dumps_lock: threading.Lock = field(default_factory=threading.Lock)
    documents: AnswerCache = field(default_factory=lambda: AnswerCache(0))
    annotator: Any = None  # annotator.Annotator, built on first use (annotator.annotator_of)

    @cached_property
    def triple_count(self) -> int:
        """Distinct triples of asserted ∪ inferred, counted once."""
        return self.dataset.triples

    @property
    def last_modified(self) -> datetime | None:
        built = self.dataset.manifest.get("built")
        return datetime.fromisoformat(built) if built else None

    def label(self, iri: str, lang: str = "en") -> str:
        """The best human label of ``iri``: preferred language, then untagged, then any; else the IRI."""
        names = self.labels.get(iri)
        if not names:
            return curie(iri)
        for key in (lang, "", "en"):
            if key in names:
                return names[key]
        return names[sorted(names)[0]]

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


def curie(iri: str) -> str:
    """``skos:Concept`` for an IRI in one of our prefixes' namespaces; the IRI itself otherwise."""
    for prefix, namespace in PREFIXES.items():
        local = iri[len(namespace):]
        if iri.startswith(namespace) and local and "/" not in local and "#" not in local:
            return f"{prefix}:{local}"
    return iri


def load_site(dataset: Dataset, cache_size: int = 0, cache_bytes: int = 0) -> Site:
    ontology = _parse_files([ONTOLOGY_FILE] if ONTOLOGY_FILE.is_file() else [])
    shapes = _parse_files(sorted(SHAPES_DIR.glob("*.ttl")) if SHAPES_DIR.is_dir() else [])
    labels = collect_labels(dataset, ontology)
    site = Site(dataset, PathMap(dataset.base), ontology, shapes, labels, _provenance(dataset.folder),
                SearchIndex([]))
    site.vocab = load_vocabularies(dataset, site.label)
    site.index = build_index(dataset, site.label, site.vocab)
    site.documents = AnswerCache(cache_size, cache_bytes)
    return site


def _parse_files(files: list[Path]) -> Graph:
    graph = new_graph()
    for path in files:
        graph.parse(path, format="turtle")
    return graph


def collect_labels(dataset: Dataset, ontology: Graph) -> dict[str, dict[str, str]]:
    """Every resource's labels per language tag ('' for untagged), from its first labelling property only.

    So a provision is named by its citation label even when its heading is language-tagged.
    """
    found: dict[str, dict[str, str]] = {}
    for prop in DISPLAY_NAME_PROPERTIES:
        pairs = [(s, o) for s, _, o in triples(dataset, predicate=prop)]
        pairs += [(s, o) for s, o in ontology.subject_objects(prop)]
        per_iri: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for s, o in pairs:
            if isinstance(s, URIRef) and isinstance(o, Literal) and str(s) not in found:
                per_iri[str(s)][o.language or ""].append(str(o))
        for iri, langs in per_iri.items():
            found[iri] = {lang: sorted(values)[0] for lang, values in langs.items()}
    return found


def _provenance(folder: Path) -> dict[str, list[str]]:
    """Subject IRI → the input locations (file:line) its triples came from, read from ``provenance.tsv``."""
    path = folder / layout.PROVENANCE
    result: dict[str, set[str]] = defaultdict(set)
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            key, _, location = line.partition("\t")
            if key.startswith("<") and location:
                result[key[1:key.index(">")]].add(location)
    return {iri: sorted(locs) for iri, locs in result.items()}
