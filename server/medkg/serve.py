"""``medkg serve``: the site under a production server (granian; measured fastest, see BENCHMARKS.md).

Every setting can come from the environment (``MEDKG_<NAME>``); the command line overrides it. The server's
worker processes are forks of the server process (which imports everything first, so a fork starts in a fraction
of a second) and share its one listening socket; each opens the build's query store read-only and runs queries in
place (``sparql.inplace``): a worker whose query runs past the time limit is killed and replaced at once.

One build at a time, switched as a whole (``worker``): each worker serves the build ``DIR`` points at and, when
``DIR`` comes to point at another build or the server gets SIGHUP, switches to it in place, without stopping a
process or closing a connection.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from . import settings
from .assets import STATIC_DIR
from .pipeline.build import EXIT_INPUT, EXIT_OK
from .store import STORE_DIR
from .worker import check_build

STARTUP_CRASH_SECONDS = 2.0  # a worker that dies younger than this crashed at start (not killed by the watchdog)


def configure(p: argparse.ArgumentParser) -> None:
    defaults = settings.resolve()
    p.add_argument("dir", type=Path, help="a build output folder (made by 'medkg build'), or a symlink to one")
    p.add_argument("--host", default=defaults["HOST"], help=f"address to listen on (default {defaults['HOST']})")
    p.add_argument("--port", type=int, default=defaults["PORT"], help=f"port (default {defaults['PORT']})")
    p.add_argument("--base", default=defaults["BASE"],
                   help="base IRI the site answers for (default: the base the build was made with)")
    p.add_argument("--workers", type=int, default=defaults["WORKERS"],
                   help=f"worker processes (default {defaults['WORKERS']})")
    p.add_argument("--threads", type=int, default=defaults["THREADS"],
                   help=f"request threads per worker (default {defaults['THREADS']})")
    p.epilog = "settings (environment variables): " + "; ".join(
        f"{s.env}: {s.help} (default {s.default})" for s in settings.SETTINGS)


def check_base(folder: Path, base: str | None) -> str | None:
    """Why the site cannot answer for ``base`` over this build (none of its IRIs lies under it), or None."""
    from .pipeline.output import load_manifest

    built = str(load_manifest(folder).get("base") or "")
    if not base or base == built or built.startswith(base):
        return None
    import pyoxigraph as ox

    store = ox.Store.read_only(str(folder / STORE_DIR))
    literal = json.dumps(base)  # a JSON string is a valid SPARQL string literal
    found = store.query(f"ASK {{ GRAPH ?g {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), {literal})) }} }}")
    del store
    if found:
        return None
    return (f"--base {base} matches none of the IRIs of {folder}: its base is {built} (serve it with "
            f"--base {built}, or omit --base; to publish under {base}, build with 'medkg build --base {base}')")


def run(args: argparse.Namespace) -> int:
    problem = check_build(args.dir) or check_base(args.dir, args.base)
    if problem:
        print(f"medkg: error: {problem}", file=sys.stderr)
        return EXIT_INPUT
    os.environ.setdefault("MEDKG_QUERY_RUNNER", "in-place")
    if not settings.resolve()["QUERY_NETWORK"] and not query_isolation_works():
        return EXIT_INPUT  # said why on stderr
    os.environ["MEDKG_BUILD_DIR"] = str(args.dir.absolute())  # not resolved: each worker resolves it when it starts
    os.environ["MEDKG_HOST"] = args.host  # the address served is a trusted Host (see hosts)
    os.environ["MEDKG_THREADS"] = str(args.threads)
    if args.base:
        os.environ["MEDKG_BASE"] = args.base
    serve(args.host, args.port, args.workers, args.threads)
    return EXIT_OK


def query_isolation_works() -> bool:
    """Whether queries can be cut off from the network here: request threads (in place) or a real query process."""
    if settings.resolve()["QUERY_RUNNER"] == "in-place":
        from .sparql.child import NOT_ISOLATED, thread_isolation_works

        why = thread_isolation_works()
        if why is not None:
            print(NOT_ISOLATED.format(why=why), file=sys.stderr)
        return why is None
    import subprocess

    probe = [sys.executable, "-m", "medkg.sparql.child", "--check-isolation"]
    return subprocess.run(probe, stdin=subprocess.DEVNULL, check=False).returncode == 0


def preload() -> None:
    """Import what a worker needs before the workers are forked, so a new worker starts in a fraction of a second."""
    import a2wsgi  # noqa: F401

    from . import app, bodies, sparql, system, worker  # noqa: F401
    from .fhir import mount as fhir_mount  # noqa: F401
    from .linkeddata import mount  # noqa: F401
    from .sparql import child  # noqa: F401


def serve(host: str, port: int, workers: int, threads: int) -> None:
    from granian.constants import Interfaces

    preload()
    folder = Path(os.environ["MEDKG_BUILD_DIR"])
    print(f"medkg: serving {folder} (now {folder.resolve()}) at http://{host}:{port}/ "
          f"(SPARQL at /sparql; {workers} worker(s) x {threads} thread(s); SIGHUP or a new target of {folder.name} "
          "switches builds)", file=sys.stderr)
    # ASGI: request bodies are read on the event loop before a thread is committed (see bodies)
    server = server_class()(
        "medkg.worker:asgi", address=host, port=port, interface=Interfaces.ASGINL, workers=workers, factory=True,
        respawn_failed_workers=True, respawn_interval=1.0, log_access=False, workers_kill_timeout=10,
        static_path_route=["/static"], static_path_mount=[STATIC_DIR])
    server.serve()


def server_class() -> type[Any]:
    """granian's process server, except that
    - a worker killed by the query watchdog is always replaced: granian alone stops the whole server when a worker
      dies twice within 5.5 s (which two runaway queries would do);
    - SIGHUP is passed on to the workers, which switch builds in place (granian would replace them, and a
      replaced worker drops the connections it has accepted but not read yet);
    - the workers share one listening socket, as granian does on other systems (on Linux each worker would bind
      its own with SO_REUSEPORT, and a worker that dies would take the connections queued on it along)."""
    from granian.server import MPServer

    class Server(MPServer):  # type: ignore[misc, valid-type]
        def _respawn_workers(self, workers: list[int], *args: Any, **kwargs: Any) -> None:
            now = time.monotonic()
            grown = [idx for idx in workers if now - self.wrks[idx].birth > STARTUP_CRASH_SECONDS]
            super()._respawn_workers(workers, *args, **kwargs)
            for idx in grown:  # killed in service: never counted as a crash loop (one at start still is)
                self.respawned_wrks.pop(idx, None)

        def signal_handler_reload(self, *args: Any, **kwargs: Any) -> None:
            for wrk in list(self.wrks):
                if wrk.is_alive():
                    os.kill(wrk.inner.pid, signal.SIGHUP)

        def _init_shared_socket(self) -> None:
            super()._init_shared_socket()
            if self._shd is None and self._ssp is not None:
                import socket

                self._shd, self._ssp = self._ssp.build(), None
                self._sfd = self._shd.get_fd()
                self._sso = socket.socket(fileno=self._sfd)
                self._sso.set_inheritable(True)

    return Server
