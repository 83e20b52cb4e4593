"""Answers of the read-only graph kept in memory, and a WSGI fast path that serves repeated GETs from them.

The graph never changes while a process runs (a new build means a new process), so an answer stays right for
the life of the process; keys still carry the build's etag so a cache can never outlive its build. The fast path
sits in front of Flask: a repeated ``GET /sparql?query=...`` with the same Accept costs a dict lookup.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable
from typing import Any

MAX_CACHED_BYTES = 1 << 20  # larger answers are recomputed rather than held
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
CACHEABLE = "medkg.cacheable"  # set in the WSGI environ by a view whose 200 answer may be kept


class AnswerCache:
    """A bounded map; the oldest entry goes first (reads take no lock: dict reads are atomic)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: dict[Hashable, Any] = {}
        self.lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        return self.entries.get(key)

    def put(self, key: Hashable, value: Any) -> None:
        if self.size <= 0:
            return
        with self.lock:
            while len(self.entries) >= self.size:
                self.entries.pop(next(iter(self.entries)), None)
            self.entries[key] = value


class FastPath:
    """WSGI middleware: serves a cached ``GET {path}`` answer without entering Flask, and fills the cache."""

    def __init__(self, app: WSGIApp, path: str, cache: AnswerCache, etag: str) -> None:
        self.app, self.path, self.cache, self.etag = app, path, cache, etag

    def key(self, environ: dict[str, Any]) -> Hashable | None:
        if environ.get("REQUEST_METHOD") != "GET" or environ.get("PATH_INFO") != self.path:
            return None
        if not environ.get("QUERY_STRING") or "HTTP_IF_NONE_MATCH" in environ:
            return None
        return (self.etag, environ["QUERY_STRING"], environ.get("HTTP_ACCEPT", ""), environ.get("HTTP_HOST", ""),
                environ.get("wsgi.url_scheme", ""), environ.get("HTTP_ORIGIN", ""))

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        key = self.key(environ)
        if key is None:
            return self.app(environ, start_response)
        hit = self.cache.get(key)
        if hit is not None:
            start_response("200 OK", hit[0])
            return [hit[1]]
        return self._fill(key, environ, start_response)

    def _fill(self, key: Hashable, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        seen: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen[:] = [status, headers]
            return start_response(status, headers, exc_info)

        result = self.app(environ, capture)
        try:
            body = b"".join(result)
        finally:
            getattr(result, "close", lambda: None)()
        if environ.get(CACHEABLE) and seen and seen[0].startswith("200") and len(body) <= MAX_CACHED_BYTES:
            self.cache.put(key, (list(seen[1]), body))
        return [body]
