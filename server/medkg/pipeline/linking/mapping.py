"""Links that need every source: regulatory texts merged, defined terms mentioned, terms mapped across schemes.

- A provision read from two formats (§ 422.354: printed text cut off, eCFR complete) keeps the complete text.
- ``medkg:mentions``: a definition uses another defined term of the same scheme (whole word, case-insensitive
  except for short acronyms, the longest term first, an -s/-es plural allowed, never itself), or of another scheme
  (CFR part, statute) when it also cites the section that defines that term.
- Mappings (the policy is in the README, "Mapping policy"): a glossary concept and a regulatory concept are mapped
  when a full label or alias agrees after normalization, or only after dropping an acronym, hyphens/spaces
  inside words ("co-insurance"/"coinsurance") or a plural -s; the link is ``skos:exactMatch`` only when the labels
  agree and the two definitions say the same (similarity ≥ 0.9 after the defining verb), else ``skos:closeMatch``
  (a plain-language glossary entry paraphrases the regulation; it does not restate it). The glossary concept also
  gets ``medkg:regulatoryCitation`` to the defining provision (for a statute's "(1) In general" paragraph, the
  subsection it opens). The same term defined by two regulatory schemes (two CFR parts, a part and the statute) is
  ``exactMatch`` when the definitions say the same, else ``closeMatch``. Each mapping carries
  ``medkg:mappingEvidence``.
- ``honest_closure``: exactMatch is transitive, so a chain of exact links equates its ends. When a chain would
  join two concepts whose own asserted link is weaker (close, broad, narrow or related match) or two regulatory
  definitions that were never found to agree, every exact link of that chain is lowered to ``closeMatch``: no
  inferred triple states more than the evidence. The gate checks the same (shape ``exact-match-closure``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from difflib import SequenceMatcher

from rdflib import DCTERMS, OWL, RDF, SKOS, Literal, URIRef
from rdflib.namespace import XSD

from ...namespaces import MEDKG
from ..context import BuildContext, Triple
from ..diagnostics import SourceLocation
from ..labels import normalize_label
from .mentions import MentionMatcher

SAME_TEXT = 0.9


def regulatory_schemes(ctx: BuildContext) -> list[str]:
    """The slug of every scheme that holds regulatory concepts: one per CFR part, and the statute's."""
    prefix = str(ctx.iris.scheme(""))
    return sorted({str(s)[len(prefix):] for c in ctx.graph.subjects(RDF.type, MEDKG.RegulatoryConcept)
                   for s in ctx.graph.objects(c, SKOS.inScheme) if str(s).startswith(prefix)})


def link_regulatory(ctx: BuildContext) -> None:
    """The regulatory link step (runs after the glossary reference resolution, genus and top-concept steps)."""
    merge_texts(ctx)
    prefer_subparts(ctx)
    link_mentions(ctx)
    link_cited_mentions(ctx)
    map_concepts(ctx)
    honest_closure(ctx)
    scheme_versions(ctx)


def _here(ctx: BuildContext, subject: URIRef) -> SourceLocation:
    return ctx.location_of(subject) or SourceLocation("(link)")


def merge_texts(ctx: BuildContext) -> None:
    """A provision flagged incomplete that another source gives in full keeps only the full text."""
    for provision in sorted(p for p in set(ctx.graph.subjects(MEDKG.incompleteText, None)) if isinstance(p, URIRef)):
        texts = sorted(ctx.graph.objects(provision, MEDKG.text), key=lambda t: (-len(str(t)), str(t)))
        if len(texts) < 2:
            continue
        for shorter in texts[1:]:
            _remove(ctx, (provision, MEDKG.text, shorter))
        _remove(ctx, (provision, MEDKG.incompleteText, Literal(True, datatype=XSD.boolean)))
        ctx.diagnostics.info("provision.merged", f"{provision}: the cut-off text is replaced by the complete text "
                             "read from another source", _here(ctx, provision))


