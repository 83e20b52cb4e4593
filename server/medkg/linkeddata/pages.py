"""HTML pages: which template a resource gets, and the values each template shows."""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from rdflib import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, URIRef

from ..namespaces import MEDKG
from . import definitions_view, language, official, outline, reader
from .documents import RDF_DOC_FORMATS
from .facts import Facts, Value, value
from .hierarchy import scheme_tree
from .search import RANK_NAMES, Hit
from .site import Site
from .svg import neighbourhood
from .terms import triples

RELATIONS: tuple[tuple[str, tuple[URIRef, ...], tuple[URIRef, ...]], ...] = (
    ("broader", (SKOS.broader, SKOS.broaderTransitive), (SKOS.narrower,)),
    ("narrower", (SKOS.narrower,), (SKOS.broader,)),
    ("related", (SKOS.related,), (SKOS.related,)),
    ("mentions", (MEDKG.mentions,), ()),
    ("mentioned by", (), (MEDKG.mentions,)),
    ("exact match", (SKOS.exactMatch,), (SKOS.exactMatch,)),
    ("close match", (SKOS.closeMatch,), (SKOS.closeMatch,)),
    ("broad match", (SKOS.broadMatch,), (SKOS.narrowMatch,)),
    ("narrow match", (SKOS.narrowMatch,), (SKOS.broadMatch,)),
    ("related match", (SKOS.relatedMatch,), (SKOS.relatedMatch,)),
    ("cites", (MEDKG.cites,), ()),
)
NOTES = (("example", SKOS.example), ("note", SKOS.note), ("scope note", SKOS.scopeNote),
         ("key characteristic", MEDKG.keyCharacteristic), ("why it matters", MEDKG.significance),
         ("publisher's definition", MEDKG.publisherDefinition), ("history note", SKOS.historyNote),
         ("change note", SKOS.changeNote), ("editorial note", SKOS.editorialNote))
SCHEME_META = (("title", DCTERMS.title), ("description", DCTERMS.description), ("publisher", DCTERMS.publisher),
               ("license", DCTERMS.license), ("source", DCTERMS.source), ("version", OWL.versionInfo),
               ("issued", DCTERMS.issued), ("modified", DCTERMS.modified))
PROVENANCE = (("source", DCTERMS.source), ("derived from", PROV.wasDerivedFrom), ("publisher", DCTERMS.publisher),
              ("license", DCTERMS.license), ("created", DCTERMS.created), ("modified", DCTERMS.modified))
FR_HISTORY = ((MEDKG.originallyPublishedIn, "originally published"), (MEDKG.amendedBy, "amended"))


def render_page(site: Site, iri: str) -> str:
    facts = Facts(site, iri)
    types = set(facts.objects(RDF.type))
    if types & {SKOS.Concept, MEDKG.GlossaryConcept, MEDKG.RegulatoryConcept}:
        template, extra = "concept.html", concept_context(facts)
    elif SKOS.ConceptScheme in types:
        template, extra = "scheme.html", scheme_context(facts)
    elif MEDKG.Provision in types:
        template, extra = "provision.html", provision_context(facts)
    else:
        template, extra = "resource.html", {"members": graph_members(facts)}
    return render_template(template, **common_context(facts), **extra)


def common_context(facts: Facts) -> dict[str, Any]:
    site, iri = facts.site, facts.iri
    local = request.script_root + (site.paths.path(iri) or "")
    lang = language.page_language()
    return {
        "iri": iri, "title": site.label(iri, lang), "types": facts.values(RDF.type),
        "title_lang": lang if lang != language.DEFAULT and lang in site.labels.get(iri, {}) else None,
        "formats": [{"name": f.suffix.lstrip("."), "media_type": f.media_type, "href": local + f.suffix}
                    for f in RDF_DOC_FORMATS],
        "statements": facts.statements(), "incoming": facts.incoming_statements(),
        "locations": summarize_locations(site.provenance.get(iri, [])),
    }


def summarize_locations(locations: list[str], files: int = 6, lines: int = 8) -> list[str]:
    """``file:1, 14, 24 (+3 more)`` per input file, a few files at most: a scheme has a line per member."""
    by_file: dict[str, list[str]] = {}
    for location in locations:
        path, colon, line = location.rpartition(":")
        if not colon or not line.isdigit():
            path, line = location, ""
        by_file.setdefault(path, []).append(line)
    rows = []
    for path, found in sorted(by_file.items())[:files]:
        numbers = sorted({n for n in found if n}, key=int)
        more = f" (+{len(numbers) - lines} more)" if len(numbers) > lines else ""
        rows.append(path + (":" + ", ".join(numbers[:lines]) + more if numbers else ""))
    if len(by_file) > files:
        rows.append(f"and {len(by_file) - files} more files")
    return rows


