"""Answers and rendered pages of the read-only graph kept in memory, bounded by count and by bytes.

The graph never changes while a process runs (a new build means a new process), so an answer stays right for
the life of the process; keys still carry the build's etag so a cache can never outlive its build.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

MAX_CACHED_BYTES = 1 << 20  # larger answers are recomputed rather than held
MIB = 1 << 20


class AnswerCache:
    """A map bounded by entries and by the bytes of its values; the oldest entry goes first.

    Reads take no lock (dict reads are atomic); writes and evictions do. One value may take at most an eighth of
    the byte budget (and never more than ``MAX_CACHED_BYTES``): larger ones are recomputed rather than held."""

    def __init__(self, size: int, max_bytes: int = 64 * MIB) -> None:
        self.size, self.max_bytes = size, max_bytes
        self.largest = min(MAX_CACHED_BYTES, max_bytes // 8)
        self.entries: dict[Hashable, tuple[Any, int]] = {}
        self.bytes = 0
        self.lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        found = self.entries.get(key)
        return found[0] if found is not None else None

    def put(self, key: Hashable, value: Any, size: int = 0) -> None:
        if self.size <= 0 or size > self.largest:
            return
        with self.lock:
            if key in self.entries:
                return
            while self.entries and (len(self.entries) >= self.size or self.bytes + size > self.max_bytes):
                self.bytes -= self.entries.pop(next(iter(self.entries)))[1]
            self.entries[key] = (value, size)
            self.bytes += size

    def get_or_make(self, key: Hashable, make: Callable[[], str]) -> str:
        """The cached text for ``key``, else ``make()`` (kept when it fits)."""
        found: str | None = self.get(key)
        if found is None:
            found = make()
            self.put(key, found, len(found.encode("utf-8")))
        return found
