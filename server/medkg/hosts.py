"""Which ``Host`` headers the site answers to: absolute URLs it writes (redirects, JSON-LD ``@context``, the base IRI
of a query, the service description) name the request's host, so an unchecked header would be reflected.

Setting TRUSTED_HOSTS: comma-separated host names (a leading dot matches subdomains), or ``*`` for any. By default
the loopback names, the HOST the server listens on, and the host of the data's BASE. Other hosts get a 400.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from werkzeug.exceptions import SecurityError
from werkzeug.wsgi import get_host

from .http import text_error

LOOPBACK = ("localhost", "127.0.0.1")
UNTRUSTED = "the Host header names a host this site does not answer to (setting TRUSTED_HOSTS)"


def trusted_hosts(config: Mapping[str, Any], base: str) -> list[str] | None:
    """The hosts to trust; None means any (``*``)."""
    value = config.get("TRUSTED_HOSTS") or ""
    named = [h.strip() for h in (value.split(",") if isinstance(value, str) else value) if h.strip()]
    if "*" in named:
        return None
    listen = str(config.get("HOST") or "")
    listening = [listen] if listen and listen not in ("0.0.0.0", "::") else []
    base_host = urlsplit(base).hostname
    return list(dict.fromkeys([*LOOPBACK, *listening, *([base_host] if base_host else []), *named]))


def trusted(environ: dict[str, Any], hosts: list[str] | None) -> bool:
    """Whether the request's Host header (or server name) is one of ``hosts``."""
    return _trusted(environ.get("HTTP_HOST"), environ.get("SERVER_NAME"), environ.get("SERVER_PORT"),
                    environ.get("wsgi.url_scheme"), None if hosts is None else tuple(hosts))


@lru_cache(maxsize=256)  # few hosts are ever named; checking one costs as much as a lookup query
def _trusted(host: str | None, name: str | None, port: str | None, scheme: str | None,
             hosts: tuple[str, ...] | None) -> bool:
    environ = {"HTTP_HOST": host, "SERVER_NAME": name, "SERVER_PORT": port, "wsgi.url_scheme": scheme}
    try:
        get_host({k: v for k, v in environ.items() if v is not None}, None if hosts is None else list(hosts))
    except SecurityError:
        return False
    return True


class HostCheck:
    """WSGI middleware in front of the whole app: a request naming an untrusted host gets a plain 400."""

    def __init__(self, app: Callable[..., Iterable[bytes]], hosts: list[str] | None) -> None:
        self.app, self.hosts = app, hosts

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if self.hosts is None or trusted(environ, self.hosts):
            return self.app(environ, start_response)
        return text_error(400, UNTRUSTED)(environ, start_response)
