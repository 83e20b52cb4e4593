"""FHIR R4 terminology service over the loaded build: CodeSystem, ValueSet, ConceptMap and their operations."""

from __future__ import annotations

from flask import Flask

from ..linkeddata.state import EXTENSION as LINKEDDATA
from .terminology import Terminology
from .views import EXTENSION, bp


def register(app: Flask) -> None:
    """Compute the terminology view of the build the linked-data site has loaded, then mount ``/fhir``."""
    app.extensions[EXTENSION] = Terminology(app.extensions[LINKEDDATA])
    app.register_blueprint(bp)


__all__ = ["register"]
