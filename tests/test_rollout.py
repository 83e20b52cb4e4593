"""Running in production: a killed query's worker is replaced at once, builds switch as a whole, and nginx in front
of three real ``medkg serve`` nodes loses no request when a node is killed or a new build is rolled out."""

from __future__ import annotations

import http.client
import json
import shutil
import signal
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, ExitStack, contextmanager
from pathlib import Path
from typing import cast

import pytest
from medkg.nginx import config as nginx_config

from tests.support.sparql import BASE, GRAPH, free_port, point, serve_process, write_build

SKOS = "http://www.w3.org/2004/02/skos/core#"
QUICK = "ASK { ?c skos:altLabel \"PSO\"@en }"
LOOKUP = f"SELECT ?p ?o WHERE {{ <{BASE}concept/healthcare-gov-glossary/health-plan> ?p ?o }}"


def concepts_build(folder: Path, concepts: int) -> Path:
    """A build folder of ``concepts`` SKOS concepts (labels, definitions, a broader tree), indexed."""
    lines = []
    for i in range(concepts):
        iri = f"<{BASE}concept/synthetic/term-{i}>"
        lines.append(f'{iri} a <{SKOS}Concept> ; <{SKOS}prefLabel> "Term {i}"@en ; '
                     f'<{SKOS}definition> "Synthetic concept {i}."@en ; <{SKOS}inScheme> <{BASE}scheme/synthetic>'
                     + (f" ; <{SKOS}broader> <{BASE}concept/synthetic/term-{i // 3}> ." if i else " ."))
    return write_build(folder, graph="\n".join(lines) + "\n", inferred="")


def node(link: Path, port: int, workers: int = 2, **env: str) -> AbstractContextManager[subprocess.Popen[bytes]]:
    """``medkg serve LINK`` on ``port`` (2 workers x 2 threads unless told)."""
    return serve_process(link, port, workers, 2, **env)


