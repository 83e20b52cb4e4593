"""How ``medkg build`` scales with its input: time and peak memory (issue 14 #3 and #7).

    .venv/bin/python bench/build_scaling.py [--runs 3] [--sizes 500,1000,2000,4000,10000] [--records-mb 2,5,10,20]

Series 1, citations: one well-formed eCFR section with N numbered paragraphs (``(a)(1)(i)``...), each citing two
provisions (a CFR paragraph and a Social Security Act section). For each N: citation extraction alone on one text
holding all 2N citations (in process), and a whole ``medkg build`` of the section (a real process: wall time and
peak RSS from wait4). The peer, measured in the same run on the same output: rdflib parsing the build's graph as
N-Triples, which is linear in the triples; a constant build/peer ratio across sizes means a linear build.

Series 2, memory: glossary record files of M MB (intact records), built whole: peak RSS per input MB.

Medians of ``--runs`` runs (the largest sizes once when ``--quick``). Prints a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from medkg.pipeline.regulatory import citations
from medkg.pipeline.regulatory.provisions import Ref
from rdflib import Graph

ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"]
CITING = "applies as provided in § 422.{k}(b) and in section 1852(a)(3) of the Act."


def section(paragraphs: int) -> str:
    """§ 422.999 with ``paragraphs`` numbered leaf paragraphs, (a)-(z) / (1)-(40) / (i)-(x), each citing two."""
    parts = ["##### § 422.999 A long section. #####", ""]
    count = 0
    for letter in string.ascii_lowercase:
        parts += [f"({letter}) *Part {letter}.* The rules of this paragraph apply.", ""]
        for number in range(1, 41):
            parts += [f"({number}) Item {number} of paragraph ({letter}):", ""]
            for roman in ROMAN:
                count += 1
                parts += [f"({roman}) Provision {count} " + CITING.format(k=100 + count % 400), ""]
                if count == paragraphs:
                    return "\n".join([*parts, "[63 FR 25376, May 7, 1998]", ""])
    raise ValueError(f"at most {26 * 40 * len(ROMAN)} paragraphs")


def records(megabytes: float) -> str:
    """Intact glossary records (the flattened ``- key`` / ``- value`` format) adding up to ``megabytes``."""
    out, size, i = [], 0, 0
    while size < megabytes * 1e6:
        text = (f"- term\n- Scaling term {i}\n- normalized_term\n- scaling-term-{i}\n- category\n- Plans\n"
                f"- definition\n- The meaning of scaling term {i}, which a reader of the glossary looks up.\n"
                f"- source_url\n- https://example.org/glossary/{i}\n- publisher\n- Example.org\n- license\n"
                f"- CC-BY-4.0\nPage text of term {i}: what it is, who uses it and why it matters.\n\n")
        out.append(text)
        size += len(text)
        i += 1
    return "".join(out)


def extraction_seconds(paragraphs: int) -> float:
    text = " ".join(f"({i}) " + CITING.format(k=100 + i % 400) for i in range(paragraphs))
    here = Ref("cfr", "42", "422", None, "422.999")
    started = time.perf_counter()
    citations.extract(text, here)
    return time.perf_counter() - started


def build(source: Path, out: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of one ``medkg build`` process."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "medkg.cli", "build", str(source), "--out", str(out)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 2):
        raise RuntimeError(f"medkg build {source} exited {process.returncode}")
    return time.perf_counter() - started, usage.ru_maxrss * 1024


def peer_seconds(out: Path) -> float:
    """rdflib parsing the build's graph as N-Triples: the linear reference."""
    nt = out / "graph.nt"
    nt.write_text(Graph().parse(out / "graph.ttl").serialize(format="nt"), encoding="utf-8")
    started = time.perf_counter()
    Graph().parse(nt, format="nt")
    return time.perf_counter() - started


def median_of(runs: int, measure: object) -> list[float]:
    assert callable(measure)
    values = [measure() for _ in range(runs)]
    return [statistics.median(column) for column in zip(*values, strict=True)]


def citation_series(sizes: list[int], runs: int, folder: Path) -> None:
    print("| paragraphs | citations | extraction s | build s | build ms/paragraph | peak RSS MB | peer s "
          "| build/peer |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        source = folder / f"section-{n}.md"
        source.write_text(section(n), encoding="utf-8")
        out = folder / f"out-{n}"

        def measure(n: int = n, source: Path = source, out: Path = out) -> tuple[float, float, float, float]:
            seconds, rss = build(source, out)
            return extraction_seconds(n), seconds, float(rss), peer_seconds(out)

        extraction, seconds, rss, peer = median_of(runs if n <= 4000 else 1, measure)
        print(f"| {n:,} | {2 * n:,} | {extraction:.3f} | {seconds:.1f} | {1000 * seconds / n:.1f} | "
              f"{rss / 2**20:.0f} | {peer:.2f} | {seconds / peer:.1f} |", flush=True)


def memory_series(sizes: list[float], runs: int, folder: Path) -> None:
    print("\n| records MB | build s | peak RSS MB | RSS per input MB |")
    print("|---:|---:|---:|---:|")
    for mb in sizes:
        source = folder / f"records-{mb}.txt"
        source.write_text(records(mb), encoding="utf-8")

        def measure(source: Path = source, mb: float = mb) -> tuple[float, float]:
            seconds, rss = build(source, folder / f"records-out-{mb}")
            return seconds, float(rss)

        seconds, rss = median_of(runs if mb <= 10 else 1, measure)
        print(f"| {mb:g} | {seconds:.1f} | {rss / 2**20:.0f} | {rss / 2**20 / mb:.0f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="500,1000,2000,4000,10000")
    parser.add_argument("--records-mb", default="2,5,10,20")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="medkg-scaling-") as tmp:
        citation_series([int(s) for s in args.sizes.split(",") if s], args.runs, Path(tmp))
        memory_series([float(s) for s in args.records_mb.split(",") if s], args.runs, Path(tmp))


if __name__ == "__main__":
    main()
