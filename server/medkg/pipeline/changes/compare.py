"""The change report of two snapshots, matched by IRI: concepts, provisions (text moves found by similarity),
cross-references, each change of a section attributed to the Federal Register rules its new source note adds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from .snapshot import Snapshot, text_of
from .text import Segment, canonical, similarity, word_diff

LABELS = ("prefLabel", "altLabel", "hiddenLabel")
MAPPINGS = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
LINKS = ("broader", *MAPPINGS, "definedIn")
MOVED_SIMILARITY = 0.85  # a paragraph whose text is this alike under another IRI was moved (renumbered)
HELD = ("text", "title", "amendedBy", "originallyPublishedIn")  # a provision we hold, not one only cited


@dataclass
class Change:
    kind: str  # added | removed | modified | moved
    what: str  # concept | provision | cross-reference
    iri: str
    label: str
    prop: str | None = None  # definition, prefLabel, …, text, title; None for a whole resource
    before: Any = None
    after: Any = None
    amended_by: list[str] = dc_field(default_factory=list)
    section: str | None = None
    part: str | None = None
    target: str | None = None  # the new IRI of a moved paragraph; the cited IRI of a cross-reference
    diff: list[Segment] | None = None
    found: str = ""  # when the build that found it was made (the newer build's time)
    date: str | None = None  # the publication date of the latest Federal Register rule it is attributed to
    sequence: int = 0  # the place of the report that holds it in a chain of builds (build --previous); 0 alone

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Change:
        diff = [(str(op), str(words)) for op, words in data["diff"]] if data.get("diff") is not None else None
        return cls(data["kind"], data["what"], data["iri"], data["label"], data.get("field"), data.get("before"),
                   data.get("after"), list(data.get("amendedBy") or []), data.get("section"), data.get("part"),
                   data.get("target"), diff, str(data.get("found") or ""), data.get("date"),
                   int(data.get("sequence") or 0))

    def as_json(self) -> dict[str, Any]:
        data = {"kind": self.kind, "what": self.what, "iri": self.iri, "label": self.label, "field": self.prop,
                "before": self.before, "after": self.after, "amendedBy": self.amended_by,
                "section": self.section, "part": self.part, "target": self.target, "found": self.found,
                "date": self.date, "sequence": self.sequence}
        if self.diff is not None:
            data["diff"] = [list(s) for s in self.diff]
        return data


@dataclass
class Report:
    old: Snapshot
    new: Snapshot
    changes: list[Change]
    cosmetic: int  # differences of whitespace, dash style or amendment-link lines only: counted, not listed
    sequence: int = 0  # its place in a chain of builds made with --previous (1 the first); 0 for a lone diff

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for change in self.changes:
            found[change.kind] = found.get(change.kind, 0) + 1
        return found


class BaseMismatch(ValueError):
    """The two builds mint IRIs under different bases: nothing would match."""


def compare(old: Snapshot, new: Snapshot) -> Report:
    if old.base != new.base:
        raise BaseMismatch(f"the builds have different base IRIs ({old.base} and {new.base}); rebuild one "
                           "with --base so their IRIs can be matched")
    differ = _Differ(old, new)
    differ.concepts()
    differ.provisions()
    changes = sorted(_follow_moves(differ.changes), key=_order)
    for change in changes:
        _attribute(old, new, change)
        change.found, change.date = new.built, change_date(new, change)
    return Report(old, new, changes, differ.cosmetic)


def _follow_moves(changes: list[Change]) -> list[Change]:
    """Drop a cross-reference removed and added on the same provision when the cited paragraph was only moved
    (renumbered) from the one to the other: the citation followed the move."""
    moved = {c.iri: c.target for c in changes if c.kind == "moved"}
    refs = [c for c in changes if c.what == "cross-reference"]
    added = {(c.iri, c.target) for c in refs if c.kind == "added"}
    followed = {(c.iri, c.target) for c in refs if c.kind == "removed" and (c.iri, moved.get(c.target or "")) in added}
    followed |= {(iri, moved[target]) for iri, target in followed if target}
    return [c for c in changes if c.what != "cross-reference" or (c.iri, c.target) not in followed]


def _order(change: Change) -> tuple[Any, ...]:
    what = ("provision", "concept", "cross-reference").index(change.what)
    return (natural(change.section or "~"), what, natural(change.iri), change.prop or "", str(change.target))


def natural(text: str) -> list[Any]:
    """Sort key that puts 422.2 before 422.10 and (a)(2) before (a)(10)."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", text)]


