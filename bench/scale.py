"""Benchmark: medkg at scale against the Oxigraph server, on a graph shaped like ours (``generate.py``).

For N concepts (default 100,000; 1.86 M triples): ``medkg build`` of the generated N-Triples end to end (parse,
link, inference, SHACL gate, query store: wall time and peak RSS); the Oxigraph server's own load of the same
asserted + inferred triples; ``medkg serve`` start to first answer and to a loaded site, resident memory of its
whole process tree (RSS and PSS); a worker killed by the time limit and its replacement's first answer; and
first-time queries (answer cache off) against ``oxigraph serve-read-only`` on the same triples, with ``wrk``
(8 connections, 127.0.0.1), the servers taking turns run by run; medians and ratios to Oxigraph.

    .venv/bin/python bench/scale.py --concepts 100000            # ~15 min on the shared 2-core machine
    .venv/bin/python bench/scale.py --concepts 10000 --kinds lookup
    .venv/bin/python bench/scale.py --concepts 100000 --build-only --runs 3   # the build alone, against the peers
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from medkg import settings
from sparql_endpoints import ROOT, VENV, Server, median_of, running, wrk

SKOS = "http://www.w3.org/2004/02/skos/core#"
WORDS = re.compile(r"[a-z]{4,}")


def timed_run(command: list[str], log: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of a command, as GNU time reports them (in its log)."""
    with log.open("w") as out:
        subprocess.run(["/usr/bin/time", "-v", *command], stdout=out, stderr=subprocess.STDOUT, check=True,
                       cwd=log.parent)
    return time_report(log)


def prepare(concepts: int, folder: Path) -> None:
    """A build folder made as ``medkg build`` makes it after its link steps: the generated graph written as
    ``graph.ttl``, the gate's two output steps (inference, validation), the manifest and the query store. (The link
    steps are left out: on this synthetic graph they are quadratic; see BENCHMARKS.md.)"""
    from generate import generate
    from medkg.pipeline.index import index_build
    from medkg.pipeline.inference import infer_step
    from medkg.pipeline.ntriples import ntriples_turtle
    from medkg.pipeline.output import OutputOptions, write_text
    from medkg.pipeline.validation import validate_step

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    ctx = generate(concepts)
    write_text(folder / "graph.ttl", ntriples_turtle(ctx.graph))
    for step in (infer_step, validate_step):
        step(ctx, folder, OutputOptions())
    manifest = {"base": ctx.iris.base, "built": "2026-12-01T00:00:00+00:00", "sources": [f"generate.py {concepts}"],
                "triples": len(ctx.graph)}
    write_text(folder / "build.json", json.dumps(manifest, indent=2) + "\n")
    index_build(folder)


