"""RDF files as a build source: every syntax detected from content, triples added as they are, bad lines named."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from medkg.pipeline.build import assemble
from medkg.pipeline.sources.rdf_files import syntax_of
from rdflib import Graph
from rdflib.compare import isomorphic

ROOT = Path(__file__).resolve().parents[3]
VOCABULARY = """\
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix ex: <https://example.org/voc/> .
ex: a skos:ConceptScheme ; dct:title "Example vocabulary"@en ; skos:hasTopConcept ex:a .
ex:a a skos:Concept ; skos:prefLabel "Alpha"@en, "Alfa"@es ; skos:inScheme ex: ; skos:topConceptOf ex: ;
    skos:definition "The first one, with a \\"quote\\"\\nand a new line."@en .
ex:b a skos:Concept ; skos:prefLabel "Beta"@en ; skos:inScheme ex: ; skos:broader ex:a ;
    skos:note [ a skos:Concept ; skos:prefLabel "anonymous"@en ] .
"""
SYNTAXES = {"turtle": "turtle", "ntriples": "nt", "rdfxml": "xml", "jsonld": "json-ld", "nquads": "nquads"}


def written(tmp_path: Path, syntax: str) -> Path:
    graph = Graph().parse(data=VOCABULARY, format="turtle")
    path = tmp_path / f"vocabulary-{syntax}.data"  # no telling suffix: detected from the content
    if syntax == "nquads":
        lines = graph.serialize(format="nt").strip().splitlines()
        path.write_text("".join(line[:-1] + "<https://example.org/graph> .\n" for line in lines), encoding="utf-8")
    else:
        path.write_text(graph.serialize(format=SYNTAXES[syntax]), encoding="utf-8")
    return path


@pytest.mark.parametrize("syntax", list(SYNTAXES))
def test_each_rdf_syntax_is_detected_and_its_triples_added_as_they_are(tmp_path: Path, syntax: str) -> None:
    path = written(tmp_path, syntax)
    expected = {"turtle": "Turtle", "ntriples": "N-Triples", "rdfxml": "RDF/XML", "jsonld": "JSON-LD",
                "nquads": "N-Quads"}[syntax]
    found = syntax_of(path.read_text(encoding="utf-8"))
    assert found is not None and found.name == expected
    ctx = assemble([path], progress=lambda _m: None)
    assert not ctx.diagnostics.errors
    asserted = Graph()
    for triple in ctx.graph:
        asserted.add(triple)
    # the link steps may add links between concepts (here: none, every link is already there)
    assert isomorphic(asserted, Graph().parse(data=VOCABULARY, format="turtle"))


def test_a_bad_line_is_named_and_the_other_lines_are_read(tmp_path: Path) -> None:
    good = Graph().parse(data=VOCABULARY, format="turtle").serialize(format="nt").strip().splitlines()
    good = [line for line in good if "_:" not in line]
    lines = ["# a comment", "", good[0], "<https://example.org/voc/a> <http://example.org/p> oops .", *good[1:]]
    path = tmp_path / "broken.nt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ctx = assemble([path], progress=lambda _m: None)
    (error,) = ctx.diagnostics.errors
    assert error.location.file.endswith("broken.nt") and error.location.line == 4
    assert len([t for t in ctx.graph if "example.org/voc" in str(t[0])]) == len(good)
    first = next(iter(Graph().parse(data=good[0], format="nt")))
    assert ctx.provenance[first].line == 3  # each triple located at its own line


@pytest.mark.parametrize("text", ["# Glossary\n\nA term: a definition.\n", "term: Premium\ndefinition: x\n", "{}",
                                  "<html><body>not RDF</body></html>"])
def test_other_text_is_not_taken_for_rdf(text: str) -> None:
    assert syntax_of(text) is None


def test_a_generated_graph_builds_end_to_end_with_its_store(tmp_path: Path) -> None:
    """What the benchmarks do at 100,000 concepts, at 100: generated N-Triples → gate, inference, query store."""
    source = tmp_path / "generated.nt"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "100", "--out", str(source)], check=True,
                   capture_output=True)
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "medkg.cli", "build", str(source), "--out", str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (out / "store").is_dir()
    generated, built = Graph().parse(source, format="nt"), Graph().parse(out / "graph.ttl", format="turtle")
    assert set(generated) <= set(built)  # every triple as it was (the link steps may add links between concepts)