def answer(url: str, query: str = QUICK, timeout: float = 10) -> tuple[int, str]:
    """Status and build id of one query answer (a fresh connection each time)."""
    request = urllib.request.Request(url + "/sparql?" + urllib.parse.urlencode({"query": query}),
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        response.read()
        return response.status, response.headers.get("X-Medkg-Build", "")


def health(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url + "/-/health", timeout=10) as response:
        data: dict[str, object] = json.load(response)
        return data


def every_worker_on(url: str, build: str, seconds: float = 30, streak: int = 30) -> None:
    """Wait until ``streak`` answers in a row (fresh connections, spread over the workers) carry ``build``."""
    deadline, seen = time.monotonic() + seconds, 0
    while seen < streak:
        assert time.monotonic() < deadline, f"{url} did not switch to build {build} within {seconds} s"
        try:
            seen = seen + 1 if health(url)["build"] == build else 0
        except OSError:
            seen = 0
        time.sleep(0.05)


def test_a_killed_query_leaves_its_replacement_answering_within_a_second(tmp_path: Path) -> None:
    """10,000 concepts; one worker, so that every answer after the kill comes from its replacement."""
    build = concepts_build(tmp_path / "build", 10_000)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    runaway = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with node(build, port, workers=1, QUERY_TIMEOUT="1"):
        before = health(url)["pid"]
        started = time.monotonic()
        with pytest.raises((ConnectionError, http.client.RemoteDisconnected)):
            answer(url, runaway, timeout=30)
        killed = time.monotonic()
        assert 1.0 <= killed - started < 2.0, "stopped at the time limit"
        while True:
            try:
                status, _ = answer(url, QUICK, timeout=5)
                break
            except OSError:
                assert time.monotonic() - killed < 5, "no replacement answered"
                time.sleep(0.01)
        replaced_after = time.monotonic() - killed
        assert status == 200 and health(url)["pid"] != before
    assert replaced_after < 1.0, f"the replacement answered {replaced_after:.2f} s after the kill"


def test_a_server_switches_builds_as_a_whole_without_failing_a_request(tmp_path: Path) -> None:
    """Under load, DIR points at another build three times, then SIGHUP: each worker switches in place (no process
    replaced, no connection dropped), answers and pages come from one build, and the old build is let go."""
    old, new = write_build(tmp_path / "a"), write_build(tmp_path / "b", graph=GRAPH + EXTRA)
    link = tmp_path / "current"
    point(link, old)
    old_id, new_id = json.loads((old / "build.json").read_text())["build_id"], \
        json.loads((new / "build.json").read_text())["build_id"]
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with node(link, port, workers=2) as server, ThreadPoolExecutor(max_workers=2) as pool:
        assert {answer(url)[1] for _ in range(10)} == {old_id}
        assert listening_sockets(port) == 1  # the workers share one: a worker that dies takes no queued connection
        before = openings(url, workers=2)
        stop = threading.Event()
        load = [pool.submit(keep_asking, url, stop) for _ in range(2)]
        for target, build_id in [(new, new_id), (old, old_id), (new, new_id)]:
            point(link, target)  # what 'medkg build' does to DIR (a symlink to the content-named build)
            every_worker_on(url, build_id)
        switched = openings(url, workers=2)
        let_go(list(switched), old)  # the build left last is no longer held by any worker
        server.send_signal(signal.SIGHUP)  # every worker re-opens the build DIR points at, in place
        reopened = openings(url, workers=2, unlike=switched)
        stop.set()
        assert [f for future in load for f in future.result()] == []
        assert set(before) == set(switched) == set(reopened), "the same worker processes throughout"
        assert {answer(url)[1] for _ in range(20)} == {new_id}
        # a page comes from the same build as the query answers: the whole server switched
        with urllib.request.urlopen(url + "/-/build", timeout=10) as response:
            assert json.load(response)["build_id"] == new_id and response.headers["X-Medkg-Build"] == new_id


EXTRA = "<concept/healthcare-gov-glossary/health-plan> skos:altLabel \"HP\"@en .\n"


def keep_asking(url: str, stop: threading.Event) -> list[str]:
    failures = []
    while not stop.is_set():
        try:
            status, _ = answer(url, LOOKUP)
            if status != 200:
                failures.append(str(status))
        except OSError as exc:
            failures.append(repr(exc))
    return failures


def openings(url: str, workers: int, unlike: dict[int, str] | None = None, seconds: float = 30) -> dict[int, str]:
    """When each worker opened the build it serves (``/-/health`` asked until every worker has answered, each
    with another time than in ``unlike``)."""
    seen: dict[int, str] = {}
    deadline = time.monotonic() + seconds
    while len(seen) < workers or unlike and any(seen[pid] == unlike.get(pid) for pid in seen):
        assert time.monotonic() < deadline, f"not every worker answered (re-opened) within {seconds} s: {seen}"
        fields = health(url)
        seen[int(cast(int, fields["pid"]))] = str(fields["opened"])
    return seen


def listening_sockets(port: int) -> int:
    """How many sockets listen on ``port`` (IPv4, from /proc/net/tcp: state 0A is LISTEN)."""
    rows = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return sum(1 for row in rows if row.split()[1].endswith(f":{port:04X}") and row.split()[3] == "0A")


def let_go(pids: list[int], build: Path, seconds: float = 5) -> None:
    """Wait until none of ``pids`` maps a file of ``build`` (its site index) any more."""
    deadline = time.monotonic() + seconds
    while any(str(build.resolve()) in Path(f"/proc/{pid}/maps").read_text() for pid in pids):
        assert time.monotonic() < deadline, f"a worker still holds {build} {seconds} s after switching away"
        time.sleep(0.05)


# --- nginx in front of three nodes ------------------------------------------------------------------------------

NGINX_MAIN = """\
worker_processes 1;
error_log {dir}/error.log warn;
pid {dir}/nginx.pid;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body; proxy_temp_path {dir}/proxy; fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi; scgi_temp_path {dir}/scgi;
    include {dir}/medkg.conf;
}}
"""
WRK_SCRIPT = """\
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  local path = paths[(i %% #paths) + 1]
  local headers = {}
  if string.sub(path, 1, 7) == "/sparql" then headers["Accept"] = "application/sparql-results+json" end
  return wrk.format("GET", path, headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests":%%d,"connect":%%d,"read":%%d,"write":%%d,"status":%%d,"timeout":%%d}\\n',
    summary.requests, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


@contextmanager
def nginx(folder: Path, nodes: list[str], port: int) -> Iterator[str]:
    """Debian's nginx with the configuration ``medkg nginx-config`` prints, on 127.0.0.1:``port``."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(binary).exists(), "nginx is installed by scripts/setup (APT list)"
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o777)  # nginx's workers may run as an unprivileged user
    (folder / "medkg.conf").write_text(nginx_config(nodes, listen=f"127.0.0.1:{port}", server_name="127.0.0.1"))
    (folder / "nginx.conf").write_text(NGINX_MAIN.format(dir=folder))
    command = [binary, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"]
    subprocess.run([*command[:-2], "-t"], check=True, capture_output=True)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                answer(url)
                break
            except OSError:
                assert time.monotonic() < deadline, (folder / "error.log").read_text()
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@contextmanager
def wrk(url: str, seconds: int, folder: Path) -> Iterator[dict[str, int]]:
    """A bounded load on 127.0.0.1 (wrk, 2 threads, 8 connections, ``seconds``); fills the dict when it ends."""
    paths = [f"/sparql?{urllib.parse.urlencode({'query': q})}" for q in (QUICK, LOOKUP)]
    paths += ["/-/health", "/concept/healthcare-gov-glossary/health-plan"]
    script = folder / "load.lua"
    script.write_text(WRK_SCRIPT % ", ".join(json.dumps(p) for p in paths))
    process = subprocess.Popen(["wrk", "-t2", "-c8", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), url],
                               stdout=subprocess.PIPE, text=True)
    result: dict[str, int] = {}
    try:
        yield result
    finally:
        out, _ = process.communicate(timeout=seconds + 60)
        line = next(x for x in out.splitlines() if x.startswith("RESULT "))
        result.update(json.loads(line[7:]))


