"""Running one query against a loaded build and rendering the answer: what an executor process does per job."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import pyoxigraph as ox

from ..namespaces import PREFIXES
from ..store import Dataset
from .guard import names_dataset
from .negotiation import NotAcceptable, ResultFormat, UnknownFormat, choose
from .results import ENGINE_SELECT, SELECT_SERIALIZERS, serialize_boolean, serialize_triples, small_answer

# Predeclared for every query (a query's own PREFIX lines win); pyoxigraph takes them beside the text, so the
# positions in syntax errors stay those of the text the user wrote.
QUERY_PREFIXES = {name: str(namespace) for name, namespace in PREFIXES.items()}


@dataclass(frozen=True)
class Job:
    """One query request, already checked by the protocol layer."""

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    accept: str | None = None
    format: str | None = None
    base_iri: str | None = None
    max_rows: int = 10000


@dataclass
class Reply:
    """An HTTP answer: status, Content-Type, body, and extra headers."""

    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def error(status: int, message: str) -> Reply:
    return Reply(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode())


def dataset_arguments(dataset: Dataset, job: Job) -> dict[str, Any]:
    """SPARQL Protocol §2.1.4: a dataset given in the request replaces the query's and the service's. Without
    either, the default graph is the union of the build's asserted and inferred graphs (a query option, not a
    copy) and every named graph can be queried."""
    if not job.default_graphs and not job.named_graphs:
        return {} if names_dataset(job.query) else dataset.default_graph_option
    return {"default_graph": [ox.NamedNode(iri) for iri in job.default_graphs],
            "named_graphs": [ox.NamedNode(iri) for iri in job.named_graphs]}


def form_of(result: Any) -> str:
    if isinstance(result, ox.QuerySolutions):
        return "select"
    return "ask" if isinstance(result, ox.QueryBoolean) else "graph"


def execute(dataset: Dataset, job: Job) -> Reply:
    """Run ``job``; a bad query or an unacceptable format is an error reply, never an exception."""
    try:
        return answer(dataset, job)
    except SyntaxError as exc:
        return error(400, syntax_message(job.query, str(exc)))
    except NotAcceptable as exc:
        return error(406, str(exc))
    except (UnknownFormat, ValueError) as exc:
        return error(400, str(exc))
    except RuntimeError as exc:  # the engine's evaluation errors: the query asked for something it cannot do
        return error(400, f"query failed: {exc}")
    except Exception as exc:  # anything else is our fault, but must never take the query process down
        return error(500, f"query failed: {type(exc).__name__}: {exc}")


def run_query(dataset: Dataset, job: Job) -> Any:
    return dataset.store.query(job.query, prefixes=QUERY_PREFIXES, base_iri=job.base_iri,
                               **dataset_arguments(dataset, job))


def answer(dataset: Dataset, job: Job) -> Reply:
    """The answer to ``job``: serialized by the engine when it is small enough to be under the row cap for sure,
    else read row by row up to the cap (the query runs again: the engine has consumed part of its solutions)."""
    result = run_query(dataset, job)
    chosen = choose(form_of(result), job.accept, job.format)
    if form_of(result) == "select" and chosen.name in ENGINE_SELECT:
        body = small_answer(result, ENGINE_SELECT[chosen.name], job.max_rows)
        if body is not None:
            return Reply(200, content_type(chosen), body)
        result = run_query(dataset, job)
    return render(result, chosen, job.max_rows)


_AT = re.compile(r"error at (\d+):(\d+)")
_PNAME = re.compile(r"([A-Za-z][\w.-]*)?:[^\s:{}()<>]*$")


def syntax_message(query: str, message: str) -> str:
    """The engine's syntax error; for an undeclared prefix, a short message naming it and the predeclared ones."""
    at = _AT.search(message)
    if "Prefix not found" not in message or at is None:
        return f"query syntax error: {message}"
    line, column = int(at.group(1)), int(at.group(2))
    lines = query.splitlines() or [""]
    before = lines[min(line, len(lines)) - 1][: max(column - 1, 0)]
    name = _PNAME.search(before)
    prefix = f"{name.group(1) or ''}:" if name else "a prefix"
    known = ", ".join(f"{p}:" for p in sorted(QUERY_PREFIXES))
    return (f"query syntax error at {line}:{column}: unknown prefix {prefix} (declare it with PREFIX "
            f"{prefix} <...>); predeclared here: {known}")


def render(result: Any, chosen: ResultFormat, max_rows: int) -> Reply:
    """Serialize ``result``, reading at most ``max_rows`` rows (or triples) of it."""
    form = form_of(result)
    if form == "ask":
        return Reply(200, content_type(chosen), serialize_boolean(bool(result), chosen.name))
    rows = list(islice(result, max_rows + 1))
    headers = {}
    if len(rows) > max_rows:
        rows = rows[:max_rows]
        headers["X-SPARQL-MaxRows"] = str(max_rows)  # as Virtuoso does: the answer was cut at the cap
    if form == "select":
        variables = [v.value for v in result.variables]
        body = SELECT_SERIALIZERS[chosen.name](variables, [tuple(row) for row in rows])
    else:
        body = serialize_triples(rows, chosen.name, QUERY_PREFIXES)
    return Reply(200, content_type(chosen), body, headers)


def content_type(chosen: ResultFormat) -> str:
    textual = chosen.media_type.startswith("text/") or chosen.media_type.endswith(("json", "xml"))
    return chosen.media_type + ("; charset=utf-8" if textual else "")
