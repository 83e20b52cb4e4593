"""The site's indexes of one build (display labels, search entries, FHIR filter rows), written once by the build.

``medkg build`` and ``medkg index`` compute them into ``DIR/site-index.bin`` (``packed``: sorted columns, no
timestamps, so the same build gives the same bytes); every server worker maps that file read-only instead of
computing the indexes from the store, so their pages live once in the page cache however many workers there are.
A build folder without the file, or with one of another format, is refused with what to do (``medkg index DIR``).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import fields
from pathlib import Path

import pyoxigraph as ox
from rdflib import DCTERMS, RDF, RDFS, SKOS, Graph, Literal, URIRef

from .assets import ONTOLOGY_FILE
from .fhir.filtering import FilterIndex
from .linkeddata.search import Entry, build_index
from .linkeddata.terms import subject_objects, text
from .linkeddata.vocab import load_vocabularies
from .namespaces import MEDKG, PREFIXES
from .packed import Columns, StringMap, map_columns, write_packed
from .pipeline import layout
from .pipeline.context import new_graph
from .store import Dataset, NoStore, open_dataset

FORMAT = 3  # what the file holds; a file of another format is refused (run 'medkg index' again)
# What names a resource on a page or in a document, first found first: a provision by its citation label.
DISPLAY_NAME_PROPERTIES = (SKOS.prefLabel, MEDKG.citationLabel, RDFS.label, DCTERMS.title)

Columns_ = dict[str, Sequence[int] | Sequence[str]]


def no_index_message(folder: Path) -> str:
    return (f"{folder} has no site index of this medkg version ({folder / layout.SITE_INDEX} is missing or of "
            f"another format: the build was made by an older medkg or by hand); make one with 'medkg index "
            f"{folder}' (a minute at most), or run 'medkg build' again")


def open_site_index(folder: Path) -> Columns:
    """Map ``folder``'s site index; raises ``NoStore`` with what to do when it has none of this format."""
    try:
        columns = Columns.open(folder / layout.SITE_INDEX)
    except (OSError, ValueError) as error:
        raise NoStore(no_index_message(folder)) from error
    if columns.meta.get("version") != FORMAT or columns.meta.get("entry") != entry_fields():
        raise NoStore(no_index_message(folder))
    return columns


def entry_fields() -> list[str]:
    """The fields of a search entry, recorded in the file: a file written with other fields is another format."""
    return [f.name for f in fields(Entry)]


def write_site_index(folder: Path) -> None:
    """Compute the indexes of the build in ``folder`` (its store already written) and write them in one file."""
    dataset = open_dataset(folder)
    labels = collect_labels(dataset, parse_ontology())
    def label(iri: str) -> str:
        return best_label(labels.get(iri), iri)

    vocab = load_vocabularies(dataset, label)
    index = build_index(dataset, label, vocab)
    concepts = scheme_concepts(dataset)
    meta, rows = FilterIndex(index.entries, {iri: n for n, iri in enumerate(concepts)}, []).columns()
    columns: Columns_ = {**label_columns(labels), **index.columns(), **vocab.columns(), **rows,
                         "filter.concepts": concepts,
                         **map_columns("provenance", {iri: "\n".join(places) for iri, places in
                                                      read_provenance(folder).items()})}
    write_packed(folder / layout.SITE_INDEX, {"version": FORMAT, "entry": entry_fields(), **meta}, columns)


def parse_ontology() -> Graph:
    graph = new_graph()
    if ONTOLOGY_FILE.is_file():
        graph.parse(ONTOLOGY_FILE, format="turtle")
    return graph


def scheme_concepts(dataset: Dataset) -> list[str]:
    """Every skos:Concept in a skos:ConceptScheme, sorted: the concepts FHIR numbers (``fhir.terminology``)."""
    schemes = {s.value for s, _ in subject_objects(dataset, RDF.type, SKOS.ConceptScheme)
               if isinstance(s, ox.NamedNode)}
    concepts = {text(c) for c, _ in subject_objects(dataset, RDF.type, SKOS.Concept)}
    return sorted({text(c) for c, s in subject_objects(dataset, SKOS.inScheme) if text(s) in schemes} & concepts)


