"""Exports: every format re-parses (rdflib and pyoxigraph) into the built graph; builds are byte-identical;
the Turtle passes an independent strict parser (Debian's rapper)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from medkg import formats
from medkg.cli import main
from medkg.pipeline.context import new_graph
from medkg.pipeline.export import serialize
from medkg.pipeline.output import load_graph
from medkg.pipeline.oxterms import graph_from_ox
from rdflib import Graph
from rdflib.compare import isomorphic

from tests.support.glossary import ROOT, SEED, post
from tests.support.paths import shared_path


def small_glossary(folder: Path) -> Path:
    """A few posts with what exports must survive: quotes, backslashes, line breaks, two languages."""
    (folder / "es").mkdir(parents=True)
    (folder / "0100-01-01-copay.md").write_text(post("Copayment (COPAY)", 'A "fixed" amount \\ per visit.\n\n'
                                                     "- first\n- second\n\nSee [Plan](/glossary/plan)."))
    (folder / "es" / "0100-01-01-copay.md").write_text(post("Copago", "Una cantidad fija <b>por</b> visita.", "es"))
    (folder / "2013-06-05-plan.md").write_text(post("Plan", "A plan that pays.", published="false"))
    return folder


@pytest.fixture(scope="module", params=["seed", "healthcare-gov"])
def sources(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    if request.param == "seed":
        return [SEED, small_glossary(tmp_path_factory.mktemp("posts"))]
    return [SEED, shared_path("data", "healthcare-gov-glossary")]


@pytest.fixture(scope="module")
def out(sources: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("build") / "out"
    assert main(["build", *map(str, sources), "--out", str(folder)]) == 0
    return folder


@pytest.mark.parametrize("fmt", formats.EXPORT)
def test_every_export_reparses_into_the_built_graph(fmt: str, out: Path, tmp_path: Path) -> None:
    target = tmp_path / f"graph{formats.RDF[fmt].suffix}"
    assert main(["export", str(out), "--format", fmt, "-o", str(target)]) == 0
    built = load_graph(out)
    assert len(built) > 50
    assert isomorphic(Graph().parse(target, format=formats.RDF[fmt].rdflib), built)
    assert isomorphic(graph_from_ox(ox.parse(path=str(target), format=formats.RDF[fmt].oxigraph)), built)


def test_jsonld_context_covers_every_property(out: Path, tmp_path: Path) -> None:
    target = tmp_path / "graph.jsonld"
    assert main(["export", str(out), "--format", "jsonld", "-o", str(target)]) == 0
    data = json.loads(target.read_text(encoding="utf-8"))
    keys = {key for node in data["@graph"] for key in node}
    assert keys and not [k for k in keys if k.startswith("http")]  # every property compacts to a prefix


def test_rapper_accepts_the_turtle(out: Path) -> None:
    rapper = shutil.which("rapper")
    assert rapper, "rapper (Debian raptor2-utils) is missing: run scripts/setup"
    run = subprocess.run([rapper, "-i", "turtle", "-c", str(out / "graph.ttl")], capture_output=True, text=True,
                         check=False)
    assert run.returncode == 0, run.stderr
    assert f"returned {len(load_graph(out))} triples" in run.stderr


BUILD_AND_EXPORT = """
import sys
from medkg.cli import main
sources, out = sys.argv[1:-1], sys.argv[-1]
assert main(["build", *sources, "--out", out]) == 0
for fmt in ("nt", "jsonld", "rdfxml"):
    assert main(["export", out, "--format", fmt, "-o", out + "/graph." + fmt]) == 0
"""


def test_two_builds_give_byte_identical_exports(sources: list[Path], tmp_path: Path) -> None:
    """Two processes with different hash seeds (so set and dict orders differ) write the same bytes."""
    outs = []
    for seed in ("1", "2"):
        folder = tmp_path / f"out{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", BUILD_AND_EXPORT, *map(str, sources), str(folder)], check=True,
                       cwd=ROOT, env=env, capture_output=True)
        outs.append(folder)
    for name in ("graph.ttl", "graph.nt", "graph.jsonld", "graph.rdfxml", "provenance.tsv"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


BLANK = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<http://example.org/a> skos:note [ skos:note "n1" ], [ skos:note "n2" ] ; skos:related _:b .
_:b skos:note "n3" . <http://example.org/c> skos:related _:b ."""


@pytest.mark.parametrize("fmt", formats.EXPORT)
def test_blank_nodes_do_not_unsettle_the_output(fmt: str) -> None:
    """Each read of a file labels blank nodes afresh; the export must not depend on those labels."""
    first, second = new_graph().parse(data=BLANK, format="turtle"), new_graph().parse(data=BLANK, format="turtle")
    text = serialize(first, fmt)
    assert text == serialize(second, fmt)
    assert isomorphic(Graph().parse(data=text, format=formats.RDF[fmt].rdflib), first)
