"""``medkg serve``: the site under a production WSGI server (granian; measured fastest, see BENCHMARKS.md).

Every setting can come from the environment (``MEDKG_<NAME>``); the command line overrides it. The server's
worker processes build the app with ``wsgi()`` from those settings, so each loads the build once.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from . import settings
from .assets import STATIC_DIR
from .pipeline.build import EXIT_INPUT, EXIT_OK

if TYPE_CHECKING:
    from flask import Flask

    from .bodies import BufferedBodies


def configure(p: argparse.ArgumentParser) -> None:
    defaults = settings.resolve()
    p.add_argument("dir", type=Path, help="a build output folder (made by 'medkg build')")
    p.add_argument("--host", default=defaults["HOST"], help=f"address to listen on (default {defaults['HOST']})")
    p.add_argument("--port", type=int, default=defaults["PORT"], help=f"port (default {defaults['PORT']})")
    p.add_argument("--base", default=defaults["BASE"],
                   help="base IRI the site answers for (default: the base the build was made with)")
    p.add_argument("--workers", type=int, default=defaults["WORKERS"],
                   help=f"worker processes (default {defaults['WORKERS']})")
    p.add_argument("--threads", type=int, default=defaults["THREADS"],
                   help=f"request threads per worker (default {defaults['THREADS']})")
    p.epilog = "settings (environment variables): " + "; ".join(
        f"{s.env}: {s.help} (default {s.default})" for s in settings.SETTINGS)


def check_build(folder: Path) -> str | None:
    """Why ``folder`` cannot be served, or None."""
    for name in ("build.json", "graph.ttl"):
        if not (folder / name).is_file():
            return f"{folder} is not a build folder (no {name}); run 'medkg build --out {folder}' first"
    return None


def run(args: argparse.Namespace) -> int:
    problem = check_build(args.dir)
    if problem:
        print(f"medkg: error: {problem}", file=sys.stderr)
        return EXIT_INPUT
    if not settings.resolve()["QUERY_NETWORK"] and not query_isolation_works():
        return EXIT_INPUT  # the child said why on stderr
    os.environ["MEDKG_BUILD_DIR"] = str(args.dir.resolve())
    os.environ["MEDKG_HOST"] = args.host  # the address served is a trusted Host (see hosts)
    os.environ["MEDKG_THREADS"] = str(args.threads)
    if args.base:
        os.environ["MEDKG_BASE"] = args.base
    serve(args.host, args.port, args.workers, args.threads)
    return EXIT_OK


def query_isolation_works() -> bool:
    """Whether a query process can be cut off from the network here (asked of a real one)."""
    import subprocess

    probe = [sys.executable, "-m", "medkg.sparql.child", "--check-isolation"]
    return subprocess.run(probe, stdin=subprocess.DEVNULL, check=False).returncode == 0


def serve(host: str, port: int, workers: int, threads: int) -> None:
    from granian import Granian
    from granian.constants import Interfaces

    print(f"medkg: serving {os.environ['MEDKG_BUILD_DIR']} at http://{host}:{port}/ "
          f"(SPARQL at /sparql; {workers} worker(s) x {threads} thread(s))", file=sys.stderr)
    # ASGI: request bodies are read on the event loop before a thread is committed (see bodies)
    Granian("medkg.serve:asgi", address=host, port=port, interface=Interfaces.ASGINL, workers=workers,
            factory=True, respawn_failed_workers=True, log_access=False, workers_kill_timeout=10,
            static_path_route=["/static"], static_path_mount=[STATIC_DIR]).serve()


def asgi() -> BufferedBodies:
    """One server worker: the Flask app on ``THREADS`` threads, behind a reader of whole bodies (see bodies)."""
    from a2wsgi import WSGIMiddleware

    from .bodies import BufferedBodies
    from .sparql.protocol import Limits

    app = wsgi()
    limit = Limits(int(app.config["MAX_QUERY_LENGTH"]), 0).max_body
    threads = int(os.environ.get("MEDKG_THREADS") or app.config["THREADS"])
    return BufferedBodies(WSGIMiddleware(app, workers=threads), limit,  # type: ignore[arg-type]
                          float(app.config["BODY_TIMEOUT"]))


def wsgi() -> Flask:
    """The app of one server worker, from the environment's settings; starts its query processes at once."""
    from .app import create_app
    from .extensions import SPARQL

    app = create_app()
    app.extensions[SPARQL].pool()
    return app
