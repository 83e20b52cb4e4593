"""Mounting the FHIR terminology service on the app: the terminology view of the build, then ``/fhir``."""

from __future__ import annotations

from flask import Flask

from .. import extensions
from .routes import bp
from .terminology import Terminology


def register(app: Flask) -> None:
    """Compute the terminology view of the build the linked-data site has loaded, then mount ``/fhir``."""
    app.extensions[extensions.FHIR] = Terminology(app.extensions[extensions.SITE])
    app.register_blueprint(bp)

