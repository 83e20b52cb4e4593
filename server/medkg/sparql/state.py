"""The endpoint's per-process state: the build, its settings, the answer cache, the query processes."""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..store import Dataset
from .cache import MIB, AnswerCache
from .executor import QueryPool
from .inplace import InPlaceRunner
from .jobs import Job, Reply
from .protocol import Limits


class Runner(Protocol):
    def run(self, job: Job) -> Reply: ...

    def close(self) -> None: ...


@dataclass
class SparqlState:
    dataset: Dataset
    cache: AnswerCache
    limits: Limits
    processes: int
    timeout: float
    memory_mb: int
    runner: str = "processes"  # or "in-place" (only in a disposable server worker: see ``inplace``)
    pools: dict[int, Runner] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    counts: dict[str, int] | None = None  # instances per class, for the VoID description

    @classmethod
    def from_config(cls, dataset: Dataset, config: Mapping[str, Any]) -> SparqlState:
        limits = Limits(int(config["MAX_QUERY_LENGTH"]), int(config["MAX_RESULT_ROWS"]))
        cache = AnswerCache(int(config["ANSWER_CACHE_SIZE"]), int(config["ANSWER_CACHE_MB"]) * MIB)
        return cls(dataset, cache, limits, int(config["QUERY_PROCESSES"]), float(config["QUERY_TIMEOUT"]),
                   int(config["QUERY_MEMORY_MB"]), str(config["QUERY_RUNNER"]))

    def pool(self) -> Runner:
        """This process's query runner: a forked server worker must not share its parent's children or watchdog."""
        pid = os.getpid()
        found = self.pools.get(pid)  # a dict read needs no lock
        if found is not None:
            return found
        with self.lock:
            if pid not in self.pools:
                self.pools[pid] = self.make_runner()
            return self.pools[pid]

    def make_runner(self) -> Runner:
        if self.runner == "in-place":
            return InPlaceRunner(self.dataset, self.timeout)
        if self.runner != "processes":
            raise ValueError(f"unknown QUERY_RUNNER {self.runner!r}: 'processes' or 'in-place'")
        return QueryPool(self.dataset.folder, self.dataset.base, self.processes, self.timeout, self.memory_mb)

    def close(self) -> None:
        for pool in self.pools.values():
            pool.close()
