"""Benchmark: the annotator (``/annotate``) at N concepts, against a naive regex alternation of the same labels.

Prepares a build of ``generate.py N`` as ``bench/scale.py`` does (kept in ``bench/graphs/annotate-N``), loads it
as the server does and builds the annotator (pyahocorasick, once per build). The text: ``--words`` words drawn
with a fixed seed, about one word in six from a concept label and the rest from the graph's definitions. Times
(wall clock and CPU) ``Annotator.annotate`` (the spans with concept, label, vocabulary, definition and citation, as
``/annotate`` answers) on the whole text, median of ``--runs``; and the peer, one compiled ``\\b(?:label|label…)\\b``
alternation (case-insensitive, longest label first), with ours again on the same ``--peer-words`` first words,
median of ``--peer-runs`` (the peer takes ~10 s per 1,000 words at 100k concepts, so it gets a shorter text).

    .venv/bin/python bench/annotate.py --concepts 100000      # ~5 min on the shared 2-core machine
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from medkg.linkeddata.annotator import Annotator  # noqa: E402
from medkg.linkeddata.site import Site, load_site  # noqa: E402
from medkg.pipeline.index import index_build  # noqa: E402
from medkg.store import NoStore, open_dataset  # noqa: E402
from scale import prepare  # noqa: E402


def medians(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall-clock and median CPU milliseconds of ``runs`` calls (CPU: this process's time, which a shared,
    overloaded machine inflates far less than the wall clock)."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def build_folder(concepts: int) -> Path:
    folder = ROOT / "bench" / "graphs" / f"annotate-{concepts}"
    if not (folder / "build.json").is_file():
        print(f"preparing a build of generate.py {concepts} in {folder} …", flush=True)
        prepare(concepts, folder)
    return folder


def site_of(folder: Path) -> Site:
    """The build in ``folder`` loaded as the server loads it (its index rewritten if an older medkg prepared it)."""
    try:
        return load_site(open_dataset(folder))
    except NoStore:
        print(f"indexing {folder} again (prepared by an older medkg) …", flush=True)
        index_build(folder)
        return load_site(open_dataset(folder))


def text_of(annotator: Annotator, words: int, seed: int = 7) -> str:
    """``words`` words: about one in six from a concept label, the others from the graph's definitions."""
    rng = random.Random(seed)
    labels = sorted(label for names in annotator.labels.values() for label in names)
    prose = sorted({w for e in annotator.entries.values() for w in (e.definition or "").split()}) or ["the"]
    out: list[str] = []
    while len(out) < words:
        out += rng.choice(labels).split() if rng.random() < 0.1 else [rng.choice(prose)]
    return " ".join(out[:words])


def naive(annotator: Annotator) -> re.Pattern[str]:
    """The peer: every label in one alternation, longest first so the longest match wins, whole words."""
    labels = sorted({label for names in annotator.labels.values() for label in names}, key=lambda s: (-len(s), s))
    return re.compile(r"\b(?:" + "|".join(re.escape(label) for label in labels) + r")\b", re.IGNORECASE)


def timed(label: str, fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    print(f"{label}: {seconds:.1f} s", flush=True)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concepts", type=int, default=100_000)
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--peer-words", type=int, default=1_000)
    parser.add_argument("--peer-runs", type=int, default=3)
    args = parser.parse_args(argv)
    site = site_of(build_folder(args.concepts))
    holder: list[Annotator] = []
    timed("annotator built (labels, entries, automaton)", lambda: holder.append(Annotator(site)))
    annotator = holder[0]
    text = text_of(annotator, args.words)
    spans = annotator.annotate(text)
    print(f"{len(annotator.labels)} concepts, {sum(map(len, annotator.labels.values()))} English labels; "
          f"text {args.words} words ({len(text)} characters), {len({s['start'] for s in spans})} terms marked")
    ours, ours_cpu = medians(lambda: annotator.annotate(text), args.runs)
    print(f"ours, {args.words} words: {ours:.1f} ms wall, {ours_cpu:.1f} ms CPU (medians of {args.runs})", flush=True)
    peers: list[re.Pattern[str]] = []
    timed("peer compiled", lambda: peers.append(naive(annotator)))
    short = " ".join(text.split()[:args.peer_words])
    peer, peer_cpu = medians(lambda: peers[0].findall(short), args.peer_runs)
    ours_short, ours_short_cpu = medians(lambda: annotator.annotate(short), args.runs)
    print(f"{args.peer_words} words: ours {ours_short:.2f} ms wall, {ours_short_cpu:.2f} ms CPU; naive regex "
          f"{peer:.0f} ms wall, {peer_cpu:.0f} ms CPU (medians of {args.runs} and {args.peer_runs}); "
          f"peer / ours = {peer / ours_short:.0f}× wall, {peer_cpu / ours_short_cpu:.0f}× CPU")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
