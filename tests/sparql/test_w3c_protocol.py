"""The W3C SPARQL 1.1 Protocol test suite (../shared/w3c/sparql11-protocol/manifest.ttl) against a real server.

Every query test must pass, with the right answer: the suite's expected boolean where it gives one, else the
answer rdflib gives to the same query over the same dataset. The endpoint is read-only by design, so the update
tests must be refused with a 4xx and a message (their follow-up queries, which check the update's effect, are not
sent); every bad_* test must get its 4xx.
"""

from __future__ import annotations

import http.client
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from rdflib import Dataset, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS
from rdflib.query import Result

from tests.support.paths import SHARED, shared_path
from tests.support.sparql import running_server, write_build

SUITE = SHARED / "w3c" / "sparql11-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
TABULAR = {"application/sparql-results+xml", "application/sparql-results+json", "text/csv",
           "text/tab-separated-values"}
RESULT_FORMATS = {"application/sparql-results+xml": "xml", "application/sparql-results+json": "json",
                  "text/csv": "csv", "text/tab-separated-values": "tsv"}
RDF_TYPES = {"application/rdf+xml": "xml", "text/turtle": "turtle", "application/n-triples": "nt",
             "application/ld+json": "json-ld"}


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[str]  # "2xx", "3xx", "4xx"
    boolean: bool | None
    result_format: str | None


def manifest() -> Graph | None:
    path = SUITE / "manifest.ttl"
    return Graph().parse(path, format="turtle", publicID=path.as_uri()) if path.is_file() else None


def entries(graph: Graph) -> dict[str, URIRef]:
    """The manifest's tests in order, by name."""
    found = Collection(graph, graph.value(URIRef((SUITE / "manifest.ttl").as_uri()), MF.entries))
    return {str(entry).rsplit("#", 1)[1]: URIRef(entry) for entry in found}


def entry_names() -> list[str]:
    graph = manifest()
    return ["manifest-absent"] if graph is None else list(entries(graph))


def requests_of(graph: Graph, test: URIRef) -> list[Request]:
    action = graph.value(test, MF.action)
    return [request_of(graph, node) for node in Collection(graph, graph.value(action, HT.requests))]


def request_of(graph: Graph, node: URIRef) -> Request:
    headers = {}
    for header in Collection(graph, graph.value(node, HT.headers)) if graph.value(node, HT.headers) else []:
        headers[str(graph.value(header, HT.fieldName))] = str(graph.value(header, HT.fieldValue))
    body_node = graph.value(node, HT.body)
    body = None
    if body_node is not None:
        encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(body_node, CNT.chars)).encode(encoding)
    response = graph.value(node, HT.resp)
    statuses = {str(s).rsplit("StatusCode", 1)[1] for s in graph.objects(response, MF.expectedStatus)}
    boolean = graph.value(response, MF.expectedBoolean)
    result_format = graph.value(response, MF.expectedFormat)
    path = str(graph.value(node, HT.absolutePath)).replace("/sparql/", "/sparql", 1)
    return Request(str(graph.value(node, HT.methodName)), path, headers, body, statuses,
                   None if boolean is None else bool(boolean.toPython()),
                   None if result_format is None else str(result_format))


