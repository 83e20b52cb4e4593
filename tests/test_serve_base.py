"""'medkg serve --base X' is refused at start when none of the build's IRIs lies under X (issue 10 #8)."""

from __future__ import annotations

import pytest
from medkg.cli import main
from medkg.pipeline.build import EXIT_INPUT
from medkg.serve import check_base

from tests.support.linkeddata import FIXTURE, with_store


def test_a_base_matching_none_of_the_builds_iris_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    folder = with_store(FIXTURE)
    assert main(["serve", str(folder), "--base", "https://example.com/other/", "--port", "1"]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert "--base https://example.com/other/ matches none of the IRIs" in err
    assert "its base is https://w3id.org/medkg/" in err and "Traceback" not in err
    assert "its base is" in (check_base(folder, 'https://x.org/"quoted"\n') or "")


def test_a_base_some_iris_lie_under_is_served() -> None:
    folder = with_store(FIXTURE)
    assert check_base(folder, None) is None
    assert check_base(folder, "https://w3id.org/medkg/") is None
    assert check_base(folder, "https://w3id.org/") is None  # the build's IRIs lie under it
    assert check_base(folder, "https://w3id.org/medkg/concept/") is None  # found in the store
