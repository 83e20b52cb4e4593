"""skos:broader from the genus of a definition, and the top concepts of each scheme.

A definition names its genus in a few fixed ways: "… refers to a managed care organization operated by …",
"A type of Medicare health plan …", "X is a <genus> that …", "X means a <genus> …", or simply "A <genus> that …".
The noun phrase after the cue is matched (whole, or its last two or more words) against every concept's labels.
A match in the same scheme gives skos:broader; a match in another scheme gives skos:broadMatch (a sub-property of
skos:broader meant for links across schemes), but only for a genus of two or more words: one bare word ("a plan")
names different things in a consumer glossary and in a regulation. The phrase is kept as medkg:broaderEvidence.
Nothing is linked when the phrase does not end cleanly (e.g. in a verb or a determiner), so a sentence that only
happens to begin with "A …" does not produce a link.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import RDF, SKOS, Graph, Literal, URIRef
from rdflib.term import Node

from ...namespaces import MEDKG
from ..context import BuildContext
from ..diagnostics import SourceLocation
from ..labels import label_index, normalize_label

DEFINITION_PROPERTIES = (SKOS.definition, MEDKG.publisherDefinition)
_TYPE_OF = r"(?:type|kind|form|category|class|variety)\s+of\s+(?:an?\s+)?"
CUES: tuple[tuple[str, re.Pattern[str], bool], ...] = (  # name, pattern, may appear after the first sentence
    ("type-of", re.compile(r"^(?:(?:an?|this|the)\s+)?" + _TYPE_OF, re.IGNORECASE), True),
    ("refers-to", re.compile(r"\brefers?\s+to\s+an?\s+", re.IGNORECASE), False),
    ("is-a", re.compile(r"^(?P<subject>[^.;:]{1,80}?)\s+(?:is|are)\s+an?\s+(?:" + _TYPE_OF + ")?"), True),
    ("means", re.compile(r"\bmeans\s+(?:an?\s+)?(?:" + _TYPE_OF + ")?", re.IGNORECASE), False),
    ("article", re.compile(r"^an?\s+(?!" + _TYPE_OF + ")", re.IGNORECASE), False),
)
# words that end a genus noun phrase cleanly: relative pronouns, prepositions, conjunctions
CLEAN_END = {"that", "which", "who", "whom", "whose", "where", "when", "with", "without", "in", "for", "from",
             "by", "of", "to", "under", "through", "at", "on", "as", "and", "or", "but", "than", "between",
             "within", "across", "available", "such", "not"}
# words that end it badly (the phrase ran into a clause): determiners, pronouns, auxiliaries
BAD_END = {"a", "an", "the", "this", "these", "those", "your", "you", "its", "their", "his", "her", "our", "any",
           "each", "some", "all", "is", "are", "was", "were", "be", "been", "has", "have", "had", "may", "can",
           "must", "will", "would", "should", "does", "do", "if", "it", "they", "we", "he", "she"}
MAX_WORDS = 7
_TOKEN = re.compile(r"[A-Za-z0-9][\w'’+&]*(?:[-/][\w'’+&]+)*|[^\w\s]")  # "Medicare+Choice" is one word
_RELATIVE = re.compile(r"\b(?:that|which|who|whom|whose|where)\b")
_COORDINATION = re.compile(r"\b(?:or|and)\b")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(])")


@dataclass(frozen=True)
class Genus:
    phrase: str  # the cue and the noun phrase, as written
    words: tuple[str, ...]  # the noun phrase


def noun_phrase(rest: str) -> tuple[list[str], int] | None:
    """The words of the noun phrase that opens ``rest`` and the offset where it ends, if it ends cleanly."""
    tokens = list(_TOKEN.finditer(rest))
    words: list[str] = []
    end = 0
    for i, match in enumerate(tokens):
        token, lower = match.group(0), match.group(0).lower()
        if not token[0].isalnum() or lower in CLEAN_END:
            return (words, end) if words and not _coordinated(lower, rest[match.start():]) else None
        if lower in BAD_END or len(words) == MAX_WORDS:
            return None
        if words and _participle_ends(lower, words[-1], tokens[i + 1:i + 2]):
            return words, end  # "a managed care organization operated by …"
        words.append(token)
        end = match.end()
    return (words, end) if words else None


def _coordinated(stop: str, rest: str) -> bool:
    """"A physician or nurse", "a physician (M.D.), nurse practitioner or physician assistant who …": the genus is
    one of several, so it is not the genus."""
    if stop in {"or", "and"}:
        return True
    if stop not in {",", "("}:
        return False
    clause = _RELATIVE.split(rest, maxsplit=1)[0]
    return bool(_COORDINATION.search(clause.split(".")[0] if stop == "," else clause))


def _participle_ends(lower: str, previous: str, following: list[re.Match[str]]) -> bool:
    """A participle followed by a preposition ("operated by") ends the phrase; "fully integrated" does not."""
    if not lower.endswith("ed") or previous.lower().endswith("ly"):
        return False
    nxt = following[0].group(0).lower() if following else ""
    return not nxt or nxt in CLEAN_END or not nxt[0].isalnum()


def genera(text: str, labels: set[str]) -> Iterator[Genus]:
    """Every genus the definition text states, in order."""
    for number, sentence in enumerate(_SENTENCE.split(text.strip())):
        for name, pattern, later in CUES:
            if number and not later:
                continue
            match = pattern.search(sentence)
            if match is None or (name == "is-a" and not _names_subject(match.group("subject"), labels)):
                continue
            found = noun_phrase(sentence[match.end():])
            if found:
                words, end = found
                yield Genus(sentence[match.start("subject") if name == "is-a" else match.start():
                                     match.end() + end].strip(), tuple(words))
            break


def _names_subject(subject: str, labels: set[str]) -> bool:
    """"X is a …" counts only when X names the concept itself (a label, or the start of one: "A rider is …")."""
    key = normalize_label(re.sub(r"^(?:an?|the)\s+", "", subject.strip(), flags=re.IGNORECASE))
    return bool(key) and any(key == label or label.startswith(key + " ") or key.startswith(label + " ")
                             for label in labels)


def candidates(words: tuple[str, ...]) -> Iterator[str]:
    """The whole phrase, then its endings of two or more words, longest first (a singular form too)."""
    for start in range(len(words)):
        if start and len(words) - start < 2:
            return
        tail = list(words[start:])
        yield normalize_label(" ".join(tail))
        last = tail[-1]
        if last.endswith("s") and not last.endswith("ss") and len(last) > 3:
            yield normalize_label(" ".join([*tail[:-1], last[:-1]]))


def _english(graph_values: Iterator[Node]) -> list[Literal]:
    return sorted(v for v in graph_values if isinstance(v, Literal) and (v.language or "en").startswith("en"))


def _labels_of(ctx: BuildContext, concept: URIRef) -> set[str]:
    return {normalize_label(str(v)) for p in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)
            for v in ctx.graph.objects(concept, p)}


def link_broader(ctx: BuildContext) -> None:
    """skos:broader (same scheme) or skos:broadMatch (other scheme) where a definition's genus names a concept."""
    index = label_index(ctx.graph, (SKOS.prefLabel, SKOS.altLabel))
    concepts = sorted(c for c in ctx.graph.subjects(RDF.type, SKOS.Concept) if isinstance(c, URIRef))
    for concept in concepts:
        labels = _labels_of(ctx, concept)
        for prop in DEFINITION_PROPERTIES:
            for text in _english(ctx.graph.objects(concept, prop)):
                location = ctx.provenance.get((concept, prop, text))
                for genus in genera(str(text), labels):
                    target = _target(ctx, concept, genus, index)
                    if target is not None:
                        _add_broader(ctx, concept, target, genus, location)


