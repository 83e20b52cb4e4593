"""The SPARQL 1.1 endpoint at ``/sparql``: protocol, result formats, safety limits, service description, editor."""

from __future__ import annotations

from flask import Flask

from .state import EXTENSION, SparqlState
from .views import PATH, bp
from .wsgi import QueryHandler


def register(app: Flask) -> None:
    """Mount the service description and editor, and put the query path in front of the whole app."""
    state = SparqlState.from_config(app.extensions["medkg"], app.config)
    app.extensions[EXTENSION] = state
    app.extensions.setdefault("medkg.void", [])
    app.register_blueprint(bp)
    app.wsgi_app = QueryHandler(app.wsgi_app, PATH, state)  # type: ignore[method-assign]


__all__ = ["register"]
