"""``medkg build``: read sources, build one asserted graph, link it, and write the output folder atomically."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from ..assets import SHIPPED_DATA
from ..namespaces import DEFAULT_BASE
from . import inputs
from .changes import versions
from .context import BuildContext
from .diagnostics import Diagnostic, SourceLocation
from .export import serialize
from .index import index_build
from .iris import IRIs
from .output import write_text
from .sources import load_formats
from .sources.registry import FORMATS, InputFile, SourceFormat, detect_format
from .steps import OutputOptions, link_steps, output_steps

# Exit codes (documented in the README): scripts rely on them.
EXIT_OK = 0
EXIT_DATA = 1  # validation violations, or any warning under --strict
EXIT_INPUT = 2  # bad input or usage: the good records are still built and written


Progress = Callable[[str], None]


def stderr_progress(message: str) -> None:
    print(f"medkg: {message}", file=sys.stderr, flush=True)


@dataclass
class BuildResult:
    context: BuildContext
    out: Path
    written: bool
    exit_code: int

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return list(self.context.diagnostics)


def group_by_format(items: Sequence[InputFile], ctx: BuildContext,
                    forced: str | None = None) -> dict[str, list[InputFile]]:
    """Detect each file's format from its content (or use ``forced``); undetectable files are errors."""
    load_formats()
    groups: dict[str, list[InputFile]] = defaultdict(list)
    for item in items:
        fmt: SourceFormat | None = FORMATS[forced] if forced else detect_format(item)
        if fmt is None:
            ctx.diagnostics.error("input.format", "format not recognised from content (use --format)",
                                  SourceLocation(item.display, 1))
        elif not fmt.companion(item):
            groups[fmt.name].append(item)
    return groups


def parse_sources(sources: Sequence[Path], ctx: BuildContext, forced: str | None = None,
                  progress: Progress = stderr_progress, as_of: date | None = None) -> None:
    """Parse every file; of several versions of one section, the one in force on ``as_of`` (else the latest)."""
    load_formats()
    items, sections = versions.select(inputs.read(inputs.expand(sources), ctx.diagnostics), ctx, as_of)
    groups = group_by_format(items, ctx, forced)
    for name in sorted(groups, key=list(FORMATS).index):
        progress(f"parsing {len(groups[name])} file(s) as {name}")
        FORMATS[name].parse(groups[name], ctx)
    if sections:
        progress(f"versions: {sum(map(len, sections))} version(s) of {len(sections)} section(s)")
        versions.emit_versions(ctx, sections)


def assemble(sources: Sequence[Path], base: str = DEFAULT_BASE, forced: str | None = None,
             progress: Progress = stderr_progress, as_of: date | None = None) -> BuildContext:
    """Parse every source and run the link steps: the whole asserted graph, in memory."""
    ctx = BuildContext(IRIs(base))
    parse_sources(sources or [SHIPPED_DATA], ctx, forced, progress, as_of)
    for step in link_steps():
        progress(f"linking: {step.__name__}")
        step(ctx)
    return ctx


def rejected(ctx: BuildContext, strict: bool) -> bool:
    """The gate found a violation, or --strict and anything at all went wrong: the output is not swapped in."""
    if any(d.severity == "error" and d.code.startswith("shacl.") for d in ctx.diagnostics):
        return True
    return strict and any(d.severity in ("error", "warning") for d in ctx.diagnostics)


def exit_code(ctx: BuildContext, strict: bool) -> int:
    if any(d.severity == "error" and not d.code.startswith("shacl.") for d in ctx.diagnostics):
        return EXIT_INPUT  # bad input outranks what the gate found in the graph made from it
    return EXIT_DATA if rejected(ctx, strict) else EXIT_OK


def build(sources: Sequence[Path], out: Path, base: str = DEFAULT_BASE, strict: bool = False,
          forced: str | None = None, progress: Progress = stderr_progress, reasoner: str = "fast",
          previous: Path | None = None, as_of: date | None = None) -> BuildResult:
    """Assemble the graph from ``sources`` and write it (see ``write_build``); ``previous``: an earlier build to
    record the changes since."""
    if previous is not None:
        check_previous(previous, base)
    ctx = assemble(sources, base, forced, progress, as_of)
    options = OutputOptions(strict=strict, reasoner=reasoner, previous=previous)
    return write_build(ctx, out, sources, options, progress)


def check_previous(previous: Path, base: str) -> None:
    """Refuse a --previous folder that is not a build, or one of another base, before the long work starts."""
    from .changes.snapshot import check_folder

    check_folder(previous, IRIs(base).base)


def write_build(ctx: BuildContext, out: Path, sources: Sequence[Path], options: OutputOptions,
                progress: Progress = stderr_progress) -> BuildResult:
    """Write into a staging folder beside ``out``, run the output steps, and swap it in only when it may be kept."""
    strict = options.strict
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the output is meant to be read and served
    try:
        write_outputs(ctx, staging, sources)
        for step in output_steps():
            progress(f"output: {step.__name__}")
            step(ctx, staging, options)
        write_report(ctx, staging)
        code, keep = exit_code(ctx, strict), not rejected(ctx, strict)
        if keep:  # the query store every server process opens read-only (a rejected build is never served)
            progress("output: query store")
            index_build(staging)
        # a rejected build leaves DIR alone; its whole output, reports included, waits in DIR.rejected to be read
        replace_dir(staging, out if keep else rejected_dir(out))
        if keep:
            shutil.rmtree(rejected_dir(out), ignore_errors=True)
        return BuildResult(ctx, out, keep, code)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def rejected_dir(out: Path) -> Path:
    """Where a rejected build's output goes: ``DIR.rejected`` beside ``DIR``."""
    return out.with_name(out.name + ".rejected")


def write_outputs(ctx: BuildContext, folder: Path, sources: Sequence[Path]) -> None:
    write_text(folder / "graph.ttl", serialize(ctx.graph, "ttl"))
    manifest = {
        "base": ctx.iris.base,
        "built": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "sources": [str(s) for s in (sources or [SHIPPED_DATA])],
        "triples": len(ctx.graph),
    }
    write_text(folder / "build.json", json.dumps(manifest, indent=2) + "\n")
    provenance = sorted({f"{s.n3()} {p.n3()}\t{loc}" for (s, p, _o), loc in ctx.provenance.items()})
    write_text(folder / "provenance.tsv", "\n".join(provenance) + "\n")


def write_report(ctx: BuildContext, folder: Path) -> None:
    lines = [str(d) for d in ctx.diagnostics]
    counts = {sev: len(ctx.diagnostics.of(sev)) for sev in ("error", "warning", "info")}
    summary = f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} note(s)"
    write_text(folder / "report.txt", "\n".join([*lines, summary]) + "\n")


def replace_dir(new: Path, out: Path) -> None:
    """Swap ``new`` in as ``out``; the old folder is removed only after the swap."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.replace(out, old)
    os.replace(new, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
