"""Finding and decoding input files; an unreadable file is reported, never silently skipped."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from .diagnostics import Diagnostics, InputError, SourceLocation
from .sources.registry import InputFile

_LINE_END = re.compile(r"\r\n?")
_LINE_END_ANY = re.compile(r"\r\n?|\n")
_ESCAPED = re.compile("[\udc80-\udcff]")  # what surrogateescape makes of a byte that is not UTF-8
MAX_ENCODING_REPORTS = 20  # lines named per file; the rest are counted

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
    """Decode each file as UTF-8 (bytes that are not become U+FFFD, each line holding one named); an empty file is an
    error and is left out. Line ends are made ``\n`` (from ``\r\n`` and ``\r``)."""
    items = []
    for path in paths:
        display = _display(path)
        text = decode(path.read_bytes(), display, diagnostics)
        if not text.strip():
            diagnostics.error("input.empty", "file is empty", SourceLocation(display))
            continue
        items.append(InputFile(path, display, text))
    return items


def decode(data: bytes, display: str, diagnostics: Diagnostics) -> str:
    """UTF-8 text of ``data``: an invalid byte becomes U+FFFD and its line is reported (once per line)."""
    text = data.decode("utf-8", "surrogateescape")
    if _ESCAPED.search(text):
        text = _report_bad_bytes(text, display, diagnostics)
    return _LINE_END.sub("\n", text.removeprefix("\ufeff"))


def _report_bad_bytes(text: str, display: str, diagnostics: Diagnostics) -> str:
    line, position, offset = 1, 0, 0
    lines: list[tuple[int, int, int]] = []
    for match in _ESCAPED.finditer(text):
        segment = text[position:match.start()]
        line += len(_LINE_END_ANY.findall(segment))
        offset += len(segment.encode("utf-8", "surrogateescape"))
        if not lines or lines[-1][0] != line:
            lines.append((line, ord(match.group(0)) - 0xDC00, offset))
        position = match.start()
    for number, byte, at in lines[:MAX_ENCODING_REPORTS]:
        diagnostics.error("input.encoding", f"not UTF-8 (byte 0x{byte:02x} at offset {at}): read as U+FFFD",
                          SourceLocation(display, number))
    if len(lines) > MAX_ENCODING_REPORTS:
        diagnostics.error("input.encoding", f"{len(lines) - MAX_ENCODING_REPORTS} more lines are not UTF-8 "
                          "(read as U+FFFD)", SourceLocation(display))
    return _ESCAPED.sub("\ufffd", text)
