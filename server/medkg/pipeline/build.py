"""``medkg build``: read sources, build one asserted graph, link it, and write the output folder atomically."""

from __future__ import annotations

import shutil
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from rdflib import RDF, SKOS

from ..assets import SHIPPED_DATA
from ..namespaces import DEFAULT_BASE
from . import inputs, layout
from .changes import versions
from .console import Console, Phase, Reporter, as_console
from .context import BuildContext
from .diagnostics import Diagnostic, SourceLocation
from .export import graph_turtle
from .gcpause import paused_gc
from .index import index_build
from .iris import IRIs
from .layout import write_text
from .ntriples import NTerms
from .sources import load_formats
from .sources.registry import FORMATS, InputFile, SourceFormat, detect_format
from .steps import OutputOptions, Verdict, link_steps, output_steps

# Exit codes (documented in the README): scripts rely on them.
EXIT_OK = 0
EXIT_DATA = 1  # validation violations, or any warning under --strict
EXIT_INPUT = 2  # bad input or usage: the good records are still built and written
EXIT_BUSY = 3  # another build is writing into the same output folder

OUTPUT_PHASES = {"infer_step": "infer", "validate_step": "gate", "changes_step": "changes"}


@dataclass
class BuildResult:
    context: BuildContext
    out: Path
    written: bool
    exit_code: int
    verdict: Verdict
    folder: Path  # where this build's files are (DIR and DIR.rejected link to it)
    phases: list[Phase] = field(default_factory=list)
    seconds: float = 0.0
    triples: int = 0  # of the asserted graph (``context.graph`` is empty when the build let it go)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return list(self.context.diagnostics)

    @property
    def build_id(self) -> str:
        return self.folder.name


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


def concepts(ctx: BuildContext) -> int:
    return sum(1 for _ in ctx.graph.subjects(RDF.type, SKOS.Concept))


def problems(ctx: BuildContext, since: int) -> dict[str, int]:
    """The errors and warnings reported since diagnostic number ``since`` (for a phase's counts)."""
    found = layout.counts(ctx.diagnostics.items[since:])
    return {key: found[severity] for key, severity in (("errors", "error"), ("warnings", "warning")) if found[severity]}


def parse_sources(sources: Sequence[Path], ctx: BuildContext, forced: str | None = None,
                  progress: Reporter | None = None, as_of: date | None = None) -> None:
    """Parse every file; of several versions of one section, the one in force on ``as_of`` (else the latest)."""
    console = as_console(progress)
    load_formats()
    paths = inputs.expand(sources)
    with console.phase("read", total=len(paths)) as phase:
        items, sections = versions.select(inputs.read(phase.track(paths), ctx.diagnostics), ctx, as_of)
        groups = group_by_format(items, ctx, forced)
        phase.count(files=len(items), **problems(ctx, 0))
    for name in sorted(groups, key=list(FORMATS).index):
        files, since, triples, before = groups[name], len(ctx.diagnostics.items), len(ctx.graph), concepts(ctx)
        with console.phase("parse", name, total=len(files)) as phase:
            FORMATS[name].parse(phase.track(files), ctx)
            phase.count(files=len(files), concepts=concepts(ctx) - before, triples=len(ctx.graph) - triples,
                        **problems(ctx, since))
    if sections:
        with console.phase("versions", f"{len(sections)} section(s)") as phase:
            versions.emit_versions(ctx, sections)
            phase.count(versions=sum(map(len, sections)))


def assemble(sources: Sequence[Path], base: str = DEFAULT_BASE, forced: str | None = None,
             progress: Reporter | None = None, as_of: date | None = None) -> BuildContext:
    """Parse every source and run the link steps: the whole asserted graph, in memory."""
    console = as_console(progress)
    ctx = BuildContext(IRIs(base))
    parse_sources(sources or [SHIPPED_DATA], ctx, forced, console, as_of)
    for step in link_steps():
        since = len(ctx.diagnostics.items)
        with console.phase("link", step.__name__, unit="step") as phase:
            step(ctx)
            phase.count(triples=len(ctx.graph), **problems(ctx, since))
    return ctx


def rejected(verdict: Verdict, ctx: BuildContext, strict: bool) -> bool:
    """The gate rejected the graph, or --strict and anything at all went wrong: the output is not swapped in."""
    return verdict.rejects(strict) or (strict and any(d.severity in ("error", "warning") for d in ctx.diagnostics))


def exit_code(input_errors: bool, kept: bool) -> int:
    if input_errors:
        return EXIT_INPUT  # bad input outranks what the gate found in the graph made from it
    return EXIT_OK if kept else EXIT_DATA


