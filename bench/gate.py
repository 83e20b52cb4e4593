"""Benchmark of the quality gate (inference + SHACL validation) on synthetic graphs of 1k, 10k and 100k concepts.

Each size runs in its own process (so peak memory is that size's alone): generate the graph (``generate.py``,
fixed seed), then run the two output steps of ``medkg build`` as the build runs them — ``infer_step`` (fast
reasoner, writes inferred.ttl) and ``validate_step`` (SPARQL engine, writes validation.ttl/.txt, diagnostics) —
several times, and report medians. At the peer size the same process also times the reference engines, pySHACL
(validation) and owlrl (inference), checks they give the same results as the fast ones, and the ratios are
computed from those same-run medians. The bench exits 1 when a fast engine's results differ from its reference's.

    .venv/bin/python bench/gate.py --sizes 1000 10000 100000 --runs 3 --peer-runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402
from medkg.pipeline import layout  # noqa: E402
from medkg.pipeline.inference import (  # noqa: E402
    infer_fast,
    infer_owlrl,
    infer_step,
    load_schema,
)
from medkg.pipeline.ntriples import ntriples_turtle  # noqa: E402
from medkg.pipeline.shacl_report import (  # noqa: E402
    load_ontology,
    load_shapes,
    report_graph,
    result_keys,
    validate_fast,
    validate_reference,
)
from medkg.pipeline.steps import OutputOptions  # noqa: E402
from medkg.pipeline.validation import validate_step  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(run: Callable[[], object], runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def one_size(concepts: int, runs: int, peer: bool, peer_runs: int) -> dict[str, Any]:
    ctx = generate(concepts)
    out: dict[str, Any] = {"concepts": concepts, "triples": len(ctx.graph), "rss_graph_mb": round(peak_mb())}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # the build writes graph.ttl before its output steps; the gate reads it back with pyoxigraph
        (folder / layout.GRAPH).write_text(ntriples_turtle(ctx.graph), encoding="utf-8")
        runs_s: dict[str, list[float]] = {"inference": [], "validation": []}
        for _ in range(runs):
            ctx.diagnostics.items.clear()
            runs_s["inference"].append(timed(lambda: infer_step(ctx, folder, OutputOptions()), 1)[0])
            runs_s["validation"].append(timed(lambda: validate_step(ctx, folder, OutputOptions()), 1)[0])
        gate = [a + b for a, b in zip(runs_s["inference"], runs_s["validation"], strict=True)]
        out.update({"inference_s": statistics.median(runs_s["inference"]),
                    "validation_s": statistics.median(runs_s["validation"]),
                    "gate_s": statistics.median(gate), "gate_runs_s": [round(g, 2) for g in gate]})
        out["inferred_triples"] = sum(1 for line in (folder / layout.INFERRED).open() if line.startswith("<"))
        out["diagnostics"] = dict(Counter(d.severity for d in ctx.diagnostics))
    out["peak_rss_mb"] = round(peak_mb())
    if peer:
        out.update(peers(ctx.graph, peer_runs))
    return out


def peers(graph: Any, runs: int) -> dict[str, Any]:
    """pySHACL and owlrl on the same graph, and proof that they agree with the fast engines."""
    shapes, ontology, schema = load_shapes(), load_ontology(), load_schema()
    last: dict[str, Any] = {}

    def keep(name: str, run: Callable[[], object]) -> Callable[[], None]:
        return lambda: last.__setitem__(name, run())

    result: dict[str, Any] = {}
    result["pyshacl_s"], _ = timed(keep("pyshacl", lambda: validate_reference(graph, shapes, ontology)), runs)
    result["fast_validation_engine_s"], _ = timed(keep("fast", lambda: validate_fast(graph, shapes, ontology)), runs)
    result["owlrl_s"], _ = timed(keep("owlrl", lambda: infer_owlrl(graph, schema)), runs)
    result["fast_inference_engine_s"], _ = timed(keep("infer", lambda: infer_fast(graph, schema)), runs)
    fast_keys = result_keys(report_graph(last["fast"], shapes))
    result["validation_equal"] = fast_keys == result_keys(last["pyshacl"])
    result["inference_equal"] = set(last["infer"]) == set(last["owlrl"])
    result["validation_speedup"] = round(result["pyshacl_s"] / result["fast_validation_engine_s"])
    result["inference_speedup"] = round(result["owlrl_s"] / result["fast_inference_engine_s"])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--peer-size", type=int, default=1000)
    parser.add_argument("--peer-runs", type=int, default=3)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        result = one_size(args.one, args.runs, args.one == args.peer_size, args.peer_runs)
        print(json.dumps(result))
        return 1 if differ(result) else 0
    failed = False
    for size in args.sizes:
        command = [sys.executable, __file__, "--one", str(size), "--runs", str(args.runs),
                   "--peer-size", str(args.peer_size), "--peer-runs", str(args.peer_runs)]
        done = subprocess.run(command, capture_output=True, text=True, env={**os.environ})
        if not done.stdout.strip():
            print(f"gate.py: size {size} failed (exit {done.returncode}):\n{done.stderr}", file=sys.stderr)
            return 2
        line = done.stdout.strip().splitlines()[-1]
        print(line, flush=True)
        failed = bool(differ(json.loads(line))) or done.returncode != 0 or failed
    return 1 if failed else 0


def differ(result: dict[str, Any]) -> list[str]:
    """The engines whose results differ from their reference library's (the bench fails on any)."""
    found = [name for name in ("validation_equal", "inference_equal") if result.get(name) is False]
    for name in found:
        print(f"gate.py: {name} is false at {result['concepts']} concepts: the fast engine and the reference "
              "library disagree", file=sys.stderr)
    return found


if __name__ == "__main__":
    sys.exit(main())
