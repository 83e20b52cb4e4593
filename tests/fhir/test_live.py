"""The FHIR service under the production server (``medkg serve``): a client's GET and POST over real HTTP, gzip,
CORS, and the 406 for XML, each answer valid FHIR R4."""

from __future__ import annotations

import gzip
import json
import urllib.error
import urllib.request

import pytest

from tests.linkeddata.test_live import server  # noqa: F401 - the fixture: medkg serve on the fixture build at its address
from tests.support.fhir import check_resource, parameters


@pytest.fixture(scope="module")
def fhir_root(server: str) -> str:  # noqa: F811 - the fixture imported above
    return server + "fhir/"


def fetch(request: urllib.request.Request) -> tuple[int, dict[str, str], dict[str, object]]:
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            status, raw, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, raw, body = error.code, error.headers, error.read()
    headers = {k.lower(): v for k, v in raw.items()}
    if headers.get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    resource = json.loads(body)
    check_resource(resource)
    return status, headers, resource


def test_post_parameters_and_get_agree_over_http(fhir_root: str) -> None:
    glossary = fhir_root.removesuffix("fhir/") + "scheme/medicareplans-glossary"  # the build's base is the server
    body = parameters(system=glossary, code="provider-sponsored-organization-pso").model_dump_json().encode()
    post = urllib.request.Request(fhir_root + "CodeSystem/$lookup", data=body, method="POST",
                                  headers={"Content-Type": "application/fhir+json", "Accept": "application/fhir+json"})
    status, headers, posted = fetch(post)
    assert status == 200 and headers["content-type"].startswith("application/fhir+json")
    query = "CodeSystem/$lookup?system=" + glossary + "&code=provider-sponsored-organization-pso"
    _, _, got = fetch(urllib.request.Request(fhir_root + query, headers={"Accept": "application/fhir+json"}))
    assert posted == got


def test_gzip_cors_and_validators(fhir_root: str) -> None:
    request = urllib.request.Request(fhir_root + "CodeSystem/medicareplans-glossary",
                                     headers={"Accept-Encoding": "gzip", "Origin": "https://example.org"})
    status, headers, resource = fetch(request)
    assert status == 200 and headers["content-encoding"] == "gzip" and resource["resourceType"] == "CodeSystem"
    assert headers["access-control-allow-origin"] == "*" and headers["etag"]


def test_xml_is_refused_over_http(fhir_root: str) -> None:
    request = urllib.request.Request(fhir_root + "metadata", headers={"Accept": "application/fhir+xml"})
    status, _, outcome = fetch(request)
    assert status == 406 and outcome["resourceType"] == "OperationOutcome"