def concept_context(facts: Facts) -> dict[str, Any]:
    relations = [(name, facts.linked(out, back)) for name, out, back in RELATIONS]
    relations = [(name, items) for name, items in relations if items]
    here = URIRef(facts.iri)
    lang = language.page_language()
    first = language.first_in(lang)
    return {
        "lang_switch": language.switch(language.languages_of(facts.objects(SKOS.prefLabel, SKOS.definition)), lang),
        "mappings": official.mapping_rows(facts),
        "official_definitions": official.official_definitions(facts),
        "scope": facts.values(MEDKG.scope), "scope_evidence": facts.texts(MEDKG.scopeEvidence),
        "used_in": definitions_view.used_in(facts.site, here),
        "labels": sorted(labels_by_language(facts), key=lambda row: first(row["lang"].strip("—"))),
        "definitions": sorted(facts.texts(SKOS.definition), key=lambda v: first(v.lang)),
        "definition_sources": facts.values(MEDKG.definitionSource, MEDKG.definitionAuthority),
        "schemes": facts.values(SKOS.inScheme), "collections": facts.linked((), (SKOS.member,)),
        "citations": [citation(facts.site, v) for v in facts.linked((MEDKG.regulatoryCitation, MEDKG.definedIn))],
        "relations": [(name, items) for name, items in relations if name not in official.MAPPING_NAMES],
        "evidence": [("broader", facts.texts(MEDKG.broaderEvidence))],
        "notes": notes_of(facts),
        "provenance": [(name, facts.values(p)) for name, p in PROVENANCE if facts.objects(p)],
        "svg": neighbourhood(facts.site.label(facts.iri), relations),
    }


def notes_of(facts: Facts) -> list[tuple[str, list[Value]]]:
    """Notes by kind; a plain skos:note that only repeats a more specific note (inferred from its sub-property)
    is shown once, under the specific kind."""
    rows = [(name, facts.texts(p)) for name, p in NOTES if facts.objects(p)]
    specific = {v.text for name, items in rows if name != "note" for v in items}
    rows = [(name, [v for v in items if name != "note" or v.text not in specific]) for name, items in rows]
    return [(name, items) for name, items in rows if items]


def labels_by_language(facts: Facts) -> list[dict[str, Any]]:
    kinds = (("preferred", SKOS.prefLabel), ("alternative", SKOS.altLabel), ("hidden", SKOS.hiddenLabel))
    rows: dict[str, dict[str, list[str]]] = {}
    for name, prop in kinds:
        for v in facts.texts(prop):
            rows.setdefault(v.lang or "", {}).setdefault(name, []).append(v.text)
    return [{"lang": lang or "—", **names} for lang, names in sorted(rows.items(), key=lambda r: (r[0] != "en", r))]


def citation(site: Site, provision: Value) -> dict[str, Any]:
    """A provision cited by a concept: our page, the official page, and the provision's Federal Register history."""
    facts = Facts(site, provision.iri or "")
    return {"provision": provision, "heading": facts.texts(DCTERMS.title),
            "official": official_pages(site, URIRef(facts.iri)), "history": fr_history(facts)}


def official_pages(site: Site, provision: Any) -> list[Value]:
    """The official text of a provision, or of the nearest provision containing it that has one."""
    node = provision
    for _ in range(8):
        pages = sorted({o for _, _, o in triples(site.dataset, node, MEDKG.officialPage)}, key=str)
        parents = _parents(site, node)
        if pages or not parents:
            return [value(site, p) for p in pages]
        node = closest(parents)
    return []


def fr_history(facts: Facts) -> list[dict[str, Any]]:
    """The Federal Register citations of a provision and of the provisions it is part of, oldest first."""
    site, rows, seen = facts.site, [], set()
    node: Any = URIRef(facts.iri)
    for _ in range(8):  # paragraph → section → subpart → part: never deeper than this
        for prop, what in FR_HISTORY:
            for _s, _p, fr in triples(site.dataset, node, prop):
                if (fr, prop) not in seen:
                    seen.add((fr, prop))
                    rows.append({"what": what, "citation": value(site, fr), "of": value(site, node),
                                 "date": _date(site, fr)})
        parents = _parents(site, node)
        if not parents:
            break
        node = closest(parents)
    return sorted(rows, key=lambda r: (r["date"], r["citation"].text))


def _date(site: Site, fr: Any) -> str:
    found = [str(o) for _, _, o in triples(site.dataset, fr, DCTERMS.date)]
    return min(found) if found else ""


def scheme_context(facts: Facts) -> dict[str, Any]:
    meta = [(name, facts.values(p)) for name, p in SCHEME_META if facts.objects(p)]
    tops = facts.linked((SKOS.hasTopConcept,), (SKOS.topConceptOf,))
    spoken = {lang for v in tops for lang in facts.site.labels.get(v.iri or "", {})}
    return {"meta": meta, "top_concepts": tops, "hierarchy": scheme_tree(facts.site, facts.iri, tops),
            "lang_switch": language.switch(spoken, language.page_language())}


