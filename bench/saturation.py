"""Saturation load on a real ``medkg serve`` (issue 14): pages, search and SPARQL at once, bounded, on 127.0.0.1.

Builds the shipped seeds and, where ../shared is present, the HealthCare.gov glossary and 42 CFR part 422; serves
the build with the production settings (2 workers x 4 threads); drives it with ``wrk`` (keep-alive, 32
connections, 120 s) over a mix of concept pages, the index, search pages and JSON, autocomplete and SPARQL queries
(repeated and distinct); samples the resident memory of the whole server (granian, its workers, the query
processes) every 5 s. Reports requests/s, latency, every error kind wrk counts (connect, read, write, timeout,
HTTP status >= 400) and the memory series: flat memory means the last samples stay near the first.

    .venv/bin/python bench/saturation.py [--duration 120] [--connections 32]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from rdflib import RDF, SKOS, Graph

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
WORDS = ["plan", "benefit", "provider", "coverage", "premium", "enrollment", "organization", "payment", "medicare",
         "advantage", "claim", "appeal", "drug", "hospital", "care", "cost", "risk", "network", "deductible"]
LUA = """
local requests_ = {%s}
local i = 0
local threads = {}
setup = function(thread)
  table.insert(threads, thread)
end
init = function(args)
  failed = {}
end
response = function(status, headers, body)
  if status >= 400 then
    failed[status] = (failed[status] or 0) + 1
  end
end
request = function()
  i = i + 1
  local r = requests_[(i %% #requests_) + 1]
  return wrk.format("GET", r[1], {["Accept"] = r[2]})
end
done = function(summary, latency, requests)
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("failed")) do
      io.write(string.format('STATUS %%d %%d\\n', status, n))
    end
  end
  local e = summary.errors
  io.write(string.format('RESULT {"requests":%%d,"duration_us":%%d,"connect":%%d,"read":%%d,"write":%%d,' ..
    '"status":%%d,"timeout":%%d,"p50_us":%%d,"p99_us":%%d,"max_us":%%d}\\n', summary.requests, summary.duration,
    e.connect, e.read, e.write, e.status, e.timeout, latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def sources() -> list[str]:
    found = [str(ROOT / "data")]
    for name in ("healthcare-gov-glossary", "ecfr-md-42cfr-part422"):
        if (SHARED / name).is_dir():
            found.append(str(SHARED / name))
    return found


def build(out: Path) -> None:
    subprocess.run([sys.executable, "-m", "medkg.cli", "build", *sources(), "--out", str(out)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def mix(out: Path, rng: random.Random) -> list[tuple[str, str]]:
    """(path, Accept) pairs: pages, search, suggest and SPARQL, in a shuffled fixed order."""
    graph = Graph().parse(out / "graph.ttl")
    base = json.loads((out / "build.json").read_text())["base"]
    concepts = sorted(str(c) for c in graph.subjects(RDF.type, SKOS.Concept))
    pages = [(c.removeprefix(base.rstrip("/")) + ".html", "text/html") for c in rng.sample(concepts, 200)]
    pages += [("/", "text/html"), ("/concepts", "text/html")]
    search = [(f"/search?q={w}", "text/html") for w in WORDS] + [(f"/search.json?q={w}", "application/json")
                                                                for w in WORDS]
    search += [(f"/suggest?q={w[:3]}", "application/json") for w in WORDS]
    queries = [f'SELECT ?c ?l {{ ?c skos:prefLabel ?l FILTER(CONTAINS(LCASE(?l), "{w}")) }} LIMIT 20' for w in WORDS]
    queries += [f"SELECT (COUNT(*) AS ?n) {{ <{c}> ?p ?o }}" for c in rng.sample(concepts, 100)]
    queries += ["SELECT ?s (COUNT(?b) AS ?n) { ?s skos:broader ?b } GROUP BY ?s ORDER BY DESC(?n) LIMIT 10"]
    sparql = [("/sparql?" + urllib.parse.urlencode({"query": q}), "application/sparql-results+json") for q in queries]
    requests = pages + search + sparql
    rng.shuffle(requests)
    return requests


def tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and every process below it."""
    children: dict[int, list[int]] = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(proc.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return total


def serve(out: Path, port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen([sys.executable, "-m", "medkg.cli", "serve", str(out), "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/health", timeout=2):
                return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError("medkg serve did not come up")


def load(url: str, requests: list[tuple[str, str]], seconds: int, connections: int) -> dict[str, float]:
    rows = ", ".join(f"{{{json.dumps(p)}, {json.dumps(a)}}}" for p, a in requests)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % rows)
    try:
        done = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "-s",
                               script.name, url], capture_output=True, text=True, timeout=seconds + 120)
    finally:
        os.unlink(script.name)
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    result = dict(json.loads(line[7:]))
    for row in (x.split() for x in done.stdout.splitlines() if x.startswith("STATUS ")):
        result[f"HTTP {row[1]}"] = result.get(f"HTTP {row[1]}", 0) + int(row[2])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=120)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("saturation: wrk not found (scripts/setup installs it)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="medkg-saturation-") as tmp:
        out = Path(tmp) / "build"
        build(out)
        requests = mix(out, random.Random(14))
        port = 18000 + os.getpid() % 1000
        process = serve(out, port)
        url = f"http://127.0.0.1:{port}"
        try:
            load(url, requests, 10, args.connections)  # warm-up (fills the caches), not counted
            samples: list[tuple[float, int]] = []
            stop = threading.Event()

            def sample() -> None:
                started = time.monotonic()
                while not stop.is_set():
                    samples.append((time.monotonic() - started, tree_rss(process.pid)))
                    stop.wait(5)

            sampler = threading.Thread(target=sample)
            sampler.start()
            result = load(url, requests, args.duration, args.connections)
            stop.set()
            sampler.join()
        finally:
            process.terminate()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    report(result, samples, len(requests), args)
    return 0


def report(result: dict[str, float], samples: list[tuple[float, int]], kinds: int, args: argparse.Namespace) -> None:
    errors = sum(int(result[k]) for k in ("connect", "read", "write", "status", "timeout"))
    seconds = result["duration_us"] / 1e6
    mb = [rss / 2**20 for _, rss in samples]
    print(f"{int(result['requests'])} requests in {seconds:.0f} s over {args.connections} connections "
          f"({result['requests'] / seconds:.0f}/s), {kinds} distinct requests (pages, search, suggest, SPARQL)")
    print(f"errors: {errors} (connect {result['connect']}, read {result['read']}, write {result['write']}, "
          f"timeout {result['timeout']}, HTTP >= 400 {result['status']}: "
          + (", ".join(f"{k} x{v}" for k, v in sorted(result.items()) if k.startswith("HTTP ")) or "none") + ")")
    print(f"latency: p50 {result['p50_us'] / 1000:.1f} ms, p99 {result['p99_us'] / 1000:.1f} ms, "
          f"max {result['max_us'] / 1000:.0f} ms")
    print("server RSS (MB) every 5 s: " + ", ".join(f"{m:.0f}" for m in mb))
    print(f"first {mb[0]:.0f} MB, last {mb[-1]:.0f} MB, max {max(mb):.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
