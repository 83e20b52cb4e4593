"""The SSSOM/TSV export of the mappings (``medkg export --format sssom`` and its download), read and validated
by the ``sssom`` package (JSON schema of SSSOM, prefix map completeness, strict CURIEs)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from medkg.cli import main
from sssom.parsers import parse_sssom_table
from sssom.validators import validate

from tests.support.linkeddata import FIXTURE, PSO, REG_PSO


def checked(path: Path, caplog: pytest.LogCaptureFixture) -> list[dict[str, str]]:
    """Parse with sssom (every row must survive: it drops malformed ones with a warning) and run its validators."""
    with caplog.at_level(logging.WARNING):
        msdf = parse_sssom_table(path)
    dropped = [r.getMessage() for r in caplog.records if "not well-formed" in r.getMessage()
               or "not a standard SSSOM" in r.getMessage()]
    assert not dropped, dropped[:3]
    reports = validate(msdf, fail_on_error=False)
    assert reports and all(not report.results for report in reports.values()), reports
    rows: list[dict[str, str]] = msdf.df.to_dict("records")
    return rows


def test_cli_export_is_valid_sssom_with_evidence(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    out = tmp_path / "mappings.sssom.tsv"
    assert main(["export", str(FIXTURE), "--format", "sssom", "-o", str(out)]) == 0
    rows = checked(out, caplog)
    (row,) = rows
    assert row["subject_id"] == "medkg.medicareplans-glossary:provider-sponsored-organization-pso"
    assert row["predicate_id"] == "skos:exactMatch"
    assert row["object_id"] == "medkg.42-cfr-422:422.350/provider-sponsored-organization"
    assert row["mapping_justification"] == "semapv:LexicalMatching"
    assert row["comment"] == "same normalized label as 42 CFR 422.350(b)"
    assert row["subject_label"] == "Provider-Sponsored Organization (PSO)"
    assert PSO.endswith(row["subject_id"].split(":", 1)[1]) and REG_PSO.endswith(row["object_id"].split(":", 1)[1])


def test_export_is_deterministic_and_the_download_is_the_same_bytes(tmp_path: Path, client: FlaskClient) -> None:
    first, second = tmp_path / "a.tsv", tmp_path / "b.tsv"
    assert main(["export", str(FIXTURE), "--format", "sssom", "-o", str(first)]) == 0
    assert main(["export", str(FIXTURE), "--format", "sssom", "-o", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()
    response = client.get("/dumps/medkg-mappings.sssom.tsv")
    assert response.status_code == 200 and response.mimetype == "text/tab-separated-values"
    assert response.data == first.read_bytes()
    assert b"medkg-mappings.sssom.tsv" in client.get("/dumps/").data
