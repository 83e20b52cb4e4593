"""Shared fixtures: paths, the shared corpora (skipped with a reason where ../shared is absent), builds."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph

from tests.support.paths import ROOT, SHARED, SHARED_DATA, shared_path

__all__ = ["ROOT", "SHARED", "SHARED_DATA", "shared_path"]

@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="module")
def app() -> Flask:
    """The app over the hand-written linked-data fixture build; a test module needing another build overrides it."""
    from tests.support.linkeddata import make_app

    return make_app()


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


REAL_CORPORA = ("healthcare-gov-glossary", "ecfr-md-42cfr-part422", "ecfr-md-42cfr-part423", "uscode-title42-partC")


@pytest.fixture(scope="session")
def real_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One build folder of the full real corpus (the shipped data/ and every current corpus of ../shared/data),
    made once per test session through the real build (gate included): tests of the reader, FHIR and the site
    on real text share it rather than building the corpora again."""
    from medkg.pipeline.build import build

    out = tmp_path_factory.mktemp("real-build") / "out"
    result = build([ROOT / "data", *(shared_path("data", name) for name in REAL_CORPORA)], out,
                   progress=lambda _m: None)
    assert result.written, result.diagnostics[:5]
    return out


@pytest.fixture(scope="session")
def real_app(real_build: Path) -> Flask:
    """The app over ``real_build`` (shared by the modules that only read it)."""
    from tests.support.linkeddata import make_app

    return make_app(real_build)


@pytest.fixture(scope="session")
def small_real_graph() -> Graph:
    """A small build of every real format (the seeds, subpart H of the eCFR, one glossary entry, one statute
    chunk): where the fast engines are proven equal to the reference libraries on real data."""
    from medkg.pipeline.build import assemble

    sources = [ROOT / "data",
               shared_path("data", "ecfr-md-42cfr-part422", "subpart-H-ProviderSponsored-Organizations"),
               shared_path("data", "healthcare-gov-glossary", "0100-01-01-accountable-care-organization.md"),
               shared_path("data", "uscode-title42-partC", "chunck-7488.md")]
    return assemble(sources, progress=lambda _m: None).graph
