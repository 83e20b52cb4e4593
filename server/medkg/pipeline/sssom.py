"""The build's mappings as an SSSOM mapping set (TSV with its YAML metadata block), deterministic byte for byte.

Every asserted SKOS mapping becomes one row with both labels, both schemes (``subject_source``/``object_source``),
``semapv:LexicalMatching`` as justification (medkg maps by normalized labels and definition text, see
``pipeline/linking/mapping.py``) and the evidence text in ``comment``. Concept IRIs are written as CURIEs whose
prefix names their scheme (``medkg.medicareplans-glossary:provider-sponsored-organization-pso``).
"""

from __future__ import annotations

import csv
import io

import yaml
from rdflib import SKOS, Graph, Literal, URIRef

from ..formats import SSSOM
from .mappings import Mapping, asserted_mappings

COLUMNS = ("subject_id", "subject_label", "predicate_id", "object_id", "object_label", "mapping_justification",
           "subject_source", "object_source", "comment")
SSSOM_PREFIXES = {"skos": str(SKOS), "semapv": "https://w3id.org/semapv/vocab/",
                  "sssom": "https://w3id.org/sssom/"}
UNSPECIFIED_LICENSE = "https://w3id.org/sssom/license/unspecified"
MEDIA_TYPE = SSSOM.media_type


def sssom_tsv(graph: Graph, base: str, version: str | None = None) -> str:
    """The SSSOM/TSV text of ``graph``'s asserted mappings; ``version`` (the build time) labels the set."""
    mappings = asserted_mappings(lambda p: graph.subject_objects(p))
    concepts = {iri for m in mappings for iri in (m.subject, m.object)}
    schemes = {iri: _scheme(graph, iri) for iri in concepts}
    prefixes = {_prefix(base, s): s.replace("/scheme/", "/concept/", 1) + "/" for s in schemes.values() if s}
    out = io.StringIO()
    for line in yaml.safe_dump(_metadata(base, version, prefixes), sort_keys=True, allow_unicode=True).splitlines():
        out.write(f"#{line}\n")
    writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for mapping in mappings:
        writer.writerow(_row(graph, mapping, schemes, prefixes))
    return out.getvalue()


def _metadata(base: str, version: str | None, prefixes: dict[str, str]) -> dict[str, object]:
    meta: dict[str, object] = {
        "curie_map": {**SSSOM_PREFIXES, **prefixes},
        "mapping_set_id": f"{base}mappings.sssom.tsv",
        "mapping_set_title": "medkg mappings between glossary terms and regulatory definitions",
        "mapping_set_description": "SKOS mappings found by medkg's build from normalized labels and definition "
                                   "text; the comment column gives the evidence of each.",
        "license": UNSPECIFIED_LICENSE,
        "mapping_tool": "medkg",
    }
    if version:
        meta["mapping_set_version"] = version
    return meta


def _row(graph: Graph, m: Mapping, schemes: dict[str, str | None], prefixes: dict[str, str]) -> list[str]:
    return [_curie(m.subject, prefixes), _label(graph, m.subject), f"skos:{str(m.prop).rsplit('#', 1)[1]}",
            _curie(m.object, prefixes), _label(graph, m.object), "semapv:LexicalMatching",
            schemes[m.subject] or "", schemes[m.object] or "", " | ".join(m.evidence)]


def _scheme(graph: Graph, iri: str) -> str | None:
    found = sorted(str(s) for s in graph.objects(URIRef(iri), SKOS.inScheme))
    return found[0] if found else None


def _prefix(base: str, scheme: str) -> str:
    """``medkg.42-cfr-422``: a CURIE prefix must not begin with a digit, as some scheme names do."""
    return "medkg." + scheme.removeprefix(base + "scheme/")


def _curie(iri: str, prefixes: dict[str, str]) -> str:
    for prefix, namespace in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _label(graph: Graph, iri: str) -> str:
    labels = sorted(graph.objects(URIRef(iri), SKOS.prefLabel), key=lambda lit: (
        not isinstance(lit, Literal) or (lit.language or "en") != "en", str(lit)))
    return str(labels[0]) if labels else ""
