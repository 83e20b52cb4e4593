"""The query store (DIR/store) and the build id: written by the build and by 'medkg index', opened read-only,
named in /-/health, in every answer's X-Medkg-Build header and in every ETag."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask
from medkg.app import create_app
from medkg.pipeline.index import content_id, index_build
from medkg.store import STORE_DIR, NoStore, open_dataset

from tests.support.sparql import GRAPH, INFERRED, PSO, write_build

ROOT = Path(__file__).resolve().parents[1]


def app_of(folder: Path) -> Flask:
    return create_app({"BUILD_DIR": str(folder), "TESTING": True})


def test_an_old_build_without_a_store_is_refused_with_what_to_do(tmp_path: Path) -> None:
    folder = write_build(tmp_path / "old")
    shutil.rmtree(folder / STORE_DIR)
    with pytest.raises(NoStore, match="medkg index"):
        open_dataset(folder)
    served = subprocess.run([sys.executable, "-m", "medkg.cli", "serve", str(folder), "--port", "1"],
                            capture_output=True, text=True, timeout=120)
    assert served.returncode == 2 and f"medkg index {folder}" in served.stderr and "Traceback" not in served.stderr
    indexed = subprocess.run([sys.executable, "-m", "medkg.cli", "index", str(folder)], capture_output=True,
                             text=True, timeout=120)
    assert indexed.returncode == 0, indexed.stderr
    assert open_dataset(folder).build_id == content_id(folder)


def test_the_store_holds_both_graphs_once_and_opens_read_only(tmp_path: Path) -> None:
    dataset = open_dataset(write_build(tmp_path / "b"))
    asserted = set(dataset.store.quads_for_pattern(None, None, None, dataset.asserted_graph))
    inferred = set(dataset.store.quads_for_pattern(None, None, None, dataset.inferred_graph))
    expected, new = triples_of(GRAPH), triples_of(INFERRED)
    assert {ox.Triple(q.subject, q.predicate, q.object) for q in asserted} == expected
    assert {ox.Triple(q.subject, q.predicate, q.object) for q in inferred} == new - expected
    assert not list(dataset.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))  # no second copy
    assert dataset.triples == len(asserted) + len(inferred)
    with pytest.raises(RuntimeError, match="read-write"):
        dataset.store.add(ox.Quad(ox.NamedNode(PSO), ox.NamedNode(PSO), ox.NamedNode(PSO)))


def triples_of(turtle: str) -> set[ox.Triple]:
    return {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(turtle.encode(), format=ox.RdfFormat.TURTLE,
                                                                           base_iri="https://w3id.org/medkg/")}


def test_the_build_id_is_a_digest_of_the_content(tmp_path: Path) -> None:
    one, two = write_build(tmp_path / "one"), write_build(tmp_path / "two")
    other = write_build(tmp_path / "other", graph=GRAPH + "<concept/x> a skos:Concept .\n")
    ids = [json.loads((f / "build.json").read_text())["build_id"] for f in (one, two, other)]
    assert ids[0] == ids[1] != ids[2] and len(ids[0]) == 16
    assert index_build(one)["build_id"] == ids[0]  # indexing again changes nothing


def test_health_header_and_etags_name_the_build(tmp_path: Path) -> None:
    one = write_build(tmp_path / "one")
    other = write_build(tmp_path / "other", graph=GRAPH + "<concept/x> a skos:Concept .\n")
    build_id = json.loads((one / "build.json").read_text())["build_id"]
    client = app_of(one).test_client()
    health = client.get("/-/health")
    assert health.headers["Cache-Control"] == "no-store"
    data = health.get_json()
    assert data["status"] == "ok" and data["build"] == build_id and data["triples"] == 61
    assert data["store"] == str(one / STORE_DIR)
    page = client.get("/concept/healthcare-gov-glossary/provider-sponsored-organization.html")
    query = client.get("/sparql", query_string={"query": "ASK {}"},
                       headers={"Accept": "application/sparql-results+json"})
    refused = client.get("/sparql", query_string={"query": "SELECT"})
    for response in (health, page, query, refused):
        assert response.headers["X-Medkg-Build"] == build_id
    other_client = app_of(other).test_client()
    other_page = other_client.get("/concept/healthcare-gov-glossary/provider-sponsored-organization.html")
    other_query = other_client.get("/sparql", query_string={"query": "ASK {}"},
                                   headers={"Accept": "application/sparql-results+json"})
    assert page.headers["ETag"] != other_page.headers["ETag"]  # a new build changes every validator
    assert query.headers["ETag"] != other_query.headers["ETag"]
