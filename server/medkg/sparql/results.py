"""Serializers of query answers: SPARQL 1.1 results (JSON, XML, CSV, TSV) and graphs (via pyoxigraph).

A small answer in JSON or CSV is serialized by the engine (``small_answer``: the same bytes, several times faster);
any other is serialized here, row by row, because the endpoint stops reading solutions at the row cap.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from typing import IO, Any, cast
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from .. import formats
from ..namespaces import XSD_STRING

Row = Sequence[Any]  # one solution: a term (or None) per variable


def json_term(term: Any) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": json_term(term.subject),
                                            "predicate": json_term(term.predicate),
                                            "object": json_term(term.object)}}
    out: dict[str, Any] = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def select_json(variables: list[str], rows: list[Row]) -> bytes:
    bindings = [{v: json_term(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows]
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}},
                      ensure_ascii=False, separators=(",", ":")).encode()


def xml_term(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Triple):
        parts = zip(("subject", "predicate", "object"), (term.subject, term.predicate, term.object), strict=True)
        return "<triple>" + "".join(f"<{k}>{xml_term(t)}</{k}>" for k, t in parts) + "</triple>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


XML_HEAD = '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'


def select_xml(variables: list[str], rows: list[Row]) -> bytes:
    out = [XML_HEAD, "<head>", *(f"<variable name={quoteattr(v)}/>" for v in variables), "</head><results>"]
    for row in rows:
        out.append("<result>")
        out.extend(f"<binding name={quoteattr(v)}>{xml_term(t)}</binding>"
                   for v, t in zip(variables, row, strict=True) if t is not None)
        out.append("</result>")
    out.append("</results></sparql>\n")
    return "".join(out).encode()


def csv_term(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Triple):
        return str(term)
    return str(term.value)


def select_csv(variables: list[str], rows: list[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(variables)
    writer.writerows([csv_term(t) for t in row] for row in rows)
    return buffer.getvalue().encode()


def select_tsv(variables: list[str], rows: list[Row]) -> bytes:
    # Terms in their Turtle/N-Triples form, which already escapes tabs and newlines inside literals.
    lines = ["\t".join("?" + v for v in variables)]
    lines.extend("\t".join("" if t is None else str(t) for t in row) for row in rows)
    return ("\n".join(lines) + "\n").encode()


SELECT_SERIALIZERS: dict[str, Callable[[list[str], list[Row]], bytes]] = {
    "json": select_json, "xml": select_xml, "csv": select_csv, "tsv": select_tsv,
}


def serialize_boolean(value: bool, name: str) -> bytes:
    """An ASK answer; CSV and TSV (not defined for ASK by the standard) carry one ``_askResult`` column."""
    text = "true" if value else "false"
    if name == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if name == "xml":
        return f"{XML_HEAD}<head/><boolean>{text}</boolean></sparql>\n".encode()
    header = "_askResult" if name == "csv" else "?_askResult"
    return f"{header}\r\n{text}\r\n".encode() if name == "csv" else f"{header}\n{text}\n".encode()


def serialize_triples(triples: list[ox.Triple], name: str, prefixes: dict[str, str]) -> bytes:
    use = None if name == "nt" else prefixes  # N-Triples has no prefixes
    return ox.serialize(triples, format=formats.RDF[name].oxigraph, prefixes=use) or b""


# Formats whose engine serialization is byte for byte ours, and where every solution takes at least two bytes
# (JSON: its "{}", CSV: its line end), so that fewer than 2 × (cap + 1) bytes hold at most ``cap`` solutions.
ENGINE_SELECT = {"json": ox.QueryResultsFormat.JSON, "csv": ox.QueryResultsFormat.CSV}


class PastBound(Exception):
    """The engine's serialization reached the bound: the answer may be over the row cap."""


class BoundedBuffer:
    """A file-like sink that refuses to hold ``limit`` bytes or more."""

    def __init__(self, limit: int) -> None:
        self.chunks: list[bytes] = []
        self.size, self.limit = 0, limit

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size >= self.limit:
            raise PastBound
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: the chunks are kept in memory."""


def small_answer(result: ox.QuerySolutions, fmt: ox.QueryResultsFormat, max_rows: int) -> bytes | None:
    """``result`` serialized by the engine, or None when it reached 2 × (max_rows + 1) bytes (it may be over the
    cap; part of ``result`` is then consumed)."""
    sink = BoundedBuffer(2 * (max_rows + 1))
    try:
        result.serialize(cast(IO[bytes], sink), format=fmt)
    except Exception:
        if sink.size >= sink.limit:
            return None
        raise
    return b"".join(sink.chunks)
