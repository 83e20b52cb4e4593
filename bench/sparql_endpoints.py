"""Benchmark: our SPARQL endpoint against the Oxigraph server and rdflib-endpoint, on the same graph and queries.

Generates a synthetic SKOS graph (default 10,000 concepts), serves it with each server on 127.0.0.1, and drives
each with ``wrk`` (HTTP/1.1 keep-alive, 8 connections, GET with Accept: SPARQL JSON) for a few seconds per query
kind and run. Reports requests/s and p50/p99 latency, as medians over the runs, and as ratios to the Oxigraph
server measured in the same invocation. Needs ``wrk`` (Debian package, installed by scripts/setup).

    .venv/bin/python bench/sparql_endpoints.py [--concepts 10000] [--duration 4] [--runs 3]
    .venv/bin/python bench/sparql_endpoints.py --kinds lookup --only medkg --only "medkg under gunicorn" \
        --only "medkg under waitress"          # the WSGI server choice
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medkg.pipeline import layout

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv" / "bin"
BASE = "https://w3id.org/medkg/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMES = ["medicareplans-glossary", "healthcare-gov-glossary", "42-cfr-422", "42-usc-part-c", "extra"]
WORDS = ["plan", "benefit", "provider", "coverage", "premium", "enrollment", "organization", "payment", "service",
         "network", "medicare", "advantage", "claim", "appeal", "drug", "hospital", "care", "cost", "risk", "term"]
LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1], {["Accept"] = "application/sparql-results+json"})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests":%%d,"duration_us":%%d,"errors":%%d,"p50_us":%%d,"p99_us":%%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


DEFAULT_SERVERS = ["medkg", "medkg (cache off)", "rdflib-endpoint"]  # plus oxigraph, the peer


def concept(i: int) -> str:
    return f"{BASE}concept/{SCHEMES[i % len(SCHEMES)]}/term-{i}"


def label(i: int, rng: random.Random) -> str:
    return " ".join(rng.sample(WORDS, 3)).capitalize() + f" {i}"


def generate(folder: Path, concepts: int) -> None:
    """A build folder (graph.ttl, empty inferred.ttl, build.json): concepts in 5 schemes, a broader tree each."""
    rng = random.Random(42)
    lines = []
    for i in range(concepts):
        iri, scheme = concept(i), f"{BASE}scheme/{SCHEMES[i % len(SCHEMES)]}"
        lines.append(f"<{iri}> a <{SKOS}Concept> ; <{SKOS}inScheme> <{scheme}> ;")
        lines.append(f'  <{SKOS}prefLabel> "{label(i, rng)}"@en ; <{SKOS}altLabel> "T{i}"@en ;')
        lines.append(f'  <{SKOS}definition> "A synthetic definition of concept {i}."@en')
        parent = i // 3 - (i // 3) % len(SCHEMES) + i % len(SCHEMES)  # same scheme, a third of the index
        lines.append(f"  ; <{SKOS}broader> <{concept(parent)}> ." if parent < i else "  .")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / layout.GRAPH).write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / layout.INFERRED).write_text("", encoding="utf-8")
    manifest = {"base": BASE, "built": "2026-01-01T00:00:00+00:00", "sources": ["synthetic"], "triples": 0}
    (folder / layout.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    from medkg.pipeline.index import index_build

    index_build(folder)  # the query store, as 'medkg build' writes it


def query_sets(concepts: int, variants: int = 200) -> dict[str, list[str]]:
    """The four query kinds, each with ``variants`` different queries (different IRIs or words)."""
    rng = random.Random(7)
    picks = [rng.randrange(concepts) for _ in range(variants)]
    words = [f"{rng.choice(WORDS)} {rng.choice(WORDS)}"[: rng.choice([4, 6, 8])] for _ in range(variants)]
    return {
        "lookup": [f"SELECT ?p ?o WHERE {{ <{concept(i)}> ?p ?o }}" for i in picks],
        "label search": [f'SELECT ?c ?l WHERE {{ ?c <{SKOS}prefLabel> ?l FILTER(CONTAINS(LCASE(STR(?l)), "{w}")) }} '
                         "LIMIT 20" for w in words],
        "hierarchy": [f"SELECT ?a WHERE {{ <{concept(i)}> <{SKOS}broader>+ ?a }}" for i in picks],
        "count per scheme": [f"SELECT ?s (COUNT(?c) AS ?n) WHERE {{ ?c <{SKOS}inScheme> ?s }} GROUP BY ?s "
                             f"ORDER BY ?s # {i}" for i in range(variants)],
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    name: str
    path: str  # the query path
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)
    port: int = 0
    pid: int = 0  # of the running server process (its workers are its descendants)


def servers(folder: Path, store_dir: Path, workers: int) -> list[Server]:
    """The peers and our endpoint (with and without its answer cache) on the same build."""
    ours = [str(VENV / "medkg"), "serve", str(folder), "--workers", str(workers), "--threads", "4", "--port"]
    return [
        Server("oxigraph", "/query", [str(VENV / "oxigraph"), "serve-read-only", "--location", str(store_dir),
                                      "--bind"]),
        Server("medkg", "/sparql", ours),
        Server("medkg (cache off)", "/sparql", ours, {"MEDKG_ANSWER_CACHE_SIZE": "0"}),
        Server("medkg under gunicorn", "/sparql", [str(VENV / "gunicorn"), "-w", str(workers), "--threads", "4",
                                                   "medkg.serve:wsgi()", "-b"], {"MEDKG_BUILD_DIR": str(folder)}),
        Server("medkg under waitress", "/sparql", [str(VENV / "waitress-serve"), "--threads=8", "--listen={bind}",
                                                   "--call", "medkg.serve:wsgi"], {"MEDKG_BUILD_DIR": str(folder)}),
        Server("rdflib-endpoint", "/", [str(VENV / "rdflib-endpoint"), "serve", str(folder / layout.GRAPH),
                                              "--host", "127.0.0.1", "--port"]),
    ]


@contextmanager
def running(server: Server) -> Iterator[str]:
    server.port = free_port()
    wants_host = server.name.startswith("oxigraph") or server.name.endswith(("gunicorn", "waitress"))
    bind = f"127.0.0.1:{server.port}" if wants_host else str(server.port)
    log = tempfile.TemporaryFile()
    command = [a.replace("{bind}", bind) for a in server.command]
    if command == server.command:
        command.append(bind)
    process = subprocess.Popen(command, env={**os.environ, **server.env}, stdout=log,
                               stderr=subprocess.STDOUT, cwd=ROOT)
    server.pid = process.pid
    url = f"http://127.0.0.1:{server.port}{server.path}"
    try:
        wait_ready(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def wait_ready(url: str, process: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    probe = url + "?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: server exited with {process.returncode}")
        try:
            request = urllib.request.Request(probe, headers={"Accept": "application/sparql-results+json"})
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} not ready after {seconds} s")


def wrk(url: str, queries: list[str], duration: int, connections: int) -> dict[str, float]:
    """One bounded wrk run; requests/s and latency percentiles (ms)."""
    path = urllib.parse.urlsplit(url).path
    paths = ", ".join(json.dumps(path + "?" + urllib.parse.urlencode({"query": q})) for q in queries)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % paths)
    try:
        done = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "30s", "-s",
                               script.name, url], capture_output=True, text=True, timeout=duration + 60)
    finally:
        os.unlink(script.name)
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result for {url}: {done.stdout[-500:]} {done.stderr[-500:]}")
    data = json.loads(line[7:])
    return {"rps": data["requests"] / (data["duration_us"] / 1e6), "p50": data["p50_us"] / 1000,
            "p99": data["p99_us"] / 1000, "errors": data["errors"]}


def measure(chosen: list[Server], kinds: dict[str, list[str]], args: argparse.Namespace) -> dict[str, dict]:
    """All servers run at once (idle ones cost nothing) and take turns, run by run, so that the noise of a shared
    machine falls on each of them alike."""
    results: dict[str, dict[str, list[dict]]] = {s.name: {k: [] for k in kinds} for s in chosen}
    with ExitStack() as stack:
        urls = {s.name: stack.enter_context(running(s)) for s in chosen}
        for kind, queries in kinds.items():
            for url in urls.values():
                wrk(url, queries, 1, args.connections)  # warm-up, not counted (fills caches)
            for _ in range(args.runs):
                for name, url in urls.items():
                    results[name][kind].append(wrk(url, queries, args.duration, args.connections))
            for name in urls:
                print(f"  {name:20} {kind:16} {summary(results[name][kind])}", file=sys.stderr)
    return results


def executor_overhead(folder: Path, kinds: dict[str, list[str]], repeat: int = 50) -> dict[str, dict[str, float]]:
    """Median ms per query run in-process vs. through a query process (the time limit's price), sequentially."""
    sys.path.insert(0, str(ROOT))
    from medkg.sparql.executor import QueryPool
    from medkg.sparql.jobs import Job, execute
    from medkg.store import open_dataset

    dataset = open_dataset(folder)
    pool = QueryPool(folder, BASE, 1, 30.0, 0)
    pool.run(Job(query="ASK {}"))
    out = {}
    for kind, queries in kinds.items():
        jobs = [Job(query=q, accept="application/sparql-results+json") for q in queries[:repeat]]
        out[kind] = {"in-process": timed(lambda j: execute(dataset, j), jobs), "query process": timed(pool.run, jobs)}
    pool.close()
    return out


def timed(run: Callable[[Any], Any], jobs: list[Any]) -> float:
    times = []
    for job in jobs:
        started = time.perf_counter()
        run(job)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def median_of(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def summary(runs: list[dict]) -> str:
    return (f"{median_of(runs, 'rps'):9.1f} req/s  p50 {median_of(runs, 'p50'):8.2f} ms  "
            f"p99 {median_of(runs, 'p99'):8.2f} ms  errors {sum(r['errors'] for r in runs)}")


def table(all_results: dict[str, dict[str, list[dict]]]) -> str:
    """Markdown: per query kind and server, medians and ratios to the Oxigraph server."""
    rows = ["| query | server | req/s | × Oxigraph | p50 ms | × Oxigraph | p99 ms | × Oxigraph | errors |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    peer = all_results["oxigraph"]
    for kind in peer:
        for name, results in all_results.items():
            runs, base = results[kind], peer[kind]
            cells = []
            for key in ("rps", "p50", "p99"):
                value, ratio = median_of(runs, key), median_of(runs, key) / median_of(base, key)
                cells += [f"{value:,.1f}" if key == "rps" else f"{value:.2f}", f"{ratio:.2f}"]
            rows.append(f"| {kind} | {name} | {' | '.join(cells)} | {sum(r['errors'] for r in runs)} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--concepts", type=int, default=10000)
    p.add_argument("--duration", type=int, default=4, help="seconds per measured run")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--connections", type=int, default=8)
    p.add_argument("--workers", type=int, default=2, help="medkg serve --workers")
    p.add_argument("--only", action="append", default=[],
                   help="measure only these servers (oxigraph is always measured: it is the peer)")
    p.add_argument("--kinds", action="append", default=[], help="only these query kinds")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "sparql_endpoints.json")
    args = p.parse_args(argv)
    if shutil.which("wrk") is None:
        print("sparql_endpoints: wrk not found (apt-get install wrk, or scripts/setup)", file=sys.stderr)
        return 2
    work = ROOT / "bench" / "graphs" / f"sparql-{args.concepts}"
    generate(work / "build", args.concepts)
    shutil.rmtree(work / "oxigraph", ignore_errors=True)
    subprocess.run([str(VENV / "oxigraph"), "load", "--location", str(work / "oxigraph"), "--file",
                    str(work / "build" / layout.GRAPH)], check=True, capture_output=True)
    kinds = {k: v for k, v in query_sets(args.concepts).items() if not args.kinds or k in args.kinds}
    overhead = executor_overhead(work / "build", kinds)
    chosen = args.only or DEFAULT_SERVERS
    results = measure([s for s in servers(work / "build", work / "oxigraph", args.workers)
                       if s.name == "oxigraph" or s.name in chosen], kinds, args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"args": {k: str(v) for k, v in vars(args).items()}, "results": results,
                                    "executor_overhead_ms": overhead}, indent=2), encoding="utf-8")
    print(table(results))
    print("\n| query | in-process ms | through a query process ms |\n|---|---:|---:|")
    for kind, times in overhead.items():
        print(f"| {kind} | {times['in-process']:.3f} | {times['query process']:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
