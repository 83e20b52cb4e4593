"""The FHIR R4 resources of a build: CapabilityStatement, TerminologyCapabilities, CodeSystem, ValueSet, ConceptMap.

Labels become designations whose ``use`` is the SKOS property they come from (``system``
``http://www.w3.org/2004/02/skos/core``, code ``prefLabel``/``altLabel``/``hiddenLabel``: system + "#" + code is the
property's IRI). The hierarchy is ``hierarchyMeaning: grouped-by``: ``skos:broader`` groups terms, it does not say
is-a, so ``parent``/``child`` are given and ``$subsumes`` is not offered.
"""

from __future__ import annotations

import importlib.metadata
import re
from typing import Any

from rdflib import DCTERMS

from ..namespaces import MEDKG
from ..pipeline.mappings import Mapping
from .terminology import ALL_ID, Details, Scheme, Terminology, version_info

FHIR_VERSION = "4.0.1"
SKOS_SYSTEM = "http://www.w3.org/2004/02/skos/core"
CONCEPT_PROPERTIES = "http://hl7.org/fhir/concept-properties"
LABEL_USES = {"prefLabel": "preferred label", "altLabel": "alternative label", "hiddenLabel": "hidden label"}
CONCEPT_MAP_ID = "skos-mappings"


def _property(code: str, uri: str, kind: str, description: str) -> dict[str, str]:
    return {"code": code, "uri": uri, "description": description, "type": kind}


PROPERTIES = [
    _property("parent", f"{CONCEPT_PROPERTIES}#parent", "code",
              "skos:broader within this scheme: a grouping term, not an is-a parent"),
    _property("child", f"{CONCEPT_PROPERTIES}#child", "code", "skos:narrower within this scheme"),
    _property("definedIn", str(MEDKG.definedIn), "string", "the provision whose text defines the term, by citation"),
    _property("citation", str(MEDKG.regulatoryCitation), "string",
              "the regulatory provision that defines what the term names, by citation"),
    _property("authority", str(MEDKG.definitionAuthority), "string", "who gives the definition"),
    _property("iri", "http://www.w3.org/2004/02/skos/core#Concept", "string",
              "the concept's IRI: its linked-data page, documents and SPARQL subject"),
]
PROPERTY_CODES = [p["code"] for p in PROPERTIES]


def software_version() -> str:
    try:
        return importlib.metadata.version("medkg")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - a checkout that was never installed
        return "0"


def capability_statement(term: Terminology, root: str) -> dict[str, Any]:
    def resource(kind: str, operations: list[tuple[str, str]], params: list[tuple[str, str]]) -> dict[str, Any]:
        return {"type": kind, "profile": f"http://hl7.org/fhir/StructureDefinition/{kind}",
                "interaction": [{"code": "read"}, {"code": "search-type"}],
                "searchParam": [{"name": n, "type": t} for n, t in params],
                "operation": [{"name": n, "definition": f"http://hl7.org/fhir/OperationDefinition/{d}"}
                              for n, d in operations]}

    canonical = [("url", "uri"), ("version", "token"), ("_id", "token")]
    return {
        "resourceType": "CapabilityStatement", "id": "medkg", "url": root + "metadata", "version": term.version,
        "name": "MedkgTerminologyService", "title": "medkg FHIR terminology service", "status": "active",
        "experimental": False, "date": build_date(term), "publisher": "medkg",
        "description": "Concept schemes of health-policy glossaries and regulatory definitions as FHIR R4 code "
                       "systems, value sets and a concept map, from the same build as the SPARQL endpoint and "
                       "linked data.",
        "kind": "instance", "instantiates": ["http://hl7.org/fhir/CapabilityStatement/terminology-server"],
        "software": {"name": "medkg", "version": software_version()},
        "implementation": {"description": "medkg terminology service", "url": root.rstrip("/")},
        "fhirVersion": FHIR_VERSION, "format": ["application/fhir+json", "json"],
        "rest": [{"mode": "server", "resource": [
            resource("CodeSystem", [("lookup", "CodeSystem-lookup"), ("validate-code", "CodeSystem-validate-code")],
                     canonical),
            resource("ValueSet", [("expand", "ValueSet-expand"), ("validate-code", "ValueSet-validate-code")],
                     canonical),
            resource("ConceptMap", [("translate", "ConceptMap-translate")], canonical)]}],
    }


