"""The Flask application factory. Nothing at import; state lives in ``app.extensions`` (see ``extensions``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, current_app

from . import extensions, hosts, http, settings
from .store import BUILD_HEADER, Dataset, open_dataset

if TYPE_CHECKING:
    from .sparql.state import SparqlState


def create_app(test_config: dict[str, Any] | None = None, dataset: Dataset | None = None,
               sparql: SparqlState | None = None) -> Flask:
    """The whole site over ``dataset`` (by default the build ``BUILD_DIR``), answering queries with ``sparql``
    (by default a state of its own)."""
    app = Flask(__name__)
    app.config.update(settings.resolve(test_config))
    app.config.update({k: v for k, v in (test_config or {}).items() if k not in app.config})
    if dataset is None:
        dataset = open_dataset(Path(app.config["BUILD_DIR"]), app.config["BASE"])
    app.extensions[extensions.DATASET] = dataset
    if sparql is not None:
        app.extensions[extensions.SPARQL] = sparql
    app.config["TRUSTED_HOSTS"] = hosts.trusted_hosts(app.config, dataset.base)  # Flask checks them too
    http.register(app)
    register_blueprints(app)
    app.after_request(build_header)
    app.wsgi_app = hosts.HostCheck(app.wsgi_app, app.config["TRUSTED_HOSTS"])  # type: ignore[method-assign]
    return app


def build_header(response: Response) -> Response:
    """Every answer names the build it came from (the SPARQL query path adds it too: it bypasses Flask)."""
    response.headers[BUILD_HEADER] = current_app.extensions[extensions.DATASET].build_id
    return response


def register_blueprints(app: Flask) -> None:
    """Each part of the site is a blueprint in its own module."""
    from . import sparql, system
    from .fhir import mount as fhir
    from .linkeddata import mount as linkeddata

    app.register_blueprint(system.bp)
    app.register_blueprint(system.icon)
    sparql.register(app)
    linkeddata.register(app)  # its catch-all route dereferences our IRIs; more specific routes still win
    fhir.register(app)  # reads the linked-data site's labels and search index
