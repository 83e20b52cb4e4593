"""A build that knows its predecessor: changes.ttl, the /changes page, the Atom feed, History sections, 410 Gone."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import feedparser  # type: ignore[import-untyped]
import pyoxigraph as ox
import pytest
from flask import Flask
from medkg.cli import main
from medkg.extensions import DATASET
from rdflib import OWL, SKOS, Graph, Literal, URIRef

from tests.support.changes import build_of, version_file
from tests.support.linkeddata import make_app

BASE = "https://w3id.org/medkg/"
CONCEPT = BASE + "concept/42-cfr-422/"
GONE = "concept/42-cfr-422/422.2260/communication-materials"
ELI_CHANGES = URIRef("http://data.europa.eu/eli/ontology#changes")


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("site")
    old_files = (version_file("422.2", "earlier"), version_file("422.2260", "earlier"))
    new_files = (version_file("422.2"), version_file("422.2260"))
    old = build_of(tmp, "old", *old_files)
    new = build_of(tmp, "new", *new_files, previous=old)
    again = build_of(tmp, "again", *new_files, previous=new)  # nothing changed: the tombstones carry forward
    back = build_of(tmp, "back", *old_files, previous=again)  # the old text again: its IRIs are no longer gone
    return {"old": old, "new": new, "again": again, "back": back}


@pytest.fixture(scope="module")
def app(builds) -> Flask:
    return make_app(builds["new"])


def test_the_build_stores_its_changes_in_the_changes_vocabulary(builds, app):
    graph = Graph().parse(builds["new"] / "changes.ttl")
    notes = [str(n) for n in graph.objects(URIRef(CONCEPT + "422.2/institutionalized"), SKOS.changeNote)]
    assert notes == ["2021-01-19: definition reworded (86 FR 6094)"]
    assert (URIRef(BASE + "fr/86/6094"), ELI_CHANGES, URIRef(BASE + "cfr/42/422/422.2")) in graph
    assert (URIRef(BASE + GONE), OWL.deprecated, Literal(True)) in graph
    store = app.extensions[DATASET].store
    assert len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(BASE + "graph/changes")))) == len(graph)


def test_the_dated_change_note_is_in_the_concepts_own_document(client):
    """Not only in the changes graph: the concept's RDF document and its page carry the note."""
    concept = URIRef(CONCEPT + "422.2/institutionalized")
    for suffix in (".ttl", ".nt"):
        body = client.get("/concept/42-cfr-422/422.2/institutionalized" + suffix).get_data(as_text=True)
        graph = Graph().parse(data=body, format="turtle" if suffix == ".ttl" else "nt")
        assert [str(n) for n in graph.objects(concept, SKOS.changeNote)] == [
            "2021-01-19: definition reworded (86 FR 6094)"]
    page = client.get("/concept/42-cfr-422/422.2/institutionalized.html").get_data(as_text=True)
    assert "2021-01-19: definition reworded (86 FR 6094)" in page


def test_changes_page_filters_by_kind_and_part(client):
    page = client.get("/changes").get_data(as_text=True)
    assert "Parent organization" in page and "Communication materials" in page and "86 FR 6094" in page
    removed = client.get("/changes?kind=removed").get_data(as_text=True)
    assert "Communication materials" in removed and "Parent organization" not in removed
    assert "Parent organization" in client.get("/changes?part=42+CFR+422").get_data(as_text=True)
    assert "Parent organization" not in client.get("/changes?part=42+CFR+423").get_data(as_text=True)
    turtle = client.get("/changes.ttl")
    assert turtle.status_code == 200 and len(Graph().parse(data=turtle.get_data(as_text=True), format="turtle"))


