"""RDF documents about one resource: its triples, what was inferred about it, and the labels of what it links to.

Inferred triples (from the build's inferred named graph) are kept apart: in a named graph in JSON-LD, TriG and
N-Quads, and in a final commented section in Turtle and N-Triples. RDF/XML cannot mark them and gives the union.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from rdflib import SH, SKOS, Graph, URIRef

from .. import formats
from ..formats import Format
from ..pipeline.context import new_graph
from ..pipeline.export import serialize
from ..siteindex import DISPLAY_NAME_PROPERTIES
from .site import Site
from .terms import triples

# In the server's order of preference (formats.DOCUMENTS): the order breaks ties between equally acceptable types.
DOC_FORMATS: tuple[Format, ...] = formats.offer(formats.DOCUMENTS)
BY_SUFFIX = {f.suffix: f for f in DOC_FORMATS}
RDF_DOC_FORMATS = tuple(f for f in DOC_FORMATS if f is not formats.HTML)


@dataclass
class Description:
    """What a document about ``iri`` says, in three parts."""

    iri: str
    asserted: Graph
    inferred: Graph
    labels: Graph

    def __len__(self) -> int:
        return len(self.asserted) + len(self.inferred)

    @property
    def main(self) -> Graph:
        """Asserted triples plus the labels of linked resources: the default graph of the document."""
        graph = prefixed_graph()
        for triple in (*self.asserted, *self.labels):
            graph.add(triple)
        return graph


def bare_graph() -> Graph:
    """A graph with no prefixes bound (binding costs more than filling a small graph); see ``bound``."""
    return Graph(bind_namespaces="none")


def prefixed_graph() -> Graph:
    """An empty graph with our prefixes, and SHACL's for the shapes' documents."""
    graph = new_graph()
    graph.bind("sh", SH)
    return graph


def bound(graph: Graph) -> Graph:
    """A copy of ``graph`` with our prefixes bound, for the serializers that write prefixes."""
    copy = prefixed_graph()
    for triple in graph:
        copy.add(triple)
    return copy


def exists(site: Site, iri: str) -> bool:
    whole = site.whole_graph(iri)
    if whole is not None:
        return len(whole) > 0
    fixed = site.fixed_graph(iri)
    if fixed is not None and (URIRef(iri), None, None) in fixed:
        return True
    return next(triples(site.dataset, URIRef(iri)), None) is not None


def describe(site: Site, iri: str, labels: bool = True) -> Description:
    """The description of ``iri``; the ontology and the shapes IRIs describe their whole graphs."""
    asserted, inferred = bare_graph(), bare_graph()
    fixed, whole = site.fixed_graph(iri), site.whole_graph(iri)
    if whole is not None:
        for triple in whole:
            asserted.add(triple)
    elif fixed is not None:
        for triple in fixed.cbd(URIRef(iri)):  # with the blank nodes it uses (a shape's property shapes)
            asserted.add(triple)
    dataset = site.dataset
    for triple in triples(dataset, URIRef(iri), graph=dataset.asserted_graph):
        asserted.add(triple)
    for triple in triples(dataset, URIRef(iri), graph=dataset.inferred_graph):
        if triple not in asserted:
            inferred.add(triple)
    for triple in triples(dataset, URIRef(iri), SKOS.changeNote, graph=dataset.changes_graph):
        asserted.add(triple)  # the dated notes of the change log (build --previous) belong to the resource
    return Description(iri, asserted, inferred, linked_labels(site, asserted, inferred) if labels else bare_graph())


def linked_labels(site: Site, *graphs: Graph) -> Graph:
    """The labels of every IRI the graphs link to, so a client can name them without another request."""
    labels = bare_graph()
    targets = {o for g in graphs for o in g.objects() if isinstance(o, URIRef)}
    for target in sorted(targets):
        for prop in DISPLAY_NAME_PROPERTIES:
            for triple in triples(site.dataset, target, prop):
                labels.add(triple)
            for triple in site.ontology.triples((target, prop, None)):
                labels.add(triple)
    for g in graphs:
        for triple in g:
            labels.remove(triple)
    return labels


def render(description: Description, fmt: Format, context_url: str, inferred_graph: str) -> str:
    """The document text in one format (see the module docstring for where inferred triples go)."""
    main, inferred = description.main, bound(description.inferred)
    if fmt.suffix in (".ttl", ".nt"):
        text = serialize(main, fmt.name)
        if len(inferred):
            text += (f"\n# Inferred by OWL-RL (the named graph <{inferred_graph}>), "
                     "not asserted by any source:\n") + serialize(inferred, fmt.name)
        return text
    if fmt.suffix == ".rdf":
        union = description.main
        for triple in inferred:
            union.add(triple)
        return serialize(union, "rdfxml")
    if fmt.suffix == ".jsonld":
        return jsonld_document(main, inferred, context_url, inferred_graph)
    return _quads(main, inferred, inferred_graph, "trig" if fmt.suffix == ".trig" else "nquads")


def jsonld_document(main: Graph, inferred: Graph, context_url: str, inferred_graph: str) -> str:
    """JSON-LD referring to the published @context; inferred triples in a named graph node."""
    nodes = _jsonld_nodes(main)
    if len(inferred):
        nodes.append({"@id": inferred_graph, "@graph": _jsonld_nodes(inferred)})
    return json.dumps({"@context": context_url, "@graph": nodes}, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _jsonld_nodes(graph: Graph) -> list[Any]:
    if not len(graph):
        return []
    data = json.loads(serialize(graph, "jsonld"))
    if "@graph" in data:
        return list(data["@graph"])
    data.pop("@context", None)
    return [data]


def _quads(main: Graph, inferred: Graph, inferred_graph: str, syntax: str) -> str:
    """TriG or N-Quads written by hand from sorted N-Triples lines: deterministic, inferred triples in their graph."""
    lines = serialize(inferred, "nt").splitlines() if len(inferred) else []
    if syntax == "trig":
        named = f"\n<{inferred_graph}> {{\n" + "".join(f"  {line}\n" for line in lines) + "}\n" if lines else ""
        return serialize(main, "ttl") + named
    return serialize(main, "nt") + "".join(f"{line[:-2]} <{inferred_graph}> .\n" for line in lines)


def not_found_document(fmt: Format, iri: str, context_url: str) -> str:
    """An empty document in the format asked, saying what was not found where the format allows comments."""
    if fmt.suffix == ".jsonld":
        return json.dumps({"@context": context_url, "@graph": []}) + "\n"
    if fmt.suffix == ".rdf":
        return serialize(new_graph(), "rdfxml")
    return f"# not found: <{iri}>\n"
