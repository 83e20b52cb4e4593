"""The editor's example queries answer the questions they name on the real build of the shipped data/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from medkg.app import create_app
from medkg.assets import SPARQL_EXAMPLES_DIR
from medkg.extensions import SPARQL
from medkg.pipeline.build import build

EXAMPLES = sorted(SPARQL_EXAMPLES_DIR.glob("*.rq"))


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    out = tmp_path_factory.mktemp("examples") / "out"
    result = build([], out, progress=lambda message: None)
    assert result.written, [str(d) for d in result.diagnostics]
    app = create_app({"BUILD_DIR": str(out), "TESTING": True})
    yield app.test_client()
    app.extensions[SPARQL].close()


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_example_finds_something_in_the_shipped_data(client: FlaskClient, example: Path) -> None:
    response = client.post("/sparql", data={"query": example.read_text()},
                           headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.data
    rows = response.get_json(force=True)["results"]["bindings"]
    assert rows, f"{example.name} found nothing in the build of data/"
    assert all(row for row in rows)
