"""Build switches under load (issues 11 and 14): how many requests a real ``medkg serve`` drops while it switches.

Builds the shipped seeds twice (the second with one more label, so the two builds differ), serves ``DIR`` (a
symlink to one of them) with 2 workers, and keeps 3 clients asking a SPARQL lookup, each on a fresh connection
(the case a replaced process drops: a connection accepted and not yet read). Meanwhile ``DIR`` is pointed at the
other build ``--switches`` times (each time waiting until 30 answers in a row carry the new build id) and the server
gets ``--sighups`` SIGHUPs (2.5 s apart). Reports requests answered, requests failed and each failure kind.

    .venv/bin/python bench/build_switch.py [--switches 10] [--sighups 10]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PSO = "<https://w3id.org/medkg/concept/healthcare-gov-glossary/provider-sponsored-organization>"
LOOKUP = f"SELECT ?p ?o WHERE {{ {PSO} ?p ?o }}"
EXTRA = f"{PSO} <http://www.w3.org/2004/02/skos/core#altLabel> \"Sponsored organization\"@en .\n"


def build(out: Path, *extra: Path) -> str:
    subprocess.run([sys.executable, "-m", "medkg.cli", "build", str(ROOT / "data"), *map(str, extra), "--out",
                    str(out), "--quiet"], check=True)
    return str(json.loads((out / "build.json").read_text())["build_id"])


def point(link: Path, target: Path) -> None:
    new = link.with_name(link.name + ".new")
    new.unlink(missing_ok=True)
    new.symlink_to(target)
    os.replace(new, link)


def get(url: str, timeout: float = 10) -> tuple[bytes, str]:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read(), response.headers.get("X-Medkg-Build", "")


def ask(url: str, stop: threading.Event, tally: collections.Counter[str]) -> None:
    query = url + "/sparql?" + urllib.parse.urlencode({"query": LOOKUP})
    while not stop.is_set():
        try:
            get(query)
            tally["answered"] += 1
        except OSError as exc:
            tally[type(exc).__name__] += 1


def every_worker_on(url: str, build_id: str, streak: int = 30, seconds: float = 60) -> None:
    deadline, seen = time.monotonic() + seconds, 0
    while seen < streak:
        if time.monotonic() > deadline:
            raise SystemExit(f"the server did not switch to {build_id} within {seconds} s")
        try:
            seen = seen + 1 if json.loads(get(url + "/-/health")[0])["build"] == build_id else 0
        except OSError:
            seen = 0


def up(url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if process.poll() is not None:
            raise SystemExit("medkg serve exited")
        try:
            get(url + "/-/health", timeout=2)
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("medkg serve did not answer")


def run(folder: Path, args: argparse.Namespace) -> collections.Counter[str]:
    extra = folder / "extra.nt"
    extra.write_text(EXTRA)
    builds = [(folder / "a", build(folder / "a")), (folder / "b", build(folder / "b", extra))]
    link = folder / "current"
    point(link, builds[0][0])
    url = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen([sys.executable, "-m", "medkg.cli", "serve", str(link), "--port", str(args.port),
                               "--workers", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tally: collections.Counter[str] = collections.Counter()
    stop = threading.Event()
    try:
        up(url, server)
        clients = [threading.Thread(target=ask, args=(url, stop, tally)) for _ in range(3)]
        for client in clients:
            client.start()
        for n in range(args.switches):
            target, build_id = builds[(n + 1) % 2]
            point(link, target)
            every_worker_on(url, build_id)
        for _ in range(args.sighups):
            server.send_signal(signal.SIGHUP)
            time.sleep(2.5)
        stop.set()
        for client in clients:
            client.join()
    finally:
        stop.set()
        server.terminate()
        server.wait(timeout=30)
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--switches", type=int, default=10, help="times DIR is pointed at the other build")
    parser.add_argument("--sighups", type=int, default=10, help="SIGHUPs sent after the switches")
    parser.add_argument("--port", type=int, default=8791)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="medkg-switch-") as tmp:
        tally = run(Path(tmp), args)
    failed = sum(n for kind, n in tally.items() if kind != "answered")
    print(f"{args.switches} switches, {args.sighups} SIGHUPs: {tally['answered']} answered, {failed} failed"
          + "".join(f"; {kind} {n}" for kind, n in sorted(tally.items()) if kind != "answered"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
