"""Answers of the read-only graph kept in memory.

The graph never changes while a process runs (a new build means a new process), so an answer stays right for
the life of the process; keys still carry the build's etag so a cache can never outlive its build.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from typing import Any

MAX_CACHED_BYTES = 1 << 20  # larger answers are recomputed rather than held


class AnswerCache:
    """A bounded map; the oldest entry goes first (reads take no lock: dict reads are atomic)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: dict[Hashable, Any] = {}
        self.lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        return self.entries.get(key)

    def put(self, key: Hashable, value: Any, size: int = 0) -> None:
        if self.size <= 0 or size > MAX_CACHED_BYTES:
            return
        with self.lock:
            while len(self.entries) >= self.size:
                self.entries.pop(next(iter(self.entries)), None)
            self.entries[key] = value
