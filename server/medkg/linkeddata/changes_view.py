"""What changed in this build (from ``changes.json``, written by ``medkg build --previous``): the /changes page
(filter by kind and part), its RDF documents, the Atom feed /changes.atom, the History section of concept and
provision pages (with the versions a build holds and a definition's timeline), ``?date=`` answered with the version
in force that day, and 410 Gone for an IRI an earlier build had and this one has not."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, redirect, render_template, request
from flask.typing import ResponseReturnValue
from rdflib import DCTERMS, RDF, Graph, Literal, URIRef

from .. import extensions
from ..formats import Format
from ..http import text_error
from ..namespaces import ELI, MEDKG, VOID
from ..pipeline.changes.compare import Change, natural
from ..pipeline.changes.render import TEMPLATE_GLOBALS, wdiff
from ..pipeline.changes.step import CHANGES_JSON, CHANGES_TTL, add_tombstone
from ..pipeline.changes.text import word_diff
from ..pipeline.changes.vocabulary import report_iri
from ..pipeline.context import new_graph
from ..sparql.description import SD
from ..store import CHANGES_GRAPH
from .caching import add_validators, current_site
from .documents import BY_SUFFIX, Description, bare_graph, render
from .site import Site
from .terms import triples
from .views import negotiated

bp = Blueprint("changes", __name__)
bp.after_request(add_validators)
CHANGES_LOG = "medkg.changes"
ATOM = "http://www.w3.org/2005/Atom"
KINDS = ("added", "removed", "modified", "moved")


@dataclass
class BuildReport:
    """The changes one build found against its predecessor."""

    built: str
    previous_built: str
    cosmetic: int
    changes: list[Change]
    sequence: int = 0

    @property
    def anchor(self) -> str:
        """The fragment of the report's IRI (``build-2-20261201T050912``), an anchor of the /changes page."""
        return str(report_iri("", self.built, self.sequence)).rpartition("#")[2]


@dataclass
class ChangeLog:
    """This build's change report and those carried from its predecessors (newest first), and the tombstones;
    empty when the build was made without --previous."""

    reports: list[BuildReport] = field(default_factory=list)
    gone: dict[str, dict[str, Any]] = field(default_factory=dict)
    graph: Graph = field(default_factory=new_graph)

    @property
    def built(self) -> str:
        return self.reports[0].built if self.reports else ""

    @property
    def changes(self) -> list[Change]:
        """Every change of the log, the newest build's first."""
        return [c for r in self.reports for c in r.changes]

    def history(self, iri: str) -> list[Change]:
        """The changes of a resource: its own, a paragraph moved to or from it, and for a section all of its."""
        return [c for c in self.changes if iri in (c.iri, c.target, c.section)]


def load_log(folder: Path) -> ChangeLog:
    path = folder / CHANGES_JSON
    if not path.is_file():
        return ChangeLog()
    data = json.loads(path.read_text(encoding="utf-8"))
    graph = new_graph()
    if (folder / CHANGES_TTL).is_file():
        graph.parse(folder / CHANGES_TTL, format="turtle")
    gone = {g["iri"]: g for g in data.get("gone", [])}
    own = {"built": data.get("new", {}).get("built", ""), "previousBuilt": data.get("old", {}).get("built", ""),
           "cosmetic": data.get("cosmetic", 0), "changes": data.get("changes", []), "sequence": data.get("sequence")}
    return ChangeLog([_report(r) for r in (own, *data.get("earlier", []))], gone, graph)


def _report(data: dict[str, Any]) -> BuildReport:
    built = str(data.get("built") or "")
    changes = [Change.from_json(c) for c in data.get("changes", [])]
    sequence = int(data.get("sequence") or 0)
    for change in changes:
        change.found, change.sequence = change.found or built, change.sequence or sequence
    return BuildReport(built, str(data.get("previousBuilt") or ""), int(data.get("cosmetic", 0)), changes, sequence)


def register(app: Flask, site: Site) -> None:
    log = load_log(site.dataset.folder)
    app.extensions[CHANGES_LOG] = log
    app.jinja_env.globals.update(TEMPLATE_GLOBALS)
    app.jinja_env.globals["change_history"] = lambda iri: log.history(str(iri))
    app.jinja_env.globals["label_of"] = site.label
    app.jinja_env.globals["link_of"] = lambda iri: local_href(site, iri)
    app.jinja_env.globals["definition_timeline"] = lambda iri: definition_timeline(site, str(iri))
    app.jinja_env.globals["section_versions"] = lambda iri: version_nodes(site, str(iri), MEDKG.ProvisionVersion)
    app.extensions[extensions.GONE] = gone_answer
    app.extensions.setdefault(extensions.VOID_HOOKS, []).append(lambda g, d, root: advertise(site, log, g, d, root))
    app.extensions[extensions.DATED] = dated_answer
    app.register_blueprint(bp)


