"""The change report as RDF: a small vocabulary (``medkg:Change``) that reuses PROV, ELI and SKOS.

- each change is a ``medkg:Change`` and a ``prov:Activity`` at ``{base}changes#c-{id}`` (``id`` a digest of what
  changed and when the build that found it was made, so a change keeps its IRI as later builds carry it):
  ``medkg:changeKind`` ("added", "removed", "modified", "moved"),
  ``medkg:changeSubject`` (the concept or provision), ``medkg:changedProperty`` (e.g. ``skos:definition``),
  ``medkg:valueBefore`` / ``medkg:valueAfter``, ``medkg:movedTo`` (the new IRI of a moved paragraph),
  ``medkg:crossReference`` (the provision a cross-reference added or removed points to), ``eli:changed_by`` the
  Federal Register citations the section's new source note adds, ``dct:date`` the latest of their dates,
  ``prov:endedAtTime`` when the build that found it was made, ``dct:isPartOf`` the report;
- the report of one build, ``{base}changes#build-{n}-{YYYYMMDDTHHMMSS}`` (``report_iri``), a ``medkg:ChangeReport``,
  ``prov:Entity``: ``prov:wasDerivedFrom`` both
  builds' folders (as ``file:`` IRIs are not published, by their build times: ``medkg:previousBuild``,
  ``medkg:currentBuild``), ``medkg:cosmeticDifferences`` the count of differences not listed; a build's
  ``{base}changes`` is its ``medkg:ChangeLog``, ``dct:hasPart`` its own report and those carried from its
  predecessors (``step.py``);
- ELI between the legal resources: ``<fr/86/6094> eli:changes <cfr/42/422/422.2>`` and its inverse
  ``eli:changed_by``;
- SKOS: every changed concept gets a dated ``skos:changeNote`` ("2021-01-19: definition reworded (86 FR 6094)").
"""

from __future__ import annotations

import hashlib
import re
from datetime import date

from rdflib import DCTERMS, RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef

from ...namespaces import ELI, MEDKG, PROV
from ..context import new_graph
from .compare import Change, Report, change_date, headline, rules_of

SKOS_PROPS = {"definition", "scopeNote", "prefLabel", "altLabel", "hiddenLabel", "broader", "exactMatch",
              "closeMatch", "broadMatch", "narrowMatch", "relatedMatch"}


def change_id(change: Change) -> str:
    """A digest of what changed and of the build that found it (the same change found by two builds is two)."""
    key = "|".join((change.kind, change.what, change.iri, change.prop or "", change.target or "", change.found,
                    str(change.sequence) if change.sequence else ""))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def change_iri(base: str, change: Change) -> URIRef:
    """``{base}changes#c-{id}``: a fragment of the build's change report, so the /changes page answers for it."""
    return URIRef(f"{base}changes#c-{change_id(change)}")


def log_iri(base: str) -> URIRef:
    """``{base}changes``: the change log, every report a build holds (its own and those carried forward)."""
    return URIRef(f"{base}changes")


def report_iri(base: str, built: str, sequence: int = 0) -> URIRef:
    """``{base}changes#build-{n}-{time}``: the report of the ``n``-th build of a chain (made at ``built``) against
    its predecessor (``#build-{time}`` for a lone diff); ``n`` keeps two builds of the same second apart."""
    stamp = re.sub(r"[^0-9T]", "", built)[:15] or "unknown"
    return URIRef(f"{base}changes#build-{sequence}-{stamp}" if sequence else f"{base}changes#build-{stamp}")


def property_iri(prop: str) -> URIRef:
    name = prop.split("@")[0]
    if name in SKOS_PROPS:
        return SKOS[name]
    return DCTERMS[name] if name in ("title", "isPartOf") else MEDKG[name]


def report_graph(report: Report) -> Graph:
    base, graph = report.new.base, new_graph()
    whole = report_iri(base, report.new.built, report.sequence)
    graph.add((whole, RDF.type, MEDKG.ChangeReport))
    graph.add((whole, RDF.type, PROV.Entity))
    graph.add((whole, MEDKG.cosmeticDifferences, Literal(report.cosmetic, datatype=XSD.integer)))
    for prop, snap in ((MEDKG.previousBuild, report.old), (MEDKG.currentBuild, report.new)):
        if snap.built:
            graph.add((whole, prop, Literal(snap.built, datatype=XSD.dateTime)))
    for change in report.changes:
        _describe(graph, report, change, whole)
    return graph


def _describe(graph: Graph, report: Report, change: Change, whole: URIRef) -> None:
    node, subject = change_iri(report.new.base, change), URIRef(change.iri)
    when = change_date(report.new, change)
    triples = [(node, RDF.type, MEDKG.Change), (node, RDF.type, PROV.Activity), (node, DCTERMS.isPartOf, whole),
               (node, MEDKG.changeKind, Literal(change.kind)), (node, MEDKG.changeSubject, subject),
               (node, RDFS.label, Literal(f"{change.label}: {headline(change)}", lang="en"))]
    if change.prop:
        triples.append((node, MEDKG.changedProperty, property_iri(change.prop)))
    for prop, value in ((MEDKG.valueBefore, change.before), (MEDKG.valueAfter, change.after)):
        for text in ([value] if isinstance(value, str) else value or []):
            triples.append((node, prop, Literal(text, lang="en")))
    if change.target:
        link = MEDKG.movedTo if change.kind == "moved" else MEDKG.crossReference
        triples.append((node, link, URIRef(change.target)))
    if report.new.built:
        triples.append((node, PROV.endedAtTime, Literal(report.new.built, datatype=XSD.dateTime)))
    if when:
        triples.append((node, DCTERMS.date, Literal(when, datatype=XSD.date)))
    for rule in rules_of(report.new, change):
        triples += [(node, ELI.changed_by, URIRef(rule)), (URIRef(rule), RDFS.label, Literal(report.new.label(rule)))]
        if change.section:
            triples += [(URIRef(rule), ELI.changes, URIRef(change.section)),
                        (URIRef(change.section), ELI.changed_by, URIRef(rule))]
    if change.what == "concept":
        triples.append((subject, SKOS.changeNote, Literal(change_note(report, change, when), lang="en")))
    for t in triples:
        graph.add(t)


def change_note(report: Report, change: Change, when: str | None) -> str:
    day = when or (report.new.built[:10] if report.new.built else date.today().isoformat())
    rules = f" ({', '.join(change.amended_by)})" if change.amended_by else ""
    return f"{day}: {headline(change)}{rules}"
