"""The FHIR terminology service on a real build (the seeds and the shared corpora): the issue's cases, every code
system and the concept map valid FHIR R4, the SSSOM export valid, and ``$expand?filter=`` proven to rank exactly
as ``/suggest`` (``SearchIndex.suggest``) over every concept's labels."""

from __future__ import annotations

import logging
import random
from pathlib import Path

import pytest
from flask import Flask
from medkg import extensions
from medkg.fhir.terminology import Terminology
from medkg.linkeddata.search import fold
from medkg.pipeline.output import load_graph, load_manifest
from medkg.pipeline.sssom import sssom_tsv
from sssom.parsers import parse_sssom_table
from sssom.validators import validate

from tests.support.fhir import FhirClient, parameters
from tests.support.linkeddata import BASE, site_of

GLOSSARY = BASE + "scheme/medicareplans-glossary"
CFR = BASE + "scheme/42-cfr-422"
ALL = BASE + "fhir/ValueSet/all"


@pytest.fixture(scope="module")
def app(real_app: Flask) -> Flask:
    return real_app


@pytest.fixture()
def fhir(app: Flask) -> FhirClient:
    return FhirClient(app.test_client())


def test_expand_filter_pso_gives_provider_sponsored_organization_first(fhir: FhirClient) -> None:
    for answer in (fhir.get("ValueSet/$expand", url=ALL, filter="pso"),
                   fhir.post("ValueSet/$expand", parameters(url=ALL, filter="pso", count=10))):
        first, second = answer.body["expansion"]["contains"][:2]  # the official definition before the publisher's
        assert first == {"system": CFR, "code": "422.350/provider-sponsored-organization",
                         "display": "Provider-sponsored organization"}
        assert second == {"system": GLOSSARY, "code": "provider-sponsored-organization-pso",
                          "display": "Provider-Sponsored Organization"}


def test_lookup_of_the_cfr_pso_gives_its_definition_and_citation(fhir: FhirClient) -> None:
    answer = fhir.get("CodeSystem/$lookup", system=CFR, code="422.350/provider-sponsored-organization")
    assert answer.param("display") == "Provider-sponsored organization"
    assert answer.param("definition").startswith("Provider-sponsored organization (PSO) means a public or private")
    properties = {(p["part"][0]["valueCode"], p["part"][1].get("valueString")) for p in answer.params("property")}
    assert ("definedIn", "42 CFR 422.350(b)") in properties


def test_lookup_of_the_glossary_pso_gives_its_regulatory_citations(fhir: FhirClient) -> None:
    answer = fhir.get("CodeSystem/$lookup", system=GLOSSARY, code="provider-sponsored-organization-pso")
    citations = {p["part"][1]["valueString"] for p in answer.params("property")
                 if p["part"][0]["valueCode"] == "citation"}
    assert "42 CFR 422.350(b)" in citations


def test_translate_the_glossary_pso_to_the_cfr_scheme(fhir: FhirClient) -> None:
    answer = fhir.post("ConceptMap/$translate", parameters(
        coding={"system": GLOSSARY, "code": "provider-sponsored-organization-pso"}, targetsystem=CFR))
    assert answer.param("result") is True
    (match,) = answer.params("match")
    parts = {p["name"]: next(v for k, v in p.items() if k.startswith("value")) for p in match["part"]}
    # the glossary paraphrases the regulation (mapping policy): a close match, which FHIR calls "relatedto"
    assert parts["equivalence"] == "relatedto"
    assert parts["concept"]["code"] == "422.350/provider-sponsored-organization"
    assert "same label “provider sponsored organization”" in answer.param("message")


def test_broad_matches_translate_to_wider_and_back_to_narrower(fhir: FhirClient, app: Flask) -> None:
    term: Terminology = app.extensions[extensions.FHIR]
    mapping = next(m for ms in term.mappings.values() for m in ms if m.relation.r4 == "wider" and not m.inverted)
    source, target = term.coding(mapping.subject), term.coding(mapping.object)
    ahead = fhir.get("ConceptMap/$translate", system=source["system"], code=source["code"])
    wider = [m for m in ahead.params("match") if m["part"][1]["valueCoding"]["code"] == target["code"]]
    assert wider[0]["part"][0]["valueCode"] == "wider"
    back = fhir.get("ConceptMap/$translate", system=target["system"], code=target["code"])
    assert any(m["part"][0]["valueCode"] == "narrower" and m["part"][1]["valueCoding"]["code"] == source["code"]
               for m in back.params("match"))