def build(sources: Sequence[Path], out: Path, base: str = DEFAULT_BASE, strict: bool = False,
          forced: str | None = None, progress: Reporter | None = None, reasoner: str = "fast",
          previous: Path | None = None, as_of: date | None = None, keep_graph: bool = True) -> BuildResult:
    """Assemble the graph from ``sources`` and write it (see ``write_build``); ``previous``: an earlier build to
    record the changes since; ``keep_graph`` False: ``result.context`` lets its graph go once the gate has run.
    One build at a time writes into ``out`` (``layout.locked``)."""
    if previous is not None:
        check_previous(previous, base)
    console = as_console(progress)
    with layout.locked(out) as target:
        with paused_gc():  # the graph's millions of objects would be walked by every full collection
            ctx = assemble(sources, base, forced, console, as_of)
        options = OutputOptions(strict=strict, reasoner=reasoner, previous=previous, keep_graph=keep_graph)
        return write_into(target, ctx, sources, options, console)


def check_previous(previous: Path, base: str) -> None:
    """Refuse a --previous folder that is not a build, or one of another base, before the long work starts."""
    from .changes.snapshot import check_folder
    from .changes.step import check_log

    check_folder(previous, IRIs(base).base)
    check_log(previous)


def write_build(ctx: BuildContext, out: Path, sources: Sequence[Path], options: OutputOptions,
                progress: Reporter | None = None) -> BuildResult:
    """Write ``ctx`` as a build into ``out`` (see ``write_into``), holding ``out``'s lock."""
    with layout.locked(out) as target:
        return write_into(target, ctx, sources, options, as_console(progress))


def write_into(target: layout.Target, ctx: BuildContext, sources: Sequence[Path], options: OutputOptions,
               console: Console) -> BuildResult:
    """Write into a staging folder, run the output steps, and swap it in (``layout.swap``) when it may be kept;
    a rejected build leaves ``DIR`` alone and is linked as ``DIR.rejected``, its reports included, to be read."""
    input_errors, triples = bool(ctx.diagnostics.errors), len(ctx.graph)
    staging = layout.stage(target)
    try:
        with console.phase("write", layout.GRAPH) as phase, paused_gc():
            write_outputs(ctx, staging, sources)
            phase.count(triples=triples)
        verdict = run_output_steps(ctx, staging, options, console)
        if not options.keep_graph:
            ctx.release()
        kept = not rejected(verdict, ctx, options.strict)
        layout.write_report(staging, ctx.diagnostics, asdict(verdict))
        identity = None
        if kept:  # the query store every server process opens read-only (a rejected build is never served)
            with console.phase("index", layout.STORE) as phase:
                manifest = index_build(staging)
                phase.count(triples=int(str(manifest["store_triples"])))
            identity = str(manifest["build_id"])
        with console.phase("swap", target.out.name if kept else target.rejected.name) as phase:
            folder = layout.swap(target, staging, kept, identity)
            phase.detail += f" -> build {folder.name}"
        return BuildResult(ctx, target.out, kept, exit_code(input_errors, kept), verdict, folder,
                           console.phases, console.seconds, triples)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # nothing left after a swap; the half-written build otherwise


def run_output_steps(ctx: BuildContext, folder: Path, options: OutputOptions, console: Console) -> Verdict:
    """Inference, then the gate; each a phase with its counts."""
    verdict = Verdict()
    for step in output_steps():
        since = len(ctx.diagnostics.items)
        with console.phase(OUTPUT_PHASES.get(step.__name__, step.__name__), unit="step") as phase:
            found = step(ctx, folder, options)
            if found is None:
                inferred = folder / layout.INFERRED
                phase.count(**({"inferred": layout.triple_lines(inferred)} if inferred.is_file() else {}),
                            **problems(ctx, since))
            else:
                verdict = found
                phase.count(violations=found.violations, warnings=found.warnings, notes=found.notes)
    return verdict


def rejected_dir(out: Path) -> Path:
    return layout.rejected_dir(out)


def write_outputs(ctx: BuildContext, folder: Path, sources: Sequence[Path]) -> None:
    write_text(folder / layout.GRAPH, graph_turtle(ctx.graph))
    layout.write_manifest(folder, {
        "base": ctx.iris.base,
        "built": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "sources": [str(s) for s in (sources or [SHIPPED_DATA])],
        "triples": len(ctx.graph),
    })
    terms = NTerms()  # a subject's N-Triples form (its n3()) made once
    provenance = sorted({f"{terms[s]} {terms[p]}\t{loc}" for (s, p, _o), loc in ctx.provenance.items()})
    layout.write_lines(folder / layout.PROVENANCE, provenance or [""])  # no provenance: one empty line