def cpu_seconds(log: Path) -> float:
    """User + system CPU seconds of the command (wall time on a loaded shared machine says little)."""
    text = log.read_text()
    return sum(float(m) for m in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", text))


def time_report(log: Path) -> tuple[float, float]:
    text = log.read_text()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", text)
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if wall is None or peak is None:
        raise RuntimeError(f"no GNU time report in {log}")
    seconds = sum(float(part) * 60 ** i for i, part in enumerate(reversed(wall.group(1).split(":"))))
    return seconds, int(peak.group(1)) / 1024


PEERS = {  # what the build is compared with, on the same N-Triples, each in its own process under GNU time
    "oxigraph load": lambda source, work: [str(VENV / "oxigraph"), "load", "--location", str(work / "peer-store"),
                                           "--file", str(source)],
    "rdflib parse": lambda source, work: [sys.executable, "-c", "import sys, rdflib; "
                                          "print(len(rdflib.Graph().parse(sys.argv[1], format='nt')))", str(source)],
}


def measured(command: list[str], log: Path) -> dict[str, Any]:
    """Wall seconds, CPU seconds and peak RSS (MB) of one process (GNU time: the wait4 rusage of that child); its
    standard output, when JSON (``medkg build --json``), gives each phase's CPU seconds."""
    with (log.with_suffix(".out")).open("w") as out:
        subprocess.run(["/usr/bin/time", "-v", "-o", str(log), *command], stdout=out, check=True, cwd=log.parent)
    wall, peak = time_report(log)
    found: dict[str, Any] = {"wall_s": wall, "cpu_s": cpu_seconds(log), "peak_mb": peak}
    text = log.with_suffix(".out").read_text()
    if text.startswith("{"):
        found["phases_cpu_s"] = {f"{p['name']} {p['detail']}".strip(): p["cpu_seconds"]
                                 for p in json.loads(text)["phases"]}
    return found


def build_runs(source: Path, work: Path, runs: int) -> dict[str, Any]:
    """``medkg build`` of the generated N-Triples end to end (every link step, gate, store), ``runs`` times, each
    followed by the peers on the same file; medians, and the build's ratio to each peer."""
    found: dict[str, list[dict[str, Any]]] = {"medkg build": [], **{name: [] for name in PEERS}}
    for run in range(runs):
        shutil.rmtree(work / "build", ignore_errors=True)
        found["medkg build"].append(measured([str(VENV / "medkg"), "build", str(source), "--out",
                                              str(work / "build"), "--json"], work / f"build-{run}.log"))
        for name, command in PEERS.items():
            shutil.rmtree(work / "peer-store", ignore_errors=True)
            found[name].append(measured(command(source, work), work / f"peer-{run}-{name.split()[0]}.log"))
        print(json.dumps({k: v[-1] for k, v in found.items()}), file=sys.stderr, flush=True)
    keys = ("wall_s", "cpu_s", "peak_mb")
    medians = {name: {key: statistics.median(r[key] for r in rs) for key in keys} for name, rs in found.items()}
    ratios = {peer: {key: medians["medkg build"][key] / medians[peer][key] for key in keys} for peer in PEERS}
    return {"runs": found, "medians": medians, "build_over_peer": ratios}


def concepts_and_labels(source: Path, count: int = 200) -> tuple[list[str], list[str]]:
    """``count`` concept IRIs (seeded choice) and words of their English labels, read from the generated file."""
    pattern = re.compile(r'^<([^>]+)> <' + re.escape(SKOS) + r'prefLabel> "([^"]*)"@en')
    found = []
    with source.open(encoding="utf-8") as handle:
        for line in handle:
            match = pattern.match(line)
            if match and "/concept/" in match.group(1):
                found.append((match.group(1), match.group(2)))
    rng = random.Random(7)
    picks = rng.sample(found, count)
    words = [w for _, lab in picks for w in WORDS.findall(lab.lower())] or ["term"]
    return [iri for iri, _ in picks], [rng.choice(words)[: rng.choice([4, 5, 6])] for _ in range(count)]


def query_sets(iris: list[str], words: list[str]) -> dict[str, list[str]]:
    return {
        "lookup": [f"SELECT ?p ?o WHERE {{ <{c}> ?p ?o }}" for c in iris],
        "label search": [f'SELECT ?c ?l WHERE {{ ?c <{SKOS}prefLabel> ?l FILTER(CONTAINS(LCASE(STR(?l)), "{w}")) }} '
                         "LIMIT 20" for w in words],
        "hierarchy": [f"SELECT ?a WHERE {{ <{c}> <{SKOS}broader>+ ?a }}" for c in iris],
    }


def tree_memory(pid: int) -> dict[str, float]:
    """RSS and PSS (MB) summed over ``pid`` and its descendants (PSS shares the pages forked workers share)."""
    pids, rss, pss = descendants(pid) | {pid}, 0, 0
    for p in pids:
        try:
            fields = dict(line.split(":", 1) for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines()[1:])
        except OSError:
            continue
        rss += int(fields["Rss"].split()[0])
        pss += int(fields["Pss"].split()[0])
    return {"processes": len(pids), "rss_mb": rss / 1024, "pss_mb": pss / 1024}


def descendants(pid: int) -> set[int]:
    parents: dict[int, int] = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                parents[int(proc.name)] = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def get(url: str, timeout: float = 30) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        data: dict[str, Any] = json.load(response)
        return data


def ask(url: str, query: str = "ASK { ?s ?p ?o }", timeout: float = 30) -> int:
    request = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": query}),
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        response.read()
        return int(response.status)


def until(check: Any, seconds: float = 600, pause: float = 0.02) -> float:
    """Seconds until ``check()`` returns without raising an OSError."""
    started = time.monotonic()
    while True:
        try:
            check()
            return time.monotonic() - started
        except OSError:
            if time.monotonic() - started > seconds:
                raise
            time.sleep(pause)


def start_up(command: list[str], url: str, env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], float]:
    started = time.monotonic()
    process = subprocess.Popen(command, env={**os.environ, **env}, stdout=log.open("w"), stderr=subprocess.STDOUT,
                               cwd=ROOT)
    until(lambda: ask(url))
    return process, time.monotonic() - started


