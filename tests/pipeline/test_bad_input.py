"""Bad input through the command line: a clear message naming file, line and record, exit code 2 (or 1 under
--strict for warnings), and the good records of the same run still in the written graph."""

from __future__ import annotations

from pathlib import Path

import pytest
from medkg.cli import main
from rdflib import RDF, SKOS, Graph

from tests.support.glossary import SEED, concept, post, record

GOOD = record("GOOD TERM", "good-term", "A term that is fine.")
GOOD_IRI = concept("example-glossary", "good-term")


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str]:
    code = main([str(a) for a in args])
    return code, capsys.readouterr().err


def written(out: Path) -> Graph:
    return Graph().parse(out / "graph.ttl")


RECORD_CASES = {
    "odd-lines": (GOOD + "- term\n- BROKEN TERM\n- alias\n- definition\n- Something.\n- publisher\n- Example.org\n",
                  "odd number of key/value lines: key 'alias' has no value", 13, "BROKEN TERM"),
    "no-term": (GOOD + "Page text.\n- normalized_term\n- nameless\n- definition\n- Something.\n- publisher\n- X\n",
                "record has no term", 12, "nameless"),
    "no-term-first": ("- normalized_term\n- nameless\n- definition\n- Something.\n- publisher\n- X\n" + GOOD,
                      "record has no term", 1, "nameless"),
    "duplicate": (GOOD + record("GOOD TERM", "good-term", "A different definition."),
                  "duplicate normalized_term 'good-term' with different content", 11, "GOOD TERM"),
    "unknown-key": (GOOD + record("OTHER", "other", "Fine.", colour="red"),
                    "unknown key 'colour'", 17, "OTHER"),
    "bad-url": (GOOD + record("OTHER", "other", "Fine.", source_url="www.cms.gov/glossary"),
                "source_url is not an absolute http(s) URL: 'www.cms.gov/glossary'", 18, "OTHER"),
}


@pytest.mark.parametrize("case", sorted(RECORD_CASES))
def test_each_bad_record_is_reported_and_the_good_one_survives(case: str, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    text, message, line, name = RECORD_CASES[case]
    source = tmp_path / f"{case}.txt"
    source.write_text(text, encoding="utf-8")
    code, err = run(capsys, "build", source, "--out", tmp_path / "out")
    assert code == 2
    [reported] = [row for row in err.splitlines() if ": error: " in row]
    assert reported.startswith(f"{source}:{line}: error: {message}")
    assert f"[record {name}]" in reported
    assert (GOOD_IRI, SKOS.prefLabel, None) in written(tmp_path / "out")


def test_broken_yaml_front_matter_names_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "0100-01-01-good.md").write_text(post("Good", "A good entry."), encoding="utf-8")
    (tmp_path / "0100-01-01-bad.md").write_text(
        "---\nlayout: glossary-word\ntitle: 'Unclosed\ntags: glossary\n---\nBody.\n", encoding="utf-8")
    code, err = run(capsys, "build", tmp_path, "--out", tmp_path / "out")
    assert code == 2
    [reported] = [row for row in err.splitlines() if ": error: " in row]
    assert "0100-01-01-bad.md:3: error: broken YAML front matter: while scanning a quoted scalar" in reported
    assert "warning: no LICENSE.txt with a licence URL beside the glossary; taking HealthCare.gov's" in err
    assert (concept("healthcare-gov-glossary", "good"), SKOS.prefLabel, None) in written(tmp_path / "out")


@pytest.mark.parametrize(("content", "message"), [
    (b"- term\n- Caf\xe9\n", ":2: error: not UTF-8 (byte 0xe9 at offset 12)"),
    (b"  \n\n", ": error: file is empty"),
])
def test_unreadable_files_are_reported_and_the_others_built(content: bytes, message: str, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_bytes(content)
    code, err = run(capsys, "build", good, bad, "--out", tmp_path / "out")
    assert code == 2
    assert f"bad.txt{message}" in err.replace(str(tmp_path) + "/", "")
    assert (GOOD_IRI, SKOS.prefLabel, None) in written(tmp_path / "out")


def test_strict_makes_a_warning_fail_and_keeps_the_earlier_build(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    assert run(capsys, "build", good, "--out", out)[0] == 0
    code, err = run(capsys, "build", SEED, "--out", out, "--strict")
    assert code == 1
    assert "warning: related term 'payer' matches no concept of any source" in err
    assert set(written(out).subjects(RDF.type, SKOS.Concept)) == {GOOD_IRI}  # the earlier build is intact
    assert run(capsys, "build", SEED, "--out", out)[0] == 0  # the same input without --strict passes


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "build", SEED)[0] == 2  # no --out
    code, err = run(capsys, "build", tmp_path / "missing.txt", "--out", tmp_path / "out")
    assert code == 2 and "no such file or folder" in err
    assert not (tmp_path / "out").exists()
