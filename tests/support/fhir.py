"""A FHIR client for the tests: every answer is checked against the FHIR R4 JSON schema (the official
``fhir.schema.json``, shipped by an npm package that scripts/setup installs) and parsed by fhir.resources' models.

The npm package ships the schema of R4 as first published (4.0.0); 4.0.1 is a technical correction whose JSON
schema differs, for the resources we serve, only in the list of FHIR versions a CapabilityStatement may name, so
"4.0.1" is added to that list and nothing else is changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.parameters import Parameters, ParametersParameter
from flask.testing import FlaskClient
from jsonschema import Draft6Validator

from tests.support.paths import ROOT

SCHEMA = ROOT / "node_modules" / "@asymmetrik" / "fhir-json-schema-validator" / "fhir.schema.json"
FHIR_JSON = "application/fhir+json"


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    assert SCHEMA.is_file(), f"{SCHEMA} is missing: run scripts/setup (npm ci installs the FHIR R4 JSON schema)"
    schema: dict[str, Any] = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["id"] == "http://hl7.org/fhir/json-schema/4.0", "not the FHIR R4 schema"
    versions = schema["definitions"]["CapabilityStatement"]["properties"]["fhirVersion"]["enum"]
    assert versions[-1] == "4.0.0", versions
    versions.append("4.0.1")
    return schema


@cache
def _validator(resource_type: str) -> Draft6Validator:
    schema = _schema()
    assert resource_type in schema["discriminator"]["mapping"], f"{resource_type} is not an R4 resource"
    return Draft6Validator({"$ref": f"#/definitions/{resource_type}", "definitions": schema["definitions"]})


def check_resource(resource: dict[str, Any]) -> None:
    """Fail with every schema error of ``resource``; then parse it with the fhir.resources model as well."""
    errors = sorted(_validator(resource["resourceType"]).iter_errors(resource), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message[:300]}" for e in errors[:10])
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)


@dataclass
class Answer:
    status: int
    body: dict[str, Any]
    headers: Any

    def param(self, name: str) -> Any:
        """The value of the first parameter ``name`` of a Parameters answer."""
        for p in self.body["parameter"]:
            if p["name"] == name:
                return next(v for k, v in p.items() if k.startswith("value"))
        raise KeyError(name)

    def params(self, name: str) -> list[dict[str, Any]]:
        return [p for p in self.body["parameter"] if p["name"] == name]

    def issue(self) -> dict[str, Any]:
        assert self.body["resourceType"] == "OperationOutcome", self.body
        issue: dict[str, Any] = self.body["issue"][0]
        return issue


class FhirClient:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def get(self, path: str, headers: dict[str, str] | None = None, **params: Any) -> Answer:
        response = self.client.get("/fhir/" + path, query_string=params,
                                   headers={"Accept": FHIR_JSON, **(headers or {})})
        return self._answer(response)

    def post(self, path: str, parameters: Parameters) -> Answer:
        response = self.client.post("/fhir/" + path, data=parameters.model_dump_json(), content_type=FHIR_JSON,
                                    headers={"Accept": FHIR_JSON})
        return self._answer(response)

    def _answer(self, response: Any) -> Answer:
        assert response.mimetype == FHIR_JSON, (response.status, response.mimetype, response.data[:200])
        body = json.loads(response.get_data(as_text=True))
        check_resource(body)
        return Answer(response.status_code, body, response.headers)


def parameters(**values: Any) -> Parameters:
    """A Parameters resource as a FHIR client builds it: strings as valueString/valueUri/valueCode, dicts as
    Codings, booleans and integers as such."""
    items = []
    for name, value in values.items():
        if isinstance(value, dict):
            items.append(ParametersParameter(name=name, valueCoding=Coding(**value)))
        elif isinstance(value, bool):
            items.append(ParametersParameter(name=name, valueBoolean=value))
        elif isinstance(value, int):
            items.append(ParametersParameter(name=name, valueInteger=value))
        elif name in ("system", "url", "targetsystem", "target", "source"):
            items.append(ParametersParameter(name=name, valueUri=value))
        elif name in ("code", "displayLanguage"):
            items.append(ParametersParameter(name=name, valueCode=value))
        else:
            items.append(ParametersParameter(name=name, valueString=value))
    return Parameters(parameter=items)
