"""``medkg annotate FILE``: the defined terms of a text file, offline, from a build folder (what /annotate answers)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import settings
from .pipeline.build import EXIT_INPUT, EXIT_OK


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, help="a UTF-8 text file ('-': standard input)")
    p.add_argument("--build", type=Path, default=Path(settings.value("BUILD_DIR")),
                   help="a build output folder (default: the BUILD_DIR setting)")
    p.add_argument("--format", choices=["json", "html"], default="json",
                   help="json: the spans (as GET /annotate); html: the text with each term a link")
    p.add_argument("--scheme", action="append", default=[], help="only this vocabulary's terms (repeatable)")
    p.add_argument("--provision", default="", help="only the definitions that apply in this provision")


def run(args: argparse.Namespace) -> int:
    from .linkeddata.annotator import Annotator, Unknown, marked_html, select
    from .linkeddata.site import load_site
    from .serve import check_build
    from .store import open_dataset

    problem = check_build(args.build)
    raw = sys.stdin.buffer.read() if str(args.file) == "-" else args.file.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        problem = problem or f"{args.file}: not UTF-8 (byte {exc.start})"
    if problem:
        print(f"medkg: error: {problem}", file=sys.stderr)
        return EXIT_INPUT
    site = load_site(open_dataset(args.build))
    annotator = Annotator(site)
    try:
        spans = annotator.annotate(text, select(site, annotator, args.scheme, args.provision))
    except Unknown as exc:
        print(f"medkg: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    if args.format == "html":
        sys.stdout.write(f'<!doctype html>\n<meta charset="utf-8">\n<pre>{marked_html(text, spans)}</pre>\n')
    else:
        sys.stdout.write(json.dumps({"count": len(spans), "spans": spans}, ensure_ascii=False, indent=1) + "\n")
    return EXIT_OK
