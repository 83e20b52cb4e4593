"""Helpers for the glossary tests: quiet builds, record and post files written into a temporary folder."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from medkg.namespaces import DEFAULT_BASE
from medkg.pipeline.build import assemble
from medkg.pipeline.context import BuildContext
from rdflib import URIRef

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "data" / "glossary-provider-sponsored-organization.txt"
BASE = DEFAULT_BASE


def quiet(_message: str) -> None:
    """Progress messages are not what these tests look at."""


def build(paths: Sequence[Path]) -> BuildContext:
    return assemble(list(paths), progress=quiet)


def record(term: str, normalized: str, definition: str, publisher: str = "Example.org", **extra: str | list[str],
           ) -> str:
    """One flattened record: ``- key`` / ``- value`` pairs (lists repeat the key)."""
    pairs: list[tuple[str, str]] = [("term", term), ("normalized_term", normalized), ("definition", definition)]
    for key, value in extra.items():
        pairs.extend((key, v) for v in ([value] if isinstance(value, str) else value))
    pairs += [("publisher", publisher), ("license", "CC-BY-4.0")]
    return "".join(f"- {k}\n- {v}\n" for k, v in pairs)


def post(title: str, body: str, lang: str = "en", published: str | None = None) -> str:
    """A HealthCare.gov glossary post: YAML front matter, then the Markdown body."""
    flag = f"published: {published}\n" if published is not None else ""
    return (f"---\n{flag}title: '{title}'\nlang: {lang}\nlayout: glossary-word\ntags:\n  - glossary\n"
            f"categories:\n  - glossary\n---\n{body}\n")


def concept(scheme: str, slug: str) -> URIRef:
    return URIRef(f"{BASE}concept/{scheme}/{slug}")
