"""Benchmark of ``medkg diff`` on two full builds: every shipped and shared source, the current eCFR snapshot of
part 422 against the earlier one (the current folder with the ``-earlier`` versions in place of their namesakes,
linked, never copied).

The two builds are made once (or reused with ``--keep DIR``); then ``medkg diff OLD NEW --format json`` runs as a
subprocess (the whole command: start-up, reading both graphs, comparing, writing) ``--runs`` times, and its peer in
the same run — ``rdflib`` parsing the same two ``graph.ttl`` files and taking their set difference, the least a
naive RDF diff must do — as many times. Medians and their ratio are printed as JSON.

    .venv/bin/python bench/changes_diff.py --runs 5 --keep /tmp/medkg-diff-bench
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"
SOURCES = ("ecfr-md-42cfr-part423", "healthcare-gov-glossary", "uscode-title42-partC")


def build_pair(folder: Path) -> tuple[Path, Path]:
    """The two full builds (made once; reused when ``folder`` already holds them)."""
    from medkg.pipeline.changes.overlay import overlay

    part = DATA / "ecfr-md-42cfr-part422"
    for name in ("old", "new"):
        out = folder / name
        if (out / "graph.ttl").is_file():
            continue
        snapshot = part
        if name == "old":
            shutil.rmtree(folder / "src-old", ignore_errors=True)
            snapshot = overlay(part, [DATA / "ecfr-md-42cfr-part422-earlier"], folder / "src-old")
        command = [str(ROOT / ".venv/bin/medkg"), "build", str(ROOT / "data"), str(snapshot),
                   *(str(DATA / s) for s in SOURCES), "--out", str(out)]
        subprocess.run(command, check=False, capture_output=True)
    return folder / "old", folder / "new"


def time_diff(old: Path, new: Path) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) seconds of one ``medkg diff`` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([str(ROOT / ".venv/bin/medkg"), "diff", str(old), str(new), "--format", "json"],
                          capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert done.returncode == 1, done.stderr
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def time_peer(old: Path, new: Path) -> float:
    code = ("import sys; from rdflib import Graph; a = Graph().parse(sys.argv[1]); b = Graph().parse(sys.argv[2]); "
            "print(len(set(a) - set(b)), len(set(b) - set(a)))")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, str(old / "graph.ttl"), str(new / "graph.ttl")], check=True,
                   capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, default=None, help="build (or reuse) the two builds here")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="medkg-diff-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    old, new = build_pair(folder)
    report = json.loads(subprocess.run([str(ROOT / ".venv/bin/medkg"), "diff", str(old), str(new), "-f", "json"],
                                       capture_output=True, check=False, text=True).stdout)
    diffs, cpus, peers = [], [], []
    for _ in range(args.runs):
        wall, cpu = time_diff(old, new)
        diffs.append(wall)
        cpus.append(cpu)
        peers.append(time_peer(old, new))
    triples = [json.loads((f / "build.json").read_text())["triples"] for f in (old, new)]
    print(json.dumps({
        "triples": triples, "changes": len(report["changes"]), "cosmetic": report["cosmetic"],
        "medkg_diff_median_s": round(statistics.median(diffs), 3),
        "medkg_diff_cpu_median_s": round(statistics.median(cpus), 3),
        "rdflib_parse_and_set_difference_median_s": round(statistics.median(peers), 3),
        "ratio_diff_to_peer": round(statistics.median(diffs) / statistics.median(peers), 3),
        "runs": args.runs,
    }, indent=2))


if __name__ == "__main__":
    main()
