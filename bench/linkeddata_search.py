"""Benchmark: autocomplete and search from the in-memory index, against a SPARQL label search on the same store.

Builds the shipped data plus the shared corpora (or serves ``--build DIR``), loads it as the server does, then for
every prefix a person types of a set of real labels ("p", "pr", "pro", …) times (a) ``SearchIndex.suggest`` —
what ``/suggest`` answers — and (b) the peer: a SPARQL query on the same pyoxigraph store finding labels that
contain the typed text, case-insensitively, ordered by length (the query text is constant; the typed text is
bound by substitution). Each is timed over ``--runs`` runs; reports the median per keystroke and the ratio
peer / ours measured in the same invocation. Also times a whole HTTP round trip of ``/suggest`` through the Flask
test client, and a concept page and its Turtle document, rendered and from the document cache.

    .venv/bin/python bench/linkeddata_search.py [--build DIR] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from medkg.app import create_app  # noqa: E402
from medkg.extensions import SITE  # noqa: E402
from medkg.linkeddata.site import Site  # noqa: E402
from medkg.pipeline.build import build  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
TYPED = ["Provider-sponsored organization", "Capitation", "Health maintenance organization", "Premium",
         "Medicare Advantage", "Grievance", "Coinsurance", "MA organization"]
PEER = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?c ?l ?q WHERE {
  ?c skos:prefLabel|skos:altLabel|skos:hiddenLabel ?l .
  FILTER(CONTAINS(LCASE(STR(?l)), LCASE(STR(?q))))
} ORDER BY STRLEN(STR(?l)) ?l LIMIT 10
"""


def keystrokes() -> list[str]:
    return [word[:n] for word in TYPED for n in range(1, min(len(word), 8) + 1)]


def median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def make_build(folder: Path) -> Path:
    sources = [ROOT / "data", *(SHARED / n for n in ("healthcare-gov-glossary", "ecfr-md-42cfr-part422",
                                                    "uscode-title42-partC") if (SHARED / n).exists())]
    out = folder / "out"
    result = build(sources, out, progress=lambda _m: None)
    if not result.written:
        sys.exit(f"build rejected (exit {result.exit_code}); pass --build DIR")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.build or make_build(Path(tmp))
        app = create_app({"BUILD_DIR": str(folder)})
        site: Site = app.extensions[SITE]
        report(app, site, args.runs)


def report(app, site: Site, runs: int) -> None:  # type: ignore[no-untyped-def]
    store, q = site.dataset.store, ox.Variable("q")
    print(f"build: {len(store)} quads, {len(site.index.entries)} index entries; {runs} runs per measurement")
    ours, peer = [], []
    for typed in keystrokes():
        ours.append(median_ms(lambda typed=typed: site.index.suggest(typed), runs))  # type: ignore[misc]
        peer.append(median_ms(lambda typed=typed: list(store.query(  # type: ignore[misc]
            PEER, substitutions={q: ox.Literal(typed)}, use_default_graph_as_union=True)), runs))
    client = app.test_client()
    http = [median_ms(lambda typed=typed: client.get("/suggest", query_string={"q": typed}), runs)  # type: ignore[misc]
            for typed in keystrokes()]
    print(f"keystrokes: {len(ours)}")
    print(f"suggest (in-memory index): median {statistics.median(ours):.3f} ms, max {max(ours):.3f} ms")
    print(f"peer SPARQL CONTAINS query: median {statistics.median(peer):.3f} ms, max {max(peer):.3f} ms")
    print(f"ratio peer/ours (median of per-keystroke ratios): "
          f"{statistics.median(p / o for p, o in zip(peer, ours, strict=True)):.1f}x")
    print(f"/suggest HTTP round trip (Flask test client): median {statistics.median(http):.3f} ms")
    path = "/concept/42-cfr-422/422.350/provider-sponsored-organization"
    uncached = create_app({"BUILD_DIR": str(site.dataset.folder), "PAGE_CACHE_SIZE": 0}).test_client()
    for suffix in (".html", ".ttl"):
        rendered = median_ms(lambda s=suffix: uncached.get(path + s), runs)  # type: ignore[misc]
        kept = median_ms(lambda s=suffix: client.get(path + s), runs)  # type: ignore[misc]
        print(f"{path}{suffix}: rendered {rendered:.2f} ms, from the document cache {kept:.2f} ms")


if __name__ == "__main__":
    main()
