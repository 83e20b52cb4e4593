"""Resolving references by name (``ctx.pending``) against every concept of every source.

A name matches a concept whose preferred, alternative or hidden label has the same normalized form
(``labels.normalize_label``: "managed-care-plan" matches "Managed Care Plan"). Where several concepts match, the
one in the referring concept's own scheme wins; otherwise each match in another scheme is linked. A name that
matches nothing is a warning naming file, line and record: never a dangling IRI, never silently dropped.
"""

from __future__ import annotations

from rdflib import SKOS, URIRef
from rdflib.term import Node

from ..context import BuildContext, PendingReference
from ..labels import label_index, normalize_label


def resolve_references(ctx: BuildContext) -> None:
    """Turn every pending reference into triples, or into a warning when nothing carries that name."""
    index = label_index(ctx.graph)
    for ref in ctx.pending:
        targets = targets_for(ctx, ref, index.get(normalize_label(ref.name), set()))
        if not targets:
            ctx.diagnostics.warning("link.unresolved", f"related term {ref.name!r} matches no concept of any "
                                    "source; no link made", ref.location, ref.record)
        for target in targets:
            ctx.add((ref.subject, ref.predicate, target), ref.location)
    ctx.pending.clear()


def targets_for(ctx: BuildContext, ref: PendingReference, matches: set[URIRef]) -> list[URIRef]:
    """The concepts a reference resolves to: same scheme first, never the referring concept itself."""
    matches = {m for m in matches if m != ref.subject}
    own = _schemes(ctx, ref.subject)
    same = sorted(m for m in matches if _schemes(ctx, m) & own)
    return same or sorted(matches)


def _schemes(ctx: BuildContext, concept: Node) -> set[Node]:
    return set(ctx.graph.objects(concept, SKOS.inScheme))
