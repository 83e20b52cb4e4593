"""Every output format, declared once: RDF syntaxes, the HTML page, SPARQL results; and where each is offered.

To add a format, add a ``Format`` to ``RDF`` (or ``RESULTS``) and its name to the offers that should carry it
(``EXPORT``, ``DOCUMENTS``, ``DUMPS``, ``SPARQL_GRAPH``, ``DESCRIPTION``, ``READ``). Each consumer (``medkg
export``, linked-data documents, dumps, the SPARQL endpoint, the service description, ``medkg validate``) reads
its offer from here; a format no serializer handles fails the registry test.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from . import namespaces

W3C_FORMATS = str(namespaces.W3C_FORMATS)


@dataclass(frozen=True)
class Format:
    """One format: short name (the URL suffix without its dot, the ``--format`` value) and what names it."""

    name: str
    title: str
    media_type: str  # the Content-Type we answer with
    suffix: str  # the file or URL suffix we write
    w3c: str = ""  # local name of its W3C format IRI (http://www.w3.org/ns/formats/…); "" when it has none
    rdflib: str = ""  # rdflib's parser/serializer name ("" for a format that is not RDF)
    oxigraph: ox.RdfFormat | None = None  # pyoxigraph's format
    media_aliases: tuple[str, ...] = ()  # other media types that select it, after every main type
    name_aliases: tuple[str, ...] = ()  # other names of it (e.g. in the SPARQL ``format`` parameter)
    read_suffixes: tuple[str, ...] = ()  # other file suffixes read as this format

    @property
    def iri(self) -> str:
        return W3C_FORMATS + self.w3c if self.w3c else ""

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.media_aliases)


def _by_name(*formats: Format) -> dict[str, Format]:
    return {f.name: f for f in formats}


RDF = _by_name(
    Format("ttl", "Turtle", "text/turtle", ".ttl", "Turtle", "turtle", ox.RdfFormat.TURTLE,
           ("application/x-turtle", "text/n3"), ("turtle", "n3"), (".turtle",)),  # Turtle is N3 too
    Format("nt", "N-Triples", "application/n-triples", ".nt", "N-Triples", "nt", ox.RdfFormat.N_TRIPLES,
           ("text/plain",), ("ntriples", "n-triples"), (".ntriples",)),
    Format("jsonld", "JSON-LD", "application/ld+json", ".jsonld", "JSON-LD", "json-ld", ox.RdfFormat.JSON_LD,
           ("application/json",), ("json-ld",), (".json",)),
    Format("rdfxml", "RDF/XML", "application/rdf+xml", ".rdf", "RDF_XML", "xml", ox.RdfFormat.RDF_XML,
           ("application/xml", "text/xml"), ("rdf", "rdf/xml", "rdf+xml"), (".xml", ".owl")),
    Format("trig", "TriG", "application/trig", ".trig", "TriG", "trig", ox.RdfFormat.TRIG),
    Format("nq", "N-Quads", "application/n-quads", ".nq", "N-Quads", "nquads", ox.RdfFormat.N_QUADS),
    Format("n3", "Notation3", "text/n3", ".n3", "N3", "n3", ox.RdfFormat.N3),
)
HTML = Format("html", "HTML", "text/html", ".html", media_aliases=("application/xhtml+xml",))
RESULTS = _by_name(
    Format("json", "SPARQL results in JSON", "application/sparql-results+json", ".srj", "SPARQL_Results_JSON",
           media_aliases=("application/json",), name_aliases=("srj",)),
    Format("xml", "SPARQL results in XML", "application/sparql-results+xml", ".srx", "SPARQL_Results_XML",
           media_aliases=("application/xml", "text/xml"), name_aliases=("srx",)),
    Format("csv", "SPARQL results in CSV", "text/csv", ".csv", "SPARQL_Results_CSV"),
    Format("tsv", "SPARQL results in TSV", "text/tab-separated-values", ".tsv", "SPARQL_Results_TSV"),
)
# Formats that are not RDF: the mappings as an SSSOM mapping set, and the FHIR terminology service's JSON.
SSSOM = Format("sssom", "SSSOM mapping set (TSV)", "text/tab-separated-values", ".sssom.tsv")
FHIR_JSON = Format("fhir", "FHIR R4 JSON", "application/fhir+json", ".json",
                   media_aliases=("application/json", "application/json+fhir"), name_aliases=("json",))

# Where each format is offered, in the server's order of preference (the order breaks negotiation ties).
EXPORT = ("ttl", "nt", "jsonld", "rdfxml")  # medkg export: deterministic bytes (pipeline.export); and SSSOM
DOCUMENTS = ("html", "ttl", "jsonld", "rdfxml", "nt", "trig", "nq")  # one resource's page and documents
DUMPS = ("ttl", "nt", "jsonld")  # whole-graph downloads under /dumps/
SPARQL_TABULAR = ("json", "xml", "csv", "tsv")  # SELECT and ASK answers
SPARQL_GRAPH = ("ttl", "nt", "rdfxml", "jsonld")  # CONSTRUCT and DESCRIBE answers
DESCRIPTION = ("ttl", "html", "rdfxml", "nt", "jsonld")  # the SPARQL service description (html: the editor)
READ = ("ttl", "nt", "jsonld", "rdfxml", "n3")  # what medkg validate reads, by file suffix


def get(name: str) -> Format:
    """The format called ``name`` (``html``, an RDF format or a SPARQL results format)."""
    if name == HTML.name:
        return HTML
    found = RDF.get(name) or RESULTS.get(name)
    if found is None:
        raise KeyError(f"unknown format {name!r}")
    return found


def offer(names: tuple[str, ...]) -> tuple[Format, ...]:
    return tuple(get(name) for name in names)


def by_media_type(names: tuple[str, ...]) -> dict[str, Format]:
    """Media type → format for an offer: every main type first, then the aliases (a wildcard picks a main type)."""
    formats = offer(names)
    mains = {f.media_type: f for f in formats}
    return mains | {t: f for f in formats for t in f.media_aliases if t not in mains}


def by_suffix(names: tuple[str, ...], reading: bool = False) -> dict[str, Format]:
    """File or URL suffix → format for an offer; ``reading`` adds the other suffixes a format is read under."""
    formats = offer(names)
    return {s: f for f in formats for s in (f.suffix, *(f.read_suffixes if reading else ()))}