def named_graphs(graph: Graph) -> str:
    """Every dataset the manifest names (ut:graphData), each as the named graph its label gives, as N-Quads."""
    lines = set()
    for data in graph.objects(None, UT.graphData):
        name = str(graph.value(data, RDFS.label))
        source = Path(urlsplit(str(graph.value(data, UT.graph))).path)
        for line in (SUITE / source.name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                lines.add(line.strip().removesuffix(".").rstrip() + f" <{name}> .")
    return "\n".join(sorted(lines)) + "\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Graph, Dataset]]:
    shared_path("w3c", "sparql11-protocol", "manifest.ttl")
    graph = manifest()
    assert graph is not None
    quads = named_graphs(graph)
    folder = write_build(tmp_path_factory.mktemp("w3c") / "build", graph="", inferred="", named_nq=quads)
    data = Dataset()
    data.parse(data=quads, format="nquads")
    with running_server(folder) as url:
        yield url, graph, data


def send(url: str, request: Request) -> tuple[int, str, bytes]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        connection.request(request.method, request.path, body=request.body, headers=request.headers)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        connection.close()


def boolean_of(content_type: str, body: bytes) -> bool:
    media_type = content_type.split(";")[0].strip()
    if media_type == "application/sparql-results+json":
        value: bool = json.loads(body)["boolean"]
        return value
    assert media_type == "application/sparql-results+xml", f"boolean result as {media_type}"
    element = ET.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert element is not None
    return element.text == "true"


def protocol_query(request: Request) -> tuple[str, list[str], list[str]]:
    """The query and the protocol's dataset (default-graph-uri, named-graph-uri) of a query request."""
    params = parse_qs(urlsplit(request.path).query)
    body = (request.body or b"").decode("utf-8")
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        for key, values in parse_qs(body).items():
            params.setdefault(key, []).extend(values)
    query = params["query"][0] if "query" in params else body
    return query, params.get("default-graph-uri", []), params.get("named-graph-uri", [])


def reference_answer(request: Request, data: Dataset, base: str) -> Result:
    """The answer rdflib (the reference here) gives to the same query over the same dataset: the suite's named
    graphs, an empty default graph (the build's graphs are empty), or the dataset the request names, which
    replaces the query's own FROM clauses (SPARQL 1.1 Protocol §2.1.4)."""
    query, defaults, named = protocol_query(request)
    dataset = Dataset()
    if defaults or named:
        query = re.sub(r"\bFROM\s+(NAMED\s+)?<[^>]*>", "", query, flags=re.IGNORECASE)
    for iri in defaults:
        for triple in data.graph(URIRef(iri)):
            dataset.default_context.add(triple)
    for iri in named if defaults or named else [str(g.identifier) for g in data.graphs() if len(g)]:
        target = dataset.graph(URIRef(iri))
        for triple in data.graph(URIRef(iri)):
            target.add(triple)
    return dataset.query(query, base=base)


def rows_of(result: Result) -> set[frozenset[tuple[str, str]]]:
    return {frozenset((str(var), str(value)) for var, value in row.asdict().items()) for row in result}


def check_result(request: Request, content_type: str, body: bytes, expected: Result) -> None:
    """The media type the test asks for, and the content: the suite's expected boolean where it gives one, else
    the same answer rdflib gives."""
    media_type = content_type.split(";")[0].strip()
    if request.result_format == "boolean" or request.boolean is not None:
        value = boolean_of(content_type, body)
        assert value is (request.boolean if request.boolean is not None else expected.askAnswer)
    elif request.result_format == "tabular":
        assert media_type in TABULAR
        answer = Result.parse(io.BytesIO(body), format=RESULT_FORMATS[media_type])
        assert rows_of(answer) == rows_of(expected) and rows_of(expected)
    elif request.result_format == "RDF":
        assert media_type in RDF_TYPES
        graph = Graph().parse(data=body, format=RDF_TYPES[media_type])
        assert expected.graph is not None and isomorphic(graph, expected.graph), body[:300]


def is_update(request: Request) -> bool:
    body = request.body or b""
    return request.headers.get("content-type") == "application/sparql-update" or body.startswith(b"update=")


@pytest.mark.parametrize("name", entry_names())
def test_w3c_protocol(server: tuple[str, Graph, Dataset], name: str) -> None:
    url, graph, data = server
    requests = requests_of(graph, entries(graph)[name])
    if name.startswith("update_"):
        status, content_type, body = send(url, requests[0])
        assert is_update(requests[0])
        assert status in (403,), f"{name}: an update must be refused (read-only), got {status}"
        assert b"read-only" in body
        return
    for request in requests:
        status, content_type, body = send(url, request)
        assert f"{status // 100}xx" in request.statuses, f"{name}: got {status}: {body[:300]!r}"
        if status == 200:
            check_result(request, content_type, body, reference_answer(request, data, url + "/sparql"))
