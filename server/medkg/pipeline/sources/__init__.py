"""Input formats. Importing a module here registers its format in ``registry.FORMATS``; order is detection order."""

from __future__ import annotations

import importlib

FORMAT_MODULES: tuple[str, ...] = (
    "glossary_records",
    "healthcare_gov",
    "ecfr_markdown",
    "uscode",
    "cfr_print",
    "rdf_files",  # last: only what no other format claims is read as RDF
)


def load_formats() -> None:
    for name in FORMAT_MODULES:
        importlib.import_module(f"{__name__}.{name}")
