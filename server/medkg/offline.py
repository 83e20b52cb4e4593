"""What an RDF file may make a parser do before it is read: nothing outside the file, nothing without bound.

RDF/XML: no DTD entity declarations (a "billion laughs" expands 10 entities of 10 into 10^9 characters; an
external entity reads a file or a URL) — refused, as defusedxml refuses them. JSON-LD: a ``@context`` (or
``@import``) given by URL would be fetched (remote ``http:``, or a local ``file:``) — refused unless asked.
"""

from __future__ import annotations

import json
from typing import Any
from xml.sax.handler import ContentHandler

import defusedxml.sax
from defusedxml import DefusedXmlException


class Refused(ValueError):
    """The file asks for something we do not do when reading it."""


def check(text: str, rdflib_format: str, load_contexts: bool = False) -> None:
    """Raise Refused when reading ``text`` as ``rdflib_format`` would expand entities or load a context."""
    if rdflib_format in ("xml", "trix"):
        check_xml(text)
    elif rdflib_format == "json-ld" and not load_contexts:
        check_jsonld(text)


def check_xml(text: str) -> None:
    try:
        defusedxml.sax.parseString(text.encode("utf-8"), ContentHandler(), forbid_dtd=False, forbid_entities=True,
                                   forbid_external=True)
    except DefusedXmlException as exc:
        raise Refused(f"refused: the XML declares or uses entities ({exc}); entity expansion can grow without "
                      "bound (billion laughs) or read other files, so it is never done") from exc
    except Exception:  # not well-formed: the RDF/XML parser reports it with its own words
        return


def check_jsonld(text: str) -> None:
    try:
        document = json.loads(text)
    except ValueError:
        return  # the JSON-LD parser reports it
    remote = sorted(set(_context_urls(document)))
    if remote:
        raise Refused(f"refused: the JSON-LD names a @context by URL ({', '.join(remote[:3])}); medkg validate "
                      "loads no context from the network or the file system unless asked (--load-contexts)")


def _context_urls(value: Any) -> list[str]:
    """Every context given by URL anywhere in a JSON-LD document (``@context`` and ``@import`` values)."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("@context", "@import"):
                found += [v for v in (item if isinstance(item, list) else [item]) if isinstance(v, str)]
            found += _context_urls(item)
    elif isinstance(value, list):
        for item in value:
            found += _context_urls(item)
    return found
