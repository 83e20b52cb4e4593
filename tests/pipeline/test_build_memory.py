"""Issue 14 item 7: a build's peak memory stays within the documented plan (BENCHMARKS.md, "Build scaling":
~0.25 GB fixed + ~0.1 GB per MB of intact glossary records), measured on a real ``medkg build`` process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.paths import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from build_scaling import records  # noqa: E402  (the bench's generator of intact records: one definition)

FIXED_MB, PER_INPUT_MB, MARGIN = 250, 100, 1.0  # measured here: 126 MB at 0.5 MB, 235 at 1.5, 420 at 3


def peak_rss_mb(source: Path, out: Path) -> float:
    process = subprocess.Popen([sys.executable, "-m", "medkg.cli", "build", str(source), "--out", str(out), "--quiet"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, f"medkg build {source} failed"
    return usage.ru_maxrss / 1024


def test_peak_memory_of_a_build_stays_within_the_documented_plan(tmp_path: Path) -> None:
    megabytes = 1.5
    source = tmp_path / "records.txt"
    source.write_text(records(megabytes), encoding="utf-8")
    peak = peak_rss_mb(source, tmp_path / "out")
    assert peak <= (FIXED_MB + PER_INPUT_MB * megabytes) * MARGIN, f"{peak:.0f} MB for {megabytes} MB of records"
