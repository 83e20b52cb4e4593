"""Real clients against a real server process: rdflib dereferences IRIs, headless Chromium reads the pages."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import SKOS, Dataset, Graph, Literal, URIRef

from tests.support.linkeddata import BASE, FIXTURE, PSO_PATH, with_store

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

# rdflib warns about its own deprecated internals when it parses datasets; that is not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``medkg serve`` (the production server) on a copy of the fixture build whose base is its own address."""
    port = free_port()
    root = f"http://127.0.0.1:{port}/"
    folder = tmp_path_factory.mktemp("live-build")
    for name in ("graph.ttl", "inferred.ttl", "build.json"):
        text = (FIXTURE / name).read_text(encoding="utf-8").replace(BASE, root)
        (folder / name).write_text(text.replace(root + "def/", BASE + "def/"), encoding="utf-8")
    with_store(folder)
    medkg = Path(sys.executable).with_name("medkg")
    command = [str(medkg), "serve", str(folder), "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
               "--threads", "2"]
    process = subprocess.Popen(command, cwd=ROOT, env=dict(os.environ), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    try:
        wait_until_up(root + "-/health", process)
        yield root
    finally:
        process.terminate()
        process.wait(timeout=20)


def wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("server exited: " + (process.stderr.read().decode() if process.stderr else ""))
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server did not answer {url} within 60 s")


def test_rdflib_dereferences_a_concept_iri(server: str) -> None:
    iri = server + PSO_PATH.lstrip("/")
    graph = Graph().parse(iri)  # rdflib's own Accept header, then the 303, then the document
    assert (URIRef(iri), SKOS.altLabel, Literal("PSO", lang="en")) in graph
    assert (URIRef(iri), SKOS.broader, URIRef(server + "concept/medicareplans-glossary/managed-care-plan")) in graph
    turtle = Graph().parse(iri, format="turtle")
    assert set(turtle.triples((URIRef(iri), None, None))) == set(graph.triples((URIRef(iri), None, None)))


def test_rdflib_reads_json_ld_with_the_published_remote_context(server: str) -> None:
    iri = server + PSO_PATH.lstrip("/")
    dataset = Dataset()
    dataset.parse(iri, format="json-ld")  # fetches /context.jsonld from the server
    assert (URIRef(iri), SKOS.prefLabel, Literal("Provider-Sponsored Organization (PSO)", lang="en")) in dataset
    inferred = dataset.graph(URIRef(server + "graph/inferred"))
    assert (URIRef(iri), SKOS.related, URIRef(server + "concept/medicareplans-glossary/managed-care-plan")) in inferred


def test_a_browser_reads_a_concept_follows_broader_and_searches(server: str, tmp_path: Path) -> None:
    from playwright import sync_api  # a declared test dependency: never skipped
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1400})
            page.goto(server + PSO_PATH.lstrip("/"))  # the IRI itself: 303 to the HTML page
            assert page.url.endswith(PSO_PATH + ".html")
            assert page.locator("h1").inner_text() == "Provider-Sponsored Organization (PSO)"
            assert page.locator("figure.neighbourhood svg circle").count() >= 4
            assert page.evaluate("getComputedStyle(document.querySelector('header.site')).display") == "flex"
            page.screenshot(path=str(tmp_path / "concept.png"), full_page=True)
            page.locator("section.relations dd a", has_text="Managed Care Plan").first.click()
            page.wait_for_load_state()
            assert page.locator("h1").inner_text() == "Managed Care Plan"
            page.locator("input[name=q]").press_sequentially("PSO", delay=30)  # autocomplete fills the datalist
            page.locator("#suggestions option").first.wait_for(state="attached")  # (CSP forbids eval-ed waits)
            first = page.locator("#suggestions option").first  # the official definition before the publisher's
            assert first.get_attribute("value") == "provider-sponsored organization"
            assert first.get_attribute("label") == "42 CFR Part 422 definitions · § 422.350"  # vocabulary, section
            page.press("input[name=q]", "Enter")
            page.wait_for_url("**/search?q=PSO")
            page.locator("ol.hits li a", has_text="Provider-Sponsored Organization (PSO)").first.click()
            page.wait_for_load_state()
            assert page.locator("h1").inner_text() == "Provider-Sponsored Organization (PSO)"
            assert (tmp_path / "concept.png").stat().st_size > 10_000
        finally:
            browser.close()
