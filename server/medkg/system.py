"""System pages under ``/-/`` (as in Datasette): health, settings, build metadata; and ``/favicon.ico``."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from flask import Blueprint, current_app, jsonify, redirect, url_for
from flask.typing import ResponseReturnValue

from . import extensions
from .settings import SETTINGS
from .store import STORE_DIR, Dataset

bp = Blueprint("system", __name__, url_prefix="/-")
icon = Blueprint("icon", __name__)


@icon.get("/favicon.ico")
def favicon() -> ResponseReturnValue:
    """Browsers ask for ``/favicon.ico`` where no page names an icon (a JSON answer): our SVG icon."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.get("/health")
def health() -> ResponseReturnValue:
    """For load balancers and roll-outs: the build this worker serves (its id is also in every answer's
    ``X-Medkg-Build`` header). Never cached."""
    response = jsonify(health_fields(current_app.extensions[extensions.DATASET], "ready"))
    response.headers["Cache-Control"] = "no-store"
    return response


def health_fields(dataset: Dataset, site: str) -> dict[str, object]:
    """What ``/-/health`` says (also while a new server worker still loads its pages: ``site`` "loading")."""
    return {"status": "ok", "build": dataset.build_id, "triples": dataset.triples,
            "store": str(dataset.folder / STORE_DIR), "built": dataset.manifest.get("built"), "site": site,
            "opened": datetime.fromtimestamp(dataset.opened, UTC).isoformat(timespec="milliseconds"),
            "pid": os.getpid()}


@bp.get("/settings")
def settings_page() -> ResponseReturnValue:
    return jsonify({s.name: {"value": current_app.config[s.name], "default": s.default, "help": s.help}
                    for s in SETTINGS})


@bp.get("/build")
def build_page() -> ResponseReturnValue:
    return jsonify(current_app.extensions[extensions.DATASET].manifest)
