"""Tables of contents of a title, part or subpart: its subparts and sections in numeric order, with headings."""

from __future__ import annotations

from typing import Any

from rdflib import DCTERMS, Literal, URIRef

from ..namespaces import MEDKG
from .facts import value
from .order import number_key
from .site import Site
from .terms import triples

LEVEL_RANK = {"part": 0, "subpart": 1, "section": 2}  # subparts before the sections filed under the part itself
CONTAINERS = ("title", "part", "subpart")


def toc(site: Site, node: URIRef, depth: int = 2) -> list[dict[str, Any]]:
    """The provisions directly under ``node`` (and, ``depth`` levels down, theirs), in the order the law numbers
    them; each with its heading, "[Reserved]" when the section is, and whether this build holds its text."""
    rows = [_row(site, kid) for kid, _, _ in triples(site.dataset, None, DCTERMS.isPartOf, node,
                                                    graph=site.dataset.asserted_graph) if isinstance(kid, URIRef)]
    rows = [r for r in rows if r["level"] in LEVEL_RANK]
    rows.sort(key=lambda r: (LEVEL_RANK[r["level"]], number_key(r["designator"])))
    for row in rows:
        if depth > 1 and row["level"] in CONTAINERS:
            row["children"] = toc(site, URIRef(row["link"].iri), depth - 1)
    return rows


def _row(site: Site, node: URIRef) -> dict[str, Any]:
    level, designator, heading = (_text(site, node, p) for p in (MEDKG.provisionLevel, MEDKG.designator,
                                                                 DCTERMS.title))
    held = level in CONTAINERS or heading is not None or any(True for _ in triples(site.dataset, node, MEDKG.text))
    reserved = heading is not None and heading.strip().strip("[]. ").lower() == "reserved"
    name = {"part": f"Part {designator}", "subpart": f"Subpart {designator}", "section": f"§ {designator}"}.get(
        level or "", designator or "")
    return {"link": value(site, node), "level": level, "designator": designator or "", "name": name,
            "heading": None if reserved else heading, "reserved": reserved, "held": held, "children": []}


def _text(site: Site, node: URIRef, predicate: URIRef) -> str | None:
    found = sorted(str(o) for _, _, o in triples(site.dataset, node, predicate) if isinstance(o, Literal))
    return found[0] if found else None