def _target(ctx: BuildContext, concept: URIRef, genus: Genus, index: dict[str, set[URIRef]]) -> URIRef | None:
    """The concept the genus names: the longest matching phrase; same scheme first; one target only."""
    own = set(ctx.graph.objects(concept, SKOS.inScheme))
    for key in candidates(genus.words):
        matches = sorted(m for m in index.get(key, set()) if m != concept)
        same = [m for m in matches if own & set(ctx.graph.objects(m, SKOS.inScheme))]
        if same:
            return same[0]
        # one bare word ("a plan", "a provider") means different things in different vocabularies
        if len(matches) == 1 and len(key.split()) >= 2:
            return matches[0]
        if matches:
            return None  # several concepts of other schemes share the name: not ours to choose
    return None


def _add_broader(ctx: BuildContext, concept: URIRef, target: URIRef, genus: Genus,
                 location: SourceLocation | None) -> None:
    same_scheme = bool(set(ctx.graph.objects(concept, SKOS.inScheme)) & set(ctx.graph.objects(target,
                                                                                              SKOS.inScheme)))
    prop = SKOS.broader if same_scheme else SKOS.broadMatch
    if concept == target or concept in _ancestors(ctx.graph, target):
        ctx.diagnostics.info("genus.cycle", f"genus {genus.phrase!r} would make a cycle; no link made",
                             location or SourceLocation("(graph)"), str(concept))
        return
    ctx.add((concept, prop, target), location)
    ctx.add((concept, MEDKG.broaderEvidence, Literal(genus.phrase, lang="en")), location)


