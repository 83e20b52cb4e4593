"""A server worker's build switch, in process: the new build takes over only once its site is loaded; a build
whose site cannot be loaded leaves the old one serving; the old build's threads end; one SPARQL state per build."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from medkg.extensions import SPARQL
from medkg.pipeline.layout import SITE_INDEX
from medkg.worker import BuildSwitch, WorkerSite

from tests.support.sparql import GRAPH, point, write_build

EXTRA = "<concept/healthcare-gov-glossary/health-plan> skos:altLabel \"HP\"@en .\n"


@pytest.fixture()
def switch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[BuildSwitch]:
    monkeypatch.setenv("MEDKG_QUERY_RUNNER", "in-place")  # as under 'medkg serve'
    link = tmp_path / "current"
    link.symlink_to(write_build(tmp_path / "a"))
    before = signal.getsignal(signal.SIGHUP)
    made = BuildSwitch(link, WorkerSite)
    yield made
    signal.signal(signal.SIGHUP, before)
    made.close()


def test_a_new_build_takes_over_and_the_old_one_stops(switch: BuildSwitch, tmp_path: Path) -> None:
    old = switch.site
    assert old.loaded()
    assert old.wsgi.full.extensions[SPARQL] is old.wsgi.state  # type: ignore[union-attr]  # one cache, one runner
    threads = [*old.front.threads.threads, old.wsgi.state.pool().watchdog.thread]  # type: ignore[attr-defined]
    new = write_build(tmp_path / "b", graph=GRAPH + EXTRA)
    point(switch.link, new)
    switch.switch(new)  # what the worker's watch does within a second
    assert switch.site is not old and switch.site.wsgi.dataset.folder == new and switch.target == new
    assert switch.site.wsgi.dataset.build_id != old.wsgi.dataset.build_id
    for thread in threads:
        thread.join(timeout=5)
        assert not thread.is_alive(), thread.name


def test_a_build_whose_site_cannot_load_leaves_the_old_one_serving(switch: BuildSwitch, tmp_path: Path,
                                                                   capfd: pytest.CaptureFixture[str]) -> None:
    old = switch.site
    broken = write_build(tmp_path / "b", graph=GRAPH + EXTRA)
    index = (broken / SITE_INDEX).read_bytes()
    (broken / SITE_INDEX).write_bytes(index[:index.index(b"\n") + 1])  # the header, none of the columns
    point(switch.link, broken)
    switch.switch(broken)
    assert switch.site is old and old.wsgi.full is not None
    assert switch.target == broken  # not tried again until DIR points elsewhere or SIGHUP asks
    said = capfd.readouterr().err
    assert f"the site of {broken} could not be loaded" in said and f"not switching to {broken}" in said
