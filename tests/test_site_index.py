"""The site index (DIR/site-index.bin): written once by the build and by 'medkg index', the same bytes for the same
build, mapped by every server worker, which answers labels, search, suggest and the FHIR filter from it exactly as
the indexes computed from the store would; an old build without it is refused with what to do."""

from __future__ import annotations

import json
import mmap
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from medkg import extensions
from medkg.app import create_app
from medkg.fhir.filtering import FilterIndex
from medkg.fhir.terminology import Terminology
from medkg.linkeddata.search import build_index
from medkg.linkeddata.vocab import load_vocabularies
from medkg.packed import Records, Strings, write_packed
from medkg.pipeline.build import build
from medkg.pipeline.layout import SITE_INDEX
from medkg.siteindex import collect_labels, parse_ontology
from medkg.store import NoStore

from tests.support.linkeddata import make_app, site_of
from tests.support.paths import ROOT, shared_path
from tests.support.sparql import GRAPH, write_build

QUERIES = ["pso", "p", "pl", "plan", "provider", "organization", "medicare advantage", "sponsored org", "a", "xyz",
           "Organización", "422", "(pso)", "§ 422.2", "42 CFR 422"]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The seed documents and the HealthCare.gov glossary (English and Spanish): about a thousand entries."""
    out = tmp_path_factory.mktemp("site-index") / "out"
    sources = [ROOT / "data", shared_path("data", "healthcare-gov-glossary")]
    assert build(sources, out, progress=lambda _m: None).written
    return make_app(out)


def test_the_same_build_gives_the_same_bytes_and_they_are_part_of_its_id(tmp_path: Path) -> None:
    one, two = write_build(tmp_path / "one"), write_build(tmp_path / "two")
    assert (one / SITE_INDEX).read_bytes() == (two / SITE_INDEX).read_bytes()
    other = write_build(tmp_path / "other", graph=GRAPH + '<concept/x> a skos:Concept ; skos:prefLabel "X"@en .\n')
    assert (other / SITE_INDEX).read_bytes() != (one / SITE_INDEX).read_bytes()
    assert json.loads((one / "build.json").read_text())["site_index"] == SITE_INDEX


def test_a_worker_maps_the_index_instead_of_computing_it(app: Flask) -> None:
    site, term = site_of(app), app.extensions[extensions.FHIR]
    assert isinstance(site.packed.buffer, mmap.mmap)
    assert isinstance(site.index.label_entries, Records) and isinstance(site.index.definition_entries, Records)
    assert isinstance(term.filter.folded, Strings)
    assert dict(site.labels.items()) == collect_labels(site.dataset, parse_ontology())
    computed = load_vocabularies(site.dataset, site.label)
    assert dict(site.vocab.tags.items()) == computed.tags and site.vocab.schemes == computed.schemes


def test_search_suggest_and_the_fhir_filter_answer_as_the_indexes_computed_from_the_store(app: Flask) -> None:
    site, term = site_of(app), app.extensions[extensions.FHIR]
    assert isinstance(term, Terminology)
    computed = build_index(site.dataset, site.label, site.vocab)
    rows = FilterIndex(computed.entries, term.concept_ids, term.schemes_of)
    assert len(computed.entries) == len(site.index.label_entries) + len(site.index.definition_entries) > 100
    for q in QUERIES:
        for lang in (None, "en", "es"):
            assert site.index.search(q, 1000, lang) == computed.search(q, 1000, lang), q
            assert site.index.suggest(q, 1000, lang) == computed.suggest(q, 1000, lang), q
        for scheme in (None, *range(len(term.schemes))):
            for offset, count in ((0, 10), (3, 1000)):
                assert term.filter.search(q, offset, count, scheme) == rows.search(q, offset, count, scheme), q


def test_an_old_build_without_it_is_refused_with_what_to_do(tmp_path: Path) -> None:
    folder = write_build(tmp_path / "old")
    (folder / SITE_INDEX).unlink()
    with pytest.raises(NoStore, match=f"medkg index {folder}"):
        create_app({"BUILD_DIR": str(folder), "TESTING": True})
    served = subprocess.run([sys.executable, "-m", "medkg.cli", "serve", str(folder), "--port", "1"],
                            capture_output=True, text=True, timeout=120)
    assert served.returncode == 2 and f"medkg index {folder}" in served.stderr and "Traceback" not in served.stderr
    write_packed(folder / SITE_INDEX, {"version": 0}, {})  # another medkg's format
    with pytest.raises(NoStore, match=f"medkg index {folder}"):
        create_app({"BUILD_DIR": str(folder), "TESTING": True})
    indexed = subprocess.run([sys.executable, "-m", "medkg.cli", "index", str(folder)], capture_output=True,
                             text=True, timeout=120)
    assert indexed.returncode == 0, indexed.stderr
    assert create_app({"BUILD_DIR": str(folder), "TESTING": True}).test_client().get("/suggest?q=pso").get_json()
