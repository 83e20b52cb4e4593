"""The lead's foundation: IRI policy, label keys, content negotiation, settings, atomic output."""

from __future__ import annotations

from pathlib import Path

import pytest
from medkg import settings
from medkg.conneg import negotiate
from medkg.pipeline import layout
from medkg.pipeline.build import EXIT_DATA, EXIT_INPUT, EXIT_OK, exit_code, write_build
from medkg.pipeline.context import BuildContext
from medkg.pipeline.diagnostics import SourceLocation
from medkg.pipeline.iris import IRIs, normalize_base, slugify
from medkg.pipeline.labels import normalize_label
from medkg.pipeline.steps import OutputOptions

RDF_TYPES = ["text/html", "text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples"]


@pytest.mark.parametrize(("text", "slug"), [
    ("Provider-Sponsored Organization (PSO)", "provider-sponsored-organization-pso"),
    ("Organización Responsable", "organizacion-responsable"),
    ("UCR (usual, customary & reasonable)", "ucr-usual-customary-and-reasonable"),
    ("  --  ", "x"),
    ("§ 422.350", "422.350"),
    ("Beneficiary’s Rights & Duties", "beneficiarys-rights-and-duties"),
])
def test_slugs_are_readable_ascii(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_iris_are_stable_under_one_base() -> None:
    iris = IRIs("http://localhost:8000")
    assert iris.base == "http://localhost:8000/"
    assert str(iris.concept("42-cfr-422", "Capitation payment", scope="422.350")) == (
        "http://localhost:8000/concept/42-cfr-422/422.350/capitation-payment")
    assert str(iris.cfr("42", "422", "422.350", "b")) == "http://localhost:8000/cfr/42/422/422.350/b"
    assert str(iris.federal_register(63, 18134)) == "http://localhost:8000/fr/63/18134"
    assert IRIs("http://localhost:8000/").concept("s", "A b") == iris.concept("s", "A b")


def test_a_relative_base_is_refused() -> None:
    with pytest.raises(ValueError, match="absolute"):
        normalize_base("medkg/")


def test_label_keys_ignore_case_accents_and_punctuation() -> None:
    assert normalize_label("Provider-Sponsored  Organization") == normalize_label("provider sponsored organization")
    assert normalize_label("managed-care-plan") == normalize_label("Managed Care Plan")
    assert normalize_label("Organización") == "organizacion"


@pytest.mark.parametrize(("accept", "chosen"), [
    (None, "text/html"),
    ("text/turtle", "text/turtle"),
    ("application/rdf+xml;q=0.5, text/turtle", "text/turtle"),
    ("text/turtle;q=0.3, application/ld+json;q=0.9", "application/ld+json"),
    ("text/*;q=0.5, text/turtle", "text/turtle"),
    ("*/*;q=0.1, application/n-triples", "application/n-triples"),
    ("text/html, application/xhtml+xml, */*;q=0.8", "text/html"),
    ("application/pdf", None),
    ("text/turtle;q=0", None),
    ("text/*, text/turtle;q=0", "text/html"),
])
def test_negotiation_honours_q_values_and_specificity(accept: str | None, chosen: str | None) -> None:
    assert negotiate(accept, RDF_TYPES) == chosen


def test_settings_come_from_overrides_then_environment_then_defaults() -> None:
    values = settings.resolve({"QUERY_TIMEOUT": 2.0}, {"MEDKG_QUERY_TIMEOUT": "5", "MEDKG_MAX_RESULT_ROWS": "7"})
    assert values["QUERY_TIMEOUT"] == 2.0
    assert values["MAX_RESULT_ROWS"] == 7
    assert values["MAX_QUERY_LENGTH"] == 20000


def test_writes_are_atomic_and_folders_swap_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for text in ("old", "new"):
        with layout.locked(out) as target:
            staging = layout.stage(target)
            layout.write_text(staging / layout.GRAPH, text)
            layout.write_manifest(staging, {"base": "https://example.org/"})
            layout.swap(target, staging, keep=True)
    assert (out / layout.GRAPH).read_text() == "new"
    assert out.is_symlink() and out.resolve().parent == tmp_path / ".out.builds"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.builds", "out"]
    assert not list((tmp_path / ".out.builds").glob(".*")), "no staging folder or spare link is left behind"
    assert (out / layout.GRAPH).stat().st_mode & 0o777 == 0o644, "outputs are readable by the server and others"
    assert out.resolve().name == layout.build_id(out.resolve()), "the folder is named by its content"


def test_bad_input_outranks_the_gate_and_strict_keeps_the_earlier_build(tmp_path: Path) -> None:
    ctx = BuildContext(IRIs())
    ctx.diagnostics.error("input.empty", "file is empty", SourceLocation("a.txt"))
    assert exit_code(input_errors=True, kept=False) == EXIT_INPUT
    assert (exit_code(input_errors=False, kept=False), exit_code(input_errors=False, kept=True)) == (EXIT_DATA, EXIT_OK)
    ctx = BuildContext(IRIs())
    ctx.diagnostics.error("input.empty", "file is empty", SourceLocation("a.txt"))
    quiet = {"progress": lambda _m: None}
    kept = write_build(ctx, tmp_path / "out", [], OutputOptions(), **quiet)
    assert (kept.exit_code, kept.written) == (EXIT_INPUT, True), "the good records are written"
    assert (tmp_path / "out").stat().st_mode & 0o777 == 0o755
    strict = write_build(ctx, tmp_path / "out", [], OutputOptions(strict=True), **quiet)
    assert (strict.exit_code, strict.written) == (EXIT_INPUT, False)
    assert (tmp_path / "out.rejected" / "report.txt").is_file()