def test_every_code_system_value_set_and_the_concept_map_are_valid_r4(fhir: FhirClient, app: Flask) -> None:
    term: Terminology = app.extensions[extensions.FHIR]
    assert {s.id for s in term.schemes} >= {"medicareplans-glossary", "42-cfr-422", "42-usc-part-c",
                                            "healthcare-gov-glossary"}
    for scheme in term.schemes:
        cs = fhir.get(f"CodeSystem/{scheme.id}").body  # schema-checked by the client
        assert cs["count"] == len(cs["concept"]) > 0
        assert len({c["code"] for c in cs["concept"]}) == len(cs["concept"])
        expansion = fhir.get("ValueSet/$expand", url=scheme.value_set, count=1000).body["expansion"]
        assert expansion["total"] == cs["count"]
    cm = fhir.get("ConceptMap/skos-mappings").body
    assert sum(len(t["target"]) for g in cm["group"] for t in g["element"]) == 2 * len(_asserted(term))


def _asserted(term: Terminology) -> list[object]:
    return [m for ms in term.mappings.values() for m in ms if not m.inverted]


def test_filter_ranks_exactly_as_suggest(app: Flask) -> None:
    """Every concept label's prefixes and random inner pieces: the same concepts in the same order, the same total."""
    term: Terminology = app.extensions[extensions.FHIR]
    index = site_of(app).index
    rng = random.Random(7)
    texts = sorted({e.text for e in index.label_entries})
    queries = {"pso", "a", "e", "plan", "medicare advantage", "zzz", "ma", "(", "Organización"}
    for text in rng.sample(texts, 120):
        folded = fold(text)
        queries |= {text[:n] for n in (1, 2, 3, 5, 8)}
        start = rng.randrange(max(1, len(folded) - 3))
        queries.add(folded[start:start + rng.randint(2, 9)])
    for q in sorted(queries):
        expected = [h.iri for h in index.suggest(q, limit=10**6) if h.iri in term.concept_ids]
        page = term.filter.search(q, 0, 10**6)
        assert [term.concepts[c] for c in page.concepts] == expected, q
        assert page.total in (None, len(expected)), q
        if len(expected) > 3:
            middle = term.filter.search(q, 2, 2)
            assert [term.concepts[c] for c in middle.concepts] == expected[2:4], q


def test_sssom_of_the_real_build_is_valid(real_build: Path, tmp_path: Path,
                                          caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "real.sssom.tsv"
    manifest = load_manifest(real_build)
    path.write_text(sssom_tsv(load_graph(real_build), manifest["base"], manifest["built"]), encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        msdf = parse_sssom_table(path)
    assert not [r for r in caplog.records if "not well-formed" in r.getMessage()]
    assert all(not report.results for report in validate(msdf, fail_on_error=False).values())
    rows = msdf.df.to_dict("records")
    assert {r["predicate_id"] for r in rows} >= {"skos:exactMatch", "skos:closeMatch", "skos:broadMatch"}
    assert all(r["comment"] for r in rows)  # every mapping carries its evidence


def test_filter_totals_within_one_scheme(app: Flask) -> None:
    """A scheme's value set counts only its own concepts, for short texts (remembered) and long ones."""
    term: Terminology = app.extensions[extensions.FHIR]
    index = site_of(app).index
    for scheme in term.schemes:
        for q in ("a", "pl", "pso", "plan", "organization"):
            expected = [h.iri for h in index.suggest(q, limit=10**6) if h.iri in scheme.codes.values()]
            for _ in range(2):  # counted, then remembered
                page = term.filter.search(q, 0, 10**6, scheme.index)
                assert [term.concepts[c] for c in page.concepts] == expected and page.total == len(expected), q