def terminology_capabilities(term: Terminology, root: str) -> dict[str, Any]:
    return {
        "resourceType": "TerminologyCapabilities", "id": "medkg", "url": root + "metadata?mode=terminology",
        "version": term.version, "name": "MedkgTerminologyCapabilities", "status": "active",
        "date": build_date(term), "publisher": "medkg", "kind": "instance",
        "software": {"name": "medkg", "version": software_version()},
        "codeSystem": [{"uri": s.url, "version": [{"code": term.version, "isDefault": True,
                                                   "property": PROPERTY_CODES}], "subsumption": False}
                       for s in term.schemes],
        "expansion": {"hierarchical": False, "paging": True, "incomplete": False,
                      "parameter": [{"name": n} for n in ("filter", "count", "offset", "displayLanguage",
                                                          "includeDesignations")],
                      "textFilter": "Case- and accent-insensitive; ranked as the site's /suggest: exact label, "
                                    "label prefix, then labels containing the text."},
        "validateCode": {"translations": False},
        "translation": {"needsMap": False},
    }


def code_system(term: Terminology, scheme: Scheme, root: str, summary: bool = False) -> dict[str, Any]:
    resource = _strip({
        "resourceType": "CodeSystem", "id": scheme.id, "meta": _meta(term), "url": scheme.url,
        "identifier": [{"system": "urn:ietf:rfc:3986", "value": scheme.url}], "version": term.version,
        "name": _name(scheme.id), "title": scheme.title(), "status": "active", "experimental": False,
        "date": _date(term, scheme), "publisher": "; ".join(scheme.texts(DCTERMS.publisher)) or None,
        "description": _description(scheme), "copyright": _copyright(scheme), "caseSensitive": True,
        "valueSet": scheme.value_set, "hierarchyMeaning": "grouped-by", "compositional": False,
        "versionNeeded": False, "content": "complete", "count": len(scheme.codes), "property": PROPERTIES,
    })
    if not summary:
        resource["concept"] = [concept(term, scheme, iri) for iri in scheme.codes.values()]
    return resource


def concept(term: Terminology, scheme: Scheme, iri: str) -> dict[str, Any]:
    details = term.details(iri)
    display = term.display(iri)
    return _strip({"code": term.code_in[(iri, scheme.index)], "display": display,
                   "definition": term.definition(iri), "designation": designations(details, display) or None,
                   "property": properties(term, scheme, iri, details) or None})


def designations(details: Details, display: str | None = None) -> list[dict[str, Any]]:
    """Every label but the one shown as the display, with its language and the SKOS property it comes from."""
    return [_strip({"language": label.lang or None,
                    "use": {"system": SKOS_SYSTEM, "code": label.kind, "display": LABEL_USES[label.kind]},
                    "value": label.text})
            for label in details.labels if not (label.kind == "prefLabel" and label.text == display)]


def properties(term: Terminology, scheme: Scheme, iri: str, details: Details) -> list[dict[str, Any]]:
    """The concept's properties as CodeSystem.concept.property (``code`` + ``value[x]``)."""
    found: list[dict[str, Any]] = []
    for kind, others in (("parent", term.parents.get(iri, [])), ("child", term.children(iri))):
        found += [{"code": kind, "valueCode": term.code_in[(o, scheme.index)]} for o in others
                  if (o, scheme.index) in term.code_in]
    for kind, texts in (("definedIn", details.defined_in), ("citation", details.citations),
                        ("authority", details.authority), ("iri", [iri])):
        found += [{"code": kind, "valueString": text} for text in texts]
    return found


def value_set(term: Terminology, scheme: Scheme | None, root: str) -> dict[str, Any]:
    schemes = [scheme] if scheme else term.schemes
    title = f"All concepts of {scheme.title()}" if scheme else "Every concept of every medkg concept scheme"
    return _strip({
        "resourceType": "ValueSet", "id": scheme.id if scheme else ALL_ID, "meta": _meta(term),
        "url": value_set_url(term, scheme), "version": term.version,
        "name": _name(scheme.id if scheme else ALL_ID) + "ValueSet", "title": title, "status": "active",
        "experimental": False, "date": _date(term, scheme), "publisher": "medkg", "immutable": True,
        "compose": {"include": [{"system": s.url} for s in schemes]},
    })


