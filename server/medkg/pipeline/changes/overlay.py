"""A snapshot of a regulation on a date as a folder of symlinks: the current folder with other versions of some
files in place of their namesakes (same relative paths). Shared data is linked, never copied."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def overlay(current: Path, versions: Sequence[Path], dest: Path) -> Path:
    """Fill ``dest`` with links to every file of ``current``, each replaced by the last ``versions`` folder that
    has a file at the same relative path; returns ``dest``."""
    chosen: dict[Path, Path] = {}
    for folder in (current, *versions):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                chosen[path.relative_to(folder)] = path.resolve()
    for relative, target in sorted(chosen.items()):
        link = dest / relative
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(target)
    return dest
