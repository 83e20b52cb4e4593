"""Finding and decoding input files; an unreadable file is reported, never silently skipped."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from .diagnostics import Diagnostics, InputError, SourceLocation
from .sources.registry import InputFile

IGNORED_NAMES = {"LICENSE", "LICENSE.txt", "LICENSE.md", "README.md", "SOURCES.md"}


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def expand(sources: Sequence[Path]) -> list[Path]:
    """Files named directly, and every file below a named folder (sorted, hidden files and licences left out)."""
    files: list[Path] = []
    for source in sources:
        if source.is_dir():
            files.extend(p for p in sorted(source.rglob("*")) if _wanted(p, source))
        elif source.is_file():
            files.append(source)
        else:
            raise InputError("no such file or folder", SourceLocation(str(source)))
    return files


def _wanted(path: Path, root: Path) -> bool:
    relative = path.relative_to(root)
    hidden = any(part.startswith(".") for part in relative.parts)
    return path.is_file() and not hidden and path.name not in IGNORED_NAMES and not path.name.startswith("LICENSE")


def read(paths: Iterable[Path], diagnostics: Diagnostics) -> list[InputFile]:
    """Decode each file as UTF-8; a file that is not UTF-8 or is empty is an error and is left out."""
    items = []
    for path in paths:
        display = _display(path)
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            diagnostics.error("input.encoding", f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
                              SourceLocation(display, line))
            continue
        if not text.strip():
            diagnostics.error("input.empty", "file is empty", SourceLocation(display))
            continue
        items.append(InputFile(path, display, text))
    return items
