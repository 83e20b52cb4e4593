"""Where the files that travel inside the package are: the ontology, the SHACL shapes, the shipped sample data,
the page templates and static files, the SPARQL examples (read with importlib.resources, never by climbing out).

In a checkout, ``server/medkg/ontology``, ``shapes`` and ``data`` are links to the top-level folders of the
client's layout; a wheel carries copies of them inside the package.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def package_path(*parts: str) -> Path:
    """A file or folder inside the installed ``medkg`` package (installed unzipped, as pip does)."""
    return Path(str(files("medkg").joinpath(*parts)))


ONTOLOGY_DIR = package_path("ontology")
ONTOLOGY_FILE = ONTOLOGY_DIR / "medkg.ttl"
SKOS_AXIOMS_FILE = ONTOLOGY_DIR / "skos-axioms.ttl"
SHAPES_DIR = package_path("shapes")
SHIPPED_DATA = package_path("data")
STATIC_DIR = package_path("static")
SPARQL_EXAMPLES_DIR = package_path("sparql", "examples")