def value_set_url(term: Terminology, scheme: Scheme | None) -> str:
    return scheme.value_set if scheme else term.site.dataset.base + f"fhir/ValueSet/{ALL_ID}"


def concept_map_url(term: Terminology) -> str:
    return term.site.dataset.base + f"fhir/ConceptMap/{CONCEPT_MAP_ID}"


def concept_map(term: Terminology, root: str) -> dict[str, Any]:
    groups: dict[tuple[str, str], dict[str, list[Mapping]]] = {}
    for subject in sorted(term.mappings):
        if subject not in term.concept_ids:
            continue
        for m in term.mappings_of(subject):
            key = (term.home(m.subject).url, term.home(m.object).url)
            groups.setdefault(key, {}).setdefault(m.subject, []).append(m)
    return {
        "resourceType": "ConceptMap", "id": CONCEPT_MAP_ID, "meta": _meta(term), "url": concept_map_url(term),
        "version": term.version, "name": "MedkgSkosMappings", "title": "SKOS mappings between medkg schemes",
        "status": "active", "experimental": False, "publisher": "medkg",
        "description": "skos:exactMatch → equivalent, skos:closeMatch and skos:relatedMatch → relatedto, "
                       "skos:broadMatch → wider, skos:narrowMatch → narrower; each read both ways. The comment of "
                       "each target is the evidence the build recorded.",
        "sourceUri": value_set_url(term, None), "targetUri": value_set_url(term, None),
        "group": [{"source": source, "target": target,
                   "element": [_element(term, subject, ms) for subject, ms in sorted(elements.items())]}
                  for (source, target), elements in sorted(groups.items())],
    }


def _element(term: Terminology, subject: str, mappings: list[Mapping]) -> dict[str, Any]:
    coding = term.coding(subject)
    return {"code": coding["code"], "display": coding["display"],
            "target": [_strip({"code": term.coding(m.object)["code"], "display": term.display(m.object),
                               "equivalence": m.relation.r4, "comment": evidence_text(m)}) for m in mappings]}


def evidence_text(m: Mapping) -> str | None:
    direction = " (the mapping read backwards)" if m.inverted else ""
    return "; ".join(m.evidence) + direction if m.evidence else None


def bundle(resources: list[dict[str, Any]], self_url: str, root: str) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "searchset", "total": len(resources),
            "link": [{"relation": "self", "url": self_url}],
            "entry": [{"fullUrl": f"{root}{r['resourceType']}/{r['id']}", "resource": r, "search": {"mode": "match"}}
                      for r in resources]}


def _meta(term: Terminology) -> dict[str, str]:
    return {"lastUpdated": term.version} if _is_datetime(term.version) else {}


def _date(term: Terminology, scheme: Scheme | None) -> str | None:
    if scheme:
        for prop in (DCTERMS.modified, DCTERMS.issued):
            dates = scheme.texts(prop)
            if dates:
                return dates[-1]
    return build_date(term)


def build_date(term: Terminology) -> str:
    """When the build was made (a required element of some resources; the epoch for a build that does not say)."""
    return term.version if _is_datetime(term.version) else "1970-01-01T00:00:00Z"


def _description(scheme: Scheme) -> str | None:
    parts = scheme.texts(DCTERMS.description) or [f"The concepts of {scheme.title()}."]
    note = version_info(scheme)
    sources = scheme.texts(DCTERMS.source)
    return " ".join([*parts, *([f"Version of the source: {note}."] if note else []),
                     *([f"Source: {', '.join(sources)}."] if sources else [])])


def _copyright(scheme: Scheme) -> str | None:
    rights = scheme.texts(DCTERMS.rights)
    licences = scheme.texts(DCTERMS.license)
    text = " ".join([*rights, *(f"Licence: {url}" for url in licences)])
    return text or None


def _name(ident: str) -> str:
    """A computer-friendly name (FHIR's inv csd-0/vsd-0: ``[A-Z]([A-Za-z0-9_]){0,254}``)."""
    return "Medkg" + "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", ident))


def _is_datetime(text: str) -> bool:
    return bool(re.match(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))?$", text))


def _strip(resource: dict[str, Any]) -> dict[str, Any]:
    """Drop absent elements: FHIR JSON never carries null or empty values."""
    return {k: v for k, v in resource.items() if v not in (None, "", [], {})}

