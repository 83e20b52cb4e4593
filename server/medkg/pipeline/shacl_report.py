"""SHACL validation reports: the fast engine's results as a standard report graph, pySHACL as the reference, and
the comparable key of each result (so both engines can be proven equal)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyshacl
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..assets import ONTOLOGY_FILE, SHAPES_DIR
from ..namespaces import SH
from .context import new_graph
from .shacl_sparql import Result, compile_shapes, load_files, load_store, render_path, run_checks

ResultKey = tuple[Node, str | None, Node | None, Node, Node]


def load_shapes(folder: Path = SHAPES_DIR) -> Graph:
    """The union of every ``*.ttl`` shapes file: the single source of truth of the gate."""
    shapes = Graph()
    for path in sorted(folder.glob("*.ttl")):
        shapes.parse(path, format="turtle")
    return shapes


def load_ontology(path: Path = ONTOLOGY_FILE) -> Graph:
    return Graph().parse(path, format="turtle")


def validate_fast(data: Graph, shapes: Graph, ontology: Graph) -> list[Result]:
    """Validate ``data`` (with the ontology mixed in, as pySHACL's ``ont_graph``) with the SPARQL engine."""
    return run_checks(load_store(data, ontology), compile_shapes(shapes))


def validate(data: Graph, shapes: Graph, ontology: Graph, data_file: Path | None = None) -> list[Result]:
    """The fast engine; pySHACL only when the data holds a literal pyoxigraph refuses (an ill-formed language
    tag such as ``@en-a``, which rdflib reads but a BCP 47 parser does not). ``data_file``, when given, is
    ``data`` serialized as Turtle (the build's ``graph.ttl``): pyoxigraph reads it much faster."""
    try:
        loaded = load_files(ontology, data_file) if data_file else load_store(data, ontology)
    except (ValueError, SyntaxError):
        return results_from_report(validate_reference(data, shapes, ontology))
    return run_checks(loaded, compile_shapes(shapes))


def results_from_report(report: Graph) -> list[Result]:
    """The results of a SHACL report graph (pySHACL's) as our ``Result`` records."""
    results = []
    for node in report.objects(None, SH.result):
        get = report.value
        severity, component = get(node, SH.resultSeverity), get(node, SH.sourceConstraintComponent)
        assert isinstance(severity, URIRef) and isinstance(component, URIRef)
        focus, shape = get(node, SH.focusNode), get(node, SH.sourceShape)
        assert focus is not None and shape is not None
        results.append(Result(focus, get(node, SH.resultPath), get(node, SH.value), shape, component, severity,
                              str(get(node, SH.resultMessage) or "")))
    return sorted(results, key=lambda r: (str(r.severity), str(r.shape), str(r.focus), str(r.value)))


def validate_reference(data: Graph, shapes: Graph, ontology: Graph) -> Graph:
    """The same validation by pySHACL (slow; the reference semantics), as a SHACL report graph."""
    _conforms, report, _text = pyshacl.validate(context_aware(data), shacl_graph=shapes, ont_graph=ontology,
                                                inference="none", allow_infos=False, allow_warnings=False)
    assert isinstance(report, Graph)
    return report


def context_aware(graph: Graph) -> Graph:
    """``graph``, or a copy in rdflib's default store when its store keeps no named graphs (a build's
    ``BuildStore``): pySHACL reads a graph through a dataset over its store."""
    if graph.store.context_aware:
        return graph
    copy = Graph(bind_namespaces="none")
    for prefix, namespace in graph.namespaces():
        copy.bind(prefix, namespace)
    copy += graph
    return copy


def _bnode(*parts: object) -> BNode:
    """A blank node whose id is a digest of its content: the report serializes the same way every time."""
    text = "\x1f".join(p.n3() if isinstance(p, Node) else str(p) for p in parts)
    return BNode("r" + hashlib.sha1(text.encode()).hexdigest()[:20])


def _copy_path(shapes: Graph, path: Node, report: Graph, salt: str) -> Node:
    """Copy a (possibly blank-node) SHACL path into the report, with stable blank node ids."""
    if not isinstance(path, BNode):
        return path
    copy = _bnode(salt)
    for index, (p, o) in enumerate(sorted(shapes.predicate_objects(path))):
        report.add((copy, p, _copy_path(shapes, o, report, f"{salt}/{index}")))
    return copy


def _path_key(shapes: Graph, path: Node | None) -> str:
    """A path as text for digests: its SPARQL form, never a blank node's random id (stable output)."""
    if path is not None and (isinstance(path, URIRef) or (path, None, None) in shapes):
        return render_path(shapes, path)
    return str(path)


def report_graph(results: list[Result], shapes: Graph) -> Graph:
    """The results as a SHACL validation report graph, like pySHACL's."""
    report = new_graph()
    report.bind("sh", SH)
    root = URIRef("urn:medkg:validation-report")
    report.add((root, RDF.type, SH.ValidationReport))
    report.add((root, SH.conforms, Literal(not results)))
    for result in results:
        path_key = _path_key(shapes, result.path)
        node = _bnode(result.shape, result.focus, path_key, result.value, result.component)
        report.add((root, SH.result, node))
        report.add((node, RDF.type, SH.ValidationResult))
        report.add((node, SH.focusNode, result.focus))
        report.add((node, SH.sourceShape, result.shape))
        report.add((node, SH.sourceConstraintComponent, result.component))
        report.add((node, SH.resultSeverity, result.severity))
        report.add((node, SH.resultMessage, Literal(result.message)))
        if result.path is not None:
            path = _copy_path(shapes, result.path, report, f"path/{render_path(shapes, result.path)}")
            report.add((node, SH.resultPath, path))
        if result.value is not None:
            report.add((node, SH.value, result.value))
    return report


def result_keys(report: Graph) -> set[ResultKey]:
    """(focus, path as SPARQL, value, source shape, severity) of every result of a report graph."""
    keys: set[ResultKey] = set()
    for node in report.objects(None, SH.result):
        path = report.value(node, SH.resultPath)
        focus, shape, severity = (report.value(node, p) for p in (SH.focusNode, SH.sourceShape, SH.resultSeverity))
        assert focus is not None and shape is not None and severity is not None
        rendered = render_path(report, path) if path is not None else None
        keys.add((focus, rendered, report.value(node, SH.value), shape, severity))
    return keys
