"""Issue 14, ``medkg validate`` on hostile files (real processes): a billion-laughs RDF/XML and external entities
are refused at once (#15); a JSON-LD ``@context`` named by URL is never fetched unless asked (#16). Exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

from tests.support.glossary import ROOT

RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SKOS = "http://www.w3.org/2004/02/skos/core#"


def validate(*args: str | Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "medkg.cli", "validate", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def laughs(levels: int = 5) -> str:
    """10^levels expansions of one entity (10^5: the issue's case)."""
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels + 1)]
    return (f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n{chr(10).join(entities)}\n]>\n'
            f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:skos="{SKOS}">\n'
            f'  <rdf:Description rdf:about="https://example.org/c"><skos:prefLabel>&lol{levels};</skos:prefLabel>'
            "</rdf:Description>\n</rdf:RDF>\n")


def test_billion_laughs_is_refused_at_once(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.rdf"
    bomb.write_text(laughs(), encoding="utf-8")
    started = time.monotonic()
    done = validate(bomb)
    assert done.returncode == 2 and "billion laughs" in done.stderr and "Traceback" not in done.stderr
    assert time.monotonic() - started < 50  # the process did not expand it (it hung > 120 s before)


def test_an_external_entity_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-CONTENT", encoding="utf-8")
    xxe = tmp_path / "xxe.rdf"
    xxe.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM "{secret.as_uri()}">]>\n'
                   f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:skos="{SKOS}"><rdf:Description '
                   'rdf:about="https://example.org/c"><skos:prefLabel>&x;</skos:prefLabel></rdf:Description>'
                   "</rdf:RDF>\n", encoding="utf-8")
    done = validate(xxe)
    assert done.returncode == 2 and "entities" in done.stderr and "SECRET-CONTENT" not in done.stdout + done.stderr


class ContextServer:
    """A local HTTP server that counts the requests it gets and serves a JSON-LD context."""

    def __init__(self) -> None:
        self.requests = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the http.server API)
                owner.requests += 1
                body = json.dumps({"@context": {"skos": SKOS}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/ld+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/context.jsonld"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def jsonld_with_context(tmp_path: Path, context: object) -> Path:
    path = tmp_path / "doc.jsonld"
    path.write_text(json.dumps({"@context": context, "@id": "https://example.org/c",
                                "skos:prefLabel": "C"}), encoding="utf-8")
    return path


def test_a_remote_context_is_never_fetched_unless_asked(tmp_path: Path) -> None:
    server = ContextServer()
    try:
        for context in (server.url, [server.url, {"ex": "https://example.org/"}], {"@import": server.url}):
            done = validate(jsonld_with_context(tmp_path, context))
            assert done.returncode == 2 and "@context by URL" in done.stderr and "Traceback" not in done.stderr
        assert server.requests == 0
        asked = validate("--load-contexts", jsonld_with_context(tmp_path, server.url))
        assert server.requests == 1 and asked.returncode in (0, 1)  # read, then validated
    finally:
        server.close()


def test_a_local_file_context_is_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "context.fifo"  # reading a FIFO nobody writes would hang: a read shows as a timeout
    os.mkfifo(fifo)
    done = validate(jsonld_with_context(tmp_path, fifo.as_uri()), timeout=30)
    assert done.returncode == 2 and "@context by URL" in done.stderr