def _ancestors(graph: Graph, concept: URIRef) -> set[Node]:
    """Every concept above ``concept`` through skos:broader or skos:broadMatch (or their inverses)."""
    seen: set[Node] = set()
    todo: list[Node] = [concept]
    while todo:
        current = todo.pop()
        for above in [*graph.objects(current, SKOS.broader), *graph.objects(current, SKOS.broadMatch),
                      *graph.subjects(SKOS.narrower, current), *graph.subjects(SKOS.narrowMatch, current)]:
            if above not in seen:
                seen.add(above)
                todo.append(above)
    return seen


def separate_related_from_broader(ctx: BuildContext) -> None:
    """SKOS S27: a concept is never related to (nor mentions) a concept above it; the broader link says more.

    Runs after every link step, since some add skos:related or medkg:mentions after the genus links are made."""
    graph = ctx.graph
    for concept in sorted(c for c in graph.subjects(RDF.type, SKOS.Concept) if isinstance(c, URIRef)):
        for above in sorted(_ancestors(graph, concept) - {concept}, key=lambda n: n.n3()):
            for prop in (SKOS.related, MEDKG.mentions):
                for triple in ((concept, prop, above), (above, prop, concept)):
                    if triple in graph:
                        graph.remove(triple)
                        location = ctx.provenance.pop(triple, None) or SourceLocation("(graph)")
                        ctx.diagnostics.info("link.related-above", f"{prop.n3(graph.namespace_manager)} to a "
                                             "broader concept dropped (SKOS S27)", location, str(concept))


def top_concepts(ctx: BuildContext) -> None:
    """Concepts with no broader concept are the top concepts of their scheme (published ones only)."""
    graph = ctx.graph
    for concept in sorted(c for c in graph.subjects(RDF.type, SKOS.Concept) if isinstance(c, URIRef)):
        unpublished = (concept, MEDKG.published, Literal(False)) in graph
        for scheme in sorted(s for s in graph.objects(concept, SKOS.inScheme) if isinstance(s, URIRef)):
            if (concept, SKOS.broader, None) in graph or unpublished:
                graph.remove((concept, SKOS.topConceptOf, scheme))
                graph.remove((scheme, SKOS.hasTopConcept, concept))
            else:
                location = ctx.provenance.get((concept, SKOS.inScheme, scheme))
                ctx.add((concept, SKOS.topConceptOf, scheme), location)
                ctx.add((scheme, SKOS.hasTopConcept, concept), location)