def advertise(site: Site, log: ChangeLog, graph: Graph, void_dataset: URIRef, root_url: str) -> None:
    """A hook of the SPARQL service description: the changes named graph, its size, and its dump."""
    if not len(log.graph):
        return
    root = root_url.rstrip("/")
    named, described = URIRef(root + "/sparql#changes"), URIRef(root + "/sparql#changes-graph")
    graph.add((void_dataset, SD.namedGraph, named))
    graph.add((named, RDF.type, SD.NamedGraph))
    graph.add((named, SD.name, URIRef(site.dataset.base + CHANGES_GRAPH)))
    graph.add((named, SD.graph, described))
    graph.add((described, RDF.type, SD.Graph))
    graph.add((described, VOID.triples, Literal(len(log.graph))))
    graph.add((void_dataset, VOID.dataDump, URIRef(root + "/changes.ttl")))


def current_log() -> ChangeLog:
    found: ChangeLog = current_app.extensions[CHANGES_LOG]
    return found


def local_href(site: Site, iri: str | None) -> str:
    path = site.paths.path(iri or "")
    return request.script_root + path if path else (iri or "")


def filtered(log: ChangeLog) -> list[tuple[BuildReport, list[Change]]]:
    """Each report of the log (newest first) with its changes of the kind and part asked for."""
    kind, part = request.args.get("kind") or None, request.args.get("part") or None
    return [(r, [c for c in r.changes if (kind is None or c.kind == kind) and (part is None or c.part == part)])
            for r in log.reports]


@bp.get("/changes")
def changes_page() -> ResponseReturnValue:
    site, log = current_site(), current_log()
    parts = sorted({c.part for c in log.changes if c.part})
    reports = filtered(log)
    body = render_template("changes.html", title="What changed", log=log, reports=reports, kinds=KINDS,
                           shown=sum(len(c) for _, c in reports), parts=parts, kind=request.args.get("kind", ""),
                           part=request.args.get("part", ""), label=site.label, link=lambda iri: local_href(site, iri))
    return Response(body, mimetype="text/html")


@bp.get("/changes.<ext>")
def changes_document(ext: str) -> ResponseReturnValue:
    if ext == "atom":
        return Response(atom_feed(current_site(), current_log()), mimetype="application/atom+xml")
    fmt = BY_SUFFIX.get("." + ext)
    if fmt is None or fmt.suffix == ".html":
        return text_error(404, f"404 Not Found: no /changes.{ext}")
    site, log = current_site(), current_log()
    description = Description(site.paths.iri("changes"), log.graph, bare_graph(), bare_graph())
    return _rdf(description, fmt, site)


def _rdf(description: Description, fmt: Format, site: Site, status: int = 200) -> Response:
    context = request.url_root + "context.jsonld"
    body = render(description, fmt, context, site.dataset.inferred_graph.value)
    return Response(body, status=status, mimetype=fmt.media_type)


