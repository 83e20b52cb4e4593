"""The gate in the build: reports that point at the source line, exit codes, the rejected build's reports."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from medkg.namespaces import SH
from medkg.pipeline.build import EXIT_DATA, EXIT_OK, BuildResult, build, rejected, write_build
from medkg.pipeline.context import BuildContext
from medkg.pipeline.diagnostics import SourceLocation
from medkg.pipeline.export import serialize
from medkg.pipeline.iris import IRIs
from medkg.pipeline.shacl_report import load_ontology, load_shapes, validate
from medkg.pipeline.steps import OutputOptions, Verdict, output_steps
from rdflib import Graph, URIRef

from tests.support.paths import shared_path

EXAMPLES = Path(__file__).resolve().parents[1] / "shapes"
EX = "https://example.org/"


def context_from(*examples: Path) -> BuildContext:
    """A build context holding the example graphs, each triple located at a made-up line of 'src.txt'."""
    ctx = BuildContext(IRIs())
    graph = Graph()
    for path in examples:
        graph.parse(path)
    for line, triple in enumerate(sorted(graph), start=1):
        ctx.add(triple, SourceLocation("src.txt", line))
    return ctx


def gate(ctx: BuildContext, folder: Path, strict: bool = False) -> Verdict:
    """Run the output steps as the build does; the gate's verdict (only the validation step returns one)."""
    folder.mkdir(parents=True, exist_ok=True)
    verdicts = [step(ctx, folder, OutputOptions(strict=strict)) for step in output_steps()]
    assert verdicts[0] is None and isinstance(verdicts[1], Verdict)
    return verdicts[1]


def test_output_steps_run_inference_then_validation() -> None:
    assert [s.__name__ for s in output_steps()] == ["infer_step", "validate_step", "changes_step"]


