"""A build's query store, site index and identity (``DIR/store/``, ``DIR/site-index.bin``, the build id), written by
``medkg build`` and ``medkg index``.

The build id is a digest of the build's content (its graph files and its site index, in a fixed order), not of the
time it was made:
two builds of the same inputs have the same id, and any change of content gives a new one. It keys ETags,
``/-/health`` and the ``X-Medkg-Build`` response header.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..siteindex import write_site_index
from ..store import EXTRA_GRAPHS_FILE, MANIFEST, write_store
from . import layout
from .output import load_manifest, write_text

CONTENT_FILES = (layout.GRAPH, layout.INFERRED, layout.CHANGES, EXTRA_GRAPHS_FILE, layout.SITE_INDEX)
ID_LENGTH = 16  # hex digits of SHA-256: 64 bits, plenty to tell builds apart


def content_id(folder: Path) -> str:
    """SHA-256 over each content file's name, size and bytes (absent files are left out), shortened."""
    digest = hashlib.sha256()
    for name in CONTENT_FILES:
        path = folder / name
        if not path.is_file():
            continue
        digest.update(f"{name}\0{path.stat().st_size}\0".encode())
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()[:ID_LENGTH]


def index_build(folder: Path, store: bool = True) -> dict[str, object]:
    """Write the query store (unless ``store`` is False: it is there already) and the site index of the build in
    ``folder``, and record its id and size in the manifest."""
    manifest = load_manifest(folder)
    triples = write_store(folder) if store else manifest["store_triples"]
    write_site_index(folder)
    manifest.update(build_id=content_id(folder), store_triples=triples, site_index=layout.SITE_INDEX)
    write_text(folder / MANIFEST, json.dumps(manifest, indent=2) + "\n")
    return manifest
