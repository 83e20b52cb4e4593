"""The result formats of the endpoint, by query form, and how a request picks one (``format`` or Accept)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..conneg import negotiate


@dataclass(frozen=True)
class ResultFormat:
    name: str  # the serializer's key
    media_type: str  # the Content-Type we answer with
    aliases: tuple[str, ...] = ()  # other names for it in the ``format`` parameter


# Order matters: it breaks ties in negotiation (``*/*`` gets the first one).
TABULAR: tuple[ResultFormat, ...] = (
    ResultFormat("json", "application/sparql-results+json", ("srj",)),
    ResultFormat("xml", "application/sparql-results+xml", ("srx",)),
    ResultFormat("csv", "text/csv"),
    ResultFormat("tsv", "text/tab-separated-values"),
    ResultFormat("json", "application/json"),
    ResultFormat("xml", "application/xml"),
    ResultFormat("xml", "text/xml"),
)
GRAPH: tuple[ResultFormat, ...] = (
    ResultFormat("turtle", "text/turtle", ("ttl", "n3")),  # Turtle is N3 too: SPARQLWrapper asks format=n3
    ResultFormat("ntriples", "application/n-triples", ("nt", "n-triples")),
    ResultFormat("rdfxml", "application/rdf+xml", ("rdf", "rdf/xml", "rdf+xml")),
    ResultFormat("jsonld", "application/ld+json", ("json-ld",)),
    ResultFormat("turtle", "application/x-turtle"),
    ResultFormat("ntriples", "text/plain"),
    ResultFormat("rdfxml", "application/xml"),
    ResultFormat("jsonld", "application/json"),
)
FORMS = {"select": TABULAR, "ask": TABULAR, "graph": GRAPH}
# A generic ``format=json``/``format=xml`` means the JSON/XML flavour of whatever the query returns.
GENERIC = {("json", "graph"): "jsonld", ("xml", "graph"): "rdfxml"}


class NotAcceptable(Exception):
    """No offered format is acceptable (HTTP 406); the message lists what is offered."""


class UnknownFormat(ValueError):
    """The ``format`` parameter names no format we know (HTTP 400)."""


def known_format(name: str) -> bool:
    """True when ``name`` is a format name, alias or media type of some result format."""
    name = name.strip().lower()
    return any(name in (f.name, f.media_type, *f.aliases) for fs in FORMS.values() for f in fs)


@lru_cache(maxsize=1024)
def acceptable(accept: str | None) -> bool:
    """Whether ``accept`` allows any result format at all (else 406 before running anything)."""
    return negotiate(accept, [f.media_type for fs in FORMS.values() for f in fs]) is not None


@lru_cache(maxsize=1024)  # few distinct Accept headers exist; parsing one costs more than running a lookup
def choose(form: str, accept: str | None, format_param: str | None) -> ResultFormat:
    """The format of a ``form`` ("select", "ask", "graph") answer; the ``format`` parameter wins over Accept."""
    offered = FORMS[form]
    if format_param:
        return _by_name(form, format_param.strip().lower(), offered)
    media_type = negotiate(accept, [f.media_type for f in offered])
    if media_type is None:
        raise NotAcceptable(f"none of the acceptable types ({accept}) is offered for this query; "
                            f"offered: {', '.join(dict.fromkeys(f.media_type for f in offered))}")
    return next(f for f in offered if f.media_type == media_type)


def _by_name(form: str, name: str, offered: tuple[ResultFormat, ...]) -> ResultFormat:
    name = GENERIC.get((name, form), name)
    for f in offered:
        if name in (f.name, f.media_type, *f.aliases):
            return f
    if known_format(name):
        raise NotAcceptable(f"format {name!r} does not fit a {form} query; offered: "
                            f"{', '.join(dict.fromkeys(f.name for f in offered))}")
    raise UnknownFormat(f"unknown format {name!r}")
