"""Read-only columns in one file (integer arrays and string lists), mapped into memory and shared by every process.

A file is a JSON header line naming each column's kind, position and length, then the columns, each aligned to 8
bytes. Integers are native ``int64``; a string column is its ``int64`` start offsets plus the UTF-8 text of every
value, each preceded by a NUL byte (so a substring search over the whole text finds candidate rows at C speed).
Workers ``mmap`` the file: its pages live once in the page cache whatever the number of processes.
"""

from __future__ import annotations

import json
import mmap
import os
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any, TypeVar, overload

MAGIC = "medkg-packed"
ALIGN = 8
SEP = b"\0"
T = TypeVar("T")
DENSE = 16  # a search matching more than one row in this many decodes the columns whole


class Indexed(Sequence[T]):
    """A read-only sequence defined by ``at`` (one item, 0 <= i < len): slices and negative indexes from it."""

    def at(self, i: int) -> T:
        raise NotImplementedError

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> list[T]: ...
    def __getitem__(self, i: int | slice) -> T | list[T]:
        if isinstance(i, slice):
            return [self.at(j) for j in range(*i.indices(len(self)))]
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        return self.at(i + len(self) if i < 0 else i)


class Strings(Indexed[str]):
    """A string column: ``offsets[i]`` is where value ``i`` starts in ``text``; each value ends before the next
    separator."""

    def __init__(self, offsets: Sequence[int], text: Any, view: Any = None) -> None:
        self.offsets, self.text, self.length = offsets, text, len(offsets)
        self.view = view if view is not None else memoryview(text)  # the same bytes, sliced without copies
        self.size = len(self.view)

    def __len__(self) -> int:
        return self.length

    def at(self, i: int) -> str:
        end = self.offsets[i + 1] - 1 if i + 1 < self.length else self.size
        return str(self.view[self.offsets[i]:end], "utf-8")

    def decoded(self) -> list[str]:
        """Every value at once (one decode and one split, at C speed): cheaper than one by one for most rows."""
        values = str(self.view, "utf-8").split("\0")[1:]
        return values if len(values) == self.length else self[:]  # a value holding NUL: one by one

    def rows_containing(self, part: str) -> Iterator[int]:
        """The rows whose value may contain ``part``, ascending (a superset: callers check each one)."""
        needle, text, offsets, count = part.encode("utf-8"), self.text, self.offsets, len(self.offsets)
        at = text.find(needle)
        while at >= 0:
            row = bisect_right(offsets, at) - 1
            if row >= 0:
                yield row
            if row + 1 >= count:
                return
            at = text.find(needle, max(at + 1, offsets[row + 1]))

    def bisect(self, key: str) -> int:
        """The first row whose value is not less than ``key`` (the column sorted)."""
        return bisect_left(self, key)


class Postings:
    """Sorted keys, each with its run of integers (e.g. the rows holding a text): ``get`` as on a dict of lists."""

    def __init__(self, columns: Columns, name: str) -> None:
        self.keys, self.starts, self.values = (columns.strings(name + ".keys"), columns.ints(name + ".starts"),
                                               columns.ints(name + ".values"))

    def find(self, key: str) -> int | None:
        i = self.keys.bisect(key)
        return i if i < len(self.keys) and self.keys[i] == key else None

    def get(self, key: str, default: Any = None) -> Any:
        i = self.find(key)
        return default if i is None else self.values[self.starts[i]:self.starts[i + 1]]


def postings_columns(name: str, runs: Mapping[str, Sequence[int]]) -> dict[str, Sequence[int] | Sequence[str]]:
    keys, starts, values = sorted(runs), array("q", [0]), array("q")
    for key in keys:
        values.extend(array("q", runs[key]))
        starts.append(len(values))
    return {name + ".keys": keys, name + ".starts": starts, name + ".values": values}


