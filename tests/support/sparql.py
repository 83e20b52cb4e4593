"""Helpers for the SPARQL endpoint tests: a small build folder made to the data model, and real server processes."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from medkg.pipeline.index import index_build

BASE = "https://w3id.org/medkg/"
PSO = BASE + "concept/healthcare-gov-glossary/provider-sponsored-organization"
ROOT = Path(__file__).resolve().parents[2]

GRAPH = """\
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix medkg: <https://w3id.org/medkg/def/> .
@base <https://w3id.org/medkg/> .

<scheme/healthcare-gov-glossary> a skos:ConceptScheme ; dct:title "HealthCare.gov glossary"@en .
<scheme/42-cfr-422> a skos:ConceptScheme ; dct:title "42 CFR Part 422"@en .

<concept/healthcare-gov-glossary/provider-sponsored-organization> a skos:Concept, medkg:GlossaryConcept ;
    skos:inScheme <scheme/healthcare-gov-glossary> ;
    skos:prefLabel "Provider-Sponsored Organization"@en ;
    skos:altLabel "PSO"@en ;
    skos:definition "A group of medical providers that offers a health plan."@en ;
    medkg:regulatoryCitation <cfr/42/422/422.350/b> ;
    skos:broader <concept/healthcare-gov-glossary/medicare-advantage-organization> ;
    skos:exactMatch <concept/42-cfr-422/422.350/provider-sponsored-organization> ;
    medkg:mappingEvidence "same normalized label" .

<concept/healthcare-gov-glossary/medicare-advantage-organization> a skos:Concept, medkg:GlossaryConcept ;
    skos:inScheme <scheme/healthcare-gov-glossary> ;
    skos:prefLabel "Medicare Advantage Organization"@en ;
    skos:altLabel "MAO"@en ;
    skos:broader <concept/healthcare-gov-glossary/health-plan> .

<concept/healthcare-gov-glossary/health-plan> a skos:Concept, medkg:GlossaryConcept ;
    skos:inScheme <scheme/healthcare-gov-glossary> ;
    skos:topConceptOf <scheme/healthcare-gov-glossary> ;
    skos:prefLabel "Health plan"@en, "Plan de salud"@es .

<concept/42-cfr-422/422.352/rural-pso> a skos:Concept, medkg:RegulatoryConcept ;
    skos:inScheme <scheme/42-cfr-422> ;
    skos:prefLabel "Rural PSO"@en ;
    skos:broader <concept/healthcare-gov-glossary/provider-sponsored-organization> .

<concept/42-cfr-422/422.350/provider-sponsored-organization> a skos:Concept, medkg:RegulatoryConcept ;
    skos:inScheme <scheme/42-cfr-422> ;
    skos:prefLabel "Provider-sponsored organization"@en ;
    skos:definition "A public or private entity established by health care providers."@en ;
    medkg:definedIn <cfr/42/422/422.350/b> ;
    medkg:scope <cfr/42/422/subpart-H> .

<cfr/42/422/subpart-H> a medkg:Provision ;
    medkg:citationLabel "42 CFR part 422, subpart H" ; rdfs:label "42 CFR part 422, subpart H" .

<cfr/42/422/422.350> a medkg:Provision ;
    medkg:citationLabel "42 CFR 422.350" ; rdfs:label "42 CFR 422.350" ;
    dct:title "Definitions"@en ;
    dct:isPartOf <cfr/42/422/subpart-H> ;
    medkg:amendedBy <fr/70/4741> .

<cfr/42/422/422.354> a medkg:Provision ;
    medkg:citationLabel "42 CFR 422.354" ; rdfs:label "42 CFR 422.354" ;
    dct:isPartOf <cfr/42/422/subpart-H> .

<cfr/42/422/422.350/b> a medkg:Provision ;
    medkg:citationLabel "42 CFR 422.350(b)" ; rdfs:label "42 CFR 422.350(b)" ;
    dct:isPartOf <cfr/42/422/422.350> .

<fr/70/4741> a medkg:FederalRegisterCitation ;
    rdfs:label "70 FR 4741" ; medkg:frVolume 70 ; medkg:frPage 4741 ; dct:date "2005-01-28"^^xsd:date .
"""

# One triple is also asserted: the default graph (the union) must hold it once.
INFERRED = """\
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/medkg/concept/healthcare-gov-glossary/provider-sponsored-organization>
    a skos:Concept .
<https://w3id.org/medkg/concept/healthcare-gov-glossary/medicare-advantage-organization>
    skos:narrower <https://w3id.org/medkg/concept/healthcare-gov-glossary/provider-sponsored-organization> .
"""


def write_build(folder: Path, graph: str = GRAPH, inferred: str = INFERRED, named_nq: str | None = None) -> Path:
    """A build output folder as 'medkg build' writes it (graph.ttl, inferred.ttl, build.json)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "graph.ttl").write_text(graph, encoding="utf-8")
    (folder / "inferred.ttl").write_text(inferred, encoding="utf-8")
    if named_nq is not None:
        (folder / "named-graphs.nq").write_text(named_nq, encoding="utf-8")
    manifest = {"base": BASE, "built": "2026-11-22T12:00:00+00:00", "sources": ["fixture"], "triples": 0}
    (folder / "build.json").write_text(json.dumps(manifest), encoding="utf-8")
    index_build(folder)  # the query store, as 'medkg build' writes it
    return folder


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def running_server(folder: Path, workers: int = 1, threads: int = 4, **env: str) -> Iterator[str]:
    """``medkg serve`` on a free loopback port; yields its root URL, stops it afterwards."""
    port = free_port()
    with serve_process(folder, port, workers, threads, **env):
        yield f"http://127.0.0.1:{port}"


@contextmanager
def serve_process(folder: Path, port: int, workers: int = 1, threads: int = 4,
                  **env: str) -> Iterator[subprocess.Popen[bytes]]:
    """``medkg serve FOLDER`` on ``port``, up and answering; stopped afterwards (unless a test killed it)."""
    environ = {**os.environ, **{f"MEDKG_{k}": v for k, v in env.items()}}
    command = [sys.executable, "-m", "medkg.cli", "serve", str(folder), "--port", str(port),
               "--workers", str(workers), "--threads", str(threads)]
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(command, cwd=ROOT, env=environ, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_up(f"http://127.0.0.1:{port}", process, log, seconds=90)
        yield process
    finally:
        log.close()
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_until_up(url: str, process: subprocess.Popen[bytes], log: IO[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"medkg serve exited with {process.returncode}: {log.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(url + "/-/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"medkg serve did not answer at {url} within {seconds} s")


def point(link: Path, target: Path) -> None:
    """Make ``link`` point at ``target`` in one step (a new link renamed over the old: rename(2) is atomic)."""
    new = link.with_name(link.name + ".new")
    new.unlink(missing_ok=True)
    new.symlink_to(target)
    os.replace(new, link)
