"""``medkg diff``: the change report of two builds, on the real stored versions of part 422 and on our own text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from medkg.cli import main
from medkg.namespaces import MEDKG
from medkg.pipeline.changes import compare, snapshot
from rdflib import Graph, Literal, URIRef

from tests.support.changes import EARLIER, LATER, build_of, in_section, version_file

CONCEPT = "https://w3id.org/medkg/concept/42-cfr-422/"


def report_of(old: Path, new: Path) -> compare.Report:
    return compare.compare(snapshot.load(old), snapshot.load(new))


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("changes")
    return {
        "earlier": build_of(tmp, "earlier", *(version_file(s, "earlier") for s in EARLIER)),
        "current-of-earlier": build_of(tmp, "current-of-earlier", *(version_file(s) for s in EARLIER)),
        "500-current": build_of(tmp, "500-current", version_file("422.500")),
        "2-2019": build_of(tmp, "2-2019", version_file("422.2", "earlier")),
        "2-2021": build_of(tmp, "2-2021", version_file("422.2")),
        "current": build_of(tmp, "current", *(version_file(s) for s in LATER)),
        "later": build_of(tmp, "later", *(version_file(s, "later") for s in LATER)),
    }


def test_422_500_earlier_to_current_reports_the_three_added_definitions_and_nothing_else(builds):
    report = report_of(builds["earlier"], builds["current-of-earlier"])
    changes = in_section(report.changes, "422.500")
    assert [(c.kind, c.what, c.label) for c in changes] == [
        ("added", "concept", "Fraud hotline tip"),
        ("added", "concept", "Inappropriate prescribing"),
        ("added", "concept", "Substantiated or suspicious activities of fraud, waste, or abuse")]
    assert all(c.amended_by == ["86 FR 6098"] for c in changes)  # the current note adds 86 FR 6098
    assert report.cosmetic > 0  # " -" → "—" and the amendment-link line are counted, not listed


EARLIER_DEFINITIONS = {  # the definitions a careful reader sees change from each earlier version to the current
    ("modified", "Institutionalized"), ("added", "Parent organization"), ("modified", "Special needs individual"),
    ("added", "Affiliated Medicaid managed care plan"),  # § 422.66(c)(2), 83 FR 16722
    ("modified", "New MA plan"), ("modified", "Appeal"),  # "(MAC)" → "(Council)"
    ("added", "Fraud hotline tip"), ("added", "Inappropriate prescribing"),
    ("added", "Substantiated or suspicious activities of fraud, waste, or abuse"),
    ("added", "Advertisement"), ("added", "Alternate format"), ("added", "Banner"),
    ("added", "Banner-like advertisement"), ("added", "Outdoor advertising"), ("removed", "Communication materials"),
    ("removed", "Marketing materials"),  # "*Marketing materials* - (1) Include …": a verb-less 2018 definition
    ("modified", "Communications"), ("modified", "Marketing"),
}


def test_every_earlier_version_reports_each_definition_that_changed_and_no_other(builds):
    report = report_of(builds["earlier"], builds["current-of-earlier"])
    assert {(c.kind, c.label) for c in report.changes if c.what == "concept"} == EARLIER_DEFINITIONS
    assert {c.section.rsplit("/", 1)[1] for c in report.changes if c.section} <= set(EARLIER)


def test_422_2_2019_to_2021_parent_organization_added_two_definitions_reworded(builds):
    report = report_of(builds["2-2019"], builds["2-2021"])
    found = {(c.kind, c.label, c.prop) for c in in_section(report.changes, "422.2")}
    assert found == {("added", "Parent organization", None),
                     ("modified", "Institutionalized", "definition"),
                     ("modified", "Special needs individual", "definition")}
    assert {tuple(c.amended_by) for c in report.changes} == {("86 FR 6094",)}
    special = next(c for c in report.changes if c.label == "Special needs individual")
    deleted = " ".join(words for op, words in special.diff or [] if op == "delete")
    assert "institutionalized," in deleted and "above," in deleted
    assert any(op == "insert" and "institutionalized-equivalent" in words for op, words in special.diff or [])


def test_422_113_current_to_later_reports_the_new_cost_sharing_limits_and_nothing_else(builds):
    """87 FR 22428 rewrote (b)(2)(v) as a list with (A), (B) and an italic list (*1*)-(*4*) of yearly limits, and
    added (b)(2)(vi); the italic list is level 5 under (B), not paragraphs (b)(3), (b)(4)."""
    changes = in_section(report_of(builds["current"], builds["later"]).changes, "422.113")
    base = "https://w3id.org/medkg/cfr/42/422/422.113/b/2/"
    found = [(c.kind, c.what, c.iri.removeprefix(base), c.prop) for c in changes]
    assert found == [("modified", "provision", "v", "text")] + [
        ("added", "provision", tail, None) for tail in ("v/A", "v/B", "v/B/1", "v/B/2", "v/B/3", "v/B/4", "vi")]
    assert all(c.amended_by == ["87 FR 22428"] for c in changes)
    assert "For 2026 and subsequent years, $115" in changes[-2].after


LATER_CHANGES = {  # what a careful reader of each current → later pair sees, and the rules its new note adds
    "422.2": ({("modified", "Fully integrated dual eligible special needs plan"),
               ("modified", "Highly integrated dual eligible special needs plan")}, ["87 FR 27893"]),
    "422.252": ({("modified", "New MA plan")}, ["87 FR 27895"]),
    "422.561": ({("added", "Applicable integrated plan"), ("added", "Integrated appeal"),
                 ("added", "Integrated grievance"), ("added", "Integrated organization determination"),
                 ("added", "Integrated reconsideration")}, ["84 FR 15833", "84 FR 26579"]),
    "422.2260": ({("added", "Third-party marketing organization")}, ["87 FR 27898"]),
}


def test_every_later_version_reports_what_changed_and_nothing_else(builds):
    report = report_of(builds["current"], builds["later"])
    for section, (expected, rules) in LATER_CHANGES.items():
        changes = in_section(report.changes, section)
        assert {(c.kind, c.label) for c in changes} == expected, section
        assert all(c.what == "concept" and c.amended_by == rules for c in changes), section
    assert len(report.changes) == sum(len(e) for e, _ in LATER_CHANGES.values()) + 8  # and § 422.113's eight
    assert report.cosmetic > 0  # dashes and amendment-link lines


def test_422_62_earlier_cites_the_paragraphs_it_names(builds):
    """"paragraphs (a)(4)(i)(A) and (a)(4)(i)(B)": the second item is a full path, not (a)(4) + (a)(4)(i)(B)."""
    graph = Graph().parse(builds["earlier"] / "graph.ttl")
    cited = {str(o) for o in graph.objects() if "/cfr/42/422/422.62/" in str(o)}
    base = "https://w3id.org/medkg/cfr/42/422/422.62/"
    assert {base + "a/4/i/A", base + "a/4/i/B", base + "a/5/iii"} <= cited
    assert [iri for iri in cited if "/a/4/a" in iri or "/a/5/a" in iri] == []


def test_the_same_build_twice_has_no_change_and_exits_0(builds, capsys):
    assert main(["diff", str(builds["2-2021"]), str(builds["2-2021"])]) == 0
    assert "0 change(s)" in capsys.readouterr().out


SECTION = """##### § 422.999 Test requirements. #####

