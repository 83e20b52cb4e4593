"""What a build tells its user: one line per phase with its counts and time, a progress bar (tqdm) while a step
runs longer than a second on a terminal, and every phase kept as data for ``--json`` and the summary."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any, Literal, TypeVar, overload

from tqdm import tqdm

Mode = Literal["normal", "quiet", "json"]
T = TypeVar("T")
BAR_DELAY = 1.0  # seconds a step runs before its bar appears


@dataclass
class Phase:
    """One phase of a build: its name, what it is about (``detail``), its counts, and how long it took."""

    name: str
    detail: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # the process's CPU time (a loaded machine stretches wall time, not this)
    bar: tqdm[Any] | None = field(default=None, repr=False, compare=False)

    def count(self, **counts: int) -> None:
        self.counts.update(counts)

    def advance(self, n: int = 1) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def track(self, items: Sequence[T]) -> Sequence[T]:
        """``items``, advancing the bar as each is taken (each pass over them starts the bar again)."""
        return Tracked(items, self)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "detail": self.detail, "counts": self.counts, "seconds": round(self.seconds, 3),
                "cpu_seconds": round(self.cpu_seconds, 3)}

    def line(self) -> str:
        counts = ", ".join(plural(n, what) for what, n in self.counts.items())
        text = " ".join(part for part in (self.detail, counts and f"({counts})" if self.detail else counts) if part)
        return f"{self.name:<8} {text:<60} {self.seconds:6.1f} s"


class Tracked(Sequence[T]):
    def __init__(self, items: Sequence[T], phase: Phase) -> None:
        self.items, self.phase = items, phase

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...

    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        return self.items[index]

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[T]:
        bar = self.phase.bar
        if bar is not None:  # start again, without drawing (tqdm's reset would draw at once, before the delay)
            bar.n = bar.last_print_n = 0
            bar.total = len(self.items)
        for item in self.items:
            yield item
            self.phase.advance()


class Console:
    """Where the build's progress goes. ``normal``: phase lines and bars on ``stream``; ``quiet`` and ``json``:
    nothing while building (the caller prints the diagnostics, or one JSON document, at the end)."""

    def __init__(self, mode: Mode = "normal", stream: IO[str] | None = None, bars: bool | None = None) -> None:
        self.mode = mode
        self.stream = stream or sys.stderr
        self.bars = (mode == "normal" and self.stream.isatty()) if bars is None else bars
        self.phases: list[Phase] = []
        self.started = time.perf_counter()

    @classmethod
    def silent(cls) -> Console:
        return cls("quiet")

    def say(self, message: str) -> None:
        if self.mode == "normal":
            print(f"medkg: {message}", file=self.stream, flush=True)

    @contextmanager
    def phase(self, name: str, detail: str = "", total: int | None = None, unit: str = "file") -> Iterator[Phase]:
        phase = Phase(name, detail)
        if self.bars:
            phase.bar = tqdm(total=total, desc=f"medkg: {name} {detail}".rstrip(), unit=unit, file=self.stream,
                             delay=BAR_DELAY, leave=False, dynamic_ncols=True)
        start, cpu = time.perf_counter(), time.process_time()
        try:
            with ticking(phase.bar, start):
                yield phase
        finally:
            phase.seconds, phase.cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
            if phase.bar is not None:
                phase.bar.close()
            self.phases.append(phase)
        self.say(phase.line())

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started


@contextmanager
def ticking(bar: tqdm[Any] | None, start: float) -> Iterator[None]:
    """Redraw ``bar`` a few times a second once it is due, so a step that cannot count still shows its time."""
    if bar is None:
        yield
        return
    stop = threading.Event()

    def tick() -> None:
        while not stop.wait(0.25):
            if time.perf_counter() - start >= BAR_DELAY:
                bar.refresh()

    thread = threading.Thread(target=tick, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


Reporter = Console | Callable[[str], None]


def as_console(progress: Reporter | None) -> Console:
    """A ``Console``; an old-style message callback gets each phase's line."""
    if progress is None:
        return Console()
    if isinstance(progress, Console):
        return progress
    return CallbackConsole(progress)


class CallbackConsole(Console):
    def __init__(self, callback: Callable[[str], None]) -> None:
        super().__init__("normal", bars=False)
        self.callback = callback

    def say(self, message: str) -> None:
        self.callback(message)


def plural(n: int, words: str) -> str:
    """``3 files``, ``1 file``: counts are named in the plural and said in the singular for one."""
    return f"{n:,} {words[:-1] if n == 1 and words.endswith('s') else words}"
