"""The SPARQL 1.1 endpoint at ``/sparql``: protocol, result formats, safety limits, service description, editor."""

from __future__ import annotations

from flask import Flask

from .cache import AnswerCache, FastPath
from .views import EXTENSION, PATH, SparqlState, bp


def register(app: Flask) -> None:
    """Mount the endpoint and put the answer cache's fast path in front of the whole app."""
    dataset = app.extensions["medkg"]
    cache = AnswerCache(int(app.config["CACHE_SIZE"]))
    app.extensions[EXTENSION] = SparqlState(dataset, cache)
    app.extensions.setdefault("medkg.void", [])
    app.register_blueprint(bp)
    app.wsgi_app = FastPath(app.wsgi_app, PATH, cache, dataset.etag)  # type: ignore[method-assign]


__all__ = ["register"]
