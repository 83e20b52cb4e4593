"""The ``medkg`` command line. Exit codes: 0 ok, 1 data problems (validation, or warnings under --strict),
2 bad input or usage, 3 another build is writing into the same output folder."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from . import annotate_cli, changes_cli, formats, nginx, serve, settings, validate_cli
from .namespaces import DEFAULT_BASE
from .pipeline import layout
from .pipeline.build import EXIT_BUSY, EXIT_INPUT, EXIT_OK, BuildResult, build
from .pipeline.console import Console
from .pipeline.diagnostics import InputError
from .pipeline.layout import BuildLocked


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def _configure_build(p: argparse.ArgumentParser) -> None:
    p.add_argument("sources", nargs="*", type=Path, help="files or folders to read (default: the shipped data/)")
    p.add_argument("--out", "-o", type=Path, required=True, help="output folder (replaced atomically)")
    p.add_argument("--base", default=DEFAULT_BASE, help=f"base IRI of the data (default {DEFAULT_BASE})")
    p.add_argument("--strict", action="store_true", help="fail (exit 1) on any warning")
    p.add_argument("--format", dest="forced", default=None, help="read every source as this format")
    output = p.add_mutually_exclusive_group()
    output.add_argument("--quiet", "-q", action="store_true",
                        help="print only errors and warnings (no phases, progress or summary)")
    output.add_argument("--json", action="store_true",
                        help="print one JSON document on stdout (outcome, phases, diagnostics) and nothing else")
    p.add_argument("--reasoner", choices=["fast", "owlrl"], default=settings.value("REASONER"),
                   help="inference: fast (direct rules, proven equal to owlrl) or owlrl (the reference; slow); "
                        "default: the REASONER setting (MEDKG_REASONER), else fast")
    p.add_argument("--as-of", type=_day, default=None, metavar="YYYY-MM-DD",
                   help="of several versions of a section among the sources, build the one in force on this date "
                        "(default: the latest)")
    p.add_argument("--previous", type=Path, default=None, metavar="OLD_DIR",
                   help="an earlier build: store what changed since it (changes.ttl, changes.json) in this one")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _run_build(args: argparse.Namespace) -> int:
    console = Console("json" if args.json else "quiet" if args.quiet else "normal")
    result = build(args.sources, args.out, base=args.base, strict=args.strict, forced=args.forced,
                   reasoner=args.reasoner, previous=args.previous, as_of=args.as_of, progress=console,
                   keep_graph=False)
    if args.json:
        sys.stdout.write(json.dumps(build_summary(result), indent=2) + "\n")
        return result.exit_code
    for diagnostic in result.diagnostics:
        if diagnostic.severity != "info":  # notes are in report.txt and validation.txt
            print(diagnostic, file=sys.stderr)
    if not args.quiet:
        print(f"medkg: {summary_text(result)}", file=sys.stderr)
    return result.exit_code


def build_summary(result: BuildResult) -> dict[str, Any]:
    """What ``medkg build --json`` prints: the outcome, each phase with its counts and time, every diagnostic."""
    counts = layout.counts(result.diagnostics)
    return {"out": str(result.out), "written": result.written, "exit_code": result.exit_code,
            "build": result.build_id, "folder": str(result.folder), "triples": result.triples,
            "seconds": round(result.seconds, 3), "counts": counts, "gate": asdict(result.verdict),
            "phases": [p.as_dict() for p in result.phases], "diagnostics": [d.as_dict() for d in result.diagnostics]}


def summary_text(result: BuildResult) -> str:
    """One line that agrees with the lines printed before it: errors and warnings are counted as printed."""
    counts, verdict = layout.counts(result.diagnostics), result.verdict
    where = f"wrote {result.out}" if result.written else \
        f"kept the previous {result.out}: build rejected (its output: {layout.rejected_dir(result.out)})"
    gate = f"gate: {verdict.violations} violation(s), {verdict.warnings} warning(s), {verdict.notes} note(s)"
    return (f"{where} (build {result.build_id}): {result.triples:,} triples; "
            f"{counts['error']} error(s), {counts['warning']} warning(s) [{gate}]; "
            f"notes in report.txt and validation.txt; {result.seconds:.1f} s")


def _configure_export(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", type=Path, help="a build output folder")
    p.add_argument("--format", "-f", choices=[*sorted(formats.EXPORT), formats.SSSOM.name],
                   default="ttl", help="an RDF syntax, or sssom: the mappings as an SSSOM/TSV mapping set "
                                       "(asserted graph)")
    p.add_argument("--graph", choices=["asserted", "inferred", "all"], default="asserted",
                   help="the asserted graph, the inferred triples, or both")
    p.add_argument("-o", "--output", type=Path, default=None, help="write here instead of stdout")


def _run_export(args: argparse.Namespace) -> int:
    from .pipeline.export import serialize
    from .pipeline.output import load_graph, load_manifest, write_text
    from .pipeline.sssom import sssom_tsv

    if args.format == formats.SSSOM.name:
        manifest = load_manifest(args.dir)
        text = sssom_tsv(load_graph(args.dir, "asserted"), manifest["base"], manifest.get("built"))
    else:
        text = serialize(load_graph(args.dir, args.graph), args.format)
    if args.output is None:
        sys.stdout.write(text)
    else:
        write_text(args.output, text)
    return EXIT_OK


def _configure_stats(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", type=Path, help="a build output folder")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")


def _run_stats(args: argparse.Namespace) -> int:
    from .pipeline.stats import as_json, collect, render

    stats = collect(args.dir)
    sys.stdout.write(as_json(stats) if args.json else render(stats))
    return EXIT_OK


def _configure_index(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", type=Path, help="a build output folder (made by 'medkg build', perhaps an older one)")


def _run_index(args: argparse.Namespace) -> int:
    from .pipeline.index import index_build

    problem = layout.problem(args.dir)
    if problem:
        print(f"medkg: error: {problem}", file=sys.stderr)
        return EXIT_INPUT
    manifest = index_build(args.dir)
    print(f"medkg: wrote {args.dir / layout.STORE} and {args.dir / layout.SITE_INDEX}: {manifest['store_triples']} "
          f"triples, build {manifest['build_id']}", file=sys.stderr)
    return EXIT_OK


COMMANDS: list[Command] = [
    Command("build", "build the graph from sources into a folder", _configure_build, _run_build),
    Command("export", "serialize a build to Turtle, N-Triples, JSON-LD or RDF/XML", _configure_export, _run_export),
    Command("stats", "concepts per scheme, label and definition coverage, relations, warnings", _configure_stats,
            _run_stats),
    Command("index", "write the query store and site index of a build folder (one an older medkg made)",
            _configure_index, _run_index),
    Command("serve", "serve a build (SPARQL endpoint, linked data) under a production server", serve.configure,
            serve.run),
    Command("nginx-config", "print an nginx configuration for N 'medkg serve' nodes (retries, passive health checks)",
            nginx.configure, nginx.run),
    Command("validate", "validate RDF files (Turtle, RDF/XML, JSON-LD, N-Triples) against medkg's SHACL shapes",
            validate_cli.configure, validate_cli.run),
    Command("diff", "what changed between two builds: concepts, provisions, cross-references, and the rules that "
            "did it (exit 0 nothing, 1 changes, 2 bad input)", changes_cli.configure, changes_cli.run),
    Command("annotate", "mark the defined terms of a text file, offline (as GET /annotate)", annotate_cli.configure,
            annotate_cli.run),
]


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="medkg", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.configure(sub.add_parser(command.name, help=command.help, description=command.help))
    return top


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    run = next(c.run for c in COMMANDS if c.name == args.command)
    try:
        return run(args)
    except BuildLocked as exc:
        print(f"medkg: error: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except (InputError, FileNotFoundError, ValueError) as exc:
        print(f"medkg: error: {exc}", file=sys.stderr)
        return EXIT_INPUT


if __name__ == "__main__":
    sys.exit(main())
