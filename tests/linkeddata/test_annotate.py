"""The annotator (issue 10 #9): /annotate over a real build (Flask test client) and 'medkg annotate' offline."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from medkg.cli import main
from medkg.linkeddata.annotator import annotator_of
from medkg.pipeline.build import EXIT_INPUT, EXIT_OK, build

from tests.support.linkeddata import make_app, site_of
from tests.support.paths import ROOT, shared_path

CONCEPT = "https://w3id.org/medkg/concept/"
AFFILIATED = CONCEPT + "42-cfr-422/422.354/affiliated"
REG_PSO = CONCEPT + "42-cfr-422/422.350/provider-sponsored-organization"
GLOSSARY_PSO = CONCEPT + "medicareplans-glossary/provider-sponsored-organization-pso"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    subpart = shared_path("data", "ecfr-md-42cfr-part422", "subpart-H-ProviderSponsored-Organizations")
    out = tmp_path_factory.mktemp("annotate") / "out"
    result = build([ROOT / "data", subpart], out, progress=lambda _m: None)
    assert result.exit_code == EXIT_OK
    return out


@pytest.fixture(scope="module")
def app(built: Path) -> Flask:
    return make_app(built)


@pytest.fixture(scope="module")
def paragraph() -> str:
    """42 CFR 422.354(b), read in place from the eCFR corpus."""
    path = shared_path("data", "ecfr-md-42cfr-part422", "subpart-H-ProviderSponsored-Organizations",
                       "section-422.354.md")
    return next(line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("(b)"))


def spans(answer: object) -> list[tuple[int, int, str, str]]:
    body = answer.get_json()  # type: ignore[attr-defined]
    assert answer.status_code == 200, body  # type: ignore[attr-defined]
    assert body["count"] == len(body["spans"])
    return [(s["start"], s["end"], s["text"], s["concept"]) for s in body["spans"]]


def expected(paragraph: str) -> list[tuple[int, int, str, str]]:
    affiliated = paragraph.index("affiliated")
    first, second = paragraph.index("PSO"), paragraph.rindex("PSO")
    assert first != second
    return [(affiliated, affiliated + 10, "affiliated", AFFILIATED),
            (first, first + 3, "PSO", REG_PSO), (first, first + 3, "PSO", GLOSSARY_PSO),
            (second, second + 3, "PSO", REG_PSO), (second, second + 3, "PSO", GLOSSARY_PSO)]


def test_real_paragraph_spans(client: FlaskClient, paragraph: str) -> None:
    answer = client.get("/annotate", query_string={"text": paragraph})
    assert answer.mimetype == "application/json"
    assert spans(answer) == expected(paragraph)
    assert all(paragraph[s:e] == t for s, e, t, _ in spans(answer))
    pso = next(s for s in answer.get_json()["spans"] if s["concept"] == REG_PSO)
    assert pso["label"] == "Provider-sponsored organization"
    assert pso["vocabulary_label"] == "42 CFR Part 422 — Medicare Advantage Program"
    assert pso["citation"] == "42 CFR 422.350(b)"
    assert pso["definition"].startswith("Provider-sponsored organization (PSO) means a public or private entity")
    glossary = next(s for s in answer.get_json()["spans"] if s["concept"] == GLOSSARY_PSO)
    assert glossary["vocabulary_label"] == "MedicarePlans.com glossary"
    assert glossary["citation"] == "42 CFR 422.350(b)"


def test_post_plain_form_and_json_answer_as_get(client: FlaskClient, paragraph: str) -> None:
    want = expected(paragraph)
    assert spans(client.post("/annotate", data=paragraph.encode(), content_type="text/plain")) == want
    assert spans(client.post("/annotate", data={"text": paragraph})) == want
    assert spans(client.post("/annotate", json={"text": paragraph})) == want


def test_scheme_and_provision_narrow_the_terms(client: FlaskClient, paragraph: str) -> None:
    glossary = [s for s in expected(paragraph) if s[3] == GLOSSARY_PSO]
    assert spans(client.get("/annotate", query_string={"text": paragraph,
                                                       "scheme": "medicareplans-glossary"})) == glossary
    both = client.get("/annotate", query_string=[("text", paragraph), ("scheme", "medicareplans-glossary"),
                                                 ("scheme", "https://w3id.org/medkg/scheme/42-cfr-422")])
    assert spans(both) == expected(paragraph)
    # in 42 CFR 422.354(b) the regulation's own definitions apply, not the glossary's
    there = [s for s in expected(paragraph) if s[3] != GLOSSARY_PSO]
    assert spans(client.post("/annotate", json={"text": paragraph, "provision": "42 CFR 422.354(b)"})) == there


def test_matching_rules(client: FlaskClient) -> None:
    text = "PSOs and a provider-sponsored organization; pso, PSOX and non-PSO are not terms."
    found = [(t, c) for _, _, t, c in spans(client.post("/annotate", json={"text": text, "scheme": ["42-cfr-422"]}))]
    assert found == [("PSOs", REG_PSO), ("provider-sponsored organization", REG_PSO)]


def test_web_annotation_jsonld(client: FlaskClient, paragraph: str) -> None:
    answer = client.get("/annotate", query_string={"text": paragraph}, headers={"Accept": "application/ld+json"})
    assert answer.status_code == 200 and answer.mimetype == "application/ld+json"
    body = json.loads(answer.get_data(as_text=True))
    assert body["@context"] == "http://www.w3.org/ns/anno.jsonld" and body["type"] == "AnnotationCollection"
    items = body["first"]["items"]
    assert body["total"] == len(items) == 5
    first = items[1]
    assert first["type"] == "Annotation" and first["motivation"] == "identifying"
    assert first["body"][0] == {"type": "SpecificResource", "purpose": "identifying", "source": REG_PSO}
    position, quote = first["target"]["selector"]
    start = paragraph.index("PSO")
    assert position == {"type": "TextPositionSelector", "start": start, "end": start + 3}
    assert quote == {"type": "TextQuoteSelector", "exact": "PSO"}


def test_bad_input_is_a_4xx_never_a_500(app: Flask, client: FlaskClient) -> None:
    json_only = {"Accept": "application/json"}
    cases = [(client.get("/annotate", headers=json_only), 400),
             (client.get("/annotate?text=%20%20", headers=json_only), 400),
             (client.get("/annotate?text=%FF%FE", headers=json_only), 400),
             (client.post("/annotate", data=b"caf\xe9", content_type="text/plain", headers=json_only), 400),
             (client.post("/annotate", data=b"{not json", content_type="application/json", headers=json_only), 400),
             (client.post("/annotate", json={"text": 5}, headers=json_only), 400),
             (client.post("/annotate", json=["text"], headers=json_only), 400),
             (client.get("/annotate?text=PSO&scheme=nope", headers=json_only), 400),
             (client.get("/annotate?text=PSO&provision=42+CFR+999.1", headers=json_only), 404)]
    for answer, status in cases:
        assert answer.status_code == status, answer.get_data(as_text=True)
        assert answer.get_json()["error"]
    assert "not UTF-8" in cases[3][0].get_json()["error"]
    assert "known: " in cases[7][0].get_json()["error"] and "medicareplans-glossary" in cases[7][0].get_json()["error"]
    limit = app.config["MAX_ANNOTATE_BYTES"]
    assert limit == 1048576
    big = "PSO " * (limit // 4 + 1)
    assert client.post("/annotate", data=big.encode(), content_type="text/plain").status_code == 413
    assert client.post("/annotate", json={"text": big}).status_code == 413
    assert client.post("/annotate", data=("PSO " * (limit // 4)).encode(), content_type="text/plain").status_code == 200


def test_matcher_is_built_once_per_build(app: Flask, client: FlaskClient) -> None:
    site = site_of(app)
    client.get("/annotate?text=PSO")
    annotator = annotator_of(site)
    client.get("/annotate?text=PSO")
    assert annotator_of(site) is annotator and site.annotator is annotator


def test_cli_annotates_a_file_offline(built: Path, paragraph: str, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "para.txt"
    text.write_text(paragraph, encoding="utf-8")
    assert main(["annotate", str(text), "--build", str(built)]) == EXIT_OK
    body = json.loads(capsys.readouterr().out)
    assert [(s["start"], s["end"], s["text"], s["concept"]) for s in body["spans"]] == expected(paragraph)
    (tmp_path / "evil.txt").write_text("<script>PSO</script> & more", encoding="utf-8")
    assert main(["annotate", str(tmp_path / "evil.txt"), "--build", str(built), "--format", "html"]) == EXIT_OK
    html = capsys.readouterr().out
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp; more" in html
    assert f'<a class="term" href="{REG_PSO}"' in html
    (tmp_path / "latin1.txt").write_bytes(b"caf\xe9")
    assert main(["annotate", str(tmp_path / "latin1.txt"), "--build", str(built)]) == EXIT_INPUT
    assert "not UTF-8" in capsys.readouterr().err


HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}  # what a browser sends


def test_the_page_offers_a_form_and_curl_still_gets_json(client: FlaskClient) -> None:
    form = client.get("/annotate", headers=HTML)
    assert form.status_code == 200 and form.mimetype == "text/html"
    page = form.get_data(as_text=True)
    assert '<header class="site">' in page and '<textarea id="annotate-text" name="text"' in page
    assert '<option value="https://w3id.org/medkg/scheme/42-cfr-422">' in page
    assert client.get("/annotate?text=PSO", headers={"Accept": "*/*"}).mimetype == "application/json"


def test_the_page_marks_a_real_paragraph(client: FlaskClient, paragraph: str) -> None:
    answer = client.post("/annotate", data={"text": paragraph}, headers=HTML)
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    page = answer.get_data(as_text=True)
    marked = page.split('<div class="marked-text">', 1)[1].split("</div>", 1)[0]
    links = re.findall(r'<a class="term" href="([^"]+)" aria-describedby="(gloss-\d+)">([^<]+)</a>', marked)
    assert [text for _, _, text in links] == ["affiliated", "PSO", "PSO"]
    assert links[0][0] == "/concept/42-cfr-422/422.354/affiliated"
    assert links[1][1] == links[2][1]  # one meaning, described once
    gloss = page.split(f'<dd id="{links[1][1]}">', 1)[1].split("</dd>", 1)[0]
    assert "Provider-sponsored organization</strong> · 42 CFR Part 422" in gloss and "42 CFR 422.350(b)" in gloss
    assert "MedicarePlans.com glossary" in gloss  # the same span names the glossary's PSO too
    assert re.sub(r"<[^>]+>", "", marked) == html.escape(paragraph, quote=True)  # the text itself, unchanged


def test_the_page_escapes_the_text_and_shows_bad_input(client: FlaskClient) -> None:
    answer = client.get("/annotate?text=<script>alert(1)</script>+PSO", headers=HTML)
    page = answer.get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; " in page
    bad = client.get("/annotate?text=PSO&provision=42+CFR+999.1", headers=HTML)
    assert bad.status_code == 404 and bad.mimetype == "text/html"
    assert '<p class="error" role="alert">no provision' in bad.get_data(as_text=True)
    assert "PSO</textarea>" in bad.get_data(as_text=True)  # what was sent stays in the form
