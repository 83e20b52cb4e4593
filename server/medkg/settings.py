"""Every setting of the server, declared once with its default and help text.

A setting is read, in order of precedence, from ``create_app(test_config)``, the environment
(``MEDKG_<NAME>``), then its default. ``medkg serve --help`` and ``/-/settings`` list them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str

    @property
    def env(self) -> str:
        return f"MEDKG_{self.name}"


SETTINGS: tuple[Setting, ...] = (
    Setting("BUILD_DIR", "build/out", "build output folder to serve (made by 'medkg build')"),
    Setting("BASE", None, "base IRI of the data; default: the base the build was made with"),
    Setting("QUERY_TIMEOUT", 10.0, "hard time limit of one SPARQL query, in seconds", float),
    Setting("MAX_RESULT_ROWS", 10000, "most rows (or triples) one query may return", int),
    Setting("MAX_QUERY_LENGTH", 20000, "longest query accepted, in characters", int),
    Setting("MAX_ANNOTATE_BYTES", 1048576, "largest text /annotate accepts, in bytes of UTF-8 (then 413)", int),
    Setting("ANSWER_CACHE_SIZE", 2048, "SPARQL answers kept in memory per worker, keyed on the build (0: none)", int),
    Setting("ANSWER_CACHE_MB", 64, "memory the SPARQL answer cache of one worker may hold, in MiB", int),
    Setting("PAGE_CACHE_SIZE", 2048, "rendered pages and documents kept in memory per worker (0: none)", int),
    Setting("PAGE_CACHE_MB", 64, "memory the page and document cache of one worker may hold, in MiB", int),
    Setting("QUERY_PROCESSES", 2, "SPARQL queries run at once per server worker, each in its own process", int),
    Setting("QUERY_RUNNER", "processes", "where queries run: 'processes' (a killable child process per query slot) or "
            "'in-place' (on the request thread of a disposable worker, killed at the time limit; 'medkg serve' "
            "uses it)"),
    Setting("QUERY_MEMORY_MB", 2048, "memory cap of one query process, in MiB (0: no cap)", int),
    Setting("QUERY_NETWORK", False, "let SPARQL query processes run with network access where they cannot be cut "
            "off from it (SERVICE is refused either way); by default 'medkg serve' then refuses to start", _bool),
    Setting("TRUSTED_HOSTS", "", "host names the site answers to, comma-separated (a leading dot matches "
            "subdomains, '*' any); always: localhost, 127.0.0.1, HOST and the host of BASE. Others get a 400, so a "
            "forged Host header never reaches a redirect or an absolute URL"),
    Setting("BODY_TIMEOUT", 10.0, "seconds a client has to send a request body under 'medkg serve'; bodies are "
            "read before a request thread is given, so slow clients cost no thread (then 408)", float),
    Setting("HOST", "127.0.0.1", "address 'medkg serve' listens on"),
    Setting("PORT", 8000, "port 'medkg serve' listens on", int),
    Setting("WORKERS", 2, "server worker processes of 'medkg serve'", int),
    Setting("THREADS", 4, "threads per server worker of 'medkg serve' for pages, and as many for SPARQL queries", int),
    Setting("DEBUG_ERRORS", False, "show tracebacks in error pages (never in production)", _bool),
    Setting("REASONER", "fast", "inference of 'medkg build': fast (direct rules, proven equal to owlrl) or owlrl "
            "(the reference; slow)"),
)


def value(name: str, environ: Mapping[str, str] | None = None) -> Any:
    """One setting's value from the environment, else its default (for the command line's defaults)."""
    setting = next(s for s in SETTINGS if s.name == name)
    environ = os.environ if environ is None else environ
    return setting.parse(environ[setting.env]) if setting.env in environ else setting.default


def resolve(overrides: Mapping[str, Any] | None = None,
            environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The value of every setting: overrides, then the environment, then the default."""
    environ = os.environ if environ is None else environ
    overrides = overrides or {}
    values = {}
    for setting in SETTINGS:
        if setting.name in overrides:
            values[setting.name] = overrides[setting.name]
        elif setting.env in environ:
            values[setting.name] = setting.parse(environ[setting.env])
        else:
            values[setting.name] = setting.default
    return values
