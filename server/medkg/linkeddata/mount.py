"""Mounting the linked-data site on the app: its indexes opened for the loaded build, its blueprints, its VoID hook."""

from __future__ import annotations

from flask import Flask
from rdflib import DCTERMS, Graph, URIRef

from .. import extensions
from ..namespaces import ONTOLOGY_IRI, SHAPES_IRI, VOID
from ..sparql.cache import MIB
from ..store import Dataset
from .downloads import dump_links, schema_dump_links
from .site import load_site


def register(app: Flask) -> None:
    """Open the site's indexes for the loaded build, then mount its blueprints."""
    from . import annotate_view, changes_view, dumps, views

    dataset: Dataset = app.extensions[extensions.DATASET]
    app.extensions[extensions.SITE] = load_site(dataset, int(app.config.get("PAGE_CACHE_SIZE") or 0),
                                                 int(app.config.get("PAGE_CACHE_MB") or 0) * MIB)
    app.register_blueprint(dumps.bp)
    app.register_blueprint(annotate_view.bp)
    changes_view.register(app, app.extensions[extensions.SITE])
    app.register_blueprint(views.bp)
    app.extensions.setdefault(extensions.VOID_HOOKS, []).append(lambda g, d, root: advertise_dumps(dataset, g, d, root))


def advertise_dumps(dataset: Dataset, graph: Graph, void_dataset: URIRef, root_url: str) -> None:
    """A hook of the SPARQL endpoint's VoID description: every data download as the dataset's ``void:dataDump``;
    the ontology as a ``void:vocabulary``, the shapes as ``dct:conformsTo``, each with its own downloads."""
    for url in dump_links(dataset, root_url):
        graph.add((void_dataset, VOID.dataDump, URIRef(url)))
    graph.add((void_dataset, VOID.vocabulary, URIRef(ONTOLOGY_IRI)))
    graph.add((void_dataset, DCTERMS.conformsTo, URIRef(SHAPES_IRI)))
    for schema, iri in (("ontology", ONTOLOGY_IRI), ("shapes", SHAPES_IRI)):
        for url in schema_dump_links(dataset, schema, root_url):
            graph.add((URIRef(iri), VOID.dataDump, URIRef(url)))

