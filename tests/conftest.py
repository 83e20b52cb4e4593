"""Shared fixtures: paths, the shared corpora (skipped with a reason where ../shared is absent), builds."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SHARED_DATA = SHARED / "data"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test with a clear reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared is absent here ({path} not found): this test reads the shared corpora in place")
    return path


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="module")
def app() -> Flask:
    """The app over the hand-written linked-data fixture build; a test module needing another build overrides it."""
    from linkeddata_helpers import make_app

    return make_app()


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()