def test_nginx_in_front_of_three_nodes_loses_no_request_on_a_kill_or_a_roll_out(tmp_path: Path) -> None:
    if shutil.which("wrk") is None:
        pytest.fail("wrk is installed by scripts/setup (APT list)")
    old, new = write_build(tmp_path / "a"), write_build(tmp_path / "b", graph=GRAPH + EXTRA)
    new_id = json.loads((new / "build.json").read_text())["build_id"]
    links = [tmp_path / f"node{i}" / "current" for i in range(3)]
    for link in links:
        link.parent.mkdir()
        point(link, old)
    ports = [free_port() for _ in links]
    with ExitStack() as stack:
        nodes = [stack.enter_context(node(link, port)) for link, port in zip(links, ports, strict=True)]
        url = stack.enter_context(nginx(tmp_path / "nginx", [f"127.0.0.1:{p}" for p in ports], free_port()))
        with wrk(url, 12, tmp_path) as killed_mid_load:
            time.sleep(4)
            nodes[1].send_signal(signal.SIGKILL)  # the node's workers die with it
        assert killed_mid_load["requests"] > 500
        assert failed(killed_mid_load) == 0, killed_mid_load
        stack.enter_context(node(links[1], ports[1]))  # back, on the same build
        with wrk(url, 30, tmp_path) as rolled:
            time.sleep(3)
            for link, port in zip(links, ports, strict=True):  # node by node: the README's recipe
                point(link, new)
                every_worker_on(f"http://127.0.0.1:{port}", new_id)
        assert rolled["requests"] > 1000
        assert failed(rolled) == 0, rolled
        assert {answer(url)[1] for _ in range(60)} == {new_id}, "every answer after the roll is the new build's"


def failed(result: dict[str, int]) -> int:
    return sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