def use_site(url: str, iris: list[str], words: list[str], rounds: int = 2) -> float:
    """Seconds to use every part of the site a few times over (so that each worker has): concept pages, the A-Z
    list, search, suggest, FHIR ``$expand?filter=`` and ``$lookup``."""
    started = time.monotonic()
    base = iris[0].split("/concept/")[0] + "/"  # the site answers for the build's base at its root
    value_set = urllib.parse.quote(base + "fhir/ValueSet/all")
    paths = ["/concepts", "/"] + ["/" + iri.removeprefix(base) for iri in iris[:20]]
    for word in sorted(set(words))[:5]:
        paths += [f"/search.json?q={word}", f"/suggest?q={word}", f"/suggest?q={word[:1]}",
                  f"/fhir/ValueSet/$expand?url={value_set}&filter={word}&count=20"]
    failed = set()
    for _ in range(rounds):
        for path in paths:
            try:
                with urllib.request.urlopen(url + path, timeout=300) as answer:
                    answer.read()
            except urllib.error.HTTPError as error:
                failed.add(f"{error.code} {path}")
    if failed:
        raise RuntimeError(f"the site failed: {sorted(failed)[:5]}")
    return time.monotonic() - started


def serving(build: Path, oxigraph_dir: Path, work: Path, timeout: float, iris: list[str],
            words: list[str], memory_only: bool = False) -> dict[str, Any]:
    """Start-up, memory (at the first answer, with the site loaded, once the site has been used) and the
    replacement of a killed worker, for medkg serve and the Oxigraph server."""
    lookups = query_sets(iris, words)["lookup"]
    from sparql_endpoints import free_port

    out: dict[str, Any] = {}
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    medkg, out["medkg_first_answer_s"] = start_up(
        [str(VENV / "medkg"), "serve", str(build), "--port", str(port), "--workers", "2", "--threads", "4"],
        url + "/sparql", {"MEDKG_ANSWER_CACHE_SIZE": "0", "MEDKG_QUERY_TIMEOUT": str(timeout)}, work / "serve.log")
    try:
        out["medkg_memory_at_first_answer"] = tree_memory(medkg.pid)
        started = time.monotonic()
        until(lambda: site_ready(url, 20), pause=0.5)  # every worker (20 answers in a row)
        out["medkg_site_ready_s"] = out["medkg_first_answer_s"] + time.monotonic() - started
        out["medkg_memory_site_loaded"] = tree_memory(medkg.pid)
        out["site_use_s"] = use_site(url, iris, words)
        out["medkg_memory_site_used"] = tree_memory(medkg.pid)
        if not memory_only:
            out["replacement_after_kill_s"] = replacement(url, timeout)
            out["runaway_cost"] = runaway_cost(url, lookups, timeout)
    finally:
        stop(medkg)
    if memory_only:
        return out
    port = free_port()
    oxigraph, out["oxigraph_first_answer_s"] = start_up(
        [str(VENV / "oxigraph"), "serve-read-only", "--location", str(oxigraph_dir), "--bind", f"127.0.0.1:{port}"],
        f"http://127.0.0.1:{port}/query", {}, work / "oxigraph.log")
    out["oxigraph_memory"] = tree_memory(oxigraph.pid)
    stop(oxigraph)
    return out


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        for pid in descendants(process.pid) | {process.pid}:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        process.wait()


def site_ready(url: str, answers: int) -> None:
    if not all(get(url + "/-/health")["site"] == "ready" for _ in range(answers)):
        raise OSError("a worker is still loading its site")


def replacement(url: str, timeout: float) -> float:
    """Seconds from the end of a query killed at the time limit to the first answer of its worker's successor."""
    before = {health_pid(url) for _ in range(30)}
    runaway = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    try:
        ask(url + "/sparql", runaway, timeout=timeout + 30)
        raise RuntimeError("the runaway query was answered")
    except (ConnectionError, OSError):
        killed = time.monotonic()
    while health_pid(url) in before | {0}:
        time.sleep(0.005)
    return time.monotonic() - killed


def health_pid(url: str) -> int:
    """The pid of the worker answering ``/-/health`` (0 when the connection was cut: it was queued on the killed
    worker)."""
    try:
        return int(get(url + "/-/health", timeout=5)["pid"])
    except OSError:
        return 0