def atom_feed(site: Site, log: ChangeLog) -> str:
    """RFC 4287: one entry per change of the log, newest build first, each updated when the build that found it
    was made; ids are the changes' IRIs."""
    from ..pipeline.changes.vocabulary import change_iri

    ET.register_namespace("", ATOM)
    root = request.url_root.rstrip("/") + request.script_root
    feed = ET.Element(f"{{{ATOM}}}feed")
    updated = _rfc3339(log.built)
    _sub(feed, "id", site.dataset.base + "changes")
    _sub(feed, "title", "medkg: what changed in the regulations and vocabularies")
    _sub(feed, "updated", updated)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _sub(author, "name", "medkg")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=root + "/changes.atom", type="application/atom+xml")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=root + "/changes", type="text/html")
    for change in log.changes:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _sub(entry, "id", str(change_iri(site.dataset.base, change)))
        _sub(entry, "title", f"{change.label}: {TEMPLATE_GLOBALS['headline'](change)}")
        _sub(entry, "updated", _rfc3339(change.found) if change.found else updated)
        path = site.paths.path(change.target if change.kind == "moved" and change.target else change.iri)
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=root + (path or "/changes"), type="text/html")
        _sub(entry, "summary", _summary(change))
        for rule in change.amended_by:
            ET.SubElement(entry, f"{{{ATOM}}}category", term=rule, label=f"amended by {rule}")
        ET.SubElement(entry, f"{{{ATOM}}}category", term=change.kind)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _sub(parent: ET.Element, name: str, text: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{name}").text = text


def _summary(change: Change) -> str:
    when = f"{change.date}: " if change.date else ""
    if change.diff is not None:
        return when + wdiff(change)
    value = change.after if change.after is not None else change.before
    text = "; ".join(value) if isinstance(value, list) else str(value or "")
    rules = f" (amended by {', '.join(change.amended_by)})" if change.amended_by else ""
    return when + (text or change.kind) + rules


def _rfc3339(built: str) -> str:
    """The build time as an RFC 3339 date-time (``Z`` for UTC); the epoch when unknown."""
    if not built:
        return "1970-01-01T00:00:00Z"
    return built.replace("+00:00", "Z")


def gone_answer(site: Site, path: str) -> ResponseReturnValue | None:
    """410 Gone (page or RDF) for an IRI an earlier build had; None when ``path`` names nothing gone."""
    gone = current_log().gone
    iri, fmt = site.paths.iri(path), None
    if iri not in gone:
        stem, dot, suffix = path.rpartition(".")
        fmt = BY_SUFFIX.get(dot + suffix) if stem else None
        iri = site.paths.iri(stem) if fmt else ""
        if iri not in gone:
            return None
    fmt = fmt or negotiated()
    record = gone[iri]
    if fmt is None or fmt.suffix == ".html":
        body = render_template("gone.html", title=f"Gone: {record['label']}", record=record,
                               link=lambda i: local_href(site, i), label=site.label)
        response = Response(body, status=410, mimetype="text/html")
    else:
        graph = bare_graph()
        add_tombstone(graph, record)
        response = _rdf(Description(iri, graph, bare_graph(), bare_graph()), fmt, site, status=410)
    response.vary.add("Accept")
    return response




def version_nodes(site: Site, iri: str, kind: URIRef) -> list[dict[str, Any]]:
    """The versions of ``iri`` of one type, oldest first: IRI, date, superseded date, text, rules (labels)."""
    found = []
    for node, _, _ in triples(site.dataset, None, DCTERMS.isVersionOf, URIRef(iri)):
        if next(triples(site.dataset, node, RDF.type, kind), None) is None:
            continue
        values = {p: [o for _, _, o in triples(site.dataset, node, p)] for p in VERSION_PROPS}
        found.append({"iri": str(node), "date": _first(values[ELI.version_date]),
                      "until": _first(values[MEDKG.supersededOn]), "text": _first(values[MEDKG.versionText]),
                      "rules": sorted((site.label(str(r)) for r in values[ELI.changed_by]), key=natural)})
    return sorted(found, key=lambda v: v["date"])


VERSION_PROPS = (ELI.version_date, MEDKG.supersededOn, MEDKG.versionText, ELI.changed_by)


def _first(values: list[Any]) -> str:
    return str(values[0]) if values else ""


def definition_timeline(site: Site, iri: str) -> list[dict[str, Any]]:
    """Each wording of a concept's definition with what happened ("first stored wording", "added", "reworded",
    "defined again", "no longer defined") and the word diff from the wording before."""
    steps = version_nodes(site, iri, MEDKG.DefinitionVersion)
    for i, step in enumerate(steps):
        before = steps[i - 1] if i else None
        if before is None:  # a wording with rules came in with a later version of its section: it was added then
            step["what"] = "added" if step["rules"] else "first stored wording"
        else:
            step["what"] = "reworded" if before["until"] == step["date"] else "defined again"
        step["diff"] = word_diff(before["text"], step["text"]) if step["what"] == "reworded" and before else None
    if steps and steps[-1]["until"]:
        steps.append({"iri": "", "date": steps[-1]["until"], "what": "no longer defined", "rules": [], "diff": None,
                      "text": "", "until": ""})
    return steps


def dated_answer(site: Site, path: str) -> ResponseReturnValue | None:
    """``?date=YYYY-MM-DD``: 303 to the version of a provision or definition in force that day; None when the
    resource has no stored versions (its one text is all we know)."""
    try:
        day = date.fromisoformat(request.args.get("date", ""))
    except ValueError:
        return text_error(400, "400 Bad Request: date must be YYYY-MM-DD")
    stem, dot, suffix = path.rpartition(".")
    fmt = BY_SUFFIX.get(dot + suffix) if stem else None
    iri = site.paths.iri(stem if fmt else path)
    versions = [*version_nodes(site, iri, MEDKG.ProvisionVersion), *version_nodes(site, iri, MEDKG.DefinitionVersion)]
    if not versions:
        return None
    found = [v for v in versions if v["date"] <= day.isoformat() and (not v["until"] or day.isoformat() < v["until"])]
    if not found:
        return text_error(404, f"404 Not Found: no stored version of <{iri}> was in force on {day}")
    target = local_href(site, found[0]["iri"]) + (fmt.suffix if fmt else "")
    response = redirect(target, code=303)
    response.vary.add("Accept")
    return response
