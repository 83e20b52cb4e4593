"""Whole-graph downloads written from the build with pyoxigraph's streaming serializers: nothing parsed into rdflib,
nothing held in memory. Each file is written once per build into a cache folder every worker shares (temporary name,
then rename), and sent from there; a cache folder is removed once its build is gone (``prune_caches``)."""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from itertools import chain
from pathlib import Path

import pyoxigraph as ox
from rdflib import SKOS, Graph, URIRef

from ..namespaces import MEDKG, PREFIXES
from ..pipeline import layout
from ..pipeline.context import new_graph
from ..pipeline.diagnostics import InputError
from ..pipeline.mappings import RELATIONS
from ..pipeline.output import load_manifest
from ..store import Dataset, manifest_etag
from .terms import triples

OX_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}
MAPPING_FACTS = (*RELATIONS, MEDKG.mappingEvidence, MEDKG.broaderEvidence)  # what SSSOM rows are made of
ABOUT_MAPPED = (SKOS.inScheme, SKOS.prefLabel)  # … and what they say of each mapped concept


ORIGIN = "build.txt"  # in each cache folder: the build folder and the identity whose downloads it holds


def cache_root() -> Path:
    return Path(tempfile.gettempdir()) / "medkg-dumps"


def cache_folder(dataset: Dataset) -> Path:
    """Where this build's downloads are kept: one folder per build identity, shared by every process."""
    origin = f"{dataset.folder.resolve()}\n{dataset.etag}\n"
    folder = cache_root() / hashlib.sha256(origin.encode()).hexdigest()[:16]
    if not (folder / ORIGIN).is_file():
        folder.mkdir(parents=True, exist_ok=True)
        _once(folder / ORIGIN, lambda temporary: temporary.write_text(origin))
    return folder


def prune_caches() -> list[Path]:
    """Remove the download folders of builds that are gone (their folder deleted, or now holding another build);
    the folders removed. A folder without its origin (being made, or not ours) is left alone."""
    removed = []
    for folder in sorted(cache_root().glob("*/")):
        try:
            build, etag = (folder / ORIGIN).read_text().splitlines()[:2]
        except (OSError, ValueError):
            continue
        if not _holds(Path(build), etag):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _holds(folder: Path, etag: str) -> bool:
    try:
        return manifest_etag(load_manifest(folder)) == etag
    except (OSError, ValueError, InputError):
        return False


def dump_file(dataset: Dataset, which: str, suffix: str) -> Path:
    """The file of graph ``which`` (asserted, inferred, all) in format ``suffix``, written on first use."""
    prefixes = PREFIXES if suffix == "ttl" else None
    return _once(cache_folder(dataset) / f"medkg-{which}.{suffix}", lambda temporary: ox.serialize(
        graph_triples(dataset, which), str(temporary), format=OX_FORMATS[suffix], prefixes=prefixes))


def gzipped(path: Path) -> Path:
    """``path`` gzipped beside it (level 6, no time stamp: the same bytes each time), written on first use."""
    def write(temporary: Path) -> None:
        with path.open("rb") as source, temporary.open("wb") as out, \
                gzip.GzipFile(filename="", mode="wb", fileobj=out, compresslevel=6, mtime=0) as packed:
            shutil.copyfileobj(source, packed, 1 << 20)

    return _once(path.with_name(path.name + ".gz"), write)


def _once(path: Path, write: Callable[[Path], object]) -> Path:
    """``path``, written by ``write`` to a temporary name and renamed, unless it is there already."""
    if not path.is_file():
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            write(temporary)
            temporary.replace(path)
        finally:
            temporary.unlink(missing_ok=True)
    return path


def graph_triples(dataset: Dataset, which: str) -> Iterator[ox.Triple]:
    """The asserted graph and the union from the store; the inferred triples as the build wrote them (the store
    keeps only those not also asserted)."""
    if which == "inferred":
        return (ox.Triple(q.subject, q.predicate, q.object)
                for q in ox.parse(path=str(dataset.folder / layout.INFERRED), format=ox.RdfFormat.TURTLE))
    graphs = [dataset.asserted_graph] if which == "asserted" else dataset.default_graphs
    quads = chain.from_iterable(dataset.store.quads_for_pattern(None, None, None, g) for g in graphs)
    return (q.triple for q in quads)


def mapping_graph(dataset: Dataset) -> Graph:
    """The asserted triples SSSOM rows are made of: the mappings, their evidence, the schemes and preferred labels
    of the mapped concepts (a small graph, not the whole one)."""
    graph, graph_name = new_graph(), dataset.asserted_graph
    for prop in MAPPING_FACTS:
        for triple in triples(dataset, predicate=prop, graph=graph_name):
            graph.add(triple)
    for concept in {str(s) for s, p, _ in graph if p in RELATIONS} | {str(o) for _, p, o in graph if p in RELATIONS}:
        for prop in ABOUT_MAPPED:
            for triple in triples(dataset, subject=URIRef(concept), predicate=prop, graph=graph_name):
                graph.add(triple)
    return graph