def prefer_subparts(ctx: BuildContext) -> None:
    """A section cited before its subpart was known is part of the part; once the subpart is known, only of it."""
    for section, parent in sorted(ctx.graph.subject_objects(DCTERMS.isPartOf)):
        if ctx.graph.value(parent, MEDKG.provisionLevel) != Literal("part"):
            continue
        others = [p for p in ctx.graph.objects(section, DCTERMS.isPartOf)
                  if ctx.graph.value(p, MEDKG.provisionLevel) == Literal("subpart")]
        if others:
            _remove(ctx, (section, DCTERMS.isPartOf, parent))


def _remove(ctx: BuildContext, triple: Triple) -> None:
    ctx.graph.remove(triple)
    ctx.provenance.pop(triple, None)


# ---------------------------------------------------------------- mentions


def _concepts(ctx: BuildContext, scheme: str) -> list[URIRef]:
    iri = ctx.iris.scheme(scheme)
    return sorted(c for c in ctx.graph.subjects(SKOS.inScheme, iri)
                  if isinstance(c, URIRef) and (c, RDF.type, MEDKG.RegulatoryConcept) in ctx.graph)


def _labels(ctx: BuildContext, concept: URIRef) -> list[str]:
    return sorted({str(v) for p in (SKOS.prefLabel, SKOS.altLabel) for v in ctx.graph.objects(concept, p)
                   if isinstance(v, Literal) and (v.language or "en") == "en"})


def link_mentions(ctx: BuildContext) -> None:
    for scheme in regulatory_schemes(ctx):
        concepts = _concepts(ctx, scheme)
        by_label: dict[str, set[URIRef]] = defaultdict(set)
        for concept in concepts:
            for label in _labels(ctx, concept):
                by_label[label if len(label) <= 3 else label.lower()].add(concept)
        if not by_label:
            continue
        matcher = MentionMatcher(by_label)
        for concept in concepts:
            # mentions ⊑ skos:related, which SKOS keeps apart from broader/narrower (S27): the hierarchy says more
            above = set(ctx.graph.transitive_objects(concept, SKOS.broader))
            for target in sorted(mentioned(ctx, concept, matcher, by_label) - above):
                if concept not in set(ctx.graph.transitive_objects(target, SKOS.broader)):
                    ctx.add((concept, MEDKG.mentions, target), _here(ctx, concept))


def link_cited_mentions(ctx: BuildContext) -> None:
    """Across schemes a definition mentions another part's (or the statute's) term only where it cites the section
    that defines it ("(see § 423.34 of this chapter for definition of a low-income subsidy eligible individual)")."""
    defined_at: dict[str, list[URIRef]] = defaultdict(list)
    for target in ctx.graph.subjects(RDF.type, MEDKG.RegulatoryConcept):
        defined_at[_section_iri(ctx.graph.value(target, MEDKG.definedIn))].append(target)  # type: ignore[arg-type]
    for concept in sorted(c for c in ctx.graph.subjects(RDF.type, MEDKG.RegulatoryConcept) if isinstance(c, URIRef)):
        schemes = set(ctx.graph.objects(concept, SKOS.inScheme))
        targets = {t for cited in ctx.graph.objects(concept, MEDKG.cites)
                   for t in defined_at.get(_section_iri(cited), [])
                   if not schemes & set(ctx.graph.objects(t, SKOS.inScheme))}
        text = " ".join(str(d) for d in ctx.graph.objects(concept, SKOS.definition))
        for target in sorted(t for t in targets if isinstance(t, URIRef) and _uses(text, _labels(ctx, t))):
            ctx.add((concept, MEDKG.mentions, target), _here(ctx, concept))


def _uses(text: str, labels: list[str]) -> bool:
    """A whole-word use of a label, a hyphen and a space counting alike ("subsidy-eligible", "subsidy eligible")."""
    for label in labels:
        body = r"[-\s]".join(re.escape(word) for word in re.split(r"[-\s]+", label))
        if re.search(rf"(?<![\w-]){body}(?:s|es)?(?![\w-])", text, 0 if len(label) <= 3 else re.IGNORECASE):
            return True
    return False


