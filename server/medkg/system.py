"""System pages under ``/-/`` (as in Datasette): health, settings, build metadata."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from . import extensions
from .settings import SETTINGS

bp = Blueprint("system", __name__, url_prefix="/-")


@bp.get("/health")
def health() -> ResponseReturnValue:
    dataset = current_app.extensions[extensions.DATASET]
    return jsonify(status="ok", triples=len(dataset.store), built=dataset.manifest.get("built"))


@bp.get("/settings")
def settings_page() -> ResponseReturnValue:
    return jsonify({s.name: {"value": current_app.config[s.name], "default": s.default, "help": s.help}
                    for s in SETTINGS})


@bp.get("/build")
def build_page() -> ResponseReturnValue:
    return jsonify(current_app.extensions[extensions.DATASET].manifest)
