"""The FHIR service under the production server (``medkg serve``): a client's GET and POST over real HTTP, gzip,
CORS, and the 406 for XML, each answer valid FHIR R4."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT
from fhir_support import check_resource, parameters
from linkeddata_helpers import BASE, FIXTURE
from test_linkeddata_live import free_port, wait_until_up

GLOSSARY = BASE + "scheme/medicareplans-glossary"


@pytest.fixture(scope="module")
def fhir_root() -> Iterator[str]:
    port = free_port()
    medkg = Path(sys.executable).with_name("medkg")
    command = [str(medkg), "serve", str(FIXTURE), "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
               "--threads", "2"]
    process = subprocess.Popen(command, cwd=ROOT, env=dict(os.environ), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/-/health", process)
        yield f"http://127.0.0.1:{port}/fhir/"
    finally:
        process.terminate()
        process.wait(timeout=20)


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
    body = parameters(system=GLOSSARY, code="provider-sponsored-organization-pso").model_dump_json().encode()
    post = urllib.request.Request(fhir_root + "CodeSystem/$lookup", data=body, method="POST",
                                  headers={"Content-Type": "application/fhir+json", "Accept": "application/fhir+json"})
    status, headers, posted = fetch(post)
    assert status == 200 and headers["content-type"].startswith("application/fhir+json")
    query = "CodeSystem/$lookup?system=" + GLOSSARY + "&code=provider-sponsored-organization-pso"
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
