"""The keys under which the app keeps its per-build state in ``app.extensions`` (one place, one spelling)."""

from __future__ import annotations

DATASET = "medkg.dataset"  # store.Dataset: the loaded build
SITE = "medkg.site"  # linkeddata.site.Site: labels, ontology, shapes, search index, caches
SPARQL = "medkg.sparql"  # sparql.state.SparqlState: answer cache, limits, query processes
VOID_HOOKS = "medkg.void"  # list of functions adding to the VoID description (see sparql.description)
FHIR = "medkg.fhir"  # fhir.terminology.Terminology: code systems, codes, mappings, the $expand filter index
GONE = "medkg.gone"  # function (site, path) -> a 410 answer or None (linkeddata.changes_view)
DATED = "medkg.dated"  # function (site, path) -> the ?date= answer (a version) or None (linkeddata.changes_view)