def runaway_cost(url: str, lookups: list[str], timeout: float, seconds: int = 12) -> dict[str, Any]:
    """What runaway queries cost other clients: first-time lookups (wrk, 8 connections) alone, then while one client
    sends queries that run past the time limit, one after another (each ends a worker)."""
    from concurrent.futures import ThreadPoolExecutor

    calm = wrk(url + "/sparql", lookups, seconds, 8)
    runaway = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    stop = time.monotonic() + seconds

    def attack() -> int:
        killed = 0
        while time.monotonic() < stop - timeout:
            try:
                ask(url + "/sparql", runaway, timeout=timeout + 30)
            except OSError:
                killed += 1
        return killed

    with ThreadPoolExecutor(max_workers=1) as pool:
        attacker = pool.submit(attack)
        stormy = wrk(url + "/sparql", lookups, seconds, 8)
        killed = attacker.result()
    return {"calm": calm, "with_runaways": stormy, "workers_killed": killed,
            "throughput_ratio": stormy["rps"] / calm["rps"]}


LIMITED = "oxigraph (time limit)"  # oxigraph serve-read-only --timeout-s QUERY_TIMEOUT --cors


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by ``pid`` and its descendants."""
    total = 0
    for p in descendants(pid) | {pid}:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def wrk_with_cpu(server: Server, url: str, queries: list[str], args: argparse.Namespace) -> dict[str, float]:
    """One wrk run, with the CPU time the server's process tree spent per request (what load on the shared machine
    changes least: throughput is read only as a ratio, this as an absolute)."""
    before = tree_cpu(server.pid)
    run = wrk(url, queries, args.duration, args.connections)
    requests = run["rps"] * args.duration
    return run | {"cpu_us": (tree_cpu(server.pid) - before) / max(requests, 1) * 1e6}


def first_time_queries(build: Path, oxigraph_dir: Path, kinds: dict[str, list[str]],
                       args: argparse.Namespace) -> dict[str, dict[str, list[dict[str, float]]]]:
    ours = [str(VENV / "medkg"), "serve", str(build), "--workers", str(args.workers), "--threads", "4", "--port"]
    peer = [str(VENV / "oxigraph"), "serve-read-only", "--location", str(oxigraph_dir)]
    limit = str(int(settings.resolve()["QUERY_TIMEOUT"]))  # the peer with the guarantees we give: a time limit, CORS
    chosen = [Server("oxigraph", "/query", [*peer, "--bind"]),
              Server(LIMITED, "/query", [*peer, "--timeout-s", limit, "--cors", "--bind"]),
              Server("medkg (cache off)", "/sparql", ours, {"MEDKG_ANSWER_CACHE_SIZE": "0"})]
    if args.no_limited_peer:  # it spawns a thread per query, which fails on a machine short of threads (it dies)
        chosen = [s for s in chosen if s.name != LIMITED]
    results: dict[str, dict[str, list[dict[str, float]]]] = {s.name: {k: [] for k in kinds} for s in chosen}
    with ExitStack() as stack:
        urls = {s.name: stack.enter_context(running(s)) for s in chosen}
        root = urls["medkg (cache off)"].removesuffix("/sparql")
        until(lambda: site_ready(root, 20), seconds=1800, pause=1.0)  # steady state: no worker loading its site
        for kind, queries in kinds.items():
            for url in urls.values():
                wrk(url, queries, 1, args.connections)  # warm-up, not counted
            for _ in range(args.runs):
                for server in chosen:
                    results[server.name][kind].append(wrk_with_cpu(server, urls[server.name], queries, args))
            rps = [median_of(results[n][kind], "rps") for n in urls]
            cpu = [median_of(results[n][kind], "cpu_us") for n in urls]
            each = [f"{n} {r:.0f} req/s {c:.0f} us CPU" for n, r, c in zip(urls, rps, cpu, strict=True)]
            print(f"  {kind:14} {', '.join(each)}: ratio {rps[-1] / rps[0]:.2f}", file=sys.stderr, flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--concepts", type=int, default=100_000)
    p.add_argument("--skip-build", action="store_true", help="reuse the build folder of an earlier run")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--duration", type=int, default=4, help="seconds per measured wrk run")
    p.add_argument("--connections", type=int, default=8)
    p.add_argument("--workers", type=int, default=2, help="worker processes of medkg serve (default 2, as shipped)")
    p.add_argument("--timeout", type=float, default=2.0, help="MEDKG_QUERY_TIMEOUT for the kill measurement")
    p.add_argument("--kinds", action="append", default=[], help="only these query kinds")
    p.add_argument("--out", type=Path, default=None)
    p.add_argument("--prepared", action="store_true",
                   help="make the build folder from the generator (gate + store, no parsing or link steps) "
                        "instead of 'medkg build' of the generated N-Triples")
    p.add_argument("--prepare", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--queries-only", action="store_true", help="only the first-time query comparison")
    p.add_argument("--no-limited-peer", action="store_true",
                   help="leave out the Oxigraph server with its time limit (--timeout-s)")
    p.add_argument("--build-only", action="store_true",
                   help="only 'medkg build' of the generated N-Triples end to end, --runs times, against the peers")
    p.add_argument("--memory-only", action="store_true",
                   help="only medkg serve's start-up and memory (no Oxigraph server, kill or query comparison)")
    args = p.parse_args(argv)
    if args.prepare:
        prepare(args.concepts, args.prepare)
        return 0
    if args.build_only:
        return build_only(args)
    work = ROOT / "bench" / "graphs" / f"scale-{args.concepts}"
    work.mkdir(parents=True, exist_ok=True)
    source, build, oxigraph_dir = work / "source.nt", work / "build", work / "oxigraph"
    result: dict[str, Any] = {"concepts": args.concepts}
    if not source.is_file():
        subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), str(args.concepts), "--out",
                        str(source)], check=True)
    if args.prepared and (not args.skip_build or not build.is_dir()):
        timed_run([sys.executable, __file__, "--concepts", str(args.concepts), "--prepare", str(build)],
                  work / "build.log")
        result["build_made_by"] = "generate.py + gate (inference, validation) + store; no parsing or link steps"
    elif not args.skip_build or not build.is_dir():
        timed_run([str(VENV / "medkg"), "build", str(source), "--out", str(build)], work / "build.log")
    if (work / "build.log").is_file():
        result["build_s"], result["build_peak_mb"] = time_report(work / "build.log")
        result["build_cpu_s"] = cpu_seconds(work / "build.log")
    if build.is_dir():
        result["store_mb"] = sum(f.stat().st_size for f in (build / "store").rglob("*") if f.is_file()) / 2**20
    manifest = json.loads((build / "build.json").read_text())
    result["triples"] = manifest.get("store_triples")
    if not (oxigraph_dir.is_dir() and args.skip_build) and not args.memory_only:
        shutil.rmtree(oxigraph_dir, ignore_errors=True)
        started = time.monotonic()
        for name in ("graph.ttl", "inferred.ttl"):
            subprocess.run([str(VENV / "oxigraph"), "load", "--location", str(oxigraph_dir), "--file",
                            str(build / name)], check=True, capture_output=True)
        result["oxigraph_load_s"] = time.monotonic() - started
    print(json.dumps(result), file=sys.stderr, flush=True)
    iris, words = concepts_and_labels(source)
    if not args.queries_only:
        result.update(serving(build, oxigraph_dir, work, args.timeout, iris, words, args.memory_only))
        print(json.dumps(result), file=sys.stderr, flush=True)
        (work / "serving.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if args.memory_only:
        return 0
    kinds = {k: v for k, v in query_sets(iris, words).items() if not args.kinds or k in args.kinds}
    queries = first_time_queries(build, oxigraph_dir, kinds, args)
    result["first_time"] = {kind: {name: {key: statistics.median(r[key] for r in runs[kind])
                                          for key in ("rps", "p50", "p99", "cpu_us")} | {"errors": sum(r["errors"]
                                                                                            for r in runs[kind])}
                                   for name, runs in queries.items()} for kind in kinds}
    for by_server in result["first_time"].values():
        by_server["ratio"] = by_server["medkg (cache off)"]["rps"] / by_server["oxigraph"]["rps"]
        if LIMITED in by_server:
            by_server["ratio_to_time_limited"] = by_server["medkg (cache off)"]["rps"] / by_server[LIMITED]["rps"]
    text = json.dumps(result, indent=2)
    print(text)
    out = args.out or ROOT / "bench" / "results" / f"scale-{args.concepts}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n", encoding="utf-8")
    return 0


def build_only(args: argparse.Namespace) -> int:
    work = ROOT / "bench" / "graphs" / f"scale-{args.concepts}"
    work.mkdir(parents=True, exist_ok=True)
    source = work / "source.nt"
    if not source.is_file():
        subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), str(args.concepts), "--out",
                        str(source)], check=True)
    text = json.dumps({"concepts": args.concepts, **build_runs(source, work, args.runs)}, indent=2)
    print(text)
    out = args.out or ROOT / "bench" / "results" / f"scale-build-{args.concepts}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