def _section_iri(provision: object) -> str:
    """``…/cfr/42/423/423.34/b/2`` → ``…/cfr/42/423/423.34``; ``…/usc/42/1395w-25/d`` → ``…/usc/42/1395w-25``."""
    parts = str(provision).split("/")
    for code, depth in (("cfr", 4), ("usc", 3)):
        if code in parts:
            return "/".join(parts[: parts.index(code) + depth])
    return str(provision)


def mentioned(ctx: BuildContext, concept: URIRef, matcher: MentionMatcher,
              by_label: dict[str, set[URIRef]]) -> set[URIRef]:
    """The concepts whose terms the definition uses (same section preferred when a term is defined twice)."""
    text = " ".join(str(d) for d in ctx.graph.objects(concept, SKOS.definition))
    home = ctx.graph.value(concept, MEDKG.definedIn)
    section = str(home).split("/")[:8] if home else []
    found: set[URIRef] = set()
    for key in matcher.keys_in(text):
        targets = by_label[key] - {concept}
        near = {t for t in targets if str(ctx.graph.value(t, MEDKG.definedIn)).split("/")[:8] == section}
        found |= near or targets
    return found


# ---------------------------------------------------------------- mappings


def variants(label: str) -> set[str]:
    """Weaker keys of a label: without its acronym, without inner spaces/hyphens, singular."""
    base = normalize_label(re.sub(r"\s*\([^)]*\)", "", label))
    keys = {base, base.replace(" ", "")}
    if base.endswith("s") and not base.endswith("ss"):
        keys |= {base[:-1], base[:-1].replace(" ", "")}
    return {k for k in keys if k}


def _is_acronym(label: str) -> bool:
    return bool(re.fullmatch(r"[A-Z][A-Z0-9&-]{1,9}s?", label))


def _keys(ctx: BuildContext, concept: URIRef) -> tuple[set[str], set[str]]:
    labels = [str(v) for p in (SKOS.prefLabel, SKOS.altLabel) for v in ctx.graph.objects(concept, p)
              if isinstance(v, Literal) and (v.language or "en") == "en" and not _is_acronym(str(v))]
    exact = {normalize_label(label) for label in labels}
    close = set().union(*(variants(label) for label in labels)) if labels else set()
    return exact, close


def map_concepts(ctx: BuildContext) -> None:
    regulatory = {scheme: _concepts(ctx, scheme) for scheme in regulatory_schemes(ctx)}
    keyed = {c: _keys(ctx, c) for cs in regulatory.values() for c in cs}
    index = _key_index(keyed)
    glossary = sorted(c for c in ctx.graph.subjects(RDF.type, MEDKG.GlossaryConcept) if isinstance(c, URIRef))
    for concept in glossary:
        exact, close = _keys(ctx, concept)
        found = {t for kind, keys in enumerate((exact, close)) for key in keys for t in index[kind].get(key, ())}
        for target in sorted(found):
            _map_glossary(ctx, concept, (exact, close), target, keyed[target])
    _map_regulations(ctx, regulatory, keyed)


def _key_index(keyed: dict[URIRef, tuple[set[str], set[str]]]) -> tuple[dict[str, set[URIRef]], ...]:
    """Exact key → concepts, and close key → concepts: a glossary term meets only the concepts sharing a key."""
    index: tuple[dict[str, set[URIRef]], ...] = (defaultdict(set), defaultdict(set))
    for concept, keys in keyed.items():
        for kind, found in enumerate(keys):
            for key in found:
                index[kind][key].add(concept)
    return index


def _map_glossary(ctx: BuildContext, concept: URIRef, keys: tuple[set[str], set[str]], target: URIRef,
                  target_keys: tuple[set[str], set[str]]) -> None:
    """Map a glossary concept to a regulatory one sharing a key (exact label, else a weaker variant) and cite it."""
    (exact, close), (t_exact, t_close) = keys, target_keys
    if exact & t_exact:
        ratio = similarity(ctx, concept, target)
        prop = SKOS.exactMatch if ratio >= SAME_TEXT else SKOS.closeMatch
        _map(ctx, concept, prop, target, f"same label “{sorted(exact & t_exact)[0]}”; definitions {ratio:.0%} alike")
    else:  # the index found them sharing a weaker key
        _map(ctx, concept, SKOS.closeMatch, target, f"labels agree as “{sorted(close & t_close)[0]}” "
             "only after dropping an acronym, hyphens or a plural")
    provision = citable(ctx, ctx.graph.value(target, MEDKG.definedIn))
    if provision is not None:
        ctx.add((concept, MEDKG.regulatoryCitation, provision), _here(ctx, concept))