(a) *General.* An MA organization must keep records of every enrollment request it receives.

(b) *Notices.* The MA organization must send each enrollee a written notice of the decision within 30 days.

(c) *Appeals.* An enrollee may appeal a decision of the MA organization under subpart M of this part.

[99 FR 100, Jan. 2, 2030{note}]
"""
INSERTED = "(b) *Records.* The MA organization must keep the records for ten years after the contract ends."


def write_section(folder: Path, text: str) -> Path:
    path = folder / "subpart-K-Test" / "section-422.999.md"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def own_text(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from medkg.pipeline.build import build

    tmp = tmp_path_factory.mktemp("own")
    renumbered = SECTION.replace("(c) *Appeals.*", "(d) *Appeals.*").replace("(b) *Notices.*", "(c) *Notices.*")
    renumbered = renumbered.replace("(c) *Notices.*", INSERTED + "\n\n(c) *Notices.*")
    versions = {
        "old": SECTION.format(note=""),
        "new": renumbered.format(note=", as amended at 99 FR 200, Mar. 3, 2031"),
        "cosmetic": SECTION.format(note="").replace("#####\n", "#####\n\nLink to an amendment published at 99 FR "
                                                    "300, Apr. 4, 2031.\n", 1)
        .replace("decision within 30 days.", "decision  within\n30 days."),
    }
    out = {}
    for name, text in versions.items():
        src = write_section(tmp / f"{name}-src", text)
        assert build([src], tmp / name, progress=lambda _m: None).written
        out[name] = tmp / name
    return out


def test_a_renumbered_paragraph_is_moved_not_removed_and_added(own_text):
    report = report_of(own_text["old"], own_text["new"])
    base = "https://w3id.org/medkg/cfr/42/422/422.999/"
    moved = [(c.iri, c.target) for c in report.changes if c.kind == "moved"]
    assert moved == [(base + "b", base + "c"), (base + "c", base + "d")]
    added = [c for c in report.changes if c.kind == "added" and c.what == "provision"]
    assert [(c.iri, c.prop) for c in added] == [(base + "b", "text"), (base + "b", "title")]
    assert "ten years" in added[0].after
    assert [c for c in report.changes if c.kind not in ("moved", "added")] == []
    assert {tuple(c.amended_by) for c in report.changes} == {("99 FR 200",)}


def test_whitespace_dash_and_link_line_differences_are_counted_not_listed(own_text, builds, tmp_path):
    report = report_of(own_text["old"], own_text["cosmetic"])
    assert report.changes == []
    assert report.cosmetic == 2  # the text of (b) and the section's editorial note
    dashes = (version_file("422.500").read_text(encoding="utf-8").replace("\u2014", " -"))
    src = tmp_path / "src" / "subpart-K-x" / "section-422.500.md"
    src.parent.mkdir(parents=True)
    src.write_text(dashes, encoding="utf-8")
    from medkg.pipeline.build import build

    assert build([tmp_path / "src"], tmp_path / "dashes", progress=lambda _m: None).written
    report = report_of(builds["500-current"], tmp_path / "dashes")
    assert report.changes == [] and report.cosmetic > 0
    assert main(["diff", str(builds["500-current"]), str(tmp_path / "dashes")]) == 0


def test_json_text_html_and_turtle_reports(builds, tmp_path, capsys):
    old, new = str(builds["2-2019"]), str(builds["2-2021"])
    assert main(["diff", old, new, "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    parent = next(c for c in data["changes"] if c["label"] == "Parent organization")
    assert parent["kind"] == "added" and parent["iri"] == CONCEPT + "422.2/parent-organization"
    assert parent["before"] is None and parent["after"].startswith("Parent organization means the legal entity")
    assert parent["amendedBy"] == ["86 FR 6094"]
    assert main(["diff", old, new]) == 1
    text = capsys.readouterr().out
    assert "[-institutionalized,-]" in text and "42 CFR 422.2 - amended by 86 FR 6094" in text
    assert main(["diff", old, new, "-f", "html", "-o", str(tmp_path / "r.html")]) == 1
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<del>institutionalized,</del>" in page and "<ins>" in page
    assert main(["diff", old, new, "-f", "ttl", "-o", str(tmp_path / "r.ttl")]) == 1
    graph = Graph().parse(tmp_path / "r.ttl")
    assert len(set(graph.subjects(MEDKG.changeKind, Literal("modified")))) == 2
    assert (URIRef("https://w3id.org/medkg/fr/86/6094"), URIRef("http://data.europa.eu/eli/ontology#changes"),
            URIRef("https://w3id.org/medkg/cfr/42/422/422.2")) in graph


def test_bad_input_exits_2_with_a_message_never_a_traceback(builds, tmp_path, capsys):
    other = build_of(tmp_path, "other-base", version_file("422.500"), base="https://example.org/kg/")
    assert main(["diff", str(builds["500-current"]), str(other)]) == 2
    assert "different base IRIs" in capsys.readouterr().err
    assert main(["diff", str(tmp_path / "missing"), str(other)]) == 2
    assert "no such build folder" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["diff", str(tmp_path / "empty"), str(other)]) == 2
    err = capsys.readouterr().err
    assert "not a build folder" in err and "Traceback" not in err


GRAPH = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix medkg: <https://w3id.org/medkg/def/> .
<https://w3id.org/medkg/concept/g/plan> a skos:Concept ; skos:prefLabel "Plan"@en ; skos:definition "A plan."@en ;
    skos:altLabel {alt} ; {extra} .
<https://w3id.org/medkg/concept/g/thing> a skos:Concept ; skos:prefLabel "Thing"@en ; skos:definition "A thing."@en .
<https://w3id.org/medkg/concept/h/plan> a skos:Concept ; skos:prefLabel "Health plan"@en ;
    skos:definition "A plan."@en .
"""


