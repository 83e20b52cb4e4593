"""HTTP content negotiation (RFC 9110 §12.5.1): q-values, wildcards, specificity, and 406 when nothing fits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    params: tuple[tuple[str, str], ...] = ()

    def matches(self, media_type: str) -> bool:
        kind, _, sub = media_type.partition("/")
        return self.type in ("*", kind) and self.subtype in ("*", sub)

    @property
    def specificity(self) -> int:
        return (self.type != "*") + (self.subtype != "*") + bool(self.params)


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; a missing or empty header accepts anything."""
    if not header or not header.strip():
        return [MediaRange("*", "*", 1.0)]
    ranges = []
    for part in header.split(","):
        pieces = [p.strip() for p in part.split(";")]
        kind, _, sub = pieces[0].lower().partition("/")
        if not kind:
            continue
        q, params = 1.0, []
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                q = _quality(value)
            elif key:
                params.append((key.strip().lower(), value.strip().strip('"')))
        ranges.append(MediaRange(kind, sub or "*", q, tuple(params)))
    return ranges


def _quality(value: str) -> float:
    try:
        return min(max(float(value), 0.0), 1.0)
    except ValueError:
        return 0.0


def quality_of(media_type: str, ranges: Sequence[MediaRange]) -> float:
    """The q-value the most specific matching range gives ``media_type`` (0 when none matches)."""
    matching = [r for r in ranges if r.matches(media_type)]
    if not matching:
        return 0.0
    return max(matching, key=lambda r: r.specificity).q


def negotiate(header: str | None, offered: Sequence[str]) -> str | None:
    """The offered type the client prefers most; ties go to the server's order. None means 406."""
    ranges = parse_accept(header)
    best, best_q = None, 0.0
    for media_type in offered:
        q = quality_of(media_type, ranges)
        if q > best_q:
            best, best_q = media_type, q
    return best
