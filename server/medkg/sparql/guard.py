"""Checks on a query's text before any engine sees it: no federated SERVICE (found by a real SPARQL parser, not by
pattern), and no nesting deep enough to exhaust a parser's stack.

SPARQL 1.1 §19.2: ``\\uXXXX`` escapes are replaced before the query is parsed, anywhere in its text; keywords have
no other escape, so a query whose unescaped text never spells ``service`` (in any case) cannot hold a SERVICE
clause. Any other query is parsed by rdflib's SPARQL parser and its syntax tree searched for a
``ServiceGraphPattern``; a query that mentions SERVICE and cannot be parsed is refused (we fail closed).
"""

from __future__ import annotations

import re

MAX_NESTING = 128  # brackets, braces and parentheses open at once; real queries stay far below it

_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# What may hold a bracket that is not syntax: IRIs, the four kinds of string, comments, escaped characters.
_OPAQUE = re.compile(r'''<[^<>"{}|^`\\\x00-\x20]*>|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\''''
                     r'''|"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*'|#[^\n\r]*|\\.''', re.DOTALL)
_BRACKET = re.compile(r"[{}()\[\]]")


class QueryRefused(Exception):
    """A query we will not run, with the reason a user can act on (an HTTP 400)."""


def unescape(query: str) -> str:
    """The query with its ``\\u``/``\\U`` code point escapes replaced (SPARQL 1.1 §19.2)."""
    def char(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group(0)

    return _CODEPOINT.sub(char, query)


def nesting(query: str) -> int:
    """The deepest nesting of ``{ ( [`` outside IRIs, strings and comments."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_OPAQUE.sub(" ", query)):
        depth = depth + 1 if match.group(0) in "{([" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    return deepest


_FROM = re.compile(r"(?<![\w:?$])FROM(?![\w:-])", re.IGNORECASE)


def names_dataset(query: str) -> bool:
    """True when the query names its own dataset (``FROM`` / ``FROM NAMED``: the only use of that keyword)."""
    if "from" not in query.casefold() and "\\u" not in query.casefold():
        return False
    return bool(_FROM.search(_OPAQUE.sub(" ", unescape(query))))


def uses_service(query: str) -> bool:
    """True when the query holds a SERVICE clause (federated query), as a SPARQL parser reads it."""
    if "service" not in query.casefold():
        return False
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(query)
    except (ParseBaseException, RecursionError, ValueError) as exc:
        raise QueryRefused("the query mentions SERVICE (federated query, disabled here) and the SPARQL parser "
                           f"could not read it to make sure it holds no SERVICE clause: {exc}") from exc
    return _has_service(tree)


def _has_service(node: object) -> bool:
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        return node.name == "ServiceGraphPattern" or any(_has_service(v) for v in node.values())
    if isinstance(node, (list, tuple)) or hasattr(node, "as_list"):
        return any(_has_service(v) for v in node)  # type: ignore[attr-defined]
    return False


def check(query: str) -> None:
    """Raise QueryRefused when the query must not reach the engine."""
    text = unescape(query)
    depth = nesting(text)
    if depth > MAX_NESTING:
        raise QueryRefused(f"the query nests groups, expressions or paths {depth} levels deep; the limit is "
                           f"{MAX_NESTING}")
    if uses_service(text):
        raise QueryRefused("SERVICE (federated query) is disabled on this endpoint: it never makes outbound "
                           "requests")
