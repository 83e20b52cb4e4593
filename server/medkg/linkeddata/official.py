"""The official definitions a concept maps to (text, citation, scope, statute) and each mapping's evidence in words.

A glossary concept page shows, under its consumer wording, every regulatory definition it is mapped to, side by
side: the definition as the regulation words it; its citation, linked to the paragraph on our provision page
(eCFR's anchor convention, ``#p-422.350(b)``) and to the official page; its scope; and the statute behind it (the
same term defined in the U.S. Code, and the statute the defining provision implements). The build records each
mapping's evidence as ``skos:closeMatch Label <IRI>: same label “…”; definitions 8% alike``; pages say it as a
sentence naming provisions by their citations, never by IRI.
"""

from __future__ import annotations

import re
from typing import Any

from flask import request
from rdflib import RDF, SKOS, Literal, URIRef

from ..namespaces import MEDKG
from . import definitions_view
from .facts import Facts, Value, value
from .site import Site
from .terms import triples

MAPPINGS: tuple[tuple[str, URIRef, URIRef], ...] = (
    ("exact match", SKOS.exactMatch, SKOS.exactMatch), ("close match", SKOS.closeMatch, SKOS.closeMatch),
    ("broad match", SKOS.broadMatch, SKOS.narrowMatch), ("narrow match", SKOS.narrowMatch, SKOS.broadMatch),
    ("related match", SKOS.relatedMatch, SKOS.relatedMatch),
)
MAPPING_NAMES = {name for name, _, _ in MAPPINGS}
KIND_WORDS = {"exactMatch": "an exact match", "closeMatch": "a close match", "broadMatch": "a broad match",
              "narrowMatch": "a narrow match", "relatedMatch": "a related match"}
_EVIDENCE = re.compile(r"skos:(\w+) (.*?) <([^<>\s]+)>: (.*)", re.S)
_IRI = re.compile(r"<([^<>\s]+)>")
_PERCENT = re.compile(r"definitions (\d+)% alike")


def official_definitions(facts: Facts) -> list[dict[str, Any]]:
    """One card per regulatory concept the concept maps to, the statute's last (a regulatory concept: none)."""
    site, here = facts.site, URIRef(facts.iri)
    if _is(site, here, MEDKG.RegulatoryConcept):
        return []
    targets = sorted({t for _, out, back in MAPPINGS for t in _mapped(site, here, out, back)
                      if _is(site, t, MEDKG.RegulatoryConcept)}, key=lambda t: (_is_statute(site, t), str(t)))
    return [card(site, here, t) for t in targets]


def card(site: Site, here: URIRef, concept: URIRef) -> dict[str, Any]:
    """What one official definition shows: its words, where it is, where it applies, what statute is behind it."""
    home = _first(site, concept, MEDKG.definedIn)
    return {
        "concept": value(site, concept),
        "definitions": [v for v in _texts(site, concept, SKOS.definition) if (v.lang or "en") == "en"],
        "citation": paragraph_link(site, home) if home is not None else None,
        "official": [value(site, o) for o in _objects(site, home, MEDKG.officialPage)] if home is not None else [],
        "authority": [str(o) for o in _objects(site, concept, MEDKG.definitionAuthority)],
        "scope": [value(site, s) for s in _objects(site, concept, MEDKG.scope)],
        "scope_evidence": [str(o) for o in _objects(site, concept, MEDKG.scopeEvidence)],
        "statute": statute_behind(site, concept, home),
        "evidence": mapping_evidence(site, here, concept),
    }


def paragraph_link(site: Site, provision: URIRef) -> Value:
    """The provision's citation, linked to its paragraph on its section's page (``…/422.350#p-422.350(b)``)."""
    named = value(site, provision)
    section, designators = _section_and_designators(site, provision)
    path = site.paths.path(str(section))
    if not designators or path is None:
        return named
    anchor = "p-" + site.label(str(section)).rsplit(" ", 1)[-1] + "".join(f"({d})" for d in designators)
    return Value(named.text, named.iri, f"{request.script_root}{path}#{anchor}")


def _section_and_designators(site: Site, provision: URIRef) -> tuple[Any, list[str]]:
    """The section holding a provision (itself, if it is one) and the designators from there down."""
    nodes = definitions_view.chain(site, provision)
    at = next((i for i, node in enumerate(nodes) if _level(site, node) in ("section", None)), len(nodes) - 1)
    designators = [str(_first(site, node, MEDKG.designator) or "") for node in reversed(nodes[:at])]
    return nodes[at], [d for d in designators if d]


def statute_behind(site: Site, concept: URIRef, home: URIRef | None) -> dict[str, list[Value]]:
    """The statute's definition of the same term (a mapping into the U.S. Code) and the statute the defining
    provision, or a provision containing it, implements."""
    same = sorted({t for _, out, back in MAPPINGS for t in _mapped(site, concept, out, back)
                   if _is_statute(site, t)}, key=str)
    chain = definitions_view.chain(site, home) if home is not None else []
    implemented = {p for node in chain for p in _objects(site, node, MEDKG.implements)}
    return {"same_term": [value(site, t) for t in same],
            "implements": [value(site, p) for p in sorted(implemented, key=lambda p: site.label(str(p)))]}


