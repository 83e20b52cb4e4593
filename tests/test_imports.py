"""The import graph of the package (read by grimp): no cycle, and the build never imports the web stack."""

from __future__ import annotations

import grimp
import pytest


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    # Every import counts: module level, inside functions, and under ``if TYPE_CHECKING``.
    return grimp.build_graph("medkg", include_external_packages=True, cache_dir=None)


def test_no_import_cycle(graph: grimp.ImportGraph) -> None:
    cycles = []
    for module in sorted(m for m in graph.modules if m.startswith("medkg")):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported.startswith("medkg") and graph.chain_exists(importer=imported, imported=module):
                back = graph.find_shortest_chain(importer=imported, imported=module) or ()
                cycles.append(" → ".join((module, *back)))
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_the_build_never_imports_the_web_stack(graph: grimp.ImportGraph) -> None:
    pipeline = {m for m in graph.modules if m == "medkg.pipeline" or m.startswith("medkg.pipeline.")}
    for web in ("flask", "werkzeug"):
        importers = {m for m in graph.find_modules_that_directly_import(web) if m in pipeline} if (
            web in graph.modules) else set()
        reaching = {m for m in pipeline if web in graph.modules and graph.chain_exists(importer=m, imported=web)}
        assert not importers | reaching, f"{web} reached from the build: {sorted(importers | reaching)}"
