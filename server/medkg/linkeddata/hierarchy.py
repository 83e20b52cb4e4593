"""A scheme's concept hierarchy as a tree for browsing; a concept with several parents appears under each."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import SKOS, URIRef

from .facts import Value, value
from .site import Site
from .terms import triples

MAX_NODES = 5000  # a page, not a dump: stop growing the tree past this many rows


@dataclass
class TreeNode:
    concept: Value
    children: list[TreeNode] = field(default_factory=list)
    parents: int = 1
    repeated: bool = False  # already shown above: its subtree is not repeated


def scheme_tree(site: Site, scheme: str, tops: list[Value]) -> list[TreeNode]:
    """Roots are the top concepts plus members without a broader concept in the scheme."""
    data = site.dataset
    members = sorted({str(s) for s, _, _ in triples(data, predicate=SKOS.inScheme, obj=URIRef(scheme))})
    children: dict[str, set[str]] = defaultdict(set)
    parents: dict[str, set[str]] = defaultdict(set)
    member_set = set(members)
    for child in members:
        for _, _, parent in triples(data, URIRef(child), SKOS.broader):
            if str(parent) in member_set:
                children[str(parent)].add(child)
                parents[child].add(str(parent))
    roots = [t.iri for t in tops if t.iri] + [m for m in members if not parents[m]]
    return _grow(site, list(dict.fromkeys(roots)), children, parents)


def _grow(site: Site, roots: list[str], children: dict[str, set[str]], parents: dict[str, set[str]]) -> list[TreeNode]:
    shown: set[str] = set()
    budget = [MAX_NODES]

    def node(iri: str, path: frozenset[str]) -> TreeNode:
        budget[0] -= 1
        tree = TreeNode(value(site, URIRef(iri)), parents=max(1, len(parents[iri])), repeated=iri in shown)
        shown.add(iri)
        if not tree.repeated:
            kids = sorted(children[iri] - path, key=lambda c: site.label(c).casefold())
            tree.children = [node(k, path | {k}) for k in kids if budget[0] > 0]
        return tree

    return [node(r, frozenset({r})) for r in roots if budget[0] > 0]
