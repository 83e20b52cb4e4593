"""The settings table (medkg.settings): every setting the code reads is declared there, once, with its help."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest
from medkg import cli, settings
from medkg.extensions import SPARQL

from tests.support.linkeddata import make_app, site_of

PACKAGE = Path(settings.__file__).resolve().parent


def test_every_environment_variable_the_code_names_is_a_setting() -> None:
    declared = {s.name for s in settings.SETTINGS}
    named = {}
    for path in PACKAGE.rglob("*.py"):
        for name in re.findall(r"MEDKG_([A-Z][A-Z0-9_]*)", path.read_text(encoding="utf-8")):
            named.setdefault(name, path.name)
    assert {n: f for n, f in named.items() if n not in declared} == {}
    assert all(s.help and s.name.isupper() for s in settings.SETTINGS)
    assert len(declared) == len(settings.SETTINGS)


def test_the_reasoner_setting_is_the_default_of_medkg_build(monkeypatch: pytest.MonkeyPatch) -> None:
    def parsed() -> str:
        parser = argparse.ArgumentParser()
        cli._configure_build(parser)
        return str(parser.parse_args(["--out", "x"]).reasoner)

    monkeypatch.delenv("MEDKG_REASONER", raising=False)
    assert parsed() == "fast"
    monkeypatch.setenv("MEDKG_REASONER", "owlrl")
    assert parsed() == "owlrl"


def test_each_cache_has_its_own_settings() -> None:
    app = make_app(ANSWER_CACHE_SIZE=5, ANSWER_CACHE_MB=2, PAGE_CACHE_SIZE=3, PAGE_CACHE_MB=1, QUERY_PROCESSES=1)
    try:
        answers, pages = app.extensions[SPARQL].cache, site_of(app).documents
        assert (answers.size, answers.max_bytes) == (5, 2 * 2**20)
        assert (pages.size, pages.max_bytes) == (3, 2**20)
    finally:
        app.extensions[SPARQL].close()

