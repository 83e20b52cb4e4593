"""The query path of ``/sparql`` in front of the site's WSGI bridge: one thread hop per query, nothing more.

Measured (BENCHMARKS.md "Scale"): a2wsgi hands each request to a WSGI thread and every part of its answer back to
the event loop, one cross-thread wait per message, and that cost more than the lookup itself. Here a query request
is handed once to one of the worker's query threads, which runs the worker's WSGI query stack on it (host check and
``sparql.wsgi.QueryHandler``: the one implementation of the protocol, guard, limits, negotiation, CORS and errors,
the same code the Flask app runs) and hands back status, headers and body in one call. What that stack does not
answer itself (no query: the service description, the editor; a preflight) it passes on, and it goes with every
other path to the whole site. The event loop never runs a query: a long one holds a query thread, not the worker.
"""

from __future__ import annotations

import asyncio
import io
import queue
import threading
from collections.abc import Callable, Iterable
from typing import Any

from a2wsgi.wsgi import build_environ

from ..bodies import ASGIApp, Receive, Scope, Send, has_body, replay

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
Answer = tuple[int, list[tuple[bytes, bytes]], bytes]  # status, headers as ASGI sends them, body


class PassOn(Exception):
    """Raised by the innermost app of the query stack: this request is for the whole site."""


def pass_on(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    raise PassOn


class QueryFront:
    """ASGI: requests to ``paths`` are answered by ``queries`` (a WSGI app whose innermost app is ``pass_on``) on
    one of ``threads`` query threads; whatever it passes on, and every other path, goes to ``app``."""

    def __init__(self, app: ASGIApp, queries: WSGIApp, paths: Iterable[str], threads: int) -> None:
        self.app, self.queries, self.paths = app, queries, frozenset(paths)
        self.threads = QueryThreads(threads)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        body = await whole_body(scope, receive)
        environ: dict[str, Any] = build_environ(scope, io.BytesIO(body))  # type: ignore[arg-type, assignment]
        try:
            status, headers, chunks = await self.threads.run(self.queries, environ)
        except PassOn:
            await self.app(scope, replay(body, receive), send)
            return
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": chunks})


async def whole_body(scope: Scope, receive: Receive) -> bytes:
    """The request body (read in full, within its limits, by ``bodies.BufferedBodies`` in front of this app)."""
    if not has_body(scope):
        return b""
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def call_wsgi(app: WSGIApp, environ: dict[str, Any]) -> Answer:
    """Run a WSGI app to the end: status code, headers (as ASGI wants them) and the whole body."""
    started: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        started[:] = [status, headers]

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    status, headers = started
    return int(status[:3]), [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers], body


class QueryThreads:
    """Threads that run WSGI calls for the event loop: one queue in, one ``call_soon_threadsafe`` out (measured
    cheaper than ``run_in_executor``'s chained futures)."""

    def __init__(self, count: int) -> None:
        self.jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.threads = [threading.Thread(target=self.work, name=f"medkg-query-{n}", daemon=True)
                        for n in range(count)]
        for thread in self.threads:
            thread.start()

    def close(self) -> None:
        """Stop the threads once they have done the jobs already queued."""
        for _ in self.threads:
            self.jobs.put(None)
        for thread in self.threads:
            thread.join()

    def run(self, app: WSGIApp, environ: dict[str, Any]) -> asyncio.Future[Answer]:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self.jobs.put((loop, future, app, environ))
        return future

    def work(self) -> None:
        while (job := self.jobs.get()) is not None:
            loop, future, app, environ = job
            try:
                outcome, failed = call_wsgi(app, environ), None
            except BaseException as exc:  # handed to the waiting coroutine
                outcome, failed = None, exc
            loop.call_soon_threadsafe(settle, future, outcome, failed)


def settle(future: asyncio.Future[Any], outcome: Any, failed: BaseException | None) -> None:
    if future.cancelled():
        return
    if failed is not None:
        future.set_exception(failed)
    else:
        future.set_result(outcome)
