"""Problems found in the input, each tied to the file, line and record it came from."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, cast

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, order=True, slots=True)  # slots: a build holds one per triple (millions)
class SourceLocation:
    """Where a value came from: a file (as given on the command line, or relative to it) and a 1-based line."""

    file: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


def printable(text: str) -> str:
    """``text`` with every character a terminal would act on (controls, line and paragraph separators) escaped."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


@dataclass(frozen=True)
class Diagnostic:
    severity: Severity
    code: str
    message: str
    location: SourceLocation
    record: str | None = None

    def __str__(self) -> str:
        record = f" [record {self.record}]" if self.record else ""
        return printable(f"{self.location}: {self.severity}: {self.message}{record} ({self.code})")

    def as_dict(self) -> dict[str, Any]:
        return {"severity": self.severity, "code": self.code, "message": self.message, "file": self.location.file,
                "line": self.location.line, "record": self.record}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Diagnostic:
        return cls(cast(Severity, data["severity"]), data["code"], data["message"],
                   SourceLocation(data["file"], data.get("line")), data.get("record"))


@dataclass
class Diagnostics:
    """Collects diagnostics; one bad record is reported here and the others are still built."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, severity: Severity, code: str, message: str, location: SourceLocation,
            record: str | None = None) -> None:
        self.items.append(Diagnostic(severity, code, message, location, record))

    def error(self, code: str, message: str, location: SourceLocation, record: str | None = None) -> None:
        self.add("error", code, message, location, record)

    def warning(self, code: str, message: str, location: SourceLocation, record: str | None = None) -> None:
        self.add("warning", code, message, location, record)

    def info(self, code: str, message: str, location: SourceLocation, record: str | None = None) -> None:
        self.add("info", code, message, location, record)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.items)

    def of(self, severity: Severity) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == severity]

    @property
    def errors(self) -> list[Diagnostic]:
        return self.of("error")

    @property
    def warnings(self) -> list[Diagnostic]:
        return self.of("warning")


class InputError(Exception):
    """A whole input cannot be read (not UTF-8, empty, unknown format): the build reports it and exits 2."""

    def __init__(self, message: str, location: SourceLocation) -> None:
        super().__init__(f"{location}: {message}")
        self.location = location
