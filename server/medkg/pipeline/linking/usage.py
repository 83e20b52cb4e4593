"""Where a defined term is used: ``medkg:usesTerm`` from each provision to the concepts whose terms its text uses.

Only the definitions that apply in the provision count (their scope contains it, the narrowest scope winning; see
``regulatory.scope``). Matching is Aho–Corasick (pyahocorasick) over the English preferred and alternative
labels: whole words (not inside a longer word or hyphenated compound), the longest match first where matches
overlap ("MA plan" before "MA" and "plan"), plurals in -s/-es/-ies, acronyms ("MA", "PSO", "R&I") case-sensitive and
other terms case-insensitive. The paragraph that defines a term is not counted as using it for the defining
occurrence itself; a second occurrence there is a use.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

import ahocorasick
from rdflib import SKOS, Graph, Literal, URIRef
from rdflib.term import Node

from ...namespaces import MEDKG
from ..context import BuildContext
from ..regulatory.scope import HERE, Hierarchy, applicable, scope_index, term_key

_WORD = re.compile(r"[\w-]")
_ACRONYM = re.compile(r"(?=(?:.*[A-Z]){2})[A-Z0-9&/-]+s?")


def is_acronym(label: str) -> bool:
    """"MA", "PSO", "MA-PD", "R&I": matched with their case; "Part D sponsor" is not an acronym."""
    return bool(_ACRONYM.fullmatch(label))


def plural_forms(label: str) -> set[str]:
    forms = {label, label + "s", label + "es"}
    if label.endswith("y") and not label.endswith(("ay", "ey", "oy", "uy")):
        forms.add(label[:-1] + "ies")
    return forms


class TermMatcher:
    """Finds the defined terms of a set of concepts in a text (see the module docstring for the rules)."""

    def __init__(self, labels: Mapping[URIRef, Iterable[str]]) -> None:
        keys: dict[tuple[bool, str], set[URIRef]] = defaultdict(set)
        for concept, names in labels.items():
            for name in names:
                exact = is_acronym(name)
                for form in plural_forms(name):
                    keys[(exact, form if exact else form.lower())].add(concept)
        self.automata: dict[bool, ahocorasick.Automaton] = {}
        for exact in (False, True):
            automaton = ahocorasick.Automaton()
            for (is_exact, key), concepts in keys.items():
                if is_exact == exact:
                    automaton.add_word(key, (len(key), tuple(sorted(concepts))))
            if len(automaton):
                automaton.make_automaton()
                self.automata[exact] = automaton

    def matches(self, text: str) -> list[tuple[int, int, tuple[URIRef, ...]]]:
        """(start, end, concepts) of every accepted match: whole words, the longest first, never overlapping."""
        lowered = text.lower()
        folded = lowered if len(lowered) == len(text) else text  # lower() keeps offsets for all but rare letters
        found = []
        for exact, automaton in self.automata.items():
            for end, (length, concepts) in automaton.iter(text if exact else folded):
                start = end - length + 1
                if _whole_word(text, start, end + 1):
                    found.append((start, end + 1, concepts))
        taken = bytearray(len(text))  # 1 where an accepted match stands: linear however many matches there are
        accepted = []
        for start, end, concepts in sorted(found, key=lambda m: (m[0] - m[1], m[0])):
            if 1 not in taken[start:end]:
                taken[start:end] = b"\x01" * (end - start)
                accepted.append((start, end, concepts))
        return sorted(accepted)

    def counts(self, text: str) -> Counter[URIRef]:
        tally: Counter[URIRef] = Counter()
        for _start, _end, concepts in self.matches(text):
            tally.update(concepts)
        return tally


def _whole_word(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not _WORD.match(before) and not _WORD.match(after)


def english_labels(graph: Graph, concept: Node) -> list[str]:
    return sorted({str(v) for p in (SKOS.prefLabel, SKOS.altLabel) for v in graph.objects(concept, p)
                   if isinstance(v, Literal) and (v.language or "en") == "en"})


def uses(matcher: TermMatcher, text: str, defined_here: set[URIRef]) -> Counter[URIRef]:
    """How often the text uses each term; a term defined by this very provision loses its defining occurrence."""
    tally = matcher.counts(text)
    for concept in defined_here & set(tally):
        tally[concept] -= 1
    return +tally


def usage_step(ctx: BuildContext) -> None:
    """Link step: ``medkg:usesTerm`` from every provision with text to the applicable terms its text uses."""
    graph = ctx.graph
    tree = Hierarchy(ctx)
    index = scope_index(graph.subject_objects(MEDKG.scope))
    scoped = [c for cs in index.values() for c in cs]
    keys = {c: term_key(str(v) for v in graph.objects(c, SKOS.prefLabel)) for c in scoped}
    labels = {c: english_labels(graph, c) for c in scoped}
    defined: dict[Node, set[URIRef]] = defaultdict(set)
    for concept, home in graph.subject_objects(MEDKG.definedIn):
        defined[home].add(concept)  # type: ignore[arg-type]
    texts: dict[Node, list[str]] = defaultdict(list)
    for provision, text in graph.subject_objects(MEDKG.text):
        texts[provision].append(str(text))
    matchers: dict[tuple[Node, ...], TermMatcher | None] = {}
    where = ctx.subject_locations
    for provision in sorted(texts, key=str):
        scopes = tuple(p for p in tree.chain(provision) if p in index)  # the provisions whose terms govern here
        if scopes not in matchers:
            governing = [c for c, _ in applicable(scopes, index.__getitem__, keys.__getitem__)]
            matchers[scopes] = TermMatcher({c: labels[c] for c in governing}) if governing else None
        matcher = matchers[scopes]
        if matcher is not None:
            for concept in sorted(uses(matcher, " ".join(texts[provision]), defined[provision])):
                ctx.add((provision, MEDKG.usesTerm, concept), where.get(provision, HERE))
