"""``medkg build`` talks like a good command line: phases with counts and times, a progress bar only on a
terminal and only for steps over a second, one summary that agrees with what was printed, --quiet and --json."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import struct
import termios
import time
from pathlib import Path

import pytest
from medkg.cli import main
from medkg.pipeline import layout
from medkg.pipeline.console import Console

PHASES = ["read", "parse", "link", "write", "infer", "gate", "changes", "index", "swap"]
SUMMARY = re.compile(r"^medkg: wrote (?P<out>\S+) \(build (?P<id>\w+)\): (?P<triples>[\d,]+) triples; "
                     r"(?P<errors>\d+) error\(s\), (?P<warnings>\d+) warning\(s\) \[gate: (?P<v>\d+) violation\(s\), "
                     r"(?P<gw>\d+) warning\(s\), (?P<gn>\d+) note\(s\)\]; notes in report.txt and validation.txt; "
                     r"[\d.]+ s$")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_each_phase_prints_its_counts_and_time_and_the_summary_agrees(
        root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code, stdout, stderr = run(capsys, "build", str(root / "data"), "--out", str(out))
    assert code == 0 and stdout == ""
    lines = stderr.splitlines()
    phases = [m.group(1) for line in lines[:-1] if (m := re.match(r"medkg: (\w+) .* +\d+\.\d s$", line))]
    assert [p for i, p in enumerate(phases) if p not in phases[:i]] == PHASES
    assert re.search(r"^medkg: parse +cfr-print \(1 file, 19 concepts, \d+ triples, 2 warnings\) +\d+\.\d s$",
                     stderr, re.MULTILINE)
    assert re.search(r"^medkg: gate +0 violations, 1 warning, 8 notes +\d+\.\d s$", stderr, re.MULTILINE)
    summary = SUMMARY.match(lines[-1])
    assert summary, lines[-1]
    printed = [line for line in lines if not line.startswith("medkg: ")]
    report = layout.read_report(out)
    assert printed == [str(d) for d in report if d.severity != "info"], "every error and warning, as in report.txt"
    assert int(summary["warnings"]) == sum(": warning: " in line for line in printed) == 7
    assert int(summary["errors"]) == sum(": error: " in line for line in printed) == 0
    assert int(summary["gw"]) == sum("(shacl." in line for line in printed) == 1, "the gate's warning is among them"
    assert summary["id"] == out.resolve().name
    assert int(summary["triples"].replace(",", "")) == layout.read_manifest(out)["triples"]
    assert "\r" not in stderr and "\x1b" not in stderr, "no progress bar when not on a terminal"


def test_quiet_prints_only_the_errors_and_warnings(root: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code, stdout, stderr = run(capsys, "build", str(root / "data"), "--out", str(out), "--quiet")
    assert code == 0 and stdout == ""
    assert stderr.splitlines() == [str(d) for d in layout.read_report(out) if d.severity != "info"]


def test_json_prints_one_document_and_nothing_else(root: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code, stdout, stderr = run(capsys, "build", str(root / "data"), "--out", str(out), "--json")
    assert code == 0 and stderr == ""
    doc = json.loads(stdout)
    report = json.loads((out / layout.REPORT_JSON).read_text(encoding="utf-8"))
    assert (doc["written"], doc["exit_code"], doc["build"]) == (True, 0, out.resolve().name)
    assert doc["counts"] == report["counts"] and doc["diagnostics"] == report["diagnostics"]
    assert doc["gate"] == report["gate"] == {"violations": 0, "warnings": 1, "notes": 8}
    assert [p["name"] for p in doc["phases"]][:2] == ["read", "parse"] and doc["phases"][-1]["name"] == "swap"
    assert doc["phases"][0]["counts"] == {"files": 2}
    assert 0 < sum(p["seconds"] for p in doc["phases"]) <= doc["seconds"]
    assert doc["triples"] == layout.read_manifest(out)["triples"]


def test_quiet_and_json_together_are_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, stderr = run(capsys, "build", "--out", str(tmp_path / "out"), "--quiet", "--json")
    assert code == 2 and "not allowed with argument" in stderr


def read_all(fd: int) -> str:
    chunks = []
    while select.select([fd], [], [], 0.2)[0]:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", "replace")


def test_a_terminal_gets_a_bar_for_a_step_over_a_second_and_none_for_a_quick_one() -> None:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a terminal of 24 rows, 100 columns
    with os.fdopen(slave, "w", encoding="utf-8", closefd=True) as terminal:
        console = Console(stream=terminal)
        assert console.bars, "a terminal gets progress bars"
        with console.phase("parse", "quick", total=3) as phase:
            for _ in phase.track([1, 2, 3]):
                pass
        quick = read_all(master)
        with console.phase("parse", "slow", total=3) as phase:
            for _ in phase.track([1, 2, 3]):
                time.sleep(0.6)
        slow = read_all(master)
    os.close(master)
    assert "\r" not in quick.replace("\r\n", "\n") and re.search(r"medkg: parse +quick +\d\.\d s", quick)
    assert re.search(r"medkg: parse slow: +\d+%\|", slow), slow  # tqdm's bar, drawn after a second
    assert "3/3" in slow or "2/3" in slow
    assert re.search(r"medkg: parse +slow +\d\.\d s", slow), "the phase line follows the bar"
    assert not Console("quiet", stream=terminal).bars and not Console("json", stream=terminal).bars
