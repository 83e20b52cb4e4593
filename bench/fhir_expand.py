"""Benchmark: FHIR ``ValueSet/$expand?filter=`` (autocomplete) at 100k concepts, against ``/suggest``'s linear index.

Generates the synthetic graph of ``generate.py`` (default 100,000 concepts in four schemes: English and Spanish
preferred labels "Term 48213" / "Término 48213", acronyms "T48215"), writes it as a build folder and loads it as the
server does (``create_app``). Then, for what a person types into an autocomplete box — every prefix of a few
labels ("t", "te", "ter", …, "term 48213"), of acronyms and of Spanish labels, and some inner pieces ("8213") —
times, each over ``--runs`` runs:

- the whole HTTP request ``GET /fhir/ValueSet/$expand?url=…/all&filter=…&count=10`` through the Flask test client
  (parameter parsing, the ranked search, the expansion resource, JSON);
- the engine alone (``FilterIndex.search``);
- the peer, in the same run: ``SearchIndex.suggest`` (what ``/suggest`` runs: a scan of every label) for the same
  text, which ranks the same way (``tests/fhir/test_real.py`` proves the orders equal).

Reports medians per keystroke, then the median, p90 and max over keystrokes, and the ratio peer / ours; and the
start-up time of the FHIR terminology (its share of loading a build). The HTTP round trip is timed twice: wall
clock, and the CPU time of the thread serving it (``time.thread_time``) — on a shared, overloaded machine a
request of a few milliseconds is often preempted, and the wall clock then shows the wait for a core.

    .venv/bin/python bench/fhir_expand.py [--concepts 100000] [--runs 7] [--peer-runs 3] [--build DIR]

``--build DIR`` keeps the generated build there and reuses it in later runs (generating 100k concepts takes
minutes).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402
from linkeddata_search import median_ms  # noqa: E402
from medkg import extensions  # noqa: E402
from medkg.app import create_app  # noqa: E402
from medkg.fhir.terminology import Terminology  # noqa: E402
from medkg.linkeddata.site import Site  # noqa: E402

BASE = "https://w3id.org/medkg/"


def write_build(concepts: int, folder: Path) -> None:
    ctx = generate(concepts)
    lines = sorted(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in ctx.graph)
    (folder / "graph.ttl").write_text("".join(lines), encoding="utf-8")
    manifest = {"base": BASE, "built": "2026-12-01T00:00:00+00:00", "sources": ["bench/generate.py"],
                "triples": len(lines)}
    (folder / "build.json").write_text(json.dumps(manifest), encoding="utf-8")


def keystrokes(concepts: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    picks = [rng.randrange(concepts) for _ in range(4)]
    typed = [f"term {n}" for n in picks[:2]] + [f"t{picks[2] - picks[2] % 5}", f"término {picks[3]}"]
    queries = [word[:n] for word in typed for n in range(1, len(word) + 1)]
    return queries + [str(n)[-4:] for n in picks] + ["rmino 1", "erm 99", "no such text"]


def cpu_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.thread_time()
        fn()
        times.append((time.thread_time() - start) * 1000)
    return statistics.median(times)


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return f"median {statistics.median(ordered):.3f} ms · p90 {p90:.3f} ms · max {ordered[-1]:.3f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concepts", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--peer-runs", type=int, default=3, help="runs of the (slow) peer per keystroke")
    parser.add_argument("--build", type=Path, default=None, help="keep (or reuse) the generated build here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="medkg-fhir-bench-") as tmp:
        folder = args.build or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        if not (folder / "build.json").is_file():
            start = time.perf_counter()
            write_build(args.concepts, folder)
            print(f"generated {args.concepts:,} concepts in {time.perf_counter() - start:.1f} s", flush=True)
        start = time.perf_counter()
        app = create_app({"BUILD_DIR": str(folder), "TESTING": True})
        loaded = time.perf_counter() - start
        term: Terminology = app.extensions[extensions.FHIR]
        site: Site = app.extensions[extensions.SITE]
        start = time.perf_counter()
        Terminology(site)
        print(f"start-up: the whole app {loaded:.1f} s, of which the FHIR terminology (measured again alone) "
              f"{time.perf_counter() - start:.1f} s; {len(term.concepts):,} concepts, "
              f"{len(term.filter.folded):,} label rows", flush=True)
        run(app.test_client(), term, site, keystrokes(args.concepts), args.runs, args.peer_runs)


def run(client, term: Terminology, site: Site, queries: list[str], runs: int,  # type: ignore[no-untyped-def]
        peer_runs: int) -> None:
    url = BASE + "fhir/ValueSet/all"
    http, cpu, engine, peer = [], [], [], []
    print(f"{'filter':<16} {'total':>7} {'HTTP ms':>8} {'HTTP CPU':>8} {'engine ms':>9} {'/suggest ms':>11}")
    for q in queries:
        response = client.get("/fhir/ValueSet/$expand", query_string={"url": url, "filter": q, "count": "10"})
        assert response.status_code == 200, response.data[:300]
        expansion = response.get_json()["expansion"]
        codes = [c["code"] for c in expansion.get("contains", [])]
        expected = [h.iri for h in site.index.suggest(q, limit=10)]
        assert [term.code_in[(iri, term.home(iri).index)] for iri in expected] == codes, q
        h = median_ms(lambda q=q: client.get("/fhir/ValueSet/$expand",
                                             query_string={"url": url, "filter": q, "count": "10"}), runs)
        c = cpu_ms(lambda q=q: client.get("/fhir/ValueSet/$expand",
                                          query_string={"url": url, "filter": q, "count": "10"}), runs)
        e = median_ms(lambda q=q: term.filter.search(q, 0, 10), runs)
        p = median_ms(lambda q=q: site.index.suggest(q, limit=10), peer_runs)
        http.append(h)
        cpu.append(c)
        engine.append(e)
        peer.append(p)
        print(f"{q!r:<16} {expansion.get('total', '—')!s:>7} {h:8.3f} {c:8.3f} {e:9.3f} {p:11.3f}", flush=True)
    print(f"\n{len(queries)} keystrokes, medians of {runs} runs each ({peer_runs} of the peer)")
    print(f"$expand HTTP round trip: {summary(http)}")
    print(f"  its CPU time:          {summary(cpu)}")
    print(f"FilterIndex.search:      {summary(engine)}")
    print(f"peer SearchIndex.suggest: {summary(peer)}")
    ratios = [p / e for p, e in zip(peer, engine, strict=True)]
    print(f"peer / engine: median of per-keystroke ratios {statistics.median(ratios):.0f}×")


if __name__ == "__main__":
    main()
