"""Shared pieces of the linked-data tests: the hand-written fixture build and the IRIs a build serves."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import Flask
from medkg.app import create_app
from medkg.extensions import SITE
from medkg.linkeddata.site import Site
from medkg.namespaces import ONTOLOGY_IRI, SHAPES_IRI
from medkg.pipeline.index import index_build
from medkg.pipeline.layout import SITE_INDEX
from medkg.store import STORE_DIR

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "linkeddata"
BASE = "https://w3id.org/medkg/"
PSO = BASE + "concept/medicareplans-glossary/provider-sponsored-organization-pso"
PSO_PATH = "/concept/medicareplans-glossary/provider-sponsored-organization-pso"
REG_PSO = BASE + "concept/42-cfr-422/422.350/provider-sponsored-organization"
SCRIPT = BASE + "concept/healthcare-gov-glossary/x-script-term"


def make_app(folder: Path = FIXTURE, **config: Any) -> Flask:
    return create_app({"BUILD_DIR": str(with_store(folder)), "TESTING": True, **config})


_INDEXED: dict[Path, Path] = {}


def with_store(folder: Path) -> Path:
    """``folder`` with its query store and site index, as 'medkg build' leaves it: the checked-in fixture is copied
    once per session (the repository holds no site index), a hand-made folder elsewhere is indexed in place."""
    if (folder / STORE_DIR).is_dir() and (folder / SITE_INDEX).is_file():
        return folder
    if folder.resolve().is_relative_to(Path(__file__).resolve().parents[1]):  # under tests/: never written
        if folder not in _INDEXED:
            copy = Path(tempfile.mkdtemp(prefix="medkg-fixture-")) / folder.name
            shutil.copytree(folder, copy)
            index_build(copy)
            _INDEXED[folder] = copy
        return _INDEXED[folder]
    index_build(folder)
    return folder


def site_of(app: Flask) -> Site:
    site: Site = app.extensions[SITE]
    return site


def served_iris(app: Flask) -> list[str]:
    """Every IRI the build mints (subjects under the base), every ontology term, the ontology and the shapes."""
    site = site_of(app)
    dataset = site.dataset
    quads = [q for g in (dataset.asserted_graph, dataset.inferred_graph)
             for q in dataset.store.quads_for_pattern(None, None, None, g)]
    subjects = {q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)
                and q.subject.value.startswith(dataset.base)}
    terms = {str(s) for s in site.ontology.subjects() if str(s).startswith(ONTOLOGY_IRI)}
    terms |= {str(s) for s in site.shapes.subjects() if str(s).startswith(SHAPES_IRI)}
    fixed = {ONTOLOGY_IRI} | ({SHAPES_IRI} if len(site.shapes) else set())
    return sorted(subjects | terms | fixed)


def local_path(app: Flask, iri: str) -> str:
    path = site_of(app).paths.path(iri)
    assert path is not None, iri
    return path
