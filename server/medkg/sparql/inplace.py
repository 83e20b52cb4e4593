"""Queries run in place, in a disposable server worker, under a watchdog that ends the worker at the time limit.

pyoxigraph cannot cancel a query, but it releases the GIL while it evaluates one, so a thread of the same process
can watch the clock. Under ``medkg serve`` every worker process opens the build's store read-only (milliseconds)
and answers queries on its request threads, with no hop to another process. When a query runs past the limit the
watchdog kills the whole worker with SIGKILL, which really stops the work; the server starts a replacement at once
(a fork of the already-loaded server process that opens the store again: well under a second).

The price, for other clients: requests in flight *on that worker* at that moment (at most its other request
threads' work, and requests queued behind them) lose their connection, like the runaway query itself; new
connections go to the other workers meanwhile. Behind nginx (``deploy/nginx``) such idempotent requests are retried
on another node. Measured in BENCHMARKS.md.
"""

from __future__ import annotations

import itertools
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .. import settings
from ..store import Dataset
from .child import STACK_BYTES, isolate_this_thread
from .jobs import Job, Reply, error, execute

POLL_SECONDS = 0.05  # the watchdog's tick: a query is stopped at most this long after its limit
DEEP_BRACKETS = 256  # more brackets than this: parsed on a thread with a large stack (see on_big_stack)
BIG_STACK = threading.Lock()  # threading.stack_size is process-wide: set it for one new thread at a time


def kill_this_worker(timeout: float) -> None:
    print(f"medkg: worker {os.getpid()}: a query ran past the time limit of {timeout:g} s; stopping this worker "
          "(a replacement starts now)", file=sys.stderr, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)


class Watchdog:
    """Deadlines of the queries running in this process, checked by one thread every ``POLL_SECONDS``.

    Starting and ending a query is a dict store and a dict pop (atomic under the GIL): no lock and no wake-up on
    the request path."""

    def __init__(self, timeout: float, overrun: Callable[[float], None] = kill_this_worker) -> None:
        self.timeout, self.overrun = timeout, overrun
        self.deadlines: dict[int, float] = {}
        self.tokens = itertools.count()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.watch, name="medkg-query-watchdog", daemon=True)
        self.thread.start()

    @contextmanager
    def running(self) -> Iterator[None]:
        token = next(self.tokens)
        self.deadlines[token] = time.monotonic() + self.timeout
        try:
            yield
        finally:
            del self.deadlines[token]

    def watch(self) -> None:
        while not self.stopped.wait(POLL_SECONDS):
            deadlines = list(self.deadlines.values())
            if deadlines and min(deadlines) < time.monotonic():
                self.overrun(self.timeout)


class InPlaceRunner:
    """Runs each query on the calling thread, against the worker's own read-only store, under the watchdog."""

    def __init__(self, dataset: Dataset, timeout: float) -> None:
        self.dataset = dataset
        self.watchdog = Watchdog(timeout)
        self.threads = threading.local()

    def run(self, job: Job) -> Reply:
        if sum(job.query.count(c) for c in "({[") > DEEP_BRACKETS:
            return self.on_big_stack(job)
        return self.in_place(job)

    def in_place(self, job: Job) -> Reply:
        if not hasattr(self.threads, "network"):  # once per request thread: its queries never reach the network
            self.threads.network = isolate_this_thread()
        if self.threads.network is not None and not settings.resolve()["QUERY_NETWORK"]:
            return error(503, "queries cannot be cut off from the network on this server "
                              f"({self.threads.network}); the operator may allow it with MEDKG_QUERY_NETWORK=1")
        with self.watchdog.running():
            return execute(self.dataset, job)

    def on_big_stack(self, job: Job) -> Reply:
        """A query with thousands of brackets (the guard has refused deep nesting it can see; brackets inside
        IRI-shaped text still reach the engine's recursive parser) runs on a thread with a large stack."""
        replies: list[Reply] = []
        with BIG_STACK:
            previous = threading.stack_size(STACK_BYTES)
            try:
                thread = threading.Thread(target=lambda: replies.append(self.in_place(job)), name="medkg-deep-query")
                thread.start()
            finally:
                threading.stack_size(previous)
        thread.join()
        return replies[0]

    def close(self) -> None:
        """Stop the watchdog (a worker that switches builds closes the old build's runner)."""
        self.watchdog.stopped.set()
