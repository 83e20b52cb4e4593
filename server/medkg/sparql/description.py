"""The service description (SPARQL 1.1 Service Description) and the VoID description of the dataset.

Other parts of the site add to the VoID description (e.g. ``void:dataDump`` links) by appending a function
``(graph, dataset_iri, root_url) -> None`` to ``app.extensions[extensions.VOID_HOOKS]``; each is called when the
description is made.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from ..formats import SPARQL_GRAPH, SPARQL_TABULAR, offer
from ..namespaces import MEDKG, PROV, SD, VOID, W3C_FORMATS
from ..pipeline.context import new_graph
from ..store import Dataset

VoidHook = Callable[[Graph, URIRef, str], None]
COUNTED_CLASSES = (SKOS.Concept, SKOS.ConceptScheme, SKOS.Collection, MEDKG.Provision,
                   MEDKG.FederalRegisterCitation)


def class_counts(dataset: Dataset) -> dict[str, int]:
    """Sizes the description reports, counted once per process (the build never changes under us): instances of
    each class by class IRI, and triples under the keys "triples" (the union), "asserted" and "inferred"."""
    query = ("SELECT ?class (COUNT(DISTINCT ?s) AS ?n) { VALUES ?class { %s } VALUES ?g { %s } "
             "GRAPH ?g { ?s a ?class } } GROUP BY ?class")
    graphs = (dataset.asserted_graph, dataset.inferred_graph)
    # Our own constants, never user input.
    text = query % (" ".join(f"<{c}>" for c in COUNTED_CLASSES), " ".join(f"<{g.value}>" for g in graphs))
    result = dataset.store.query(text)
    assert isinstance(result, ox.QuerySolutions)
    counts = {row[0].value: int(row[1].value) for row in result}
    counts["triples"] = dataset.triples
    for name, iri in (("asserted", dataset.asserted_graph), ("inferred", dataset.inferred_graph)):
        counts[name] = sum(1 for _ in dataset.store.quads_for_pattern(None, None, None, iri))
    return counts


def describe(dataset: Dataset, counts: dict[str, int], endpoint: str, root_url: str,
             hooks: list[VoidHook]) -> Graph:
    """The sd:Service at ``endpoint`` with its default dataset, which is also the void:Dataset."""
    graph = new_graph()
    graph.bind("sd", SD)
    graph.bind("formats", W3C_FORMATS)
    service, data = URIRef(endpoint + "#service"), URIRef(endpoint + "#dataset")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(endpoint)))
    for language in (SD.SPARQL10Query, SD.SPARQL11Query):
        graph.add((service, SD.supportedLanguage, language))
    for fmt in offer(SPARQL_TABULAR + SPARQL_GRAPH):
        graph.add((service, SD.resultFormat, URIRef(fmt.iri)))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    graph.add((service, SD.defaultDataset, data))
    describe_graphs(graph, dataset, counts, data, endpoint)
    describe_void(graph, dataset, counts, data, endpoint)
    for hook in hooks:
        hook(graph, data, root_url)
    return graph


def describe_graphs(graph: Graph, dataset: Dataset, counts: dict[str, int], data: URIRef,
                    endpoint: str) -> None:
    """The default graph (the union) and the two named graphs, each with its size."""
    graph.add((data, RDF.type, SD.Dataset))
    default = URIRef(endpoint + "#default-graph")
    graph.add((data, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((default, VOID.triples, Literal(counts["triples"])))
    for name, iri in (("asserted", dataset.asserted_graph), ("inferred", dataset.inferred_graph)):
        named, described = URIRef(endpoint + f"#{name}"), URIRef(endpoint + f"#{name}-graph")
        graph.add((data, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(iri.value)))
        graph.add((named, SD.graph, described))
        graph.add((described, RDF.type, SD.Graph))
        graph.add((described, VOID.triples, Literal(counts[name])))


def describe_void(graph: Graph, dataset: Dataset, counts: dict[str, int], data: URIRef, endpoint: str) -> None:
    """VoID: size, entities, class partitions, vocabularies, endpoint, last build date."""
    manifest: dict[str, Any] = dataset.manifest
    graph.add((data, RDF.type, VOID.Dataset))
    graph.add((data, DCTERMS.title, Literal("medkg: health-policy terms and regulatory definitions", lang="en")))
    graph.add((data, VOID.sparqlEndpoint, URIRef(endpoint)))
    graph.add((data, VOID.uriSpace, Literal(dataset.base)))
    graph.add((data, VOID.triples, Literal(counts["triples"])))
    graph.add((data, VOID.entities, Literal(counts.get(str(SKOS.Concept), 0))))
    if manifest.get("built"):
        graph.add((data, DCTERMS.modified, Literal(manifest["built"], datatype=XSD.dateTime)))
    for vocabulary in (SKOS, DCTERMS, PROV, MEDKG):
        graph.add((data, VOID.vocabulary, URIRef(str(vocabulary))))
    for cls in COUNTED_CLASSES:
        partition = URIRef(endpoint + "#class-" + cls.split("/")[-1].split("#")[-1])
        graph.add((data, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], cls))
        graph.add((partition, VOID.entities, Literal(counts.get(str(cls), 0))))