class _Differ:
    def __init__(self, old: Snapshot, new: Snapshot) -> None:
        self.old, self.new = old, new
        self.changes: list[Change] = []
        self.cosmetic = 0
        self.old_defs = _definitions_by_provision(old)
        self.new_defs = _definitions_by_provision(new)
        self.changed_concepts: set[str] = set()

    # --- concepts ---
    def concepts(self) -> None:
        old, new = self.old, self.new
        for iri in sorted(old.concepts - new.concepts):
            self._concept_whole("removed", old, iri, before=_definition(old, iri))
        for iri in sorted(new.concepts - old.concepts):
            self._concept_whole("added", new, iri, after=_definition(new, iri))
        for iri in sorted(old.concepts & new.concepts):
            self._concept_fields(iri)

    def _concept_whole(self, kind: str, snap: Snapshot, iri: str, **values: Any) -> None:
        self.changed_concepts.add(iri)
        self.changes.append(Change(kind, "concept", iri, snap.label(iri), section=snap.section_of(iri), **values))

    def _concept_fields(self, iri: str) -> None:
        old, new = self.old, self.new
        before = len(self.changes)
        for prop in ("definition", "scopeNote"):
            self._texts(iri, prop)
        for prop in LABELS:
            self._sets(iri, prop, old.get(iri, prop), new.get(iri, prop), literal=True)
        for prop in LINKS:
            self._sets(iri, prop, old.get(iri, prop), new.get(iri, prop), literal=False)
        if old.get(iri, "editorialNote") != new.get(iri, "editorialNote") and len(self.changes) == before:
            self.cosmetic += 1
        if len(self.changes) > before:
            self.changed_concepts.add(iri)

    def _texts(self, iri: str, prop: str) -> None:
        """A definition (or note) per language: reworded → one change with its word diff."""
        olds, news = _by_lang(self.old.get(iri, prop)), _by_lang(self.new.get(iri, prop))
        for lang in sorted(set(olds) | set(news)):
            before, after = olds.get(lang), news.get(lang)
            if before is not None and after is not None and canonical(before) == canonical(after):
                self.cosmetic += before != after
                continue
            kind = "modified" if before is not None and after is not None else ("added" if after else "removed")
            diff = word_diff(before or "", after or "") if kind == "modified" else None
            self.changes.append(Change(kind, "concept", iri, self.new.label(iri), prop + (f"@{lang}" if lang not in
                                ("en", "") else ""), before, after, section=self.new.section_of(iri), diff=diff))

    def _sets(self, iri: str, prop: str, before: set[str], after: set[str], literal: bool) -> None:
        if before == after:
            return
        show = (lambda v: _show_literal(v)) if literal else (lambda v: v)
        self.changes.append(Change("modified", "concept", iri, self.new.label(iri), prop,
                                   sorted(map(show, before)), sorted(map(show, after)),
                                   section=self.new.section_of(iri)))

    # --- provisions ---
    def provisions(self) -> None:
        old_held, new_held = _held(self.old), _held(self.new)
        sections: dict[str | None, tuple[set[str], set[str]]] = {}
        for snap, held, side in ((self.old, old_held, 0), (self.new, new_held, 1)):
            for iri in held:
                sections.setdefault(snap.section_of(iri), (set(), set()))[side].add(iri)
        for section in sorted(sections, key=lambda s: natural(s or "")):
            olds, news = sections[section]
            self._section(section, olds, news)

    def _section(self, section: str | None, olds: set[str], news: set[str]) -> None:
        old_texts = {i: self._own_text(self.old, self.old_defs, i) for i in olds}
        new_texts = {i: self._own_text(self.new, self.new_defs, i) for i in news}
        stable = {i for i in olds & news if canonical(old_texts[i]) == canonical(new_texts[i])}
        self.cosmetic += sum(old_texts[i] != new_texts[i] for i in stable)
        self.cosmetic += sum(self.old.get(i, "editorialNote") != self.new.get(i, "editorialNote") for i in stable)
        pairs = _match(old_texts, new_texts, stable)
        for o, n in pairs:
            self._paired(section, o, n, old_texts[o], new_texts[n])
        paired_old, paired_new = {o for o, _ in pairs}, {n for _, n in pairs}
        for iri in sorted(olds - news - paired_old, key=natural):
            self._provision_whole("removed", iri, section, before=old_texts[iri] or None)
        for iri in sorted(news - olds - paired_new, key=natural):
            self._provision_whole("added", iri, section, after=new_texts[iri] or None)
        for iri in sorted((olds & news) - stable, key=natural):
            self._text_alone(section, iri, old_texts[iri] if iri not in paired_old else "",
                             new_texts[iri] if iri not in paired_new else "")
        # headings travel with their paragraph's text: compare them along the same pairs
        titled = pairs + [(i, i) for i in sorted(olds & news, key=natural) if i not in paired_old | paired_new]
        for o, n in titled:
            self._title(o, n)
            self._cites(section, o, n)
        for iri in sorted((olds & news & paired_old) - paired_new, key=natural):
            self._title(None, iri)
        for iri in sorted((olds & news & paired_new) - paired_old, key=natural):
            self._title(iri, None)

    def _own_text(self, snap: Snapshot, defs: dict[str, list[str]], iri: str) -> str:
        """A provision's text without the definition entries of its concepts (the concepts report those)."""
        text = text_of(snap.one(iri, "text"))
        definitions = defs.get(iri)
        if not definitions or not text:
            return text
        blocks = [b for b in text.split("\n\n") if not _is_definition(canonical(b), definitions)]
        return "\n\n".join(blocks)

    def _paired(self, section: str | None, o: str, n: str, before: str, after: str) -> None:
        diff = word_diff(before, after) if canonical(before) != canonical(after) else None
        if o != n:
            self.changes.append(Change("moved", "provision", o, self.old.label(o), "text", before, after,
                                       section=section, target=n, diff=diff))
        elif diff is not None:
            self.changes.append(Change("modified", "provision", o, self.new.label(o), "text", before, after,
                                       section=section, diff=diff))

    def _text_alone(self, section: str | None, iri: str, before: str, after: str) -> None:
        """Text a kept paragraph lost or gained outright (its old text moved away, or a new text moved in)."""
        if before or after:
            kind = "removed" if before else "added"
            self.changes.append(Change(kind, "provision", iri, self.new.label(iri), "text", before or None,
                                       after or None, section=section))

    def _provision_whole(self, kind: str, iri: str, section: str | None, **values: Any) -> None:
        snap = self.old if kind == "removed" else self.new
        self.changes.append(Change(kind, "provision", iri, snap.label(iri), section=section, **values))

    def _title(self, o: str | None, n: str | None) -> None:
        """A heading changed (``o`` → ``n``), gained (no ``o``) or lost (no ``n``)."""
        before = text_of(self.old.one(o, "title")) if o else ""
        after = text_of(self.new.one(n, "title")) if n else ""
        if canonical(before) == canonical(after):
            self.cosmetic += before != after
            return
        iri = n or o or ""
        kind = "modified" if before and after else ("added" if after else "removed")
        diff = word_diff(before, after) if kind == "modified" else None
        self.changes.append(Change(kind, "provision", iri, self.new.label(iri), "title", before or None,
                                   after or None, section=self.new.section_of(iri) or self.old.section_of(iri),
                                   diff=diff))

    def _cites(self, section: str | None, o: str, iri: str) -> None:
        """Cross-references added or removed, except those a changed definition of this provision explains."""
        before, after = self.old.get(o, "cites"), self.new.get(iri, "cites")
        explained_old = self._concept_cites(self.old, o)
        explained_new = self._concept_cites(self.new, iri)
        for kind, targets, snap in (("removed", before - after - explained_old, self.old),
                                    ("added", after - before - explained_new, self.new)):
            for target in sorted(targets, key=natural):
                self.changes.append(Change(kind, "cross-reference", iri, self.new.label(iri), "cites",
                                           snap.label(target) if kind == "removed" else None,
                                           snap.label(target) if kind == "added" else None,
                                           section=section, target=target))

    def _concept_cites(self, snap: Snapshot, provision: str) -> set[str]:
        found: set[str] = set()
        for concept in self.changed_concepts:
            if snap.one(concept, "definedIn") == provision:
                found |= snap.get(concept, "cites")
        return found