def test_atom_feed_is_valid_for_a_maintained_feed_parser(client, builds):
    response = client.get("/changes.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.get_data())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    changes = json.loads((builds["new"] / "changes.json").read_text(encoding="utf-8"))["changes"]
    assert len(feed.entries) == len(changes)
    entry = next(e for e in feed.entries if e.title.startswith("Parent organization"))
    assert entry.id.startswith(BASE + "changes#c-") and entry.link.endswith("/422.2/parent-organization")
    assert {t.term for t in entry.tags} == {"added", "86 FR 6094"}


def test_concept_and_provision_pages_have_a_history_section(client):
    page = client.get("/concept/42-cfr-422/422.2/institutionalized.html").get_data(as_text=True)
    assert "<h2>History</h2>" in page and "<del>" in page and "<ins>" in page
    section = client.get("/cfr/42/422/422.2260.html").get_data(as_text=True)
    assert "<h2>History</h2>" in section and "Communication materials" in section


def test_a_removed_definition_answers_410_gone_with_a_page_and_rdf(client):
    page = client.get("/" + GONE, headers={"Accept": "text/html"})
    assert page.status_code == 410 and "410 Gone" in page.get_data(as_text=True)
    assert "86 FR 6103" in page.get_data(as_text=True)
    for response in (client.get("/" + GONE + ".ttl"), client.get("/" + GONE, headers={"Accept": "text/turtle"})):
        assert response.status_code == 410
        graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
        assert (URIRef(BASE + GONE), OWL.deprecated, Literal(True)) in graph
    assert client.get("/concept/42-cfr-422/422.2/parent-organization").status_code == 303
    assert client.get("/concept/42-cfr-422/422.2/never-was").status_code == 404


def test_tombstones_carry_forward_until_a_build_holds_the_iri_again(builds):
    def gone(name: str) -> set[str]:
        return {g["iri"] for g in json.loads((builds[name] / "changes.json").read_text(encoding="utf-8"))["gone"]}

    assert BASE + GONE in gone("new") and BASE + GONE in gone("again")
    assert BASE + GONE not in gone("back")
    app = make_app(builds["back"])
    assert app.test_client().get("/" + GONE).status_code == 303  # held again: never 410


def test_the_change_log_carries_every_earlier_report_newest_first(builds):
    """"back" (the old text again) ← "again" (nothing changed) ← "new" (the 2021 text) ← "old": the log of "back"
    holds the three reports, newest first, each change with the build that found it and its rule's date."""
    data = json.loads((builds["back"] / "changes.json").read_text(encoding="utf-8"))
    built = [data["new"]["built"], *(e["built"] for e in data["earlier"])]
    assert len(data["earlier"]) == 2 and built == sorted(built, reverse=True)
    assert data["earlier"][0]["changes"] == [] and data["earlier"][1]["changes"]
    client = make_app(builds["back"]).test_client()
    page = client.get("/changes").get_data(as_text=True)
    at = [page.index(f'id="build-{n}-') for n in (3, 2, 1)]  # the sequence keeps builds of one second apart
    assert at == sorted(at)
    parent = page.index("Parent organization", at[2])
    assert "2021-01-19" in page[parent:parent + 400]  # found by "new", dated by 86 FR 6094
    feed = feedparser.parse(client.get("/changes.atom").get_data())
    assert feed.bozo == 0 and len({e.id for e in feed.entries}) == len(feed.entries)
    assert len(feed.entries) == len(data["changes"]) + len(data["earlier"][1]["changes"])
    updated = [e.updated for e in feed.entries]
    assert updated == sorted(updated, reverse=True)
    assert feed.entries[0].title.startswith(data["changes"][0]["label"])
    assert feed.entries[-1].title.startswith(data["earlier"][1]["changes"][-1]["label"])
    graph = Graph().parse(builds["back"] / "changes.ttl")
    has_part = URIRef("http://purl.org/dc/terms/hasPart")
    parts = sorted(str(p) for p in graph.objects(URIRef(BASE + "changes"), has_part))
    assert [p.split("#build-")[1].split("-")[0] for p in parts] == ["1", "2", "3"]  # apart even in one second
    assert data["sequence"] == 3
    notes = {str(n) for n in graph.objects(URIRef(CONCEPT + "422.2/institutionalized"), SKOS.changeNote)}
    assert "2021-01-19: definition reworded (86 FR 6094)" in notes and len(notes) == 2  # and back again


def test_previous_must_be_a_build_of_the_same_base(builds, tmp_path, capsys):
    src = str(version_file("422.500").parent)
    assert main(["build", src, "--out", str(tmp_path / "x"), "--previous", str(tmp_path / "missing")]) == 2
    assert "no such build folder" in capsys.readouterr().err
    code = main(["build", src, "--out", str(tmp_path / "y"), "--base", "https://example.org/", "--previous",
                 str(builds["old"])])
    assert code == 2 and "cannot be matched" in capsys.readouterr().err
    assert not (tmp_path / "y").exists()
    for name, junk in (("changes.json", "{not json"), ("changes.ttl", "<a> <b> .")):
        broken = tmp_path / f"broken-{name}"
        shutil.copytree(builds["new"], broken)
        (broken / name).write_text(junk, encoding="utf-8")
        assert main(["build", src, "--out", str(tmp_path / "z"), "--previous", str(broken)]) == 2
        err = capsys.readouterr().err
        assert name in err and "change log is unreadable" in err and "Traceback" not in err
        assert not (tmp_path / "z").exists()


def test_the_service_description_names_the_changes_graph(client):
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    sd_name = URIRef("http://www.w3.org/ns/sparql-service-description#name")
    assert URIRef(BASE + "graph/changes") in set(graph.objects(None, sd_name))
    assert any(str(o).endswith("/changes.ttl") for o in graph.objects(None, URIRef("http://rdfs.org/ns/void#dataDump")))
