"""``medkg build … --previous OLD_DIR``: the build stores what changed since OLD_DIR, and remembers what is gone.

``changes.ttl`` (the named graph ``{base}graph/changes``) and ``changes.json`` (read by the server's /changes pages,
feed and 410 answers) hold a change log: this build's report against OLD_DIR and, carried forward, every report
OLD_DIR held (``earlier`` in the JSON, newest first; in RDF ``{base}changes`` ``dct:hasPart`` each report), plus a
tombstone for every IRI the previous build had and this one has not — concepts, provisions and stored versions.
Tombstones carry forward: an IRI gone two builds ago is still gone, with the change that removed it, unless a later
build holds it again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rdflib import DCTERMS, OWL, RDF, RDFS, XSD, Graph, Literal, URIRef

from ...namespaces import MEDKG, PROV
from .. import layout
from ..context import BuildContext
from ..diagnostics import InputError, SourceLocation
from ..export import serialize
from ..labels import normalize_label
from ..output import OutputOptions, write_text
from . import compare, snapshot
from .compare import Change, Report, headline
from .render import as_json
from .vocabulary import change_iri, log_iri, report_graph, report_iri

CHANGES_TTL = layout.CHANGES
CHANGES_JSON = layout.CHANGES_JSON
TOMBSTONE = (OWL.deprecated, RDFS.label, MEDKG.removedBy, PROV.invalidatedAtTime, DCTERMS.isReplacedBy,
             DCTERMS.isVersionOf)


def changes_step(ctx: BuildContext, staging: Path, options: OutputOptions) -> None:
    """Compare the staged build with ``options.previous`` and write the change log into the staging folder."""
    if options.previous is None:
        return
    report = compare.compare(snapshot.load(options.previous), snapshot.load(staging))
    earlier = carried_reports(options.previous)
    report.sequence = earlier[0]["sequence"] + 1 if earlier else 1
    for change in report.changes:
        change.sequence = report.sequence
    before = carried(options.previous)
    gone = tombstones(report, before)
    graph = report_graph(report)
    _carry_graph(graph, options.previous, {g["iri"] for g in before}, earlier)
    _add_log(graph, report.new.base, [(report.new.built, report.sequence),
                                      *((e["built"], e["sequence"]) for e in earlier)])
    for record in gone:
        add_tombstone(graph, record)
    write_text(staging / CHANGES_TTL, serialize(graph, "ttl"))
    data = json.loads(as_json(report))
    data["gone"], data["earlier"], data["sequence"] = gone, earlier, report.sequence
    write_text(staging / CHANGES_JSON, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def check_log(previous: Path) -> None:
    """An ``InputError`` naming the file unless the previous build's change log (if it has one) is readable."""
    for name, read in ((CHANGES_JSON, _read_json), (CHANGES_TTL, lambda p: Graph().parse(p, format="turtle"))):
        path = previous / name
        if not path.is_file():
            continue
        try:
            read(path)
        except (OSError, ValueError, SyntaxError) as exc:
            where = SourceLocation(str(path))
            raise InputError(f"the previous build's change log is unreadable: {exc}", where) from exc


def _read_json(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    return data


def carried_reports(previous: Path) -> list[dict[str, Any]]:
    """The reports the previous build held, newest first: its own, then those it carried."""
    path = previous / CHANGES_JSON
    if not path.is_file():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    built = str(data.get("new", {}).get("built", ""))
    chain = [e for e in data.get("earlier", []) if isinstance(e, dict) and "changes" in e]
    sequence = int(data.get("sequence") or len(chain) + 1)
    changes = [{**c, "found": c.get("found") or built, "sequence": c.get("sequence") or sequence}
               for c in data.get("changes", []) if isinstance(c, dict)]
    own = {"built": built, "previousBuilt": str(data.get("old", {}).get("built", "")),
           "cosmetic": int(data.get("cosmetic", 0)), "sequence": sequence, "changes": changes}
    return [own, *({**e, "sequence": int(e.get("sequence") or len(chain) - i)} for i, e in enumerate(chain))]


def _carry_graph(graph: Graph, previous: Path, was_gone: set[str], earlier: list[dict[str, Any]]) -> None:
    """The previous build's changes graph into ``graph``: its tombstones left out (they are made again), its report
    node (``{base}changes`` in builds before the log) named by its build time."""
    path = previous / CHANGES_TTL
    if not path.is_file() or not earlier:
        return
    old = Graph().parse(path, format="turtle")
    log = log_iri(str(_base_of(previous)))
    own = report_iri(str(log)[:-len("changes")], earlier[0]["built"], earlier[0]["sequence"])
    for s, p, o in old:
        if (str(s) in was_gone and p in TOMBSTONE) or (s == log and (p == DCTERMS.hasPart or o == MEDKG.ChangeLog)):
            continue
        graph.add((own if s == log else s, p, own if o == log else o))


def _base_of(folder: Path) -> str:
    return str(json.loads((folder / snapshot.MANIFEST_FILE).read_text(encoding="utf-8")).get("base", ""))


def _add_log(graph: Graph, base: str, builds: list[tuple[str, int]]) -> None:
    log = log_iri(base)
    graph.add((log, RDF.type, MEDKG.ChangeLog))
    graph.add((log, RDFS.label, Literal("medkg change log", lang="en")))
    for built, sequence in builds:
        graph.add((log, DCTERMS.hasPart, report_iri(base, built, sequence)))


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
    for iri in sorted(report.old.versions.keys() - new.versions.keys()):
        if not holds(new, iri):
            records[iri] = dropped_version(report, iri)
    for change in report.changes:
        if holds(new, change.iri) or not _removes(change):
            continue
        records[change.iri] = {
            "iri": change.iri, "label": change.label, "what": change.what, "kind": change.kind,
            "change": str(change_iri(new.base, change)), "headline": headline(change),
            "amendedBy": change.amended_by, "date": change.date, "goneSince": new.built,
            "replacedBy": change.target if change.kind == "moved" else successor(report, change),
        }
    return [records[k] for k in sorted(records)]


def dropped_version(report: Report, iri: str) -> dict[str, Any]:
    """A stored version the previous build had and this one lacks (its file was not given to this build)."""
    return {"iri": iri, "label": report.old.label(iri), "what": "version", "kind": "removed", "change": None,
            "headline": "this stored version is not in this build (its source file was not given to it)",
            "amendedBy": [], "date": None, "goneSince": report.new.built, "replacedBy": None,
            "versionOf": report.old.versions[iri]}


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
    if record.get("change"):
        graph.add((iri, MEDKG.removedBy, URIRef(record["change"])))
    if record.get("versionOf"):
        graph.add((iri, DCTERMS.isVersionOf, URIRef(record["versionOf"])))
    if record.get("goneSince"):
        graph.add((iri, PROV.invalidatedAtTime, Literal(record["goneSince"], datatype=XSD.dateTime)))
    if record.get("replacedBy"):
        graph.add((iri, DCTERMS.isReplacedBy, URIRef(record["replacedBy"])))
