"""Issue 14 #8/#9 against a real ``medkg serve`` with real sockets: clients that send their POST bodies slowly
never freeze the site (bodies are read before a thread is given, then 408), and a chunked body is cut off with a
413 as soon as it passes the limit."""

from __future__ import annotations

import socket
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.support.sparql import running_server, write_build

THREADS = 2
BODY_TIMEOUT = 6.0
SLOW_CLIENTS = 16  # eight times the server's request threads (8 froze it before)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = write_build(tmp_path_factory.mktemp("slow") / "build")
    with running_server(folder, workers=1, threads=THREADS, BODY_TIMEOUT=str(BODY_TIMEOUT),
                        QUERY_PROCESSES="1") as url:
        yield url


def connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=30)


def slow_post(url: str, started: list[float], answered: list[float]) -> bytes:
    """A POST announcing 2,000 bytes that sends one byte every 0.3 s; what the server answers in the end."""
    try:
        return _slow_post(url, started)
    finally:
        answered.append(time.monotonic())


def _slow_post(url: str, started: list[float]) -> bytes:
    with connect(url) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: 2000\r\n\r\nASK")
        started.append(time.monotonic())
        sock.settimeout(0.3)
        for _ in range(200):
            try:
                sock.send(b" ")
            except OSError:
                break
            try:
                answer = sock.recv(4096)
            except TimeoutError:
                continue
            return answer
        sock.settimeout(30)
        return sock.recv(4096)


def timed_get(url: str) -> float:
    started = time.monotonic()
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200
        response.read()
    return time.monotonic() - started


def test_slow_bodies_do_not_freeze_the_site(server: str) -> None:
    started: list[float] = []
    answered: list[float] = []
    with ThreadPoolExecutor(max_workers=SLOW_CLIENTS) as pool:
        slow = [pool.submit(slow_post, server, started, answered) for _ in range(SLOW_CLIENTS)]
        while len(started) < SLOW_CLIENTS:
            time.sleep(0.05)
        time.sleep(0.5)
        pages = [timed_get(server + path) for path in ("/", "/-/health", "/sparql?query=ASK%7B%7D", "/concepts")]
        pages_done = time.monotonic()
        answers = [future.result(timeout=60) for future in slow]
    # every page was answered while all the slow clients were still trickling (a frozen site answers only after)
    assert pages_done < min(answered), (pages, min(answered) - pages_done)
    assert all(answer.startswith(b"HTTP/1.1 408") for answer in answers), answers[:2]
    assert timed_get(server + "/-/health") < 5


def test_a_chunked_body_gets_413_as_soon_as_it_passes_the_limit(server: str) -> None:
    with connect(server) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = b"#" * 65536
        sent = 0
        sock.settimeout(0.05)
        answer = b""
        while sent < 300 * 2**20 and not answer:  # the 300 MB form body
            try:
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
                answer = sock.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                break
        sock.settimeout(10)
        answer = answer or sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert sent < 4 * 2**20  # refused early: after a few hundred kB, not after the whole body


def test_the_server_still_answers(server: str, tmp_path: Path) -> None:
    assert timed_get(server + "/sparql?query=ASK%7B%7D") < 5
