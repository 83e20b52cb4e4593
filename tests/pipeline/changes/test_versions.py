"""Several versions of § 422.2 in one build: --as-of, version IRIs, the definition timeline, ?date=."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from medkg.cli import main
from medkg.namespaces import ELI, MEDKG
from rdflib import DCTERMS, Graph, Literal, URIRef

from tests.support.changes import ALL_422_2, build_versions
from tests.support.linkeddata import make_app

BASE = "https://w3id.org/medkg/"
SECTION = BASE + "cfr/42/422/422.2"
CONCEPT = BASE + "concept/42-cfr-422/422.2/"
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")


def concepts(folder: Path) -> set[str]:
    graph = Graph().parse(folder / "graph.ttl")
    return {str(s)[len(CONCEPT):] for s in graph.subjects() if str(s).startswith(CONCEPT) and "/" not in
            str(s)[len(CONCEPT):]}


@pytest.fixture(scope="module")
def latest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_versions(tmp_path_factory.mktemp("versions"), "latest", ALL_422_2)


@pytest.mark.parametrize(("as_of", "has", "lacks"), [
    ("2016-06-01", set(), {"preclusion-list", "parent-organization", "step-therapy"}),  # the 2014 text
    ("2019-06-01", {"preclusion-list", "step-therapy"}, {"parent-organization"}),  # 84 FR 23879, May 2019
    ("2021-06-01", {"preclusion-list", "parent-organization"}, set()),  # 86 FR 6094, Jan. 2021
])
def test_as_of_builds_the_version_in_force_that_day(tmp_path, as_of, has, lacks):
    out = build_versions(tmp_path, "asof", ALL_422_2, as_of=date.fromisoformat(as_of))
    found = concepts(out)
    assert has <= found and not (lacks & found)
    graph = Graph().parse(out / "graph.ttl")
    fide = str(graph.value(URIRef(CONCEPT + "fully-integrated-dual-eligible-special-needs-plan"),
                           URIRef("http://www.w3.org/2004/02/skos/core#definition")))
    assert ("FIDE SNP" in fide) is False  # the 2022 wording is never in force on these dates
    assert len(list(graph.objects(URIRef(SECTION), DCTERMS.hasVersion))) == 5  # every version keeps its IRI


def test_as_of_on_the_command_line(tmp_path):
    from tests.support.changes import linked_sources, version_file

    sources = [str(linked_sources(tmp_path / f"s{i}", version_file("422.2", v.removeprefix("history/"))))
               for i, v in enumerate(ALL_422_2)]
    assert main(["build", *sources, "--out", str(tmp_path / "o"), "--as-of", "2019-06-01"]) == 0
    assert "parent-organization" not in concepts(tmp_path / "o")
    assert main(["build", *sources, "--out", str(tmp_path / "p"), "--as-of", "June 2019"]) == 2


def test_version_iris_carry_text_dates_and_rules(latest):
    graph = Graph().parse(latest / "graph.ttl")
    v2019 = URIRef(SECTION + "/version/2019-05-23")
    assert (v2019, DCTERMS.isVersionOf, URIRef(SECTION)) in graph
    assert graph.value(v2019, MEDKG.supersededOn) == Literal("2021-01-19", datatype=XSD_DATE)
    assert (v2019, ELI.changed_by, URIRef(BASE + "fr/84/23879")) in graph
    text = str(graph.value(v2019, MEDKG.versionText))
    assert "Preclusion list" in text and "Parent organization" not in text
    assert "FIDE SNP" in str(graph.value(URIRef(CONCEPT + "fully-integrated-dual-eligible-special-needs-plan"),
                                         URIRef("http://www.w3.org/2004/02/skos/core#definition")))
    dates = {str(graph.value(v, ELI.version_date)) for v in graph.objects(URIRef(SECTION), DCTERMS.hasVersion)}
    assert dates == {"2014-05-23", "2018-04-16", "2019-05-23", "2021-01-19", "2022-05-09"}


@pytest.fixture(scope="module")
def app(latest) -> Flask:
    return make_app(latest)


def test_concept_page_shows_the_timeline_of_its_definition(client):
    page = client.get("/concept/42-cfr-422/422.2/institutionalized.html").get_data(as_text=True)
    assert "Definition over time" in page and "2014-05-23" in page
    assert "2021-01-19</strong> reworded by 86 FR 6094" in page and "<del>" in page and "<ins>" in page


def test_date_parameter_answers_with_the_version_in_force(client):
    concept = client.get("/concept/42-cfr-422/422.2/institutionalized?date=2020-01-01")
    assert concept.status_code == 303
    assert concept.location.endswith("/concept/42-cfr-422/422.2/institutionalized/version/2014-05-23")
    section = client.get("/cfr/42/422/422.2.ttl?date=2020-01-01")
    assert section.status_code == 303 and section.location.endswith("/cfr/42/422/422.2/version/2019-05-23.ttl")
    document = client.get(section.location)
    assert document.status_code == 200 and "Preclusion list" in document.get_data(as_text=True)
    assert client.get("/cfr/42/422/422.2?date=2023-01-01").location.endswith("/422.2/version/2022-05-09")
    assert client.get("/cfr/42/422/422.2?date=2001-01-01").status_code == 404
    assert client.get("/cfr/42/422/422.2?date=January").status_code == 400


def test_a_definition_added_by_a_later_rule_says_so(client):
    page = client.get("/concept/42-cfr-422/422.2/preclusion-list.html").get_data(as_text=True)
    assert "2018-04-16</strong> added by 83 FR 16722" in page


def test_the_same_version_given_twice_is_one_version(tmp_path):
    out = build_versions(tmp_path, "twice", ("earlier", "earlier", ""))
    graph = Graph().parse(out / "graph.ttl")
    assert {str(v).rsplit("/", 1)[1] for v in graph.objects(URIRef(SECTION), DCTERMS.hasVersion)} == {
        "2019-05-23", "2021-01-19"}


@pytest.fixture(scope="module")
def emergency(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """§ 422.113 as of 2015 (80 FR 7959) and as of 2022 (87 FR 22428, which rewrote (b)(2)(v))."""
    return make_app(build_versions(tmp_path_factory.mktemp("v113"), "v113", ("", "later"), section="422.113"))


def test_date_on_a_paragraph_answers_with_the_paragraph_in_force_that_day(emergency):
    client, para = emergency.test_client(), "/cfr/42/422/422.113/b/2/v"
    assert client.get(para + "?date=2020-01-01").location.endswith(para + "/version/2015-02-12")
    later = client.get(para + ".ttl?date=2023-01-01")
    assert later.status_code == 303 and later.location.endswith(para + "/version/2022-04-14.ttl")
    graph = Graph().parse(data=client.get(later.location).get_data(as_text=True), format="turtle")
    node = URIRef(BASE + para[1:] + "/version/2022-04-14")
    assert "dollar limit" in str(graph.value(node, MEDKG.versionText))
    assert graph.value(node, MEDKG.amendmentPublished) == Literal("2022-04-14", datatype=XSD_DATE)
    # (b)(2)(i) only lost a dash style: one wording since 2015; (b)(2)(vi) came in 2022
    assert client.get("/cfr/42/422/422.113/b/2/i?date=2023-01-01").location.endswith("/b/2/i/version/2015-02-12")
    assert client.get("/cfr/42/422/422.113/b/2/vi?date=2020-01-01").status_code == 404
    page = client.get(para + ".html").get_data(as_text=True)
    assert "Stored versions" in page and "<em>publication</em> dates" in page


def test_version_iris_take_the_cfr_title_from_the_data(tmp_path):
    """A part of another title (the path names title 45) gets version IRIs under that title, not 42."""
    from tests.support.changes import version_file

    for name, version in (("now", ""), ("before", "earlier")):
        copy = tmp_path / name / "ecfr-md-45cfr-part422" / "subpart-K-x" / "section-422.500.md"
        copy.parent.mkdir(parents=True)
        copy.write_text(version_file("422.500", version).read_text(encoding="utf-8"), encoding="utf-8")
    from medkg.pipeline.build import build

    assert build([tmp_path / "now", tmp_path / "before"], tmp_path / "out", progress=lambda _m: None).written
    graph = Graph().parse(tmp_path / "out" / "graph.ttl")
    section = URIRef(BASE + "cfr/45/422/422.500")
    labels = {str(graph.value(v, URIRef("http://www.w3.org/2000/01/rdf-schema#label")))
              for v in graph.objects(section, DCTERMS.hasVersion)}
    assert labels and all(label.startswith("45 CFR 422.500 (version of ") for label in labels)


def test_a_dropped_version_iri_answers_410_and_a_held_one_never_does(latest, tmp_path):
    """A build given fewer snapshots than its predecessor no longer holds the other versions: they are gone."""
    fewer = build_versions(tmp_path, "fewer", ("earlier", ""), previous=latest)
    client = make_app(fewer).test_client()
    gone = "/cfr/42/422/422.2/version/2014-05-23"
    page = client.get(gone, headers={"Accept": "text/html"})
    assert page.status_code == 410 and "stored version of" in page.get_data(as_text=True)
    turtle = client.get(gone + ".ttl")
    graph = Graph().parse(data=turtle.get_data(as_text=True), format="turtle")
    assert turtle.status_code == 410 and (URIRef(BASE + gone[1:]), DCTERMS.isVersionOf, URIRef(SECTION)) in graph
    wording = "/concept/42-cfr-422/422.2/institutionalized/version/"
    assert client.get(wording + "2014-05-23.ttl").status_code == 410  # its first stored wording is now 2019's
    assert client.get(wording + "2019-05-23.ttl").status_code == 200
    assert client.get("/cfr/42/422/422.2/version/2019-05-23").status_code == 303  # held: never 410
    assert client.get("/cfr/42/422/422.2/version/2022-05-09").status_code == 410
