"""Request bodies read in full on the server's event loop — within a deadline and a size limit — before the WSGI
app is given one of its few threads (issue 14 #8/#9).

``medkg serve`` runs the Flask app through ASGI (a2wsgi hands it to a thread pool). A client that sends its body
slowly, or sends too much, costs an awaiting coroutine, never a thread: after BODY_TIMEOUT seconds it gets 408,
past the size limit 413 (whatever the transfer encoding, as soon as the limit is passed).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class TooLarge(Exception):
    pass


class BufferedBodies:
    """ASGI middleware: the app sees a request only once its whole body has arrived (Content-Length set)."""

    def __init__(self, app: ASGIApp, max_bytes: int, timeout: float) -> None:
        self.app, self.max_bytes, self.timeout = app, max_bytes, timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not has_body(scope):
            await self.app(scope, receive, send)  # nothing to wait for (a GET, a HEAD): no timer, no task
            return
        declared = _header(scope, b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await _refuse(send, 413, f"request body too large: the limit is {self.max_bytes} bytes")
            return
        try:
            body = await asyncio.wait_for(self._read(receive), self.timeout)
        except TooLarge:
            await _refuse(send, 413, f"request body too large: the limit is {self.max_bytes} bytes")
            return
        except TimeoutError:
            await _refuse(send, 408, f"the request body did not arrive within {self.timeout:g} s (setting "
                                     "BODY_TIMEOUT)")
            return
        except ConnectionError:
            return  # the client left
        headers = [(k, v) for k, v in scope["headers"] if k not in (b"content-length", b"transfer-encoding")]
        if body or scope["method"] in ("POST", "PUT", "PATCH"):
            headers.append((b"content-length", str(len(body)).encode()))
        await self.app({**scope, "headers": headers}, replay(body, receive), send)

    async def _read(self, receive: Receive) -> bytes:
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise ConnectionError
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                raise TooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1").strip())
    return None


def has_body(scope: Scope) -> bool:
    """Whether the request carries a body: only with Content-Length or Transfer-Encoding (RFC 9112 §6.3)."""
    return any(name in (b"content-length", b"transfer-encoding") for name, _ in scope["headers"])


def replay(body: bytes, receive: Receive) -> Receive:
    """The body in one message, then whatever the client sends next (its disconnect)."""
    sent = False

    async def again() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return again


async def _refuse(send: Send, status: int, message: str) -> None:
    body = (message + "\n").encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
               (b"connection", b"close")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
