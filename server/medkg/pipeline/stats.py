"""``medkg stats DIR``: what a build holds: concepts per scheme, label and definition coverage per language,
relation counts, and the warnings of its report."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rdflib import DCTERMS, RDF, SKOS, Graph, Literal, URIRef

from ..namespaces import MEDKG
from .layout import read_report
from .output import load_graph

RELATIONS = (SKOS.broader, SKOS.narrower, SKOS.related, SKOS.broadMatch, SKOS.narrowMatch, SKOS.exactMatch,
             SKOS.closeMatch, SKOS.relatedMatch, MEDKG.mentions, MEDKG.regulatoryCitation, MEDKG.definedIn,
             MEDKG.cites, MEDKG.implements, SKOS.member)


@dataclass
class SchemeStats:
    scheme: str
    title: str
    concepts: int
    top_concepts: int
    coverage: dict[str, dict[str, int]] = field(default_factory=dict)  # lang → {"prefLabel": n, "definition": n}


@dataclass
class Stats:
    triples: int
    schemes: list[SchemeStats]
    relations: dict[str, int]
    warnings: list[str]
    errors: list[str]
    warning_codes: dict[str, int] = field(default_factory=dict)


def scheme_stats(graph: Graph, scheme: URIRef) -> SchemeStats:
    concepts = sorted(set(graph.subjects(SKOS.inScheme, scheme)), key=lambda n: n.n3())
    coverage: dict[str, Counter[str]] = {}
    for concept in concepts:
        for prop, name in ((SKOS.prefLabel, "prefLabel"), (SKOS.definition, "definition")):
            langs = {o.language or "" for o in graph.objects(concept, prop) if isinstance(o, Literal)}
            for lang in langs:
                coverage.setdefault(lang, Counter())[name] += 1
    title = graph.value(scheme, SKOS.prefLabel) or graph.value(scheme, DCTERMS.title)
    return SchemeStats(str(scheme), str(title or ""), len(concepts),
                       len(set(graph.objects(scheme, SKOS.hasTopConcept))),
                       {lang: dict(sorted(c.items())) for lang, c in sorted(coverage.items())})


def collect(folder: Path) -> Stats:
    """The figures of one build folder (its asserted graph and its report)."""
    graph = load_graph(folder, "asserted")
    schemes = sorted(s for s in graph.subjects(RDF.type, SKOS.ConceptScheme) if isinstance(s, URIRef))
    relations = {graph.namespace_manager.normalizeUri(p): n for p in RELATIONS
                 if (n := sum(1 for _ in graph.triples((None, p, None))))}
    report = read_report(folder)  # the build's diagnostics as data (report.json)
    warnings = [d for d in report if d.severity == "warning"]
    codes = dict(sorted(Counter(d.code for d in warnings).items()))
    return Stats(len(graph), [scheme_stats(graph, s) for s in schemes], relations, [str(d) for d in warnings],
                 [str(d) for d in report if d.severity == "error"], codes)


def render(stats: Stats) -> str:
    out = [f"{stats.triples} triples, {len(stats.schemes)} concept scheme(s)", "", "concepts per scheme:"]
    for s in stats.schemes:
        out.append(f"  {s.scheme}  {s.title!r}: {s.concepts} concepts, {s.top_concepts} top concepts")
        for lang, counts in s.coverage.items():
            cells = ", ".join(f"{name} {n}/{s.concepts} ({100 * n / max(s.concepts, 1):.0f}%)"
                              for name, n in counts.items())
            out.append(f"    @{lang or '(none)'}: {cells}")
    out += ["", "relations:"] + [f"  {name}: {n}" for name, n in stats.relations.items()]
    codes = stats.warning_codes
    out += ["", f"warnings: {len(stats.warnings)}" + (f" ({', '.join(f'{c} {n}' for c, n in codes.items())})"
                                                      if codes else "")]
    out += [f"  {line}" for line in stats.warnings]
    if stats.errors:
        out += ["", f"errors: {len(stats.errors)}"] + [f"  {line}" for line in stats.errors]
    return "\n".join(out) + "\n"


def as_json(stats: Stats) -> str:
    return json.dumps(asdict(stats), indent=2, sort_keys=True) + "\n"