def test_violation_fails_the_build_and_points_at_the_source_line(tmp_path: Path) -> None:
    ctx = context_from(EXAMPLES / "base.ttl", EXAMPLES / "s13-pref-not-alt" / "invalid.ttl")
    verdict = gate(ctx, tmp_path / "out")
    errors = [d for d in ctx.diagnostics.errors if d.code == "shacl.s13-pref-not-alt"]
    assert len(errors) == 1
    offending = (URIRef(EX + "hmo"), URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"))
    expected = next(loc for (s, p, o), loc in ctx.provenance.items() if (s, p) == offending)
    assert errors[0].location == expected
    assert "Health maintenance organization" in errors[0].message and EX + "hmo" in errors[0].message
    assert verdict == Verdict(violations=1) and rejected(verdict, ctx, strict=False)
    text = (tmp_path / "out" / "validation.txt").read_text(encoding="utf-8")
    assert f"<{EX}hmo>" in text and "SKOS S13" in text and str(expected) in text
    report = Graph().parse(tmp_path / "out" / "validation.ttl")
    assert set(report.objects(None, SH.sourceShape)) == {URIRef("https://w3id.org/medkg/shapes/s13-pref-not-alt")}


def test_warning_fails_only_under_strict(tmp_path: Path) -> None:
    ctx = context_from(EXAMPLES / "base.ttl", EXAMPLES / "concept-definition-complete" / "invalid.ttl")
    verdict = gate(ctx, tmp_path)
    assert [d.code for d in ctx.diagnostics.warnings] == ["shacl.concept-definition-complete"]
    assert not ctx.diagnostics.errors
    assert verdict == Verdict(warnings=1)
    assert not rejected(verdict, ctx, strict=False)
    assert rejected(verdict, ctx, strict=True)


def test_notes_are_counted_not_listed(tmp_path: Path) -> None:
    ctx = context_from(EXAMPLES / "base.ttl", EXAMPLES / "concept-orphan" / "invalid.ttl")
    verdict = gate(ctx, tmp_path)
    notes = ctx.diagnostics.of("info")
    assert [d.code for d in notes] == ["shacl.concept-orphan"] and "1 note" in notes[0].message
    assert verdict == Verdict(notes=1) and not rejected(verdict, ctx, strict=True)
    assert f"<{EX}pso>" in (tmp_path / "validation.txt").read_text(encoding="utf-8")


def test_conforming_graph_writes_an_empty_report(tmp_path: Path) -> None:
    ctx = context_from(EXAMPLES / "base.ttl")
    gate(ctx, tmp_path)
    assert not list(ctx.diagnostics)
    report = Graph().parse(tmp_path / "validation.ttl")
    assert (None, SH.conforms, None) in report and not list(report.objects(None, SH.result))
    assert (tmp_path / "inferred.ttl").is_file()


def test_rejected_build_keeps_its_reports_beside_the_output(tmp_path: Path) -> None:
    good, bad = EXAMPLES / "base.ttl", EXAMPLES / "no-broader-cycle" / "invalid.ttl"
    out, rejected = tmp_path / "full", tmp_path / "full.rejected"

    def write(*examples: Path, strict: bool = False) -> BuildResult:
        return write_build(context_from(*examples), out, [], OutputOptions(strict=strict), lambda _m: None)

    assert write(good).exit_code == EXIT_OK
    before = (out / "graph.ttl").read_bytes()
    result = write(good, bad)
    assert (result.exit_code, result.written) == (EXIT_DATA, False)
    assert (out / "graph.ttl").read_bytes() == before, "the previous DIR is kept whole"
    assert "no-broader-cycle" in (rejected / "validation.txt").read_text(encoding="utf-8")
    assert (rejected / "graph.ttl").is_file() and (rejected / "inferred.ttl").is_file()
    assert write(good).exit_code == EXIT_OK
    assert not rejected.exists(), "a kept build removes the stale rejected output"
    weak = EXAMPLES / "concept-definition-complete" / "invalid.ttl"
    assert write(good, weak).written and not write(good, weak, strict=True).written, "--strict rejects warnings"
    assert "concept-definition-complete" in (rejected / "validation.txt").read_text(encoding="utf-8")


def test_real_build_runs_the_gate(root: Path, tmp_path: Path) -> None:
    """The shipped seeds through ``medkg build``: every SHACL result carries a real file:line."""
    result = build([root / "data"], tmp_path / "out", progress=lambda _m: None)
    assert (result.written, result.exit_code) == (True, EXIT_OK)
    assert result.verdict == Verdict(violations=0, warnings=1, notes=8)
    folder = tmp_path / "out"
    assert (folder / "validation.txt").is_file() and (folder / "inferred.ttl").is_file()
    shacl = [d for d in result.diagnostics if d.code.startswith("shacl.") and d.severity != "info"]
    assert [d.code for d in shacl] == ["shacl.provision-text-complete"]
    assert all(d.location.file.startswith("data/") and d.location.line for d in shacl)


@pytest.mark.parametrize("name", ["validation.ttl", "validation.txt", "inferred.ttl"])
@pytest.mark.parametrize("example", ["s46-exact-match-disjoint", "label-not-blank"])  # the second has a path list
def test_gate_output_is_deterministic(tmp_path: Path, name: str, example: str) -> None:
    texts = []
    for run in ("a", "b"):
        ctx = context_from(EXAMPLES / "base.ttl", EXAMPLES / example / "invalid.ttl")
        gate(ctx, tmp_path / run)
        texts.append((tmp_path / run / name).read_text(encoding="utf-8"))
    assert texts[0] == texts[1]


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir()))
def test_reading_graph_ttl_gives_the_same_results_as_the_graph(example: str, tmp_path: Path) -> None:
    """The gate reads the build's graph.ttl with pyoxigraph: the same results as from the rdflib graph."""
    graph = Graph().parse(EXAMPLES / "base.ttl").parse(EXAMPLES / example / "invalid.ttl")
    path = tmp_path / "graph.ttl"
    path.write_text(serialize(graph, "ttl"), encoding="utf-8")
    shapes, ontology = load_shapes(), load_ontology()
    assert validate(graph, shapes, ontology, path) == validate(graph, shapes, ontology)


def test_the_real_sources_build_with_zero_violations(root: Path, tmp_path: Path) -> None:
    """The seeds and the three shared corpora pass the gate; each note points at a source file and line."""
    sources = [root / "data", shared_path("data", "healthcare-gov-glossary"),
               shared_path("data", "ecfr-md-42cfr-part422"), shared_path("data", "uscode-title42-partC")]
    result = build(sources, tmp_path / "full", progress=lambda _m: None)
    shacl = [d for d in result.diagnostics if d.code.startswith("shacl.")]
    assert not [d for d in shacl if d.severity == "error"], "\n".join(map(str, shacl))
    assert result.written and result.exit_code == EXIT_OK
    text = (tmp_path / "full" / "validation.txt").read_text(encoding="utf-8")
    assert "0 violation(s)" in text
    blocks = text.strip().split("\n\n")[:-1]  # the last one is the summary
    assert blocks and all(re.match(r"\S+\.(txt|md):\d+: (warning|info): shacl\.", b) for b in blocks)
    assert (tmp_path / "full" / "inferred.ttl").stat().st_size > 0