def citable(ctx: BuildContext, provision: object) -> URIRef | None:
    """The provision a glossary term cites: the defining paragraph, or for a statute's "(1) In general" lead-in
    the subsection it opens ("42 U.S.C. 1395w-25(d)", headed “Provider-sponsored organization” defined)."""
    if not isinstance(provision, URIRef):
        return None
    parent = ctx.graph.value(provision, DCTERMS.isPartOf)
    if str(ctx.graph.value(provision, DCTERMS.title)) == "In general" and isinstance(parent, URIRef):
        return parent
    return provision


def _map_regulations(ctx: BuildContext, regulatory: dict[str, list[URIRef]],
                     keyed: dict[URIRef, tuple[set[str], set[str]]]) -> None:
    """The same term defined by two regulatory schemes (two CFR parts, a part and the statute): exact when the
    texts say the same. The earlier scheme (CFR parts in order, then the statute) is the subject."""
    schemes = sorted(regulatory)
    for i, first in enumerate(schemes):
        index: dict[str, list[URIRef]] = defaultdict(list)
        for concept in regulatory[first]:
            for label in keyed[concept][0]:
                index[label].append(concept)
        for other in schemes[i + 1:]:
            pairs = {(a, b) for b in regulatory[other] for label in keyed[b][0] for a in index.get(label, [])}
            for a, b in sorted(pairs):
                _map_texts(ctx, a, b, sorted(keyed[a][0] & keyed[b][0])[0])


def _map_texts(ctx: BuildContext, a: URIRef, b: URIRef, term: str) -> None:
    ratio = similarity(ctx, a, b)
    prop = SKOS.exactMatch if ratio >= SAME_TEXT else SKOS.closeMatch
    _map(ctx, a, prop, b, f"same term “{term}”; definitions {ratio:.0%} alike")


def similarity(ctx: BuildContext, one: URIRef, other: URIRef) -> float:
    """How alike two concepts' English definitions are, word by word (0–1, after the defining verb): the share of
    words in the longest common runs (``difflib``, no junk heuristic: on long texts it would discard common words
    and report two near-identical definitions as a few percent alike)."""
    return SequenceMatcher(None, _body(ctx, one).split(), _body(ctx, other).split(), autojunk=False).ratio()


def _body(ctx: BuildContext, concept: URIRef) -> str:
    """The definition after its defining verb, normalized, so "X means …" and "the term “X” means …" compare."""
    texts = [d for d in ctx.graph.objects(concept, SKOS.definition) if isinstance(d, Literal)]
    text = str(min((d for d in texts if (d.language or "en") == "en"), key=str, default=""))
    return normalize_label(re.split(r"\b(?:means|is|are|includes)\b", text, maxsplit=1)[-1])


def _map(ctx: BuildContext, source: URIRef, prop: URIRef, target: URIRef, why: str) -> None:
    loc = _here(ctx, source)
    label = ctx.graph.value(target, SKOS.prefLabel)
    kind = "exactMatch" if prop == SKOS.exactMatch else "closeMatch"
    ctx.add((source, prop, target), loc)
    ctx.add((source, MEDKG.mappingEvidence, Literal(f"skos:{kind} {label} <{target}>: {why}", lang="en")), loc)


WEAKER = (SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)