def _match(old_texts: dict[str, str], new_texts: dict[str, str], stable: set[str]) -> list[tuple[str, str]]:
    """Pair changed paragraphs: the same IRI with its new text, or another IRI holding (nearly) the same text."""
    olds = [i for i in old_texts if i not in stable and old_texts[i]]
    news = [i for i in new_texts if i not in stable and new_texts[i]]
    scored: list[tuple[float, int, str, str]] = []
    for o in olds:
        for n in news:
            score = similarity(old_texts[o], new_texts[n])
            if score >= MOVED_SIMILARITY or (o == n and score > 0.0):
                scored.append((score, int(o == n), o, n))
    scored.sort(key=lambda s: (-s[0], -s[1], natural(s[2]), natural(s[3])))
    pairs: list[tuple[str, str]] = []
    used_old: set[str] = set()
    used_new: set[str] = set()
    for _, _, o, n in scored:
        if o not in used_old and n not in used_new:
            pairs.append((o, n))
            used_old.add(o)
            used_new.add(n)
    # the same IRI with an unrelated new text is still that paragraph, modified
    pairs += [(i, i) for i in olds if i in news and i not in used_old and i not in used_new]
    return pairs


def _held(snap: Snapshot) -> set[str]:
    return {i for i in snap.provisions if any(snap.get(i, p) for p in HELD)}


