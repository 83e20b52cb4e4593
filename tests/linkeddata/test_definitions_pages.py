"""Pages and API for scope, applicable definitions, term use and mappings, over a real build (Flask test client)."""

from __future__ import annotations

import json
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from medkg.pipeline.build import EXIT_OK, build

from tests.pipeline.regulatory.test_scope import SECTIONS
from tests.support.linkeddata import make_app
from tests.support.paths import ROOT, shared_path
from tests.support.regulatory import compose_part


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    work = tmp_path_factory.mktemp("pages")
    part = compose_part(work / "part-405-Federal-Health-Insurance", SECTIONS)
    sources = [ROOT / "data", part, shared_path("data", "uscode-title42-partC", "chunck-7538.md")]
    result = build(sources, work / "out", progress=lambda _m: None)
    assert result.exit_code == EXIT_OK, [str(d) for d in result.diagnostics if d.severity == "error"]
    return make_app(work / "out")


def page(client: FlaskClient, path: str) -> str:
    answer = client.get(path, headers={"Accept": "text/html"})
    assert answer.status_code == 200, path
    return answer.get_data(as_text=True)


def section(html: str, css: str) -> str:
    match = re.search(rf'<section class="{css}">(.*?)</section>', html, re.S)
    assert match, css
    return match.group(1)


def test_provision_page_lists_the_defined_terms_that_apply(client: FlaskClient) -> None:
    html = section(page(client, "/cfr/42/405/405.904/b.html"), "applicable")
    assert "Defined terms that apply here" in html
    rows = re.findall(r"<tr><td>(.*?)</td></tr>", html, re.S)
    text = [re.sub(r"<[^>]+>", "", r) for r in rows]
    assert len(text) == 3
    assert any("Party" in t and "42 CFR 405.904(a)" in t and "42 CFR 405.904" in t for t in text)
    assert any("Appellant" in t and "42 CFR part 405, subpart I" in t for t in text)


def test_applicable_definitions_api(client: FlaskClient) -> None:
    for asked in ("cfr/42/405/405.904/b", "42 CFR 405.904(b)", "https://w3id.org/medkg/cfr/42/405/405.904/b"):
        answer = client.get("/applicable-definitions", query_string={"provision": asked})
        assert answer.status_code == 200 and answer.mimetype == "application/json", asked
        body = json.loads(answer.get_data(as_text=True))
        assert body["provision"]["label"] == "42 CFR 405.904(b)"
        terms = {(d["concept"]["label"], d["scope"]["label"]) for d in body["definitions"]}
        assert terms == {("Party", "42 CFR 405.904"), ("Appellant", "42 CFR part 405, subpart I"),
                         ("Redetermination", "42 CFR part 405, subpart I")}
        assert body["count"] == 3
    missing = client.get("/applicable-definitions")
    assert missing.status_code == 400 and json.loads(missing.get_data(as_text=True))["status"] == 400
    unknown = client.get("/applicable-definitions", query_string={"provision": "42 CFR 999.1"})
    assert unknown.status_code == 404 and unknown.mimetype == "application/json"


def test_concept_page_scope_and_used_in_with_counts(client: FlaskClient) -> None:
    html = page(client, _concept_path(client, "Appellant"))
    scope = section(html, "scope")
    assert "42 CFR part 405, subpart I" in scope and "For the purposes of this subpart" in scope
    used = section(html, "used-in")
    assert re.search(r"42 CFR 405\.904\(b\)</a></td><td>1</td>", used)


def _concept_path(client: FlaskClient, label: str) -> str:
    hits = json.loads(client.get("/search.json", query_string={"q": label}).get_data(as_text=True))["results"]
    return next(h["url"] for h in hits if h["label"] == label) + ".html"


def test_every_mapping_names_its_vocabulary_and_section(client: FlaskClient) -> None:
    html = section(page(client, _concept_path(client, "Provider-Sponsored Organization")), "mappings")
    rows = [re.sub(r"<[^>]+>", "", r) for r in re.findall(r"<tr><td>(.*?)</tr>", html, re.S)]
    assert len(rows) == 2
    assert any("42 CFR 422.350(b)" in r and "42 CFR Part 422 · § 422.350" in r for r in rows)
    assert any("42 U.S.C. 1395w-25(d)(1)" in r and "42 U.S.C. §§ 1395w-21–1395w-28 · § 1395w-25" in r for r in rows)
    assert all("close match" in r for r in rows)  # the glossary paraphrases both (mapping policy)


def test_the_api_answers_json_on_the_fixture_build_too() -> None:
    """On a build with no regulatory scope the API still answers, in JSON, never echoing markup as HTML."""
    client = make_app().test_client()
    answer = client.get("/applicable-definitions", query_string={"provision": "<script>"})
    assert answer.status_code == 404 and answer.mimetype == "application/json"


def test_a_concept_published_under_another_parts_scheme_moved_permanently(client: FlaskClient) -> None:
    """Before one scheme per part, every regulatory concept was minted under 42-cfr-422: those IRIs keep working."""
    assert client.get("/concept/42-cfr-405/405.904/party").status_code == 303
    for old, new in (("/concept/42-cfr-422/405.904/party", "/concept/42-cfr-405/405.904/party"),
                     ("/concept/42-cfr-422/405.904/party.ttl", "/concept/42-cfr-405/405.904/party.ttl")):
        answer = client.get(old)
        assert answer.status_code == 301 and answer.headers["Location"].endswith(new), old
    assert client.get("/concept/42-cfr-422/405.904/no-such-term").status_code == 404
    assert client.get("/concept/42-cfr-405/405.904/no-such-term").status_code == 404
