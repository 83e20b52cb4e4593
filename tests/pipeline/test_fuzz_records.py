"""Issue 14: a seeded, bounded fuzz run of ``medkg build`` over mutated glossary records (a real process).

Every record is either intact or carries one mutation (a line deleted, swapped, doubled or emptied, a value with
control characters, line separators, an invalid UTF-8 byte or a URL with characters no IRI may hold, an unknown
key...). The build must not crash, must not be rejected by the SHACL gate (bad records are the parser's to
refuse), must build every intact record, and must either build a mutated record or name it by file and line.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from tests.support.glossary import ROOT

SEED = 14
RECORDS = 600  # about 500 of them mutated
FILES = 6
BASE = "https://w3id.org/medkg/concept/example-glossary/"
KEYS = ["term", "normalized_term", "category", "alias", "definition", "related_term", "source_url", "publisher",
        "license"]
STRANGE = ["\x00", "\x01", "\x1b", "\x7f", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\r", "\ufeff", "\u202e",
           "\U0001f600", "e\u0301", "\ud7ff", "\t"]
URL_BREAKERS = ['"', "<", ">", "{", "}", "|", "\\", "^", "`", " ", "\x00", "\x07", "%zz", "#a#b"]


@dataclass
class Record:
    index: int
    lines: list[bytes]
    mutated: str | None = None

    @property
    def token(self) -> str:
        return f"Fuzzterm {self.index:04d}"


def intact(index: int, rng: random.Random) -> Record:
    pairs = [("term", f"Fuzzterm {index:04d}"), ("normalized_term", f"fuzzterm-{index:04d}"),
             ("category", rng.choice(["Coverage", "Costs", "Plans"])),
             ("definition", f"Definition number {index} of a term, {rng.randrange(10**6)} words long."),
             ("source_url", f"https://example.org/glossary/term-{index}"),
             ("publisher", "Example.org"), ("license", "CC-BY-4.0")]
    if rng.random() < 0.3:
        pairs.insert(3, ("alias", f"FT{index}"))
    lines = [f"- {part}".encode() for key, value in pairs for part in (key, value)]
    lines += [f"Page text of record {index}.".encode(), b""]
    return Record(index, lines)


def _value_lines(record: Record) -> list[int]:
    return [i for i in range(1, 14, 2) if i < len(record.lines) and record.lines[i].startswith(b"- ")]


def _header(record: Record) -> list[int]:
    return [i for i, line in enumerate(record.lines) if line.startswith(b"- ")]


def _with_value(record: Record, rng: random.Random, make: Callable[[str], str]) -> None:
    i = rng.choice(_value_lines(record))
    value = record.lines[i][2:].decode()
    record.lines[i] = b"- " + make(value).encode("utf-8", "surrogatepass")


def _strange(value: str, rng: random.Random) -> str:
    at = rng.randrange(len(value) + 1)
    return value[:at] + rng.choice(STRANGE) + value[at:]


def mutate(record: Record, rng: random.Random) -> None:
    header = _header(record)
    kind = rng.choice(["delete", "swap", "double", "empty", "blank", "strange", "url", "bytes", "unknown-key",
                       "other-key", "no-dash", "long", "strange-term"])
    record.mutated = kind
    if kind == "delete":
        del record.lines[rng.choice(header)]
    elif kind == "swap":
        i = rng.choice(header[:-1])
        record.lines[i], record.lines[i + 1] = record.lines[i + 1], record.lines[i]
    elif kind == "double":
        i = rng.choice(header)
        record.lines.insert(i, record.lines[i])
    elif kind == "empty":
        record.lines[rng.choice(_value_lines(record))] = b"-"
    elif kind == "blank":
        record.lines[rng.choice(_value_lines(record))] = b"-   \t "
    elif kind == "strange":
        _with_value(record, rng, lambda v: _strange(v, rng))
    elif kind == "url":
        i = record.lines.index(b"- source_url") + 1
        record.lines[i] = record.lines[i] + rng.choice(URL_BREAKERS).encode() + b"x"
    elif kind == "bytes":
        i = rng.choice(_value_lines(record))
        record.lines[i] = record.lines[i] + rng.choice([b"\xe9", b"\xff", b"\xc3", b"\x80\x80", b"\xed\xa0\x80"])
    elif kind == "unknown-key":
        record.lines[rng.choice(header[1:]):0] = [b"- colour", b"- red"]
    elif kind == "other-key":
        i = rng.choice(header[::2])
        record.lines[i] = f"- {rng.choice(KEYS)}".encode()
    elif kind == "no-dash":
        i = rng.choice(header)
        record.lines[i] = record.lines[i][2:]
    elif kind == "long":
        _with_value(record, rng, lambda v: v + " word" * 3000)
    else:  # strange-term
        record.lines[1] = b"- " + _strange(f"Fuzzterm {record.index:04d}", rng).encode("utf-8", "surrogatepass")


def write_files(folder: Path) -> dict[str, list[tuple[Record, int, int]]]:
    """Write the records into FILES files; per file, each record with its first and last line."""
    rng = random.Random(SEED)
    records = [intact(i, rng) for i in range(RECORDS)]
    for record in records:
        if rng.random() < 0.83:
            mutate(record, rng)
    placed: dict[str, list[tuple[Record, int, int]]] = {}
    for n in range(FILES):
        path = folder / f"records-{n}.txt"
        line, chunks, rows = 1, [], []
        for record in records[n::FILES]:
            text = b"\n".join(record.lines) + b"\n"
            count = len(re.findall(rb"\r\n?|\n", text))
            rows.append((record, line, line + count - 1))
            chunks.append(text)
            line += count
        path.write_bytes(b"".join(chunks))
        placed[str(path)] = rows
    return placed


def test_mutated_records_never_crash_the_build_and_are_named(tmp_path: Path) -> None:
    placed = write_files(tmp_path)
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "medkg.cli", "build", *placed, "--out", str(out)], cwd=ROOT,
                          capture_output=True, text=True, errors="replace", timeout=540)
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    assert done.returncode == 2, done.stderr[-3000:]  # bad input: named, and the rest built
    assert "kept the previous" not in done.stderr and out.is_dir(), "the gate rejected the build"
    store = ox.Store()
    store.bulk_load(path=str(out / "graph.ttl"), format=ox.RdfFormat.TURTLE)  # what 'medkg serve' loads
    built = {q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(
        "http://www.w3.org/2004/02/skos/core#prefLabel"), None)}
    labels = {q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(
        "http://www.w3.org/2004/02/skos/core#prefLabel"), None)}
    named = diagnostics(done.stderr)
    mutated = 0
    for file, rows in placed.items():
        for record, first, last in rows:
            if record.mutated is None:
                assert BASE + f"fuzzterm-{record.index:04d}" in built, f"intact record {record.index} not built"
                continue
            mutated += 1
            seen = any(first <= line <= last for line in named.get(file, []))
            found = BASE + f"fuzzterm-{record.index:04d}" in built or any(record.token in label for label in labels)
            assert seen or found, (
                f"mutated record {record.index} ({record.mutated}, {file}:{first}-{last}) was neither built nor "
                f"named: {record.lines}")
    assert mutated > 450


def diagnostics(stderr: str) -> dict[str, list[int]]:
    """Lines named by errors and warnings, per file; every error names a file and a line."""
    found: dict[str, list[int]] = {}
    for row in stderr.splitlines():
        match = re.match(r"^(.+?):(\d+): (error|warning): ", row)
        if match:
            found.setdefault(match.group(1), []).append(int(match.group(2)))
        else:
            assert ": error: " not in row or "more lines are not UTF-8" in row, f"an error without a line: {row}"
    return found