def write_build(folder: Path, alt: str, extra: str) -> Path:
    folder.mkdir()
    (folder / "build.json").write_text('{"base": "https://w3id.org/medkg/", "built": "2030-01-01T00:00:00+00:00"}')
    (folder / "graph.ttl").write_text(GRAPH.replace("{alt}", alt).replace("{extra}", extra), encoding="utf-8")
    return folder


def test_labels_scope_broader_and_mappings_are_compared(tmp_path):
    old = write_build(tmp_path / "old", '"Scheme"@en', 'skos:scopeNote "Only in part C."@en')
    new = write_build(tmp_path / "new", '"Scheme"@en, "Programme"@en',
                      'skos:scopeNote "In parts C and D."@en ; skos:broader <https://w3id.org/medkg/concept/g/thing> ; '
                      'skos:exactMatch <https://w3id.org/medkg/concept/h/plan>')
    report = report_of(old, new)
    found = {(c.kind, c.prop): (c.before, c.after) for c in report.changes}
    assert found == {
        ("modified", "altLabel"): (["Scheme"], ["Programme", "Scheme"]),
        ("modified", "broader"): ([], ["https://w3id.org/medkg/concept/g/thing"]),
        ("modified", "exactMatch"): ([], ["https://w3id.org/medkg/concept/h/plan"]),
        ("modified", "scopeNote"): ("Only in part C.", "In parts C and D."),
    }


def test_an_unreadable_graph_is_bad_input_with_the_file_named(tmp_path, capsys):
    good = write_build(tmp_path / "good", '"Scheme"@en', 'skos:note "x"@en')
    bad = write_build(tmp_path / "bad", '"Scheme"@en', 'skos:note "x"@en')
    (bad / "graph.ttl").write_text("<https://w3id.org/medkg/x> a <unclosed .\n", encoding="utf-8")
    assert main(["diff", str(good), str(bad)]) == 2
    err = capsys.readouterr().err
    assert "graph.ttl" in err and "Traceback" not in err
