"""The registry of input formats. Each format detects itself from a file's content and parses a group of files.

A format module registers a ``SourceFormat``; ``detect`` sees the path and the decoded text of one file and
says whether the file is of that format. Files of one format are parsed together (the HealthCare.gov glossary
pairs English files with their Spanish twins), so ``parse`` takes them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..context import BuildContext


@dataclass(frozen=True)
class InputFile:
    """One input file, decoded; ``display`` is the name used in messages."""

    path: Path
    display: str
    text: str

    def lines(self) -> list[str]:
        return split_lines(self.text)

    def filled_lines(self) -> Iterator[str]:
        """The lines holding more than whitespace, one by one (detecting a format from the first of a file of
        millions of lines need not split them all)."""
        text, start = self.text, 0
        while start < len(text):
            end = text.find("\n", start)
            end = len(text) if end < 0 else end
            if text[start:end].strip():
                yield text[start:end]
            start = end + 1


def split_lines(text: str) -> list[str]:
    """The lines of a text as its file has them: only ``\n`` ends a line (inputs.read made every line end one), so
    U+2028, U+2029, form feeds and the other breaks ``str.splitlines`` knows stay inside their line."""
    lines = text.split("\n")
    return lines[:-1] if lines and not lines[-1] else lines


@dataclass(frozen=True)
class SourceFormat:
    name: str
    description: str
    detect: Callable[[InputFile], bool]
    parse: Callable[[Sequence[InputFile], BuildContext], None]
    # files of the same source that are read through another file (e.g. Spanish twins) are not inputs themselves
    companion: Callable[[InputFile], bool] = lambda f: False


FORMATS: dict[str, SourceFormat] = {}


def register(fmt: SourceFormat) -> SourceFormat:
    FORMATS[fmt.name] = fmt
    return fmt


def detect_format(item: InputFile) -> SourceFormat | None:
    for fmt in FORMATS.values():
        if fmt.detect(item):
            return fmt
    return None