def mapping_evidence(site: Site, here: URIRef, other: URIRef) -> list[str]:
    """The evidence of the mappings between two concepts, each as a sentence (either side may record it)."""
    found = [(here, str(o)) for o in _objects(site, here, MEDKG.mappingEvidence) if f"<{other}>" in str(o)]
    found += [(other, str(o)) for o in _objects(site, other, MEDKG.mappingEvidence) if f"<{here}>" in str(o)]
    return [evidence_sentence(site, here, owner, text) for owner, text in found]


def evidence_sentence(site: Site, here: URIRef, owner: URIRef, text: str) -> str:
    """``skos:closeMatch Label <IRI>: same label “x”; definitions 8% alike`` → "Same label (“x”) as the term
    defined in 42 CFR 422.350(b); the definitions are 8% alike in wording, so this is a close match, not an
    exact one." Whatever the build may add later keeps its words, with IRIs replaced by names."""
    match = _EVIDENCE.fullmatch(text.strip())
    if match is None:
        return _named(site, text)
    kind, _label, target, why = match.groups()
    other = URIRef(target) if owner == here else owner
    clauses = [_clause(site, c.strip(), describe(site, other)) for c in why.split("; ") if c.strip()]
    sentence = "; ".join(c for c in clauses if c)
    percent = _PERCENT.search(why)
    verdict = KIND_WORDS.get(kind, kind)
    if kind == "closeMatch" and percent and "lowered from" not in why:
        verdict += ", not an exact one"
    return f"{sentence[:1].upper()}{sentence[1:]}, so this is {verdict}."


def _clause(site: Site, clause: str, other: str) -> str:
    if m := re.fullmatch(r"same label “(.+)”", clause):
        return f"same label (“{m[1]}”) as {other}"
    if m := re.fullmatch(r"same term “(.+)”", clause):
        return f"the same term (“{m[1]}”) is also {other.removeprefix('the term ')}"
    if m := re.fullmatch(r"labels agree as “(.+)” only after (.+)", clause):
        return f"the labels agree with {other} as “{m[1]}” only after {m[2]}"
    if m := _PERCENT.fullmatch(clause):
        return f"the definitions are {m[1]}% alike in wording"
    if clause.startswith("lowered from exactMatch: "):
        return "lowered from an exact match because " + _named(site, clause[len("lowered from exactMatch: "):])
    return _named(site, clause)


def describe(site: Site, concept: URIRef) -> str:
    """"the term defined in 42 CFR 422.350(b)"; "“Premium” of the HealthCare.gov glossary" for a glossary term."""
    home = _first(site, concept, MEDKG.definedIn)
    if home is not None:
        return f"the term defined in {site.label(str(home))}"
    tag = site.vocab.tag(str(concept))
    return f"“{site.label(str(concept))}”" + (f" of the {tag.vocabulary}" if tag else "")


def _named(site: Site, text: str) -> str:
    """IRIs as names ("Downstream entity (42 CFR Part 422 · § 422.2)"), SKOS terms as words."""
    def name(m: re.Match[str]) -> str:
        tag = site.vocab.tag(m[1])
        return site.label(m[1]) + (f" ({tag.text})" if tag else "")

    text = _IRI.sub(name, text)
    return re.sub(r"(?:skos:)?\b(\w+Match)\b", lambda m: KIND_WORDS.get(m[1], m[1]).split(" ", 1)[-1], text)


def _mapped(site: Site, concept: URIRef, out: URIRef, back: URIRef) -> set[URIRef]:
    found = {o for _, _, o in triples(site.dataset, concept, out) if isinstance(o, URIRef)}
    return found | {s for s, _, _ in triples(site.dataset, None, back, concept) if isinstance(s, URIRef)}


def _is(site: Site, node: URIRef, cls: URIRef) -> bool:
    return next(triples(site.dataset, node, RDF.type, cls), None) is not None


def _is_statute(site: Site, concept: URIRef) -> bool:
    """A definition of the U.S. Code: its defining provision is served under ``/usc/``."""
    home = _first(site, concept, MEDKG.definedIn)
    return home is not None and (site.paths.path(str(home)) or "").startswith("/usc/")


def _objects(site: Site, subject: Any, predicate: URIRef) -> list[Any]:
    return sorted({o for _, _, o in triples(site.dataset, subject, predicate)}, key=str)


def _first(site: Site, subject: Any, predicate: URIRef) -> Any:
    found = _objects(site, subject, predicate)
    return found[0] if found else None


def _texts(site: Site, subject: URIRef, predicate: URIRef) -> list[Value]:
    return [value(site, o) for o in _objects(site, subject, predicate) if isinstance(o, Literal)]


def _level(site: Site, node: Any) -> str | None:
    level = _first(site, node, MEDKG.provisionLevel)
    return None if level is None else str(level)


def mapping_rows(facts: Facts) -> list[dict[str, Any]]:
    """Every mapping of a concept, its target named by vocabulary and section, with the evidence for it."""
    site, here = facts.site, URIRef(facts.iri)
    rows = []
    for name, out, back in MAPPINGS:
        for target in facts.linked((out,), (back,)):
            if not target.iri:
                continue
            why = mapping_evidence(site, here, URIRef(target.iri))
            row = definitions_view.definition_row(site, URIRef(target.iri))
            cited = _first(site, URIRef(target.iri), MEDKG.regulatoryCitation)
            if row["defined_in"] is None and cited is not None:
                row["defined_in"] = value(site, cited)
            rows.append({"relation": name, "inferred": target.inferred, "evidence": why, **row,
                         "concept": target})
    return rows
