"""The swap under fire: real ``medkg build`` processes killed with SIGKILL at each step of writing and swapping
leave ``DIR`` one whole build (the previous or the new one); a second build into the same ``DIR`` is refused."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from medkg.pipeline import layout
from medkg.pipeline.build import EXIT_BUSY, EXIT_OK
from medkg.pipeline.index import content_id

# Runs ``medkg build`` in this process, killing itself with SIGKILL (as kill -9 would) at one named point, or
# waiting at it until a file appears. Points: "output" (in the validation step, the staging folder half written),
# "stored" (the build moved into the store, no link yet), "linked" (the new link made, not yet renamed over DIR),
# "swapped" (DIR switched, old builds not yet pruned).
DRIVER = r"""
import os, signal, sys, time
from pathlib import Path
from medkg.pipeline import layout, steps
from medkg.cli import main

point, action, argv = sys.argv[1], sys.argv[2], sys.argv[3:]

def hit():
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    Path(action + ".waiting").touch()
    while not Path(action).exists():
        time.sleep(0.02)

def before(module, name, when=lambda *a: True):
    real = getattr(module, name)
    def wrapped(*args, **kwargs):
        if when(*args):
            hit()
        return real(*args, **kwargs)
    setattr(module, name, wrapped)

if point == "output":
    before(steps, "validate_step")
elif point == "stored":
    before(layout, "point")
elif point == "linked":
    before(layout.os, "replace", lambda src, dst: Path(src).name.startswith(".link-"))
elif point == "swapped":
    before(layout, "prune")
sys.exit(main(argv))
"""

POINTS = ["output", "stored", "linked", "swapped"]


def run_build(sources: list[Path], out: Path, point: str = "", action: str = "kill",
              cwd: Path | None = None) -> subprocess.Popen[str]:
    args = ["build", *map(str, sources), "--out", str(out)]
    command = [sys.executable, "-c", DRIVER, point, action, *args] if point else \
        [sys.executable, "-m", "medkg.cli", *args]
    return subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def assert_whole(out: Path, sources: list[list[str]]) -> str:
    """``out`` is one whole build made from one of ``sources``; returns which (its manifest's sources)."""
    assert out.is_symlink(), f"{out} is always there: a link to a whole build"
    folder = out.resolve()
    assert layout.problem(folder) is None
    for name in (layout.INFERRED, layout.VALIDATION, layout.VALIDATION_TEXT, layout.REPORT, layout.REPORT_JSON,
                 layout.PROVENANCE):
        assert (folder / name).is_file(), name
    manifest = layout.read_manifest(folder)
    assert manifest["build_id"] == folder.name == content_id(folder), "the content is exactly the build named"
    assert (folder / layout.STORE).is_dir()
    assert manifest["sources"] in sources
    return str(manifest["sources"])


@pytest.fixture(scope="module")
def sources(root: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], list[Path]]:
    """Two different source sets: the old build and the new one."""
    return [root / "data" / "glossary-provider-sponsored-organization.txt"], [root / "data"]


@pytest.mark.parametrize("point", POINTS)
def test_a_build_killed_at_any_step_leaves_dir_whole(point: str, tmp_path: Path,
                                                     sources: tuple[list[Path], list[Path]]) -> None:
    old, new = sources
    out = tmp_path / "out"
    first = run_build(old, out)
    assert first.wait(120) == EXIT_OK, first.stderr.read() if first.stderr else ""
    killed = run_build(new, out, point)
    assert killed.wait(120) == -signal.SIGKILL
    expected = [[str(p) for p in old], [str(p) for p in new]]
    which = assert_whole(out, expected)
    assert which == str(expected[1] if point == "swapped" else expected[0]), "switched exactly at the rename"
    store = tmp_path / ".out.builds"
    # the next build cleans up after the killed one: no staging folder, no spare link, only DIR's build and the one
    # it replaced
    again = run_build(new, out)
    assert again.wait(120) == EXIT_OK
    assert_whole(out, expected[1:])
    leftovers = sorted(p.name for p in store.iterdir() if p.name != layout.LOCK and p != out.resolve())
    assert len(leftovers) <= 1 and not [n for n in leftovers if n.startswith(".")], leftovers
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.builds", "out"]


def test_kills_at_random_moments_never_leave_dir_broken(tmp_path: Path, root: Path,
                                                        sources: tuple[list[Path], list[Path]]) -> None:
    """A plain ``medkg build`` killed at spread-out moments over its whole run."""
    old, new = sources
    out = tmp_path / "out"
    assert run_build(old, out).wait(120) == EXIT_OK
    start = time.monotonic()
    assert run_build(new, out).wait(120) == EXIT_OK
    duration = time.monotonic() - start
    expected = [[str(p) for p in old], [str(p) for p in new]]
    for i in range(8):
        process = run_build(old if i % 2 else new, out)
        time.sleep(duration * (i + 1) / 9)
        process.send_signal(signal.SIGKILL)
        process.wait(60)
        assert_whole(out, expected)


def test_a_second_build_into_the_same_dir_is_refused_clearly(tmp_path: Path,
                                                             sources: tuple[list[Path], list[Path]]) -> None:
    old, new = sources
    out = tmp_path / "out"
    first = run_build(new, out, "output", action="go", cwd=tmp_path)  # waits in its output step for "go"
    deadline = time.monotonic() + 120
    while not (tmp_path / "go.waiting").exists():
        assert first.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    second = run_build(old, out)
    assert second.wait(120) == EXIT_BUSY
    message = second.stderr.read() if second.stderr else ""
    assert f"medkg: error: {out}: another build is writing it (pid {first.pid})" in message
    assert "Traceback" not in message and not out.exists(), "the refused build changed nothing"
    (tmp_path / "go").touch()
    assert first.wait(120) == EXIT_OK
    assert_whole(out, [[str(p) for p in new]])


def test_two_builds_started_together_one_writes_the_other_is_refused(
        tmp_path: Path, sources: tuple[list[Path], list[Path]]) -> None:
    old, new = sources
    out = tmp_path / "out"
    builds = [run_build(src, out, "output", action="go", cwd=tmp_path) for src in (old, new)]
    deadline = time.monotonic() + 120
    while not (tmp_path / "go.waiting").exists() or sum(b.poll() is not None for b in builds) < 1:
        assert time.monotonic() < deadline, "one build holds the lock and waits, the other is refused"
        time.sleep(0.05)
    (tmp_path / "go").touch()
    codes = sorted(b.wait(120) for b in builds)
    assert codes == [EXIT_OK, EXIT_BUSY]
    winner = next(b for b in builds if b.returncode == EXIT_OK)
    assert_whole(out, [[str(p) for p in (old if winner is builds[0] else new)]])


def test_a_build_folder_from_before_links_is_replaced_whole(tmp_path: Path,
                                                            sources: tuple[list[Path], list[Path]]) -> None:
    """An output folder written by an earlier medkg (a plain folder) becomes a link at the next build."""
    _, new = sources
    out = tmp_path / "out"
    out.mkdir()
    (out / layout.GRAPH).write_text("", encoding="utf-8")
    (out / layout.MANIFEST).write_text(json.dumps({"base": "https://example.org/"}), encoding="utf-8")
    assert run_build(new, out).wait(120) == EXIT_OK
    assert_whole(out, [[str(p) for p in new]])