def _definitions_by_provision(snap: Snapshot) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for concept in snap.concepts:
        where = snap.one(concept, "definedIn")
        if where is not None:
            found.setdefault(where, []).extend(canonical(text_of(d)) for d in snap.get(concept, "definition"))
    return found


def _is_definition(block: str, definitions: list[str]) -> bool:
    return bool(block) and any(d.startswith(block) or (len(block) >= 40 and block in d) for d in definitions)


def _definition(snap: Snapshot, iri: str) -> str | None:
    texts = _by_lang(snap.get(iri, "definition"))
    return texts.get("en", texts.get("")) if texts else None


def _by_lang(values: set[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for value in sorted(values):
        text, _, lang = value.rpartition("@")
        found.setdefault(lang, text)
    return found


def _show_literal(value: str) -> str:
    text, _, lang = value.rpartition("@")
    return f"{text} ({lang})" if lang and lang != "en" else text


def _attribute(old: Snapshot, new: Snapshot, change: Change) -> None:
    """The FR citations of the section's new source note that the old note lacks; the section's part."""
    section = change.section
    if section is not None:
        added = new.history(section) - old.history(section)
        labels = {new.label(i) for i in added}
        change.amended_by = sorted(labels, key=natural)
    change.part = _part(section or change.iri, new.base)


def change_date(snap: Snapshot, change: Change) -> str | None:
    """The latest publication date of the Federal Register rules a change is attributed to."""
    dates = [d for rule in rules_of(snap, change) for d in snap.get(rule, "date")]
    return max(v.rpartition("@")[0] or v for v in dates) if dates else None


def rules_of(snap: Snapshot, change: Change) -> list[str]:
    """The IRIs of the Federal Register citations a change is attributed to."""
    section = change.section
    if section is None:
        return []
    return [i for i in snap.history(section) if snap.label(i) in change.amended_by]


_PART = re.compile(r"^(cfr/\d+/[^/]+|usc/\d+|concept/[^/]+|scheme/[^/]+)")


def _part(iri: str, base: str) -> str | None:
    """A short name of the part a change is in: ``42 CFR 422``, ``42 U.S.C.``, or a concept's scheme."""
    match = _PART.match(iri[len(base):]) if iri.startswith(base) else None
    if match is None:
        return None
    pieces = match.group(1).split("/")
    if pieces[0] == "cfr":
        return f"{pieces[1]} CFR {pieces[2]}"
    if pieces[0] == "usc":
        return f"{pieces[1]} U.S.C."
    return pieces[1]


def headline(change: Change) -> str:
    """One line saying what happened, e.g. 'definition reworded' or 'moved to 42 CFR 422.60(g)(3)'."""
    if change.kind == "moved":
        return "moved (renumbered)"
    if change.what == "cross-reference":
        return f"cross-reference {change.kind}"
    if change.prop is None:
        return f"{change.what} {change.kind}"
    nouns = {"definition": "definition reworded", "text": "text changed", "title": "heading changed",
             "definedIn": "defining paragraph changed"}
    if change.kind == "modified":
        return nouns.get(change.prop, f"{change.prop} changed")
    return f"{change.prop} {change.kind}"
