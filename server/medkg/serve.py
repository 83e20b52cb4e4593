"""``medkg serve``: the site under a production server (granian; measured fastest, see BENCHMARKS.md).

Every setting can come from the environment (``MEDKG_<NAME>``); the command line overrides it. The server's
worker processes are forks of the server process (which imports everything first, so a fork starts in a fraction
of a second); each opens the build's query store read-only and runs queries in place (``sparql.inplace``): a worker
whose query runs past the time limit is killed and replaced at once.

One build at a time, switched as a whole: a worker resolves ``DIR`` (typically a symlink to a content-named build)
once, when it starts, and serves that build for its whole life — pages, caches and queries alike, each answer
carrying its build id. On SIGHUP, or when ``DIR`` comes to point at another build, the workers are replaced one by
one by workers on the new build; a replaced worker stops taking connections and finishes the requests it has.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from . import settings
from .assets import STATIC_DIR
from .pipeline.build import EXIT_INPUT, EXIT_OK
from .siteindex import open_site_index
from .store import BUILD_HEADER, MANIFEST, STORE_DIR, NoStore, no_store_message

if TYPE_CHECKING:
    from .bodies import BufferedBodies
    from .store import Dataset

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

WATCH_SECONDS = 1.0  # how often the server looks at where DIR points
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


def check_build(folder: Path) -> str | None:
    """Why ``folder`` cannot be served, or None."""
    if not (folder / MANIFEST).is_file():
        return f"{folder} is not a build folder (no {MANIFEST}); run 'medkg build --out {folder}' first"
    if not (folder / STORE_DIR).is_dir():
        return no_store_message(folder)
    try:
        open_site_index(folder)
    except NoStore as refused:
        return str(refused)
    return None


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

    from . import app, bodies, sparql, system  # noqa: F401
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
        "medkg.serve:asgi", address=host, port=port, interface=Interfaces.ASGINL, workers=workers, factory=True,
        respawn_failed_workers=True, respawn_interval=1.0, log_access=False, workers_kill_timeout=10,
        static_path_route=["/static"], static_path_mount=[STATIC_DIR])
    watch_link(folder)
    server.serve()


def server_class() -> type[Any]:
    """granian's process server, except that a worker killed by the query watchdog is always replaced: granian
    alone stops the whole server when a worker dies twice within 5.5 s (which two runaway queries would do)."""
    from granian.server import MPServer

    class Server(MPServer):  # type: ignore[misc, valid-type]
        def _respawn_workers(self, workers: list[int], *args: Any, **kwargs: Any) -> None:
            now = time.monotonic()
            grown = [idx for idx in workers if now - self.wrks[idx].birth > STARTUP_CRASH_SECONDS]
            super()._respawn_workers(workers, *args, **kwargs)
            for idx in grown:  # killed in service: never counted as a crash loop (one at start still is)
                self.respawned_wrks.pop(idx, None)

    return Server


def watch_link(folder: Path) -> None:
    """Signal ourselves (SIGHUP: replace the workers) whenever ``folder`` comes to point at another build."""
    def watch() -> None:
        current = folder.resolve()
        while True:
            time.sleep(WATCH_SECONDS)
            target = folder.resolve()
            if target != current and check_build(target) is None:
                current = target
                print(f"medkg: {folder} now points at {target}: switching builds", file=sys.stderr, flush=True)
                os.kill(os.getpid(), signal.SIGHUP)

    threading.Thread(target=watch, name="medkg-build-watch", daemon=True).start()


def asgi() -> BufferedBodies:
    """One server worker: its queries on ``THREADS`` query threads (``sparql.asgi``), the rest of its WSGI app
    (``wsgi``) on as many site threads; all behind a reader of whole bodies."""
    from a2wsgi import WSGIMiddleware

    from .bodies import BufferedBodies
    from .sparql.asgi import QueryFront
    from .sparql.protocol import Limits
    from .sparql.service import PATH

    config = settings.resolve()
    app = wsgi()
    # a body may hold the longest query, or the largest text to annotate percent-encoded in a form
    limit = max(Limits(int(config["MAX_QUERY_LENGTH"]), 0).max_body, 3 * int(config["MAX_ANNOTATE_BYTES"]) + 65536)
    threads = int(os.environ.get("MEDKG_THREADS") or config["THREADS"])
    site = WSGIMiddleware(app, workers=threads)  # type: ignore[arg-type]
    front = QueryFront(site, app.queries, (PATH, PATH + "/"), threads)  # type: ignore[arg-type]
    return BufferedBodies(front, limit, float(config["BODY_TIMEOUT"]))


def wsgi() -> Warming:
    """The app of one server worker: the build ``DIR`` points at now, for the life of this worker. It answers
    queries and ``/-/health`` at once; pages wait for the site's indexes, computed on a background thread."""
    from .app import create_app
    from .extensions import SPARQL
    from .sparql.child import confine
    from .store import open_dataset

    config = settings.resolve()
    confine(int(config["QUERY_MEMORY_MB"]) if config["QUERY_RUNNER"] == "in-place" else 0)
    folder = Path(config["BUILD_DIR"]).resolve()
    dataset = open_dataset(folder, config["BASE"])

    def full_app() -> WSGIApp:
        app = create_app({"BUILD_DIR": str(folder)}, dataset)
        app.extensions[SPARQL].pool()
        release_freed_memory()
        return app

    return Warming(dataset, config, full_app)


def release_freed_memory() -> None:
    """Give back to the system what loading the site freed (glibc keeps freed heap pages in the process, where
    they count as resident memory until it is asked to trim)."""
    import ctypes
    import ctypes.util
    import gc

    gc.collect()
    name = ctypes.util.find_library("c")
    if name:
        libc = ctypes.CDLL(name)
        if hasattr(libc, "malloc_trim"):
            libc.malloc_trim(0)


class Warming:
    """A worker's WSGI app: queries and health from the first moment, everything once the whole app is loaded."""

    def __init__(self, dataset: Dataset, config: dict[str, Any], make: Callable[[], WSGIApp]) -> None:
        from . import hosts
        from .sparql.service import PATH
        from .sparql.state import SparqlState
        from .sparql.wsgi import QueryHandler

        self.dataset, self.full, self.ready = dataset, cast(WSGIApp | None, None), threading.Event()
        from .sparql.asgi import pass_on

        state = SparqlState.from_config(dataset, config)
        state.pool()
        trusted = hosts.trusted_hosts(config, dataset.base)
        self.early = hosts.HostCheck(self.health_or(QueryHandler(self.when_loaded, PATH, state)), trusted)
        self.queries = hosts.HostCheck(QueryHandler(pass_on, PATH, state), trusted)  # queries alone (sparql.asgi)
        threading.Thread(target=self.load, args=(make,), name="medkg-site-loader", daemon=True).start()

    def load(self, make: Callable[[], WSGIApp]) -> None:
        try:
            self.full = make()
        finally:
            self.ready.set()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        full = self.full
        return (full or self.early)(environ, start_response)

    def when_loaded(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        self.ready.wait()
        if self.full is None:
            start_response("500 Internal Server Error", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"the site could not be loaded (see the server log)\n"]
        return self.full(environ, start_response)

    def health_or(self, app: WSGIApp) -> WSGIApp:
        def answer(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            if environ.get("PATH_INFO") != "/-/health":
                return app(environ, start_response)
            from .system import health_fields

            body = json.dumps(health_fields(self.dataset, "loading")).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Cache-Control", "no-store"),
                                      (BUILD_HEADER, self.dataset.build_id), ("Content-Length", str(len(body)))])
            return [body]

        return answer
