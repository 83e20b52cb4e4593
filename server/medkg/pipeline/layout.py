"""The build folder: the name of every file in it, its manifest and report (as data), staging, the lock and the swap.

On disk, ``medkg build --out DIR`` keeps every build in a store beside ``DIR`` and makes ``DIR`` a symbolic link
to the current one, so a reader always sees one whole build:

    DIR -> .DIR.builds/<build id>            the build served and read (a relative link)
    DIR.rejected -> .DIR.builds/<build id>   the last rejected build, kept to be read (absent after a kept build)
    .DIR.builds/lock                         held (flock) by the one build writing into DIR
    .DIR.builds/.staging-XXXX/               a build being written; stale ones are removed by the next build
    .DIR.builds/<build id>/                  a whole build, named by a digest of its content (``build_id``)

The swap is one ``rename(2)`` of a new link over ``DIR``. The build replaced is kept until the next build (a
running server may still be reading it); older ones are removed. Readers take any folder holding the files below,
so a hand-written test fixture or a plain copy of a build serves as well.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from .diagnostics import Diagnostic, InputError, SourceLocation

# Every file a build folder may hold. Add an output file here, then write it with ``write_text`` from its step.
GRAPH = "graph.ttl"  # the asserted graph (Turtle)
INFERRED = "inferred.ttl"  # the OWL-RL entailments (sorted N-Triples lines, valid Turtle)
MANIFEST = "build.json"  # base IRI, sources, triples, build id, time
PROVENANCE = "provenance.tsv"  # "<s> <p>" TAB file:line, one line per asserted triple's first source
REPORT = "report.txt"  # every diagnostic, one line each, then the counts
REPORT_JSON = "report.json"  # the same diagnostics and counts, as data (read by ``medkg stats``)
VALIDATION = "validation.ttl"  # the SHACL report graph
VALIDATION_TEXT = "validation.txt"  # the same, readable
EXTRA_GRAPHS = "named-graphs.nq"  # optional named graphs (N-Quads) loaded beside the two graphs
CHANGES = "changes.ttl"  # with --previous: what changed since the earlier build (pipeline/changes)
CHANGES_JSON = "changes.json"  # the same, with the tombstones of IRIs gone, as data
STORE = "store"  # the query store (pyoxigraph) the server opens read-only (pipeline/index.py writes it)
SITE_INDEX = "site-index.bin"  # labels, search and FHIR filter indexes every server worker maps (medkg.siteindex)

GRAPH_FILES = {"asserted": (GRAPH,), "inferred": (INFERRED,), "all": (GRAPH, INFERRED)}
REQUIRED = (MANIFEST, GRAPH)  # what makes a folder a build folder

SEVERITIES = ("error", "warning", "info")
STAGING_PREFIX = ".staging-"
LINK_PREFIX = ".link-"
LOCK = "lock"


class BuildLocked(Exception):
    """Another build is writing into the same output folder."""


# ---------------------------------------------------------------------------------------------------- files


def write_text(path: Path, text: str | bytes) -> None:
    """Write to a temporary file in the same folder, then rename: readers never see half a file. (Bytes are
    written as they are: UTF-8 text already.)"""
    with _atomic(path) as handle:
        handle.write(text if isinstance(text, bytes) else text.encode("utf-8"))


def write_lines(path: Path, lines: Sequence[str], chunk: int = 65536) -> None:
    """``write_text`` of the lines, each ended by a newline, encoded a chunk at a time: millions of lines
    (``provenance.tsv``) are never one more string and one more byte string in memory."""
    with _atomic(path) as handle:
        for start in range(0, len(lines), chunk):
            handle.write(("\n".join(lines[start:start + chunk]) + "\n").encode("utf-8"))


@contextmanager
def _atomic(path: Path) -> Iterator[BinaryIO]:
    """A file written under a temporary name in ``path``'s folder and renamed to ``path`` when it is complete."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
        os.chmod(tmp, 0o644)  # mkstemp makes it private; outputs are meant to be read
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: Path, data: Any) -> None:
    write_text(path, json.dumps(data, indent=2, sort_keys=True) + "\n")


def problem(folder: Path) -> str | None:
    """Why ``folder`` is not a build folder, or None."""
    for name in REQUIRED:
        if not (folder / name).is_file():
            return f"{folder} is not a build folder (no {name}); run 'medkg build --out {folder}' first"
    return None


def triple_lines(path: Path) -> int:
    """The triples of a file written as N-Triples lines (``inferred.ttl``, ``validation.ttl``)."""
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.startswith((b"<", b"_:")))


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.is_file():
        raise InputError(f"not a build folder (no {MANIFEST}); run 'medkg build' first", SourceLocation(str(folder)))
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    write_text(folder / MANIFEST, json.dumps(manifest, indent=2) + "\n")


# ---------------------------------------------------------------------------------------------------- the report


def counts(diagnostics: Iterable[Diagnostic]) -> dict[str, int]:
    found = dict.fromkeys(SEVERITIES, 0)
    for d in diagnostics:
        found[d.severity] += 1
    return found


def summary_line(numbers: dict[str, int]) -> str:
    return f"{numbers['error']} error(s), {numbers['warning']} warning(s), {numbers['info']} note(s)"


