"""``medkg build … --previous OLD_DIR``: the build stores what changed since OLD_DIR, and remembers what is gone.

``changes.ttl`` (the named graph ``{base}graph/changes``: the report in the changes vocabulary, plus a tombstone
for every IRI the previous build had and this one has not) and ``changes.json`` (the same report and tombstones,
read by the server's /changes pages, feed and 410 answers). Tombstones carry forward: an IRI gone two builds ago
is still gone, with the change that removed it, unless a later build holds it again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rdflib import DCTERMS, OWL, RDFS, XSD, Graph, Literal, URIRef

from ...namespaces import MEDKG, PROV
from .. import layout
from ..context import BuildContext
from ..export import serialize
from ..labels import normalize_label
from ..output import OutputOptions, write_text
from . import compare, snapshot
from .compare import Change, Report, headline
from .render import as_json
from .vocabulary import change_date, change_iri, report_graph

CHANGES_TTL = layout.CHANGES
CHANGES_JSON = layout.CHANGES_JSON


def changes_step(ctx: BuildContext, staging: Path, options: OutputOptions) -> None:
    """Compare the staged build with ``options.previous`` and write the report into the staging folder."""
    if options.previous is None:
        return
    report = compare.compare(snapshot.load(options.previous), snapshot.load(staging))
    gone = tombstones(report, carried(options.previous))
    graph = report_graph(report)
    for record in gone:
        add_tombstone(graph, record)
    write_text(staging / CHANGES_TTL, serialize(graph, "ttl"))
    data = json.loads(as_json(report))
    data["gone"] = gone
    write_text(staging / CHANGES_JSON, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def carried(previous: Path) -> list[dict[str, Any]]:
    """The tombstones the previous build already held."""
    path = previous / CHANGES_JSON
    if not path.is_file():
        return []
    found = json.loads(path.read_text(encoding="utf-8")).get("gone", [])
    return [g for g in found if isinstance(g, dict) and "iri" in g]


def tombstones(report: Report, earlier: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every IRI of the previous build (or an earlier one) that the new build does not hold."""
    new = report.new
    records = {g["iri"]: g for g in earlier if not holds(new, g["iri"])}
    for change in report.changes:
        if holds(new, change.iri) or not _removes(change):
            continue
        records[change.iri] = {
            "iri": change.iri, "label": change.label, "what": change.what, "kind": change.kind,
            "change": str(change_iri(new.base, change)), "headline": headline(change),
            "amendedBy": change.amended_by, "date": change_date(new, change), "goneSince": new.built,
            "replacedBy": change.target if change.kind == "moved" else successor(report, change),
        }
    return [records[k] for k in sorted(records)]


def holds(snap: snapshot.Snapshot, iri: str) -> bool:
    return iri in snap.props or iri in snap.concepts or iri in snap.provisions


def _removes(change: Change) -> bool:
    return change.kind == "moved" or (change.kind == "removed" and change.prop is None)


def successor(report: Report, change: Change) -> str | None:
    """A concept of the new build in the same scheme with the same preferred label."""
    if change.what != "concept":
        return None
    old, new = report.old, report.new
    key, scheme = normalize_label(change.label), old.one(change.iri, "inScheme")
    matches = sorted(c for c in new.concepts if new.one(c, "inScheme") == scheme and
                     any(normalize_label(snapshot.text_of(v)) == key for v in new.get(c, "prefLabel")))
    return matches[0] if matches else None


def add_tombstone(graph: Graph, record: dict[str, Any]) -> None:
    iri = URIRef(record["iri"])
    graph.add((iri, OWL.deprecated, Literal(True)))
    graph.add((iri, RDFS.label, Literal(record["label"])))
    graph.add((iri, MEDKG.removedBy, URIRef(record["change"])))
    if record.get("goneSince"):
        graph.add((iri, PROV.invalidatedAtTime, Literal(record["goneSince"], datatype=XSD.dateTime)))
    if record.get("replacedBy"):
        graph.add((iri, DCTERMS.isReplacedBy, URIRef(record["replacedBy"])))
