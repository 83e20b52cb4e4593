"""Small answers serialized by the engine are byte for byte what our serializers write, and never pass the row cap."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest
from medkg.sparql.results import ENGINE_SELECT, SELECT_SERIALIZERS, small_answer

DATA = """\
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:label "Plan de salud"@es , "quote \\" and \\\\ backslash"@en , "tab\\tnew\\nline" , "√ ünïcode ☃" ;
     ex:n 42 , "3.5"^^xsd:decimal , "2005-01-28"^^xsd:date , true ;
     ex:link ex:b , [ ex:p "blank" ] .
ex:b ex:label "comma, and \\"quotes\\"" .
"""
QUERY = "SELECT ?s ?p ?o ?unbound WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?unbound } } ORDER BY ?s ?p ?o"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    store.load(DATA.encode(), format=ox.RdfFormat.TURTLE)
    return store


@pytest.mark.parametrize("name", sorted(ENGINE_SELECT))
def test_engine_serialization_is_ours(store: ox.Store, name: str) -> None:
    result = store.query(QUERY)
    assert isinstance(result, ox.QuerySolutions)
    variables = [v.value for v in result.variables]
    rows = [tuple(row) for row in store.query(QUERY)]  # type: ignore[union-attr]
    assert small_answer(result, ENGINE_SELECT[name], max_rows=10_000) == SELECT_SERIALIZERS[name](variables, rows)


@pytest.mark.parametrize("name", sorted(ENGINE_SELECT))
@pytest.mark.parametrize("query", [QUERY, "SELECT * {}", "SELECT ?x { VALUES ?x { UNDEF UNDEF UNDEF UNDEF } }"])
def test_an_engine_answer_is_never_over_the_cap(store: ox.Store, name: str, query: str) -> None:
    """Whatever the cap, an answer the engine serialized holds at most that many solutions (else None: the caller
    reads the solutions one by one up to the cap); under a large cap every small answer is the engine's."""
    rows = len(list(store.query(query)))  # type: ignore[arg-type]
    for cap in range(rows + 2):
        body = small_answer(store.query(query), ENGINE_SELECT[name], cap)  # type: ignore[arg-type]
        assert body is None or solutions(body, name) <= cap
    assert small_answer(store.query(query), ENGINE_SELECT[name], 10_000) is not None  # type: ignore[arg-type]


def solutions(body: bytes, name: str) -> int:
    if name == "json":
        return len(json.loads(body)["results"]["bindings"])
    return len(list(csv.reader(io.StringIO(body.decode())))) - 1
