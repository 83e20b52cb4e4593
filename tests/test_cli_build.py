"""``medkg build`` on the shipped data/ plus the HealthCare.gov glossary, and ``medkg stats`` on the result."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from medkg.cli import main
from medkg.namespaces import MEDKG
from rdflib import DCTERMS, RDF, SKOS, Graph

from tests.support.glossary import ROOT
from tests.support.paths import shared_path


@pytest.fixture(scope="module")
def build_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, Path]:
    glossary = shared_path("data", "healthcare-gov-glossary")
    out = tmp_path_factory.mktemp("cli") / "out"
    code = main(["build", str(ROOT / "data"), str(glossary), "--out", str(out)])
    return out, code, glossary


def test_the_build_succeeds_with_zero_errors(build_run: tuple[Path, int, Path]) -> None:
    out, code, _ = build_run
    assert code == 0
    summary = (out / "report.txt").read_text(encoding="utf-8").splitlines()[-1]
    assert summary.startswith("0 error(s), ")
    assert {p.name for p in out.iterdir()} >= {"graph.ttl", "report.txt", "build.json", "provenance.tsv"}


def test_every_record_is_a_concept_with_a_label_and_a_definition(build_run: tuple[Path, int, Path]) -> None:
    out, _, glossary = build_run
    graph = Graph().parse(out / "graph.ttl")
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    for concept in concepts:
        assert any(label.language == "en" for label in graph.objects(concept, SKOS.prefLabel)), concept
        assert any(text.language == "en" for text in graph.objects(concept, SKOS.definition)), concept
        assert (concept, SKOS.inScheme, None) in graph
    identifiers = {str(i) for c in concepts for i in graph.objects(c, DCTERMS.identifier)}
    records = re.findall(r"^- normalized_term\n- (.+)$", (ROOT / "data").joinpath(
        "glossary-provider-sponsored-organization.txt").read_text(encoding="utf-8"), re.MULTILINE)
    assert records and set(records) <= identifiers
    posts = {re.sub(r"^\d{4}-\d{2}-\d{2}-", "", p.stem) for p in glossary.glob("*.md")}
    assert posts <= identifiers
    glossary_concepts = set(graph.subjects(RDF.type, MEDKG.GlossaryConcept))
    assert len(glossary_concepts) == len(records) + len(posts)


def test_stats_reports_schemes_coverage_relations_and_warnings(build_run: tuple[Path, int, Path],
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    out, _, glossary = build_run
    capsys.readouterr()
    assert main(["stats", str(out)]) == 0
    text = capsys.readouterr().out
    hcgov = re.search(r"scheme/healthcare-gov-glossary\s+'HealthCare.gov glossary': (\d+) concepts", text)
    posts = {re.sub(r"^\d{4}-\d{2}-\d{2}-", "", p.stem) for p in glossary.glob("*.md")}
    assert hcgov and int(hcgov.group(1)) == len(posts)
    assert re.search(r"@es: definition \d+/\d+ \(\d+%\), prefLabel \d+/\d+", text)
    assert re.search(r"skos:related: \d+", text)
    warnings = [line for line in (out / "report.txt").read_text(encoding="utf-8").splitlines() if ": warning: " in line]
    assert f"warnings: {len(warnings)}" in text
    assert main(["stats", str(out), "--json"]) == 0
    assert '"schemes"' in capsys.readouterr().out
