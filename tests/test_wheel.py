"""The package as a user gets it: a wheel built from the checkout and installed into a fresh virtual environment
outside the checkout runs ``medkg build``, ``medkg validate`` and ``medkg serve``, and the server answers a query.

The wheel is installed without its dependencies; the fresh environment borrows them from the environment running
the tests (its site-packages appended as a plain path, so its ``.pth`` files, among them the editable install of
this checkout, are not run). The test first proves that ``medkg`` is imported from the fresh environment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.paths import ROOT
from tests.support.sparql import free_port, wait_until_up


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    dist = work / "dist"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    # no build isolation: setuptools (declared in the test extra) comes from this environment, no network needed
    subprocess.run([*pip, "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-w", str(dist)], check=True,
                   cwd=work, capture_output=True)
    wheels = list(dist.glob("medkg-*.whl"))
    assert len(wheels) == 1
    env = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    subprocess.run([*pip, "--python", str(env / "bin" / "python"), "install", "--no-deps", str(wheels[0])],
                   check=True, capture_output=True)
    site = next(env.glob("lib/python*/site-packages"))
    (site / "zz-test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return env


def run(venv: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("MEDKG_")}
    return subprocess.run([str(venv / "bin" / args[0]), *args[1:]], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env=environ)


@pytest.fixture(scope="module")
def built(venv: Path) -> Path:
    work = venv.parent
    done = run(venv, "medkg", "build", "--out", "out", "--quiet", cwd=work)
    assert done.returncode == 0, done.stderr
    return work / "out"


def test_medkg_is_imported_from_the_fresh_environment(venv: Path) -> None:
    done = run(venv, "python", "-c", "import medkg, medkg.assets as a; print(medkg.__file__); print(a.ONTOLOGY_FILE)",
               cwd=venv.parent)
    module, ontology = done.stdout.split()
    assert Path(module).is_relative_to(venv) and Path(ontology).is_relative_to(venv), done.stdout
    assert not Path(module).resolve().is_relative_to(ROOT)


def test_build_reads_the_shipped_data_from_the_wheel(venv: Path, built: Path) -> None:
    manifest = json.loads((built / "build.json").read_text(encoding="utf-8"))
    assert [Path(s).resolve().is_relative_to(venv.resolve()) for s in manifest["sources"]] == [True]
    assert manifest["triples"] > 400 and (built / "inferred.ttl").stat().st_size > 0


def test_validate_checks_a_file_against_the_shipped_shapes(venv: Path, built: Path) -> None:
    done = run(venv, "medkg", "validate", str(built / "graph.ttl"), cwd=venv.parent)
    assert done.returncode == 0, done.stdout + done.stderr
    bad = venv.parent / "bad.ttl"
    bad.write_text("@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
                   "<https://example.org/c> a skos:Concept ; skos:prefLabel \"A\"@en, \"B\"@en .\n", encoding="utf-8")
    refused = run(venv, "medkg", "validate", str(bad), cwd=venv.parent)
    assert refused.returncode == 1 and "bad.ttl" in refused.stdout + refused.stderr


@pytest.fixture(scope="module")
def server(venv: Path, built: Path) -> Iterator[str]:
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("MEDKG_")}
    log = tempfile.TemporaryFile()
    process = subprocess.Popen([str(venv / "bin" / "medkg"), "serve", str(built), "--port", str(port),
                                "--workers", "1"], cwd=venv.parent, env=environ, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process, log)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_serve_answers_a_query_over_the_build(server: str, built: Path) -> None:
    triples = json.loads((built / "build.json").read_text(encoding="utf-8"))["triples"]
    query = "SELECT (COUNT(*) AS ?n) { GRAPH <https://w3id.org/medkg/graph/asserted> { ?s ?p ?o } }"
    request = urllib.request.Request(server + "/sparql?" + urllib.parse.urlencode({"query": query}),
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        rows = json.load(response)["results"]["bindings"]
    assert int(rows[0]["n"]["value"]) == triples
