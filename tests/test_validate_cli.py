"""``medkg validate FILE ...``: exit 0 conforms, 1 does not, 2 cannot be read; any RDF syntax."""

from __future__ import annotations

from pathlib import Path

import pytest
from medkg.cli import main
from rdflib import Graph

EXAMPLES = Path(__file__).parent / "shapes"
FORMATS = {"base.ttl": "turtle", "base.nt": "nt", "base.jsonld": "json-ld", "base.rdf": "xml"}


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main(["validate", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def merged(tmp_path: Path, *parts: Path) -> Path:
    graph = Graph()
    for part in parts:
        graph.parse(part)
    path = tmp_path / "vocabulary.ttl"
    path.write_text(graph.serialize(format="turtle"), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_conforming_file_in_each_syntax_exits_0(name: str, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / name
    path.write_text(Graph().parse(EXAMPLES / "base.ttl").serialize(format=FORMATS[name]), encoding="utf-8")
    code, out, _err = run(capsys, path)
    assert code == 0
    assert "0 violation(s)" in out


def test_format_is_detected_from_content_without_a_suffix(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "vocabulary"
    path.write_text(Graph().parse(EXAMPLES / "base.ttl").serialize(format="json-ld"), encoding="utf-8")
    assert run(capsys, path)[0] == 0


def test_violation_exits_1_with_a_report_naming_file_line_rule_and_value(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = merged(tmp_path, EXAMPLES / "base.ttl", EXAMPLES / "scheme-license" / "invalid.ttl")
    code, out, _err = run(capsys, path)
    assert code == 1
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, start=1) if "scheme-c" in text)
    assert f"{path}:{line}: error: shacl.scheme-license" in out
    assert "no licence" in out and "Example statute" in out


def test_files_are_validated_together(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A concept in one file and its scheme in another: one vocabulary, so it conforms."""
    assert run(capsys, EXAMPLES / "base.ttl", EXAMPLES / "concept-preflabel" / "valid.ttl")[0] == 0


def test_warning_fails_only_under_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = merged(tmp_path, EXAMPLES / "base.ttl", EXAMPLES / "concept-definition-complete" / "invalid.ttl")
    assert run(capsys, path)[0] == 0
    code, out, _err = run(capsys, path, "--strict")
    assert code == 1 and "shacl.concept-definition-complete" in out


@pytest.mark.parametrize("content", [b"@prefix ex: <https://example.org/> .\nex:a ex:b \n", b"\xff\xfe\x00bad",
                                     b"# only a comment\n"])
def test_unreadable_file_exits_2(content: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "broken.ttl"
    path.write_bytes(content)
    code, _out, err = run(capsys, path)
    assert code == 2
    assert f"{path}: cannot be read as RDF" in err


def test_missing_file_exits_2_and_the_readable_ones_are_still_reported(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, EXAMPLES / "base.ttl", tmp_path / "missing.ttl")
    assert code == 2
    assert "missing.ttl" in err and "0 violation(s)" in out
