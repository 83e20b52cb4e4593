"""The download cache: written once per build, and a build's folder removed once the build is gone."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from medkg.linkeddata.dumpfiles import ORIGIN, cache_folder, cache_root
from medkg.store import open_dataset

from tests.support.linkeddata import make_app
from tests.support.sparql import write_build


def fetch_dump(folder: Path) -> Path:
    """Serve ``folder`` and download its N-Triples dump; the cache folder it was written into."""
    app = make_app(folder)
    assert app.test_client().get("/dumps/medkg-asserted.nt").status_code == 200
    cached = cache_folder(open_dataset(folder))
    assert (cached / "medkg-asserted.nt").is_file()
    return cached


def test_the_downloads_of_a_deleted_build_go_when_a_site_opens(tmp_path: Path) -> None:
    kept, gone = fetch_dump(write_build(tmp_path / "kept")), fetch_dump(write_build(tmp_path / "gone"))
    assert (gone / ORIGIN).read_text().splitlines()[0] == str((tmp_path / "gone").resolve())
    shutil.rmtree(tmp_path / "gone")
    make_app(tmp_path / "kept")  # a worker opens a build (at start, or switching)
    assert not gone.exists() and (kept / "medkg-asserted.nt").is_file()


def test_a_folder_holding_another_build_now_loses_the_old_downloads(tmp_path: Path) -> None:
    first = fetch_dump(write_build(tmp_path / "out"))
    manifest = json.loads((tmp_path / "out" / "build.json").read_text())
    (tmp_path / "out" / "build.json").write_text(json.dumps({**manifest, "build_id": "another"}))
    make_app(tmp_path / "out")
    assert not first.exists()


def test_a_cache_folder_without_its_origin_is_left_alone(tmp_path: Path) -> None:
    stranger = cache_root() / "not-a-build-of-ours"
    stranger.mkdir(parents=True, exist_ok=True)
    try:
        make_app(write_build(tmp_path / "out"))
        assert stranger.is_dir()
    finally:
        shutil.rmtree(stranger)