def write_report(folder: Path, diagnostics: Iterable[Diagnostic], verdict: dict[str, Any] | None = None) -> None:
    """``report.txt`` (one line per diagnostic, then the counts) and ``report.json`` (the same, as data)."""
    items = list(diagnostics)
    numbers = counts(items)
    write_text(folder / REPORT, "\n".join([*(str(d) for d in items), summary_line(numbers)]) + "\n")
    data = {"counts": numbers, "diagnostics": [d.as_dict() for d in items], "gate": verdict}
    write_json(folder / REPORT_JSON, data)


def read_report(folder: Path) -> list[Diagnostic]:
    """The diagnostics a build recorded (none when the folder has no ``report.json``)."""
    path = folder / REPORT_JSON
    if not path.is_file():
        return []
    return [Diagnostic.from_dict(d) for d in json.loads(path.read_text(encoding="utf-8"))["diagnostics"]]


# ---------------------------------------------------------------------------------------------------- the store


@dataclass(frozen=True)
class Target:
    """Where builds into ``out`` are written and kept."""

    out: Path

    @property
    def store(self) -> Path:
        return self.out.with_name(f".{self.out.name}.builds")

    @property
    def rejected(self) -> Path:
        return self.out.with_name(self.out.name + ".rejected")

    def build(self, build_id: str) -> Path:
        return self.store / build_id


def rejected_dir(out: Path) -> Path:
    """Where a rejected build's output is linked: ``DIR.rejected`` beside ``DIR``."""
    return Target(out).rejected


def resolve(folder: Path) -> Path:
    """The build folder ``folder`` is now (its link followed once): read every file of one build from here."""
    return folder.resolve()


@contextmanager
def locked(out: Path) -> Iterator[Target]:
    """Hold the lock of ``out`` for one build; a second build into the same ``out`` fails at once, clearly."""
    target = Target(out)
    target.store.mkdir(parents=True, exist_ok=True)
    fd = os.open(target.store / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise BuildLocked(f"{out}: another build is writing it (pid {holder}); wait for it to finish, "
                              f"or build into another folder") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        remove_stale(target)
        yield target
    finally:
        os.close(fd)  # closing releases the lock; so does the process's death (kill -9 included)


def remove_stale(target: Target) -> None:
    """Staging folders and spare links of builds that died (only the lock holder writes them, and it holds the lock
    now)."""
    for path in target.store.glob(LINK_PREFIX + "*"):
        path.unlink(missing_ok=True)
    for path in target.store.glob(STAGING_PREFIX + "*"):
        shutil.rmtree(path, ignore_errors=True)


def stage(target: Target) -> Path:
    """A new, empty staging folder in the store (readable: the output is meant to be served)."""
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=target.store))
    staging.chmod(0o755)
    return staging


def build_id(folder: Path) -> str:
    """A name for a build that has no build id (a rejected build is not indexed): a digest of its files' content,
    the manifest's build time left out. A kept build is named by its ``build_id`` (``pipeline/index.py``)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        digest.update(path.name.encode() + b"\0")
        if path.name == MANIFEST:
            manifest = json.loads(path.read_bytes())
            manifest.pop("built", None)
            digest.update(json.dumps(manifest, sort_keys=True).encode())
        else:
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
        digest.update(b"\0")
    return digest.hexdigest()[:20]


def swap(target: Target, staging: Path, keep: bool, identity: str | None = None) -> Path:
    """Move the staged build into the store under its id and point ``DIR`` (or ``DIR.rejected``) at it.

    The switch is one rename(2) of a new link over the old one: a reader, or a kill at any moment, sees the
    previous build or this one, whole. Returns the build's folder in the store.
    """
    identity = identity or build_id(staging)
    final = target.build(identity)
    if final.is_dir():  # the same content built again: keep the folder a server may be reading
        shutil.rmtree(staging)
    else:
        os.rename(staging, final)
    previous = current(target.out)
    point(target.out if keep else target.rejected, final)
    if keep:
        unlink(target.rejected)
    prune(target, {final, *([previous] if previous else [])})
    return final


def current(link: Path) -> Path | None:
    """The store folder ``link`` points at, if it is one of our links."""
    return link.resolve() if link.is_symlink() and link.resolve().is_dir() else None


def point(link: Path, folder: Path) -> None:
    """Make ``link`` a relative symbolic link to ``folder``, replacing what was there in one rename."""
    fresh = folder.parent / f"{LINK_PREFIX}{os.getpid()}-{link.name}"
    unlink(fresh)
    os.symlink(os.path.relpath(folder, link.parent), fresh)
    if link.is_dir() and not link.is_symlink():  # a build folder from before builds were links: set it aside
        os.rename(link, folder.parent / f"legacy-{os.getpid()}")
    os.replace(fresh, link)


def unlink(link: Path) -> None:
    if link.is_symlink():
        link.unlink()
    elif link.is_dir():
        shutil.rmtree(link)


def prune(target: Target, keep: set[Path]) -> None:
    """Remove every stored build but the ones linked and the one just replaced (a server may still read it)."""
    linked = {p for p in (current(target.out), current(target.rejected)) if p}
    for path in target.store.iterdir():
        if path.is_dir() and not path.is_symlink() and not path.name.startswith(".") and path not in keep | linked:
            shutil.rmtree(path, ignore_errors=True)
