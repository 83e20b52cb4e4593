"""The SPARQL 1.1 endpoint at ``/sparql``: protocol, result formats, safety limits, service description, editor."""

from __future__ import annotations

from flask import Flask

from .. import extensions
from .service import PATH, bp
from .state import SparqlState
from .wsgi import QueryHandler


def register(app: Flask) -> None:
    """Mount the service description and editor, and put the query path in front of the whole app (with the
    state the app was given, e.g. a server worker's, or its own)."""
    state = app.extensions.get(extensions.SPARQL)
    if state is None:
        state = app.extensions[extensions.SPARQL] = SparqlState.from_config(app.extensions[extensions.DATASET],
                                                                           app.config)
    app.extensions.setdefault(extensions.VOID_HOOKS, [])
    app.register_blueprint(bp)
    app.wsgi_app = QueryHandler(app.wsgi_app, PATH, state)  # type: ignore[method-assign]


__all__ = ["register"]