class Counts:
    """Sorted keys with one integer each: ``get`` as on a dict."""

    def __init__(self, keys: Strings, counts: memoryview) -> None:
        self.keys, self.counts = keys, counts

    def get(self, key: str, default: int = 0) -> int:
        i = self.keys.bisect(key)
        return int(self.counts[i]) if i < len(self.keys) and self.keys[i] == key else default


class StringMap(Mapping[str, str]):
    """Sorted keys with one string each (``map_columns``)."""

    def __init__(self, columns: Columns, name: str) -> None:
        self.names, self.texts = columns.strings(name + ".keys"), columns.strings(name + ".values")

    def __getitem__(self, key: str) -> str:
        i = self.names.bisect(key)
        if i < len(self.names) and self.names[i] == key:
            return self.texts[i]
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


def map_columns(name: str, mapping: Mapping[str, str]) -> dict[str, Sequence[int] | Sequence[str]]:
    keys = sorted(mapping)
    return {name + ".keys": keys, name + ".values": [mapping[k] for k in keys]}


class Records(Indexed[T]):
    """Dataclass records stored column by column (``record_columns``): ``int`` fields as integers, others as text."""

    def __init__(self, columns: Columns, name: str, kind: type[T]) -> None:
        self.kind, self.fields = kind, [(f.name, f.type == "int") for f in fields(kind)]  # type: ignore[arg-type]
        self.columns = [columns.ints(f"{name}.{n}") if numeric else columns.strings(f"{name}.{n}")
                        for n, numeric in self.fields]
        self.by_name = dict(zip((n for n, _ in self.fields), self.columns, strict=True))

    def __len__(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    def at(self, i: int) -> T:
        return self.kind(*[column[i] for column in self.columns])

    def containing(self, name: str, part: str) -> Iterator[T]:
        """The records whose text field ``name`` may contain ``part`` (a superset), in order: found in the mapped
        text when they are few, else by decoding the columns whole (record by record would cost more)."""
        column, rows, dense = self.by_name[name], [], len(self) // DENSE
        assert isinstance(column, Strings)
        for row in column.rows_containing(part):
            rows.append(row)
            if len(rows) > dense:
                return self._scan(name, part)
        return (self[row] for row in rows)

    def _scan(self, name: str, part: str) -> Iterator[T]:
        values: dict[str, list[Any]] = {n: c.decoded() if isinstance(c, Strings) else c.tolist()
                                         for n, c in self.by_name.items()}
        found = (row for row, text in enumerate(values[name]) if part in text)
        return (self.kind(*[column[row] for column in values.values()]) for row in found)


class RecordMap(Mapping[str, T]):
    """Sorted keys with one dataclass record each (``record_map_columns``)."""

    def __init__(self, columns: Columns, name: str, kind: type[T]) -> None:
        self.names, self.records = columns.strings(name + ".keys"), Records(columns, name, kind)

    def __getitem__(self, key: str) -> T:
        i = self.names.bisect(key)
        if i < len(self.names) and self.names[i] == key:
            return self.records[i]
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


def record_map_columns(name: str, mapping: Mapping[str, Any], kind: type) -> dict[str, Sequence[int] | Sequence[str]]:
    keys = sorted(mapping)
    return {name + ".keys": keys, **record_columns(name, [mapping[k] for k in keys], kind)}


class Joined(Indexed[T]):
    """Two sequences read as one (e.g. the label and the definition entries of a search index)."""

    def __init__(self, first: Sequence[T], second: Sequence[T]) -> None:
        self.first, self.second = first, second

    def __len__(self) -> int:
        return len(self.first) + len(self.second)

    def at(self, i: int) -> T:
        return self.first[i] if i < len(self.first) else self.second[i - len(self.first)]


def record_columns(name: str, records: Sequence[Any], kind: type) -> dict[str, Sequence[int] | Sequence[str]]:
    out: dict[str, Sequence[int] | Sequence[str]] = {}
    for f in fields(kind):
        values = [getattr(r, f.name) for r in records]
        out[f"{name}.{f.name}"] = array("q", values) if f.type == "int" else values
    return out


def pack_strings(values: Iterable[str]) -> tuple[array, bytes]:
    offsets, parts, at = array("q"), [], 0
    for value in values:
        data = value.encode("utf-8")
        parts.append(SEP + data)
        offsets.append(at + 1)
        at += 1 + len(data)
    return offsets, b"".join(parts)


class Columns:
    """The columns of one packed file (or of the same layout in memory, for indexes built on the fly)."""

    def __init__(self, buffer: Any, header: dict[str, Any], start: int) -> None:
        self.buffer, self.header, self.start = buffer, header, start
        self.meta: dict[str, Any] = header["meta"]

    @classmethod
    def open(cls, path: Path) -> Columns:
        with path.open("rb") as handle:
            buffer = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        return cls.from_buffer(buffer)

    @classmethod
    def from_buffer(cls, buffer: Any) -> Columns:
        end = buffer.find(b"\n")
        header = json.loads(bytes(buffer[:end]))
        if header.get("format") != MAGIC:
            raise ValueError("not a packed column file")
        return cls(buffer, header, end + 1)

    def _slice(self, at: int, length: int) -> memoryview:
        return memoryview(self.buffer)[self.start + at:self.start + at + length]

    def ints(self, name: str) -> memoryview:
        spec = self.header["columns"][name]
        return self._slice(spec["at"], spec["bytes"]).cast("q")

    def strings(self, name: str) -> Strings:
        spec = self.header["columns"][name]
        offsets = self._slice(spec["at"], spec["bytes"]).cast("q")
        text = _Text(self.buffer, self.start + spec["text_at"], spec["text_bytes"])
        return Strings(offsets, text, memoryview(self.buffer)[text.start:text.end])


class _Text:
    """A window of the file's bytes with ``find`` (``mmap`` has one; a memoryview has not)."""

    def __init__(self, buffer: Any, start: int, length: int) -> None:
        self.buffer, self.start, self.end = buffer, start, start + length

    def __len__(self) -> int:
        return self.end - self.start

    def find(self, needle: bytes, at: int = 0) -> int:
        found = self.buffer.find(needle, self.start + at, self.end)
        return found - self.start if found >= 0 else -1



def layout(meta: dict[str, Any], columns: dict[str, Sequence[int] | Sequence[str]]) -> tuple[bytes, list[bytes]]:
    """The header line and the aligned column bytes of a packed file."""
    specs: dict[str, dict[str, Any]] = {}
    chunks: list[bytes] = []
    at = 0
    for name, values in columns.items():
        if isinstance(values, array):
            data = values.tobytes()
            specs[name] = {"kind": "ints", "at": at, "bytes": len(data)}
            at = _add(chunks, data, at)
        else:
            offsets, text = pack_strings(values)  # type: ignore[arg-type]
            specs[name] = {"kind": "strings", "at": at, "bytes": len(offsets) * 8}
            at = _add(chunks, offsets.tobytes(), at)
            specs[name] |= {"text_at": at, "text_bytes": len(text)}
            at = _add(chunks, text, at)
    header = json.dumps({"format": MAGIC, "meta": meta, "columns": specs}, sort_keys=True).encode() + b"\n"
    pad = -len(header) % ALIGN
    return header[:-1] + b" " * pad + b"\n", chunks


def _add(chunks: list[bytes], data: bytes, at: int) -> int:
    chunks.append(data + b"\0" * (-len(data) % ALIGN))
    return at + len(chunks[-1])


def in_memory(meta: dict[str, Any], columns: dict[str, Sequence[int] | Sequence[str]]) -> Columns:
    header, chunks = layout(meta, columns)
    return Columns.from_buffer(header + b"".join(chunks))


def write_packed(path: Path, meta: dict[str, Any], columns: dict[str, Sequence[int] | Sequence[str]]) -> None:
    """Write the file whole to a temporary name, then rename it into place."""
    header, chunks = layout(meta, columns)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as out:
            out.write(header)
            for chunk in chunks:
                out.write(chunk)
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)
