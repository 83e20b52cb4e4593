"""A small picture of a concept's neighbourhood, laid out on the server (no JavaScript)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .facts import Value

WIDTH, HEIGHT, RADIUS = 640, 420, 160
MAX_NEIGHBOURS = 14
# Where each kind of link sits around the centre (degrees, 0 = right, 90 = down): broader above, narrower below.
ANGLES = {"broader": -90.0, "narrower": 90.0, "related": 180.0, "mentions": 150.0, "mentioned by": 210.0,
          "cites": 45.0, "exact match": 0.0, "close match": 20.0, "related match": -20.0, "broad match": -45.0,
          "narrow match": 25.0}


@dataclass(frozen=True)
class Node:
    x: float
    y: float
    label: str
    href: str | None
    relation: str


def neighbourhood(title: str, relations: list[tuple[str, list[Value]]]) -> dict[str, object]:
    """Coordinates for the centre and up to MAX_NEIGHBOURS linked concepts, spread around their relation's angle."""
    cx, cy = WIDTH / 2, HEIGHT / 2
    groups = _first_relation_only(relations)
    nodes: list[Node] = []
    budget = MAX_NEIGHBOURS
    for name, items in groups:
        shown = items[:max(1, budget // max(1, len(groups)))] if budget > 0 else []
        budget -= len(shown)
        base = ANGLES.get(name, 0.0)
        for i, item in enumerate(shown):
            angle = math.radians(base + (i - (len(shown) - 1) / 2) * 22)
            x, y = cx + RADIUS * 1.45 * math.cos(angle), cy + RADIUS * math.sin(angle)
            nodes.append(Node(round(x, 1), round(y, 1), _short(item.text), item.href, name))
    ys = [cy, *(n.y for n in nodes)]
    top, bottom = min(ys) - 40, max(ys) + 50  # crop empty rows: room for labels below the circles
    return {"width": WIDTH, "height": HEIGHT, "cx": cx, "cy": cy, "title": _short(title, 40), "nodes": nodes,
            "view": f"0 {top:.1f} {WIDTH} {bottom - top:.1f}"}


def _first_relation_only(relations: list[tuple[str, list[Value]]]) -> list[tuple[str, list[Value]]]:
    """Each neighbour drawn once, under the first relation that links it (broader before related, …)."""
    seen: set[str | None] = set()
    groups = []
    for name, items in relations:
        fresh = [item for item in items if item.iri not in seen]
        seen.update(item.iri for item in fresh)
        if fresh:
            groups.append((name, fresh))
    return groups


def _short(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
