"""Query executor processes: the hard time limit.

pyoxigraph cannot cancel a running query, so each query runs in a child process that holds its own read-only copy
of the build; when the time limit passes the child is killed (SIGKILL really stops the CPU work) and a fresh one
is started. Children have no network (a private network namespace where the kernel allows it: defense in depth
behind the SERVICE check), a memory cap, and die with their parent.

A child runs ``python -m medkg.sparql.child FD FOLDER BASE MEMORY_MB``; jobs and replies travel pickled over
the socket FD.
"""

from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import threading
import time
import weakref
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path

from .jobs import Job, Reply


class Executor:
    """One child process and our end of its socket."""

    def __init__(self, folder: Path, base: str, memory_mb: int) -> None:
        ours, theirs = socket.socketpair()
        args = [sys.executable, "-m", "medkg.sparql.child", str(theirs.fileno()), str(folder), base,
                str(memory_mb)]
        self.process = subprocess.Popen(args, pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL)
        theirs.close()
        self.conn = Connection(ours.detach())

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
        self.conn.close()


class QueryTimeout(Exception):
    """The query ran past the time limit and its process was killed."""


class ExecutorDied(Exception):
    """The executor process ended while running the query."""


class QueryPool:
    """At most ``size`` queries at once per server process, each in its own executor, each time-limited."""

    def __init__(self, folder: Path, base: str, size: int, timeout: float, memory_mb: int) -> None:
        self.folder, self.base, self.timeout, self.memory_mb = folder, base, timeout, memory_mb
        self.slots = threading.BoundedSemaphore(size)
        self.lock = threading.Lock()
        # Children die with the *thread* that started them (PR_SET_PDEATHSIG), and server threads come and go:
        # one long-lived thread starts them all.
        self.spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="medkg-query-spawner")
        self.idle = [self._spawn() for _ in range(size)]
        self.pid = os.getpid()
        _POOLS.add(self)
        for executor in self.idle:  # ready when every child is: the first queries never wait for an import
            self._ask(executor, Job(query="ASK {}"), time.monotonic() + max(self.timeout, 30.0))

    def _spawn(self) -> Executor:
        return self.spawner.submit(Executor, self.folder, self.base, self.memory_mb).result()

    def run(self, job: Job) -> Reply:
        """The reply to ``job``; raises QueryTimeout when it takes longer than the limit (waiting included)."""
        deadline = time.monotonic() + self.timeout
        if not self.slots.acquire(timeout=self.timeout):
            raise QueryTimeout(f"every query process stayed busy for {self.timeout:g} s; try again later")
        try:
            with self.lock:
                executor = self.idle.pop() if self.idle else self._spawn()
            try:
                reply = self._ask(executor, job, deadline)
            except BaseException:
                self._replace(executor)
                raise
            with self.lock:
                self.idle.append(executor)
            return reply
        finally:
            self.slots.release()

    def _ask(self, executor: Executor, job: Job, deadline: float) -> Reply:
        try:
            executor.conn.send(job)
            if executor.conn.poll(max(deadline - time.monotonic(), 0.0)):
                reply: Reply = executor.conn.recv()
                return reply
        except (EOFError, OSError) as exc:  # the child died: out of memory, or killed from outside
            raise ExecutorDied("the query process died (the query may have exceeded the memory limit)") from exc
        raise QueryTimeout(f"the query exceeded the time limit of {self.timeout:g} s and was stopped")

    def _replace(self, executor: Executor) -> None:
        """Kill a child and start its successor at once, so it is loaded by the time it is needed."""
        executor.kill()
        with self.lock:
            self.idle.append(self._spawn())

    def close(self) -> None:
        with self.lock:
            for executor in self.idle:
                executor.kill()
            self.idle.clear()


_POOLS: weakref.WeakSet[QueryPool] = weakref.WeakSet()


@atexit.register
def _close_pools() -> None:
    for pool in list(_POOLS):
        if pool.pid == os.getpid():
            pool.close()
