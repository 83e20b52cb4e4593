"""The build folder's layout (``pipeline/layout.py``): one place names its files; the report is data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from medkg.pipeline import layout
from medkg.pipeline.build import build
from medkg.pipeline.diagnostics import Diagnostic, SourceLocation
from medkg.pipeline.stats import collect

PACKAGE = Path(layout.__file__).resolve().parents[1]
FILE_NAMES = [layout.GRAPH, layout.INFERRED, layout.MANIFEST, layout.PROVENANCE, layout.REPORT, layout.REPORT_JSON,
              layout.VALIDATION, layout.VALIDATION_TEXT, layout.EXTRA_GRAPHS, layout.CHANGES, layout.CHANGES_JSON]


def test_no_module_but_layout_spells_a_build_file_name() -> None:
    literal = re.compile("|".join(rf"""["']{re.escape(name)}["']""" for name in FILE_NAMES))
    offenders = [f"{path.relative_to(PACKAGE)}:{n}" for path in sorted(PACKAGE.rglob("*.py"))
                 if path.name != "layout.py"
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                 if literal.search(line)]
    assert not offenders, f"use the constants of pipeline/layout.py: {offenders}"


def test_diagnostics_round_trip_through_json() -> None:
    found = Diagnostic("warning", "input.x", "a message", SourceLocation("a.txt", 3), "rec-1")
    assert Diagnostic.from_dict(json.loads(json.dumps(found.as_dict()))) == found


@pytest.fixture(scope="module")
def built(root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The glossary seed alone: four related terms name concepts of no source (warnings), one orphan (a note)."""
    out = tmp_path_factory.mktemp("out") / "out"
    build([root / "data" / "glossary-provider-sponsored-organization.txt"], out, progress=lambda _m: None)
    return out


def test_the_report_is_written_as_data_beside_the_text(built: Path) -> None:
    data = json.loads((built / layout.REPORT_JSON).read_text(encoding="utf-8"))
    lines = (built / layout.REPORT).read_text(encoding="utf-8").splitlines()
    diagnostics = [Diagnostic.from_dict(d) for d in data["diagnostics"]]
    assert [str(d) for d in diagnostics] == lines[:-1], "report.txt is report.json, one line per diagnostic"
    assert lines[-1] == layout.summary_line(data["counts"])
    assert data["counts"] == {"error": 0, "warning": 4, "info": 1}
    assert [d.code for d in diagnostics if d.severity == "warning"] == ["link.unresolved"] * 4
    assert data["gate"] == {"violations": 0, "warnings": 0, "notes": 1}, "the gate's own verdict, apart from input"


def test_stats_reads_the_report_data_not_the_text(built: Path, tmp_path: Path) -> None:
    expected = [str(d) for d in layout.read_report(built) if d.severity == "warning"]
    copy = tmp_path / "copy"
    copy.mkdir()
    for path in built.iterdir():
        if path.is_file():  # the files, not the query store
            copy.joinpath(path.name).write_bytes(path.read_bytes())
    (copy / layout.REPORT).write_text("garbled: warning: nothing here (x.y)\n", encoding="utf-8")
    stats = collect(copy)
    assert stats.warnings == expected and expected
    assert sum(stats.warning_codes.values()) == len(expected)
