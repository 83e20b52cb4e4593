"""How a query request picks its answer's format (``format`` parameter or Accept), by query form.

The formats themselves are declared in ``medkg.formats`` (``SPARQL_TABULAR``, ``SPARQL_GRAPH``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .. import formats
from ..conneg import negotiate


@dataclass(frozen=True)
class ResultFormat:
    name: str  # the serializer's key
    media_type: str  # the Content-Type we answer with
    aliases: tuple[str, ...] = ()  # other names for it in the ``format`` parameter


def offered(names: tuple[str, ...]) -> tuple[ResultFormat, ...]:
    """One entry per media type: main types first, in the registry's order (``*/*`` gets the first one)."""
    found = formats.offer(names)
    return (tuple(ResultFormat(f.name, f.media_type, f.name_aliases) for f in found)
            + tuple(ResultFormat(f.name, t) for f in found for t in f.media_aliases))


TABULAR = offered(formats.SPARQL_TABULAR)
GRAPH = offered(formats.SPARQL_GRAPH)  # SPARQLWrapper asks format=n3: an alias of Turtle, which is N3 too
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
