"""One ``medkg serve`` worker: the whole site on one build, switched to another build as a whole, in place.

A worker resolves ``DIR`` (typically a symlink to a content-named build) and serves that build: pages, caches and
queries alike, every answer carrying its build id (``WorkerSite``). When ``DIR`` comes to point at another build, or
on SIGHUP, the worker opens the new build beside the old one, waits until its site is loaded, and then sends every
new request to it in one step (``BuildSwitch``); requests already begun finish on the old build, whose threads and
files are then released. No process is stopped and no connection is closed to switch builds: a replaced process
drops the connections it has accepted but not yet read (measured: 4 of ~85,000 requests over 10 switches).
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
import threading
import time
import traceback
import urllib.parse
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from . import settings
from .siteindex import open_site_index
from .store import MANIFEST, STORE_DIR, NoStore, no_store_message

if TYPE_CHECKING:
    from .bodies import ASGIApp, BufferedBodies, Receive, Scope, Send
    from .sparql.state import SparqlState
    from .store import Dataset

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

WATCH_SECONDS = 1.0  # how often a worker looks at where DIR points
DRAIN_POLL_SECONDS = 0.05  # how often a retired build is checked for requests still running on it


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


def asgi() -> BufferedBodies:
    """The app of one server worker (granian's factory): the build ``DIR`` points at, switched as a whole, behind a
    reader of whole bodies."""
    from .bodies import BufferedBodies
    from .sparql.child import confine
    from .sparql.protocol import Limits

    config = settings.resolve()
    confine(int(config["QUERY_MEMORY_MB"]) if config["QUERY_RUNNER"] == "in-place" else 0)
    # a body may hold the longest query, or the largest text to annotate percent-encoded in a form
    limit = max(Limits(int(config["MAX_QUERY_LENGTH"]), 0).max_body, 3 * int(config["MAX_ANNOTATE_BYTES"]) + 65536)
    switch = BuildSwitch(Path(config["BUILD_DIR"]), WorkerSite)
    return BufferedBodies(AsciiQueryString(switch), limit, float(config["BODY_TIMEOUT"]))


class AsciiQueryString:
    """ASGI: raw non-ASCII bytes of a query string percent-encoded, as a browser sends them (curl sends them raw;
    the WSGI bridge takes ASCII only, and failed with a 500 on ``/?q=café``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = scope.get("query_string", b"")
        if not raw.isascii():
            scope = {**scope, "query_string": urllib.parse.quote(raw, safe=bytes(range(128))).encode()}
        await self.app(scope, receive, send)


class BuildSwitch:
    """ASGI: every request goes to the site of the build ``link`` pointed at when that site was complete."""

    def __init__(self, link: Path, open_site: Callable[[Path], WorkerSite]) -> None:
        self.link, self.open_site = link, open_site
        self.target = link.resolve()
        self.site = open_site(self.target)
        self.lock, self.wake, self.stopped = threading.Lock(), threading.Event(), threading.Event()
        signal.signal(signal.SIGHUP, lambda *_: self.wake.set())
        threading.Thread(target=self.watch, name="medkg-build-watch", daemon=True).start()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        with self.lock:  # the switch cannot fall between taking a site and counting the request on it
            site = self.site
            site.running += 1
        try:
            await site(scope, receive, send)
        finally:
            site.running -= 1

    def watch(self) -> None:
        while True:
            asked = self.wake.wait(WATCH_SECONDS)
            self.wake.clear()
            if self.stopped.is_set():
                return
            target = self.link.resolve()
            if (asked or target != self.target) and check_build(target) is None:
                self.switch(target)

    def switch(self, target: Path) -> None:
        """Load the site of ``target`` beside the current one, put it in its place, release the old one."""
        say(f"loading {target} (now serving {self.target})")
        with doubled_memory_cap():
            new = self.open_site(target)
            if not new.loaded():
                new.close()
                say(f"not switching to {target}: its site could not be loaded")
                self.target = target  # not retried until DIR points elsewhere or SIGHUP asks again
                return
            self.swap(new, target).retire()  # no name left holding the old site: it is freed below
            release_freed_memory()

    def close(self) -> None:
        """Stop watching ``DIR`` and close the site (a worker ends with its process; tests close theirs)."""
        self.stopped.set()
        self.wake.set()
        self.site.close()

    def swap(self, new: WorkerSite, target: Path) -> WorkerSite:
        """Put ``new`` in place of the current site, which is returned."""
        with self.lock:
            old, self.site, self.target = self.site, new, target
        say(f"switched to {target}")
        return old


def say(message: str) -> None:
    print(f"medkg: worker {os.getpid()}: {message}", file=sys.stderr, flush=True)


class doubled_memory_cap:
    """While two builds are open side by side, the worker's address-space cap (``QUERY_MEMORY_MB``) is doubled."""

    def __enter__(self) -> None:
        self.soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if self.soft != resource.RLIM_INFINITY:
            resource.setrlimit(resource.RLIMIT_AS, (min(2 * self.soft, hard), hard))

    def __exit__(self, *exc: object) -> None:
        resource.setrlimit(resource.RLIMIT_AS, (self.soft, resource.getrlimit(resource.RLIMIT_AS)[1]))


class WorkerSite:
    """The whole ASGI app of one build in a worker: queries on its query threads (``sparql.asgi``), the rest of
    the WSGI app on as many site threads."""

    def __init__(self, folder: Path) -> None:
        from a2wsgi import WSGIMiddleware

        from .sparql.asgi import QueryFront
        from .sparql.service import PATH

        threads = int(settings.resolve()["THREADS"])
        self.running = 0  # requests under way (counted by BuildSwitch on the event loop)
        self.wsgi = wsgi(folder)
        self.bridge = WSGIMiddleware(self.wsgi, workers=threads)  # type: ignore[arg-type]
        self.front = QueryFront(self.bridge, self.wsgi.queries, (PATH, PATH + "/"), threads)  # type: ignore[arg-type]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.front(scope, receive, send)

    def loaded(self) -> bool:
        """Wait for the whole site; whether it loaded."""
        self.wsgi.ready.wait()
        return self.wsgi.full is not None

    def retire(self) -> None:
        """Once no request runs on this site any more, stop its threads and let go of its build."""
        while self.running:
            time.sleep(DRAIN_POLL_SECONDS)
        self.close()

    def close(self) -> None:
        self.front.threads.close()
        self.bridge.executor.shutdown(wait=True)
        self.wsgi.close()


def wsgi(folder: Path) -> Warming:
    """The WSGI app of one build: it answers queries and ``/-/health`` at once; pages wait for the site's
    indexes, computed on a background thread. One SPARQL state (runner, answer cache) serves both."""
    from .app import create_app
    from .sparql.state import SparqlState
    from .store import open_dataset

    config = settings.resolve()
    dataset = open_dataset(folder, config["BASE"])
    state = SparqlState.from_config(dataset, config)
    state.pool()

    def full_app() -> WSGIApp:
        app = create_app({"BUILD_DIR": str(folder)}, dataset, state)
        release_freed_memory()
        return app

    return Warming(dataset, state, config, full_app)


def release_freed_memory() -> None:
    """Give back to the system what loading (or leaving) a site freed (glibc keeps freed heap pages in the
    process, where they count as resident memory until it is asked to trim)."""
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
    """A build's WSGI app: queries and health from the first moment, everything once the whole app is loaded."""

    def __init__(self, dataset: Dataset, state: SparqlState, config: dict[str, Any],
                 make: Callable[[], WSGIApp]) -> None:
        from . import hosts
        from .sparql.asgi import pass_on
        from .sparql.service import PATH
        from .sparql.wsgi import QueryHandler

        self.dataset, self.state, self.full, self.ready = dataset, state, cast(WSGIApp | None, None), threading.Event()
        trusted = hosts.trusted_hosts(config, dataset.base)
        self.early = hosts.HostCheck(self.health_or(QueryHandler(self.when_loaded, PATH, self.state)), trusted)
        self.queries = hosts.HostCheck(QueryHandler(pass_on, PATH, self.state), trusted)  # queries alone (sparql.asgi)
        threading.Thread(target=self.load, args=(make,), name="medkg-site-loader", daemon=True).start()

    def load(self, make: Callable[[], WSGIApp]) -> None:
        try:
            self.full = make()
        except Exception as exc:  # pages answer 500 saying so; a worker does not switch to this build
            say(f"the site of {self.dataset.folder} could not be loaded: {exc}")
            traceback.print_exc()
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
            from .store import BUILD_HEADER
            from .system import health_fields

            body = json.dumps(health_fields(self.dataset, "loading")).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Cache-Control", "no-store"),
                                      (BUILD_HEADER, self.dataset.build_id), ("Content-Length", str(len(body)))])
            return [body]

        return answer

    def close(self) -> None:
        """Stop this build's query runner."""
        self.state.close()