def provision_context(facts: Facts) -> dict[str, Any]:
    parents: list[Value] = []
    chain = facts.objects(DCTERMS.isPartOf)
    while chain and len(parents) < 8:  # breadcrumbs: never deeper than title → paragraph
        parent = closest(chain)
        parents.insert(0, value(facts.site, parent))
        chain = _parents(facts.site, parent)
    defines = facts.linked((MEDKG.defines,), (MEDKG.definedIn,))
    defined = {v.iri for v in defines}
    cited_by = facts.linked((MEDKG.citedBy,), (MEDKG.cites, MEDKG.regulatoryCitation))
    reading, term_defs = reader.page_blocks(facts.site, facts.iri)
    return {
        "reading": reading, "term_defs": term_defs,
        "toc": [] if reading is not None else outline.toc(facts.site, URIRef(facts.iri)),
        "citation_label": facts.texts(MEDKG.citationLabel), "heading": facts.texts(DCTERMS.title),
        "text": facts.texts(MEDKG.text), "official": official_pages(facts.site, URIRef(facts.iri)),
        "parents": parents,
        "children": facts.linked((DCTERMS.hasPart,), (DCTERMS.isPartOf,)), "defines": defines,
        "cites": facts.linked((MEDKG.cites,), (MEDKG.citedBy,)),
        "cited_by": [v for v in cited_by if v.iri not in defined],  # defining is shown above, not as citing
        "history": fr_history(facts),
        "applicable": definitions_view.applicable_rows(facts.site, URIRef(facts.iri)),
    }


def closest(parents: list[Any]) -> Any:
    """Of several containers (part and subpart), the nearest: its IRI extends the others'."""
    return max(parents, key=lambda p: (len(str(p)), str(p)))


def _parents(site: Site, node: Any) -> list[Any]:
    return [o for _, _, o in triples(site.dataset, node, DCTERMS.isPartOf)]


def graph_members(facts: Facts) -> list[dict[str, Any]]:
    """For the ontology and the shapes IRIs, which name a whole graph: every term or shape in it, explained."""
    whole = facts.site.whole_graph(facts.iri)
    if whole is None:
        return []
    rows = []
    for subject in sorted({s for s in whole.subjects() if isinstance(s, URIRef) and str(s) != facts.iri}):
        notes = [str(o) for p in (SKOS.definition, RDFS.comment, SH.message) for o in whole.objects(subject, p)]
        kinds = [value(facts.site, t) for t in sorted(whole.objects(subject, RDF.type), key=str)]
        rows.append({"term": value(facts.site, subject), "types": kinds, "notes": notes})
    return rows


def home_context(site: Site) -> dict[str, Any]:
    data = site.dataset
    counts = {name: len({s for s, _, _ in triples(data, predicate=RDF.type, obj=cls)}) for name, cls in (
        ("concepts", SKOS.Concept), ("concept schemes", SKOS.ConceptScheme), ("collections", SKOS.Collection),
        ("provisions", MEDKG.Provision), ("Federal Register citations", MEDKG.FederalRegisterCitation))}
    members: dict[str, set[str]] = {}
    for concept, _, scheme in triples(data, predicate=SKOS.inScheme):
        members.setdefault(str(scheme), set()).add(str(concept))
    schemes = [{"scheme": value(site, s), "concepts": len(members.get(str(s), ())),
                "publisher": [value(site, o) for _, _, o in triples(data, s, DCTERMS.publisher)]}
               for s in sorted({s for s, _, _ in triples(data, predicate=RDF.type, obj=SKOS.ConceptScheme)},
                               key=lambda s: site.label(str(s)).casefold())]
    return {"counts": counts, "schemes": schemes, "triples": site.triple_count, "manifest": site.dataset.manifest}


def index_context(site: Site, schemes: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Every concept (of the chosen vocabularies, when some are) by its preferred label, grouped by first letter."""
    concepts = {s for s, _, _ in triples(site.dataset, predicate=RDF.type, obj=SKOS.Concept)}
    if schemes:
        concepts = {c for c in concepts if not schemes.isdisjoint(site.index.schemes_of.get(str(c), ()))}
    entries = sorted((value(site, c) for c in concepts), key=lambda v: (v.text.casefold(), v.tag, v.iri or ""))
    letters: dict[str, list[Value]] = {}
    for entry in entries:
        first = entry.text[:1].upper()
        letters.setdefault(first if first.isalpha() else "#", []).append(entry)
    return {"letters": letters, "total": len(entries), "vocabularies": site.vocab.schemes, "chosen": schemes,
            "lang_switch": language.switch(site.languages, language.page_language())}


def hit_view(site: Site, hit: Hit) -> dict[str, Any]:
    """A search result as the page shows it; a provision with its heading ("42 CFR 422.350 — Basis, scope, …")."""
    headings = [] if hit.type == "concept" else sorted(
        str(o) for _, _, o in triples(site.dataset, URIRef(hit.iri), DCTERMS.title))
    return {"hit": hit, "link": value(site, URIRef(hit.iri)), "match": RANK_NAMES[hit.rank],
            "heading": headings[0] if headings else ""}
