"""``medkg diff OLD NEW``: what changed between two builds. Exit 0 nothing changed, 1 something did, 2 bad input."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .pipeline.build import EXIT_DATA, EXIT_OK, write_text
from .pipeline.changes import compare, snapshot
from .pipeline.changes.render import RENDERERS


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("old", type=Path, help="the earlier build folder")
    p.add_argument("new", type=Path, help="the later build folder")
    p.add_argument("--format", "-f", choices=sorted(RENDERERS), default="text",
                   help="text (words [-struck-] {+inserted+}), json, ttl (the changes vocabulary) or html")
    p.add_argument("-o", "--output", type=Path, default=None, help="write here instead of stdout")


def run(args: argparse.Namespace) -> int:
    report = compare.compare(snapshot.load(args.old), snapshot.load(args.new))
    text = RENDERERS[args.format](report)
    if args.output is None:
        sys.stdout.write(text)
    else:
        write_text(args.output, text)
    return EXIT_DATA if report.changes else EXIT_OK
