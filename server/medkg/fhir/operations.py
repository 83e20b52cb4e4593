"""The terminology operations: ``$lookup``, ``$validate-code``, ``$expand`` and ``$translate`` (FHIR R4 4.0.1).

Each takes the parsed parameters and answers a ``Parameters`` (or an expanded ``ValueSet``) as a dict; a bad
parameter raises ``FhirError`` 400, an unknown code system, value set, map or code 404 — except ``$validate-code``,
whose answer to an unknown code is ``result: false``.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from ..linkeddata.search import fold
from ..pipeline.mappings import Mapping
from . import resources
from .params import FhirError, Params
from .terminology import ALL_ID, Scheme, Terminology

MAX_COUNT = 1000  # the most concepts one page of an expansion holds (also the page size when count is absent)


def _not_found(text: str) -> FhirError:
    return FhirError(404, "not-found", text)


def code_system_of(term: Terminology, url: str | None, version: str | None, name: str = "system") -> Scheme:
    if url is None:
        raise FhirError(400, "required", f"parameter {name!r} is required: the code system's url", name)
    scheme = term.by_url.get(url)
    if scheme is None:
        raise _not_found(f"CodeSystem {url} is not known here; GET metadata?mode=terminology lists every one")
    if version is not None and version != term.version:
        raise _not_found(f"version {version!r} of CodeSystem {url} is not known; this server has {term.version!r}")
    return scheme


def value_set_of(term: Terminology, url: str | None, version: str | None = None) -> Scheme | None:
    """The scheme whose implicit value set ``url`` names (``{scheme}?fhir_vs``), or None for the all-concepts one."""
    if url is None:
        raise FhirError(400, "required", "parameter 'url' is required: the value set's canonical url", "url")
    if version is not None and version != term.version:
        raise _not_found(f"version {version!r} of ValueSet {url} is not known; this server has {term.version!r}")
    if url == resources.value_set_url(term, None):
        return None
    scheme = term.by_url.get(url.removesuffix("?fhir_vs")) if url.endswith("?fhir_vs") else None
    if scheme is None:
        raise _not_found(f"ValueSet {url} is not known here: use {{code system url}}?fhir_vs or "
                         f"{resources.value_set_url(term, None)}")
    return scheme


def _system_and_code(params: Params, scheme: Scheme | None, system_name: str = "system") -> tuple[str | None, str]:
    coding = params.coding("coding") or {}
    system = scheme.url if scheme else (params.text(system_name) or coding.get("system"))
    code = params.code("code") or coding.get("code")
    if not code:
        raise FhirError(400, "required", "parameter 'code' (or 'coding') is required", "code")
    return system, code


def lookup(term: Terminology, params: Params, scheme: Scheme | None = None) -> dict[str, Any]:
    system, code = _system_and_code(params, scheme)
    scheme = code_system_of(term, system, params.text("version"))
    iri = scheme.codes.get(code)
    if iri is None:
        raise _not_found(f"code {code!r} is not in CodeSystem {scheme.url}")
    lang = params.language("displayLanguage")
    wanted = set(params.values.get("property", [])) or None
    display = term.display(iri, lang)
    details = term.details(iri)
    out = [_p("name", "valueString", scheme.title()), _p("version", "valueString", term.version),
           _p("display", "valueString", display)]
    definition = term.definition(iri, lang)
    if definition and (wanted is None or "definition" in wanted):
        out.append(_p("definition", "valueString", definition))
    if wanted is None or "designation" in wanted:
        out += [{"name": "designation", "part": _designation_parts(d)}
                for d in resources.designations(details, display)]
    props = resources.properties(term, scheme, iri, details)
    if definition:
        props.insert(0, {"code": "definition", "valueString": definition})
    out += [{"name": "property", "part": _property_parts(p)} for p in props if wanted is None or p["code"] in wanted]
    return {"resourceType": "Parameters", "parameter": out}


def validate_code(term: Terminology, params: Params, scheme: Scheme | None = None,
                  value_set: bool = False) -> dict[str, Any]:
    """``result`` true when the code is in the system (and value set) and the display, if given, is one of its
    preferred or alternative labels (any language, ignoring case)."""
    allowed = None
    if value_set:
        vs = value_set_of(term, params.text("url"), params.text("valueSetVersion"))
        allowed = {vs.url} if vs else set(term.by_url)
    system, code = _system_and_code(params, scheme, "system" if value_set else "url")
    system = system or params.text("system")
    display = params.text("display") or (params.coding("coding") or {}).get("display")
    found = term.by_url.get(system or "")
    if found is None:
        return _verdict(False, f"CodeSystem {system} is not known here" if system else "no system given")
    version = params.text("systemVersion" if value_set else "version")
    if version is not None and version != term.version:
        return _verdict(False, f"version {version!r} of CodeSystem {system} is not known; this server has "
                               f"{term.version!r}")
    if allowed is not None and system not in allowed:
        return _verdict(False, f"code system {system} is not in value set {params.text('url')}")
    iri = found.codes.get(code)
    if iri is None:
        return _verdict(False, f"Unknown code {code!r} in CodeSystem {system}")
    right = term.display(iri, params.language("displayLanguage"))
    if display is not None:
        valid = {lab.text.casefold() for lab in term.details(iri).labels if lab.kind != "hiddenLabel"}
        if display.casefold() not in valid:
            return _verdict(False, f"Wrong display {display!r} for {system}#{code}: the display is {right!r}",
                            right)
    return _verdict(True, None, right)


def _verdict(result: bool, message: str | None, display: str | None = None) -> dict[str, Any]:
    out = [_p("result", "valueBoolean", result)]
    if message:
        out.append(_p("message", "valueString", message))
    if display:
        out.append(_p("display", "valueString", display))
    return {"resourceType": "Parameters", "parameter": out}


def expand(term: Terminology, params: Params, root: str, instance: str | None = None) -> dict[str, Any]:
    if "valueSet" in params.values:
        raise FhirError(400, "not-supported", "parameter 'valueSet': this server expands its own value sets only "
                                              "(give their url)", "valueSet")
    if instance is not None:
        scheme = term.by_id.get(instance)
        if scheme is None and instance != ALL_ID:
            raise _not_found(f"ValueSet/{instance} is not known here")
    else:
        scheme = value_set_of(term, params.text("url"), params.text("valueSetVersion"))
    text = params.text("filter")
    offset = params.integer("offset", 0)
    count = params.integer("count", MAX_COUNT, most=MAX_COUNT)
    lang = params.language("displayLanguage")
    with_designations = params.boolean("includeDesignations")
    params.boolean("activeOnly")  # every concept is active: checked, then nothing to do
    if text is not None and fold(text):
        page = term.filter.search(text, offset, count, None if scheme is None else scheme.index)
        concepts, total = page.concepts, page.total
    else:
        listing = [c for c in term.listing if scheme is None or scheme.index in term.schemes_of[c]]
        concepts, total = listing[offset:offset + count], len(listing)
    expansion: dict[str, Any] = {
        "identifier": _expansion_id(term, params), "timestamp": resources.build_date(term),
        "parameter": _echo(params, term, scheme), "offset": offset,
        "contains": [_contains(term, term.concepts[c], scheme, lang, with_designations) for c in concepts],
    }
    if total is not None:
        expansion["total"] = total
    if not expansion["contains"]:
        del expansion["contains"]
    resource = resources.value_set(term, scheme, root)
    resource.pop("meta", None)
    resource["expansion"] = expansion
    return resource


def _contains(term: Terminology, iri: str, scheme: Scheme | None, lang: str | None,
              with_designations: bool) -> dict[str, Any]:
    home = scheme or term.home(iri)
    display = term.display(iri, lang)
    item: dict[str, Any] = {"system": home.url, "code": term.code_in[(iri, home.index)], "display": display}
    if with_designations:
        found = resources.designations(term.details(iri), display)
        if found:
            item["designation"] = found
    return item


def _echo(params: Params, term: Terminology, scheme: Scheme | None) -> list[dict[str, Any]]:
    """The parameters that shaped the expansion, as FHIR servers echo them (and the code system versions used)."""
    kinds = {"filter": "valueString", "count": "valueInteger", "offset": "valueInteger",
             "displayLanguage": "valueCode", "includeDesignations": "valueBoolean"}
    out = []
    for name, kind in kinds.items():
        value = params.one(name)
        if value is not None:
            if kind == "valueInteger":
                value = int(value)
            elif kind == "valueBoolean":
                value = value if isinstance(value, bool) else value == "true"
            out.append(_p(name, kind, value))
    out += [_p("version", "valueUri", f"{s.url}|{term.version}") for s in ([scheme] if scheme else term.schemes)]
    return out


def _expansion_id(term: Terminology, params: Params) -> str:
    """The same request on the same build names the same expansion."""
    key = repr((term.version, sorted((k, [str(v) for v in vs]) for k, vs in params.values.items())))
    return "urn:uuid:" + str(uuid.UUID(hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]))


def translate(term: Terminology, params: Params) -> dict[str, Any]:
    url = params.text("url")
    if url is not None and url != resources.concept_map_url(term):
        raise _not_found(f"ConceptMap {url} is not known here; this server has {resources.concept_map_url(term)}")
    version = params.text("conceptMapVersion")
    if version is not None and version != term.version:
        raise _not_found(f"version {version!r} of the ConceptMap is not known; this server has {term.version!r}")
    system, code = _system_and_code(params, None)
    scheme = code_system_of(term, system, params.text("version"))
    iri = scheme.codes.get(code)
    if iri is None:
        raise _not_found(f"code {code!r} is not in CodeSystem {scheme.url}")
    targets = _targets(term, params)
    matches = [m for m in _mappings(term, iri, params.boolean("reverse"))
               if targets is None or term.home(m.object).url in targets]
    return {"resourceType": "Parameters", "parameter": [
        _p("result", "valueBoolean", bool(matches)), _p("message", "valueString", _message(term, iri, matches)),
        *({"name": "match", "part": _match_parts(term, m)} for m in matches)]}


def _mappings(term: Terminology, iri: str, reverse: bool) -> list[Mapping]:
    """Mappings from ``iri``; with ``reverse``, the mappings to it (their source is reported as the concept)."""
    ahead = term.mappings_of(iri)
    if not reverse:
        return ahead
    back = [next(b for b in term.mappings_of(m.object) if b.object == iri) for m in ahead]
    return [Mapping(b.object, b.prop, b.subject, b.evidence, b.inverted) for b in back]


def _targets(term: Terminology, params: Params) -> set[str] | None:
    system = params.text("targetsystem") or params.text("targetSystem")
    target = params.text("target")
    if system is not None and system not in term.by_url:
        raise _not_found(f"target CodeSystem {system} is not known here")
    found = {system} if system else None
    if target is not None:
        vs = value_set_of(term, target)
        scope = {vs.url} if vs else set(term.by_url)
        found = scope if found is None else found & scope
    return found


def _message(term: Terminology, iri: str, matches: list[Mapping]) -> str:
    if not matches:
        return f"No mapping of {term.display(iri)!r} to the requested target."
    lines = []
    for m in matches:
        coding = term.coding(m.object)
        evidence = resources.evidence_text(m) or "no evidence recorded"
        lines.append(f"{m.relation.r4} {coding['system']}#{coding['code']} ({coding['display']}): {evidence}")
    return "\n".join(lines)


def _match_parts(term: Terminology, m: Mapping) -> list[dict[str, Any]]:
    return [_p("equivalence", "valueCode", m.relation.r4), _p("concept", "valueCoding", term.coding(m.object)),
            _p("source", "valueUri", resources.concept_map_url(term))]


def _designation_parts(designation: dict[str, Any]) -> list[dict[str, Any]]:
    parts = [_p("language", "valueCode", designation["language"])] if "language" in designation else []
    return [*parts, _p("use", "valueCoding", designation["use"]), _p("value", "valueString", designation["value"])]


def _property_parts(prop: dict[str, Any]) -> list[dict[str, Any]]:
    kind = next(k for k in prop if k.startswith("value"))
    return [_p("code", "valueCode", prop["code"]), _p("value", kind, prop[kind])]


def _p(name: str, kind: str, value: Any) -> dict[str, Any]:
    return {"name": name, kind: value}


def subsumes_refused() -> FhirError:
    return FhirError(501, "not-supported",
                     "$subsumes is not offered: every medkg code system has hierarchyMeaning grouped-by (skos:broader "
                     "groups a term under a more general one; it does not say that one is a kind of the other), so "
                     "subsumption between two codes is not defined. Use $lookup's parent/child properties to walk the "
                     "grouping.")
