"""The FHIR terminology service over the hand-written fixture build: every resource and operation, GET and POST,
and the errors; every answer is valid FHIR R4 JSON (``fhir_support``)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.support.fhir import FhirClient, parameters
from tests.support.linkeddata import BASE, PSO

GLOSSARY = BASE + "scheme/medicareplans-glossary"
CFR = BASE + "scheme/42-cfr-422"
ALL = BASE + "fhir/ValueSet/all"
PSO_CODE = "provider-sponsored-organization-pso"
REG_PSO_CODE = "422.350/provider-sponsored-organization"


@pytest.fixture()
def fhir(client: FlaskClient) -> FhirClient:
    return FhirClient(client)


def test_capability_statement_lists_the_operations(fhir: FhirClient) -> None:
    answer = fhir.get("metadata")
    assert answer.status == 200 and answer.body["resourceType"] == "CapabilityStatement"
    assert answer.body["kind"] == "instance" and answer.body["fhirVersion"] == "4.0.1"
    ops = {r["type"]: {o["name"] for o in r["operation"]} for r in answer.body["rest"][0]["resource"]}
    assert ops == {"CodeSystem": {"lookup", "validate-code"}, "ValueSet": {"expand", "validate-code"},
                   "ConceptMap": {"translate"}}
    assert answer.headers["Access-Control-Allow-Origin"] == "*"


def test_terminology_capabilities_list_every_code_system_with_its_version(fhir: FhirClient) -> None:
    answer = fhir.get("metadata", mode="terminology")
    assert answer.body["resourceType"] == "TerminologyCapabilities"
    systems = {c["uri"]: c["version"][0]["code"] for c in answer.body["codeSystem"]}
    assert systems == dict.fromkeys([CFR, BASE + "scheme/healthcare-gov-glossary", GLOSSARY],
                                    "2026-11-22T12:00:00+00:00")


def test_code_system_has_the_issue_fields_and_every_concept(fhir: FhirClient) -> None:
    cs = fhir.get("CodeSystem/medicareplans-glossary").body
    assert (cs["url"], cs["version"], cs["status"], cs["publisher"]) == (
        GLOSSARY, "2026-11-22T12:00:00+00:00", "active", "MedicarePlans.com")
    assert cs["content"] == "complete" and cs["hierarchyMeaning"] == "grouped-by"
    assert "creativecommons.org/licenses/by/4.0" in cs["copyright"]
    assert cs["valueSet"] == GLOSSARY + "?fhir_vs" and cs["count"] == 2
    concepts = {c["code"]: c for c in cs["concept"]}
    pso = concepts[PSO_CODE]
    assert pso["display"] == "Provider-Sponsored Organization (PSO)"
    assert pso["definition"].startswith("A group of doctors")
    designations = {(d.get("language"), d["use"]["code"], d["value"]) for d in pso["designation"]}
    assert ("es", "prefLabel", "Organización patrocinada por proveedores") in designations
    assert ("en", "altLabel", "PSO") in designations
    assert ("en", "hiddenLabel", "PROVIDER SPONSORED ORGANIZATION (PSO)") in designations
    props = {(p["code"], next(v for k, v in p.items() if k.startswith("value"))) for p in pso["property"]}
    assert {("parent", "managed-care-plan"), ("citation", "42 CFR 422.350"), ("iri", PSO)} <= props
    assert ("child", PSO_CODE) in {(p["code"], p.get("valueCode")) for p in concepts["managed-care-plan"]["property"]}


def test_regulatory_code_system_gives_the_defining_provision(fhir: FhirClient) -> None:
    cs = fhir.get("CodeSystem/42-cfr-422").body
    (pso,) = cs["concept"]
    assert pso["code"] == REG_PSO_CODE
    assert {"code": "definedIn", "valueString": "42 CFR 422.350"} in pso["property"]


def test_code_system_search_by_url(fhir: FhirClient) -> None:
    found = fhir.get("CodeSystem", url=CFR).body
    assert found["resourceType"] == "Bundle" and found["total"] == 1
    assert found["entry"][0]["resource"]["id"] == "42-cfr-422"
    summary = fhir.get("CodeSystem", url=CFR, _summary="true").body["entry"][0]["resource"]
    assert "concept" not in summary and summary["count"] == 1
    assert fhir.get("CodeSystem", url=BASE + "scheme/nothing").body["total"] == 0
    assert fhir.get("CodeSystem").body["total"] == 3


def test_lookup_get_and_post_agree(fhir: FhirClient) -> None:
    got = fhir.get("CodeSystem/$lookup", system=GLOSSARY, code=PSO_CODE)
    posted = fhir.post("CodeSystem/$lookup", parameters(system=GLOSSARY, code=PSO_CODE))
    assert got.status == posted.status == 200 and got.body == posted.body
    assert got.param("display") == "Provider-Sponsored Organization (PSO)"
    assert got.param("name") == "MedicarePlans.com glossary"
    properties = {tuple(v for part in p["part"] for k, v in part.items() if k != "name")
                  for p in got.params("property")}
    assert ("citation", "42 CFR 422.350") in properties and ("parent", "managed-care-plan") in properties
    by_coding = fhir.post("CodeSystem/$lookup", parameters(coding={"system": GLOSSARY, "code": PSO_CODE}))
    assert by_coding.param("display") == got.param("display")


def test_lookup_display_language_and_property_selection(fhir: FhirClient) -> None:
    answer = fhir.get("CodeSystem/$lookup", system=GLOSSARY, code=PSO_CODE, displayLanguage="es",
                      property=["parent", "definition"])
    assert answer.param("display") == "Organización patrocinada por proveedores"
    assert answer.param("definition").startswith("Un grupo")
    assert [p["part"][0]["valueCode"] for p in answer.params("property")] == ["definition", "parent"]
    assert not answer.params("designation")


def test_lookup_at_instance_level(fhir: FhirClient) -> None:
    answer = fhir.get("CodeSystem/42-cfr-422/$lookup", code=REG_PSO_CODE)
    assert answer.param("display") == "provider-sponsored organization"


def test_validate_code_flags_a_wrong_display(fhir: FhirClient) -> None:
    right = fhir.get("CodeSystem/$validate-code", url=GLOSSARY, code=PSO_CODE, display="PSO")
    assert right.status == 200 and right.param("result") is True
    wrong = fhir.post("CodeSystem/$validate-code", parameters(url=GLOSSARY, code=PSO_CODE, display="Health plan"))
    assert wrong.status == 200 and wrong.param("result") is False
    assert "Wrong display 'Health plan'" in wrong.param("message")
    assert wrong.param("display") == "Provider-Sponsored Organization (PSO)"
    hidden = fhir.get("CodeSystem/$validate-code", url=GLOSSARY, code=PSO_CODE,
                      display="PROVIDER SPONSORED ORGANIZATION (PSO)")
    assert hidden.param("result") is False  # a hidden label is a misspelling to find, not a display
    cased = fhir.get("CodeSystem/$validate-code", url=GLOSSARY, code=PSO_CODE,
                     display="provider-sponsored organization (pso)")
    assert cased.param("result") is True  # case alone does not make a display wrong


def test_validate_code_of_an_unknown_code_or_system_is_false_not_an_error(fhir: FhirClient) -> None:
    unknown = fhir.get("CodeSystem/$validate-code", url=GLOSSARY, code="no-such-term")
    assert unknown.status == 200 and unknown.param("result") is False
    assert "Unknown code 'no-such-term'" in unknown.param("message")
    system = fhir.get("CodeSystem/$validate-code", url=BASE + "scheme/nothing", code=PSO_CODE)
    assert system.status == 200 and system.param("result") is False


def test_value_set_validate_code(fhir: FhirClient) -> None:
    inside = fhir.get("ValueSet/$validate-code", url=GLOSSARY + "?fhir_vs", system=GLOSSARY, code=PSO_CODE)
    assert inside.param("result") is True
    outside = fhir.get("ValueSet/$validate-code", url=CFR + "?fhir_vs", system=GLOSSARY, code=PSO_CODE)
    assert outside.param("result") is False


def test_expand_filter_ranks_like_suggest(fhir: FhirClient, client: FlaskClient) -> None:
    answer = fhir.get("ValueSet/$expand", url=ALL, filter="pso")
    codes = [(c["system"], c["code"]) for c in answer.body["expansion"]["contains"]]
    assert codes[:2] == [(CFR, REG_PSO_CODE), (GLOSSARY, PSO_CODE)]  # the same label: the official one first
    suggested = [hit["iri"] for hit in client.get("/suggest?q=pso").get_json()["results"]]
    assert [BASE + "concept/" + s.rsplit("/", 1)[1] + "/" + c for s, c in codes] == suggested
    assert answer.body["expansion"]["total"] == len(codes)


def test_expand_scheme_value_set_with_paging_and_designations(fhir: FhirClient) -> None:
    whole = fhir.get("ValueSet/$expand", url=GLOSSARY + "?fhir_vs").body["expansion"]
    assert whole["total"] == 2 and [c["code"] for c in whole["contains"]] == ["managed-care-plan", PSO_CODE]
    page = fhir.post("ValueSet/$expand", parameters(url=GLOSSARY + "?fhir_vs", offset=1, count=1,
                                                    includeDesignations=True, displayLanguage="es")).body["expansion"]
    assert page["offset"] == 1 and page["total"] == 2
    (item,) = page["contains"]
    assert item["display"] == "Organización patrocinada por proveedores"
    assert {"language": "en", "value": "PSO"}.items() <= next(d for d in item["designation"]
                                                              if d["value"] == "PSO").items()
    counted = fhir.get("ValueSet/$expand", url=GLOSSARY + "?fhir_vs", count=0).body["expansion"]
    assert counted["total"] == 2 and "contains" not in counted
    scoped = fhir.get("ValueSet/42-cfr-422/$expand", filter="pso").body["expansion"]
    assert [c["code"] for c in scoped["contains"]] == [REG_PSO_CODE]


def test_translate_glossary_pso_to_the_cfr_with_evidence(fhir: FhirClient) -> None:
    answer = fhir.get("ConceptMap/$translate", system=GLOSSARY, code=PSO_CODE, targetsystem=CFR)
    assert answer.param("result") is True
    (match,) = answer.params("match")
    parts = {p["name"]: next(v for k, v in p.items() if k.startswith("value")) for p in match["part"]}
    assert parts["equivalence"] == "equivalent"
    assert (parts["concept"]["system"], parts["concept"]["code"]) == (CFR, REG_PSO_CODE)
    assert "same normalized label as 42 CFR 422.350(b)" in answer.param("message")
    back = fhir.post("ConceptMap/$translate", parameters(system=CFR, code=REG_PSO_CODE))
    assert back.param("result") is True and "read backwards" in back.param("message")
    nothing = fhir.get("ConceptMap/$translate", system=GLOSSARY, code="managed-care-plan")
    assert nothing.status == 200 and nothing.param("result") is False


def test_concept_map_resource(fhir: FhirClient) -> None:
    cm = fhir.get("ConceptMap/skos-mappings").body
    groups = {(g["source"], g["target"]): g for g in cm["group"]}
    target = groups[(GLOSSARY, CFR)]["element"][0]["target"][0]
    assert (target["code"], target["equivalence"]) == (REG_PSO_CODE, "equivalent")
    assert "same normalized label" in target["comment"]
    assert fhir.get("ConceptMap", url=cm["url"]).body["total"] == 1


@pytest.mark.parametrize(("path", "params", "status", "code"), [
    ("CodeSystem/$lookup", {"system": GLOSSARY}, 400, "required"),
    ("CodeSystem/$lookup", {"code": PSO_CODE}, 400, "required"),
    ("CodeSystem/$lookup", {"system": BASE + "scheme/nothing", "code": "x"}, 404, "not-found"),
    ("CodeSystem/$lookup", {"system": GLOSSARY, "code": "no-such-term"}, 404, "not-found"),
    ("CodeSystem/$lookup", {"system": GLOSSARY, "code": PSO_CODE, "version": "1999"}, 404, "not-found"),
    ("CodeSystem/$lookup", {"system": GLOSSARY, "code": PSO_CODE, "displayLanguage": "not a tag"}, 400, "invalid"),
    ("ValueSet/$expand", {}, 400, "required"),
    ("ValueSet/$expand", {"url": ALL, "count": "-1"}, 400, "invalid"),
    ("ValueSet/$expand", {"url": ALL, "offset": "ten"}, 400, "invalid"),
    ("ValueSet/$expand", {"url": ALL, "includeDesignations": "yes"}, 400, "invalid"),
    ("ValueSet/$expand", {"url": BASE + "nothing?fhir_vs"}, 404, "not-found"),
    ("ValueSet/$expand", {"valueSet": "{}"}, 400, "not-supported"),
    ("ConceptMap/$translate", {"system": GLOSSARY, "code": "no-such-term"}, 404, "not-found"),
    ("ConceptMap/$translate", {"url": BASE + "other-map", "system": GLOSSARY, "code": PSO_CODE}, 404, "not-found"),
    ("CodeSystem/nothing", {}, 404, "not-found"),
    ("Patient/1", {}, 404, "not-supported"),
    ("CodeSystem/$subsumes", {"system": GLOSSARY, "codeA": PSO_CODE, "codeB": "managed-care-plan"}, 501,
     "not-supported"),
])
def test_errors_are_operation_outcomes(fhir: FhirClient, path: str, params: dict[str, str], status: int,
                                       code: str) -> None:
    answer = fhir.get(path, **params)
    assert answer.status == status
    issue = answer.issue()
    assert issue["severity"] == "error" and issue["code"] == code and issue["diagnostics"]


def test_a_repeated_parameter_is_a_bad_request(fhir: FhirClient) -> None:
    answer = fhir.post("CodeSystem/$lookup", parameters(system=GLOSSARY, code=PSO_CODE, url=GLOSSARY)
                       .model_copy(update={}))
    assert answer.status == 200
    body = parameters(system=GLOSSARY, code=PSO_CODE)
    body.parameter.append(body.parameter[1])
    assert fhir.post("CodeSystem/$lookup", body).issue()["code"] == "invalid"


def test_a_body_that_is_not_parameters_is_a_bad_request(client: FlaskClient) -> None:
    response = client.post("/fhir/CodeSystem/$lookup", data='{"resourceType": "Patient"}',
                           content_type="application/fhir+json")
    assert response.status_code == 400 and response.get_json()["issue"][0]["code"] == "structure"


@pytest.mark.parametrize(("query", "headers"), [
    ({"_format": "xml"}, {}), ({"_format": "application/fhir+xml"}, {}),
    ({}, {"Accept": "application/fhir+xml"}), ({}, {"Accept": "application/xml, text/xml"}),
])
def test_xml_is_refused_with_406_and_an_outcome(fhir: FhirClient, query: dict[str, str],
                                                headers: dict[str, str]) -> None:
    answer = fhir.get("metadata", headers=headers, **query)
    assert answer.status == 406 and answer.issue()["code"] == "not-supported"


def test_json_formats_are_accepted(fhir: FhirClient) -> None:
    for query, headers in (({"_format": "json"}, {}), ({}, {"Accept": "application/json"}), ({}, {"Accept": "*/*"})):
        assert fhir.get("metadata", headers=headers, **query).status == 200


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_writes_are_refused_with_an_outcome(client: FlaskClient, method: str) -> None:
    response = client.open("/fhir/CodeSystem/medicareplans-glossary", method=method, data="{}",
                           content_type="application/fhir+json")
    assert response.status_code == 405 and response.mimetype == "application/fhir+json"
    assert response.get_json()["issue"][0]["code"] == "not-supported"


def test_a_preflight_for_a_posted_operation_is_allowed(client: FlaskClient) -> None:
    response = client.options("/fhir/ValueSet/$expand", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type"})
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]


def test_accept_language_stands_for_display_language(fhir: FhirClient) -> None:
    spanish = fhir.get("CodeSystem/$lookup", headers={"Accept-Language": "es-ES, es;q=0.9, en;q=0.5"},
                       system=GLOSSARY, code=PSO_CODE)
    assert spanish.param("display") == "Organización patrocinada por proveedores"
    chosen = fhir.get("CodeSystem/$lookup", headers={"Accept-Language": "es"}, system=GLOSSARY, code=PSO_CODE,
                      displayLanguage="en")
    assert chosen.param("display") == "Provider-Sponsored Organization (PSO)"