def exact_groups(ctx: BuildContext) -> list[set[URIRef]]:
    """The concepts joined by chains of ``skos:exactMatch`` (either direction): what its closure equates."""
    parent: dict[URIRef, URIRef] = {}

    def root(node: URIRef) -> URIRef:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for one, other in ctx.graph.subject_objects(SKOS.exactMatch):
        if isinstance(one, URIRef) and isinstance(other, URIRef):
            parent[root(one)] = root(other)
    groups: dict[URIRef, set[URIRef]] = defaultdict(set)
    for node in list(parent):
        groups[root(node)].add(node)
    return sorted((g for g in groups.values() if len(g) > 2), key=lambda g: sorted(g))


def overstated(ctx: BuildContext, group: set[URIRef]) -> tuple[URIRef, URIRef, str] | None:
    """Two concepts the closure would equate that the evidence does not, and why: a weaker asserted link, or two
    regulatory definitions never compared with each other."""
    graph = ctx.graph
    for one in sorted(group):
        for other in sorted(group):
            if one >= other or (one, SKOS.exactMatch, other) in graph or (other, SKOS.exactMatch, one) in graph:
                continue
            weaker = [p for p in WEAKER for a, b in ((one, other), (other, one)) if (a, p, b) in graph]
            if weaker:
                return one, other, f"their own link is only {graph.namespace_manager.normalizeUri(weaker[0])}"
            if all((c, RDF.type, MEDKG.RegulatoryConcept) in graph for c in (one, other)):
                return one, other, "both are regulatory definitions that were never compared with each other"
    return None


def honest_closure(ctx: BuildContext) -> None:
    """Lower to closeMatch every exact link of a chain that would equate concepts the evidence does not."""
    for group in exact_groups(ctx):
        found = overstated(ctx, group)
        if found is None:
            continue
        one, other, reason = found
        why = (f"lowered from exactMatch: through it, exactMatch is transitive, <{one}> and <{other}> would be "
               f"equated, and {reason}")
        for source, target in sorted((s, o) for s, o in ctx.graph.subject_objects(SKOS.exactMatch)
                                     if s in group and isinstance(o, URIRef)):
            _lower(ctx, source, target, why)  # type: ignore[arg-type]
        ctx.diagnostics.info("mapping.lowered", f"{len(group)} concepts joined by exactMatch links: {why}",
                             _here(ctx, one))


def _lower(ctx: BuildContext, source: URIRef, target: URIRef, why: str) -> None:
    prefix = f"skos:exactMatch {ctx.graph.value(target, SKOS.prefLabel)} <{target}>: "
    for evidence in list(ctx.graph.objects(source, MEDKG.mappingEvidence)):
        if str(evidence).startswith(prefix):
            _remove(ctx, (source, MEDKG.mappingEvidence, evidence))
            text = "skos:closeMatch" + str(evidence)[len("skos:exactMatch"):] + f"; {why}"
            ctx.add((source, MEDKG.mappingEvidence, Literal(text, lang="en")), _here(ctx, source))
    _remove(ctx, (source, SKOS.exactMatch, target))
    ctx.add((source, SKOS.closeMatch, target), _here(ctx, source))


def scheme_versions(ctx: BuildContext) -> None:
    """A CFR part's version is the latest Federal Register date its provisions cite (never the clock)."""
    for scheme in regulatory_schemes(ctx):
        if match := re.match(r"^(\d+)-cfr-(\w+)$", scheme):
            _scheme_version(ctx, scheme, str(ctx.iris.base) + f"cfr/{match.group(1)}/{match.group(2)}/")


def _scheme_version(ctx: BuildContext, scheme: str, provisions: str) -> None:
    iri = ctx.iris.scheme(scheme)
    dates = sorted(str(d) for prop in (MEDKG.originallyPublishedIn, MEDKG.amendedBy)
                   for p, fr in ctx.graph.subject_objects(prop) if str(p).startswith(provisions)
                   for d in ctx.graph.objects(fr, DCTERMS.date) if isinstance(d, Literal) and d.datatype == XSD.date)
    if dates:
        loc = _here(ctx, iri)
        ctx.add((iri, OWL.versionInfo, Literal(f"as amended through the Federal Register of {dates[-1]}")), loc)
        ctx.add((iri, DCTERMS.modified, Literal(dates[-1], datatype=XSD.date)), loc)
