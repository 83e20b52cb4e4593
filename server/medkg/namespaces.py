"""Every namespace and fixed IRI medkg uses, declared once (the prefixes of every graph we write come from here)."""

from __future__ import annotations

from rdflib import DCTERMS, OWL, RDF, RDFS, SKOS, XSD, Namespace

DEFAULT_BASE = "https://w3id.org/medkg/"  # the data's base IRI unless a build says otherwise (--base)
ONTOLOGY_IRI = "https://w3id.org/medkg/def"  # our ontology, fixed whatever the data base is
SHAPES_IRI = "https://w3id.org/medkg/shapes"  # our SHACL shapes graph
MEDKG = Namespace("https://w3id.org/medkg/def/")  # our vocabulary
ELI = Namespace("http://data.europa.eu/eli/ontology#")
PROV = Namespace("http://www.w3.org/ns/prov#")
VOID = Namespace("http://rdfs.org/ns/void#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
W3C_FORMATS = Namespace("http://www.w3.org/ns/formats/")
XSD_STRING = str(XSD.string)

# The prefixes bound in every graph we write and predeclared for every SPARQL query.
PREFIXES: dict[str, str] = {
    prefix: str(namespace)
    for prefix, namespace in (
        ("rdf", RDF), ("rdfs", RDFS), ("owl", OWL), ("xsd", XSD), ("skos", SKOS), ("dct", DCTERMS),
        ("prov", PROV), ("eli", ELI), ("void", VOID), ("medkg", MEDKG),
    )
}

__all__ = ["DCTERMS", "DEFAULT_BASE", "ELI", "MEDKG", "ONTOLOGY_IRI", "OWL", "PREFIXES", "PROV", "RDF", "RDFS", "SD",
           "SH", "SHAPES_IRI", "SKOS", "VOID", "W3C_FORMATS", "XSD", "XSD_STRING"]