def collect_labels(dataset: Dataset, ontology: Graph) -> dict[str, dict[str, str]]:
    """Every resource's labels per language tag ('' for untagged), from its first labelling property only.

    So a provision is named by its citation label even when its heading is language-tagged.
    """
    found: dict[str, dict[str, str]] = {}
    for prop in DISPLAY_NAME_PROPERTIES:
        rows = [(s.value, o.language or "", text(o)) for s, o in subject_objects(dataset, prop)
                if isinstance(s, ox.NamedNode) and isinstance(o, ox.Literal)]
        rows += [(str(s), o.language or "", str(o)) for s, o in ontology.subject_objects(prop)
                 if isinstance(s, URIRef) and isinstance(o, Literal)]
        per_iri: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for iri, lang, label in rows:
            if iri not in found:
                per_iri[iri][lang].append(label)
        for iri, langs in per_iri.items():
            found[iri] = {lang: sorted(values)[0] for lang, values in langs.items()}
    return found


def best_label(names: Mapping[str, str] | None, iri: str, lang: str = "en") -> str:
    """The best human label of ``iri``: preferred language, then untagged, then any; else the IRI (as a CURIE)."""
    if not names:
        return curie(iri)
    for key in (lang, "", "en"):
        if key in names:
            return names[key]
    return names[sorted(names)[0]]


def curie(iri: str) -> str:
    """``skos:Concept`` for an IRI in one of our prefixes' namespaces; the IRI itself otherwise."""
    for prefix, namespace in PREFIXES.items():
        local = iri[len(namespace):]
        if iri.startswith(namespace) and local and "/" not in local and "#" not in local:
            return f"{prefix}:{local}"
    return iri


def label_columns(labels: dict[str, dict[str, str]]) -> Columns_:
    rows = sorted((iri, lang, text) for iri, names in labels.items() for lang, text in names.items())
    return {f"labels.{name}": [r[n] for r in rows] for n, name in enumerate(("iri", "lang", "text"))}


def read_provenance(folder: Path) -> dict[str, list[str]]:
    """Subject IRI → the input locations (file:line) its triples came from, read from ``provenance.tsv``."""
    path = folder / layout.PROVENANCE
    result: dict[str, set[str]] = defaultdict(set)
    if path.is_file():
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                key, _, location = line.rstrip("\n").partition("\t")
                if key.startswith("<") and location:
                    result[key[1:key.index(">")]].add(location)
    return {iri: sorted(locs) for iri, locs in result.items()}


class Provenance(Mapping[str, list[str]]):
    """IRI → the input locations of its triples, read from the site index."""

    def __init__(self, columns: Columns) -> None:
        self.places = StringMap(columns, "provenance")

    def __getitem__(self, iri: str) -> list[str]:
        return self.places[iri].split("\n")

    def __iter__(self) -> Iterator[str]:
        return iter(self.places)

    def __len__(self) -> int:
        return len(self.places)


class Labels(Mapping[str, dict[str, str]]):
    """IRI → its display labels per language tag, read from the site index (rows sorted by IRI, then tag)."""

    def __init__(self, columns: Columns) -> None:
        self.iris, self.langs, self.texts = (columns.strings("labels.iri"), columns.strings("labels.lang"),
                                             columns.strings("labels.text"))

    def __getitem__(self, iri: str) -> dict[str, str]:
        row, names = bisect_left(self.iris, iri), {}
        while row < len(self.iris) and self.iris[row] == iri:
            names[self.langs[row]] = self.texts[row]
            row += 1
        if not names:
            raise KeyError(iri)
        return names

    def __iter__(self) -> Iterator[str]:
        last = None
        for iri in self.iris:
            if iri != last:
                yield iri
                last = iri

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def named(self, text: str) -> list[str]:
        """The IRIs with a display label exactly ``text``, sorted."""
        return sorted({self.iris[row] for row in self.texts.rows_containing(text) if self.texts[row] == text})

