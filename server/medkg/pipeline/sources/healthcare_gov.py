"""The HealthCare.gov glossary: Jekyll Markdown posts with YAML front matter, Spanish twins in ``es/``.

One concept per English entry, with the Spanish twin's label and definition beside the English ones. Entries
marked ``published: false`` are built but flagged (``medkg:published false``), kept out of the top concepts and
gathered in the collection "Unpublished entries"; a draft whose title a published entry also has is left out.
A Spanish twin marked unpublished contributes nothing (its text is a draft). See the README, "Glossary sources".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rdflib import DCTERMS, SKOS, XSD, Literal, URIRef

from ...namespaces import MEDKG
from ..context import BuildContext
from ..diagnostics import Diagnostics, SourceLocation
from ..iris import slugify
from .glossary_common import LICENSES, SchemeInfo, add_collection, add_concept, add_scheme, labels_for, license_iri
from .markdown_text import links, plain_text
from .registry import InputFile, SourceFormat, register, split_lines

SCHEME = "healthcare-gov-glossary"
PUBLISHER = "Centers for Medicare & Medicaid Services"
SITE = "https://www.healthcare.gov/glossary/"
UNPUBLISHED = "Unpublished entries"
_POST_NAME = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})-(?P<slug>.+)\.(?:md|markdown)$")
_FRONT_MARKER = re.compile(r"^\s*(layout:\s*[\"']?glossary-word|(tags|categories):.*glossary|-\s*[\"']?glossary)")
_URL_IN_TEXT = re.compile(r"https?://\S+?(?=[\s\"'<>)]|$)")


@dataclass
class Entry:
    """One post: front matter, body and where the body starts."""

    item: InputFile
    meta: dict[str, Any]
    body: str
    body_line: int
    twin: Entry | None = None
    iri: URIRef | None = None
    links: list[tuple[str, int]] = field(default_factory=list)

    @property
    def slug(self) -> str:
        match = _POST_NAME.match(self.item.path.name)
        return match.group("slug") if match else self.item.path.stem

    @property
    def date(self) -> str | None:
        """The post date, unless it is Jekyll's placeholder for undated posts (years 0001, 0100)."""
        match = _POST_NAME.match(self.item.path.name)
        return match.group("date") if match and match.group("date") >= "1900" else None

    @property
    def title(self) -> str:
        return " ".join(str(self.meta.get("title") or "").split())

    @property
    def published(self) -> bool:
        return str(self.meta.get("published", True)).strip().lower() != "false"

    def loc(self, line: int | None = None) -> SourceLocation:
        return SourceLocation(self.item.display, line or 1)


def _front_matter(text: str) -> tuple[list[str], int] | None:
    """The front matter lines and the 1-based line of its closing ``---`` (0: never closed), if there is one."""
    lines = split_lines(text)
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))  # blank lines may come first
    if start == len(lines) or lines[start].strip() != "---":
        return None
    for i in range(start + 1, len(lines)):
        if lines[i].strip() == "---":
            return lines[start + 1:i], i + 1
    return lines[start + 1:], 0


def detect(item: InputFile) -> bool:
    front = _front_matter(item.text)
    return front is not None and any(_FRONT_MARKER.match(line) for line in front[0])


def is_spanish(item: InputFile) -> bool:
    return item.path.parent.name == "es"


def is_spanish_twin(item: InputFile) -> bool:
    """A Spanish file is read with its English twin (``../same name``); one without a twin is an input itself,
    so that the build can say it has no English entry."""
    return is_spanish(item) and (item.path.parent.parent / item.path.name).is_file()


def read_entry(item: InputFile, diagnostics: Diagnostics) -> Entry | None:
    """Front matter and body of one post; broken front matter is an error with its line."""
    front = _front_matter(item.text)
    if front is None or front[1] == 0:
        diagnostics.error("hcgov.front-matter", "YAML front matter is not closed by a '---' line",
                          SourceLocation(item.display, 1))
        return None
    lines, closing = front
    opening = closing - len(lines) - 1
    try:
        meta = yaml.safe_load("\n".join(lines)) or {}
    except yaml.YAMLError as exc:
        _yaml_error(exc, item, opening, diagnostics)
        return None
    if not isinstance(meta, dict):
        diagnostics.error("hcgov.yaml", "front matter is not a mapping of keys to values",
                          SourceLocation(item.display, opening + 1))
        return None
    body = "\n".join(item.lines()[closing:])
    return Entry(item, meta, body, closing + 1)


def _yaml_error(exc: yaml.YAMLError, item: InputFile, opening: int, diagnostics: Diagnostics) -> None:
    # the context mark is where the broken construct starts (an unclosed quote), the problem mark where it ends
    mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
    line = opening + mark.line + 1 if mark is not None else opening
    what = ": ".join(str(p) for p in (getattr(exc, "context", None), getattr(exc, "problem", None)) if p)
    diagnostics.error("hcgov.yaml", f"broken YAML front matter: {what or exc}", SourceLocation(item.display, line))


def read_twin(entry: Entry, diagnostics: Diagnostics) -> Entry | None:
    path = entry.item.path.parent / "es" / entry.item.path.name
    if not path.is_file():
        return None
    display = str(Path(entry.item.display).parent / "es" / path.name)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        diagnostics.error("input.encoding", f"not UTF-8 (offset {exc.start})", SourceLocation(display, 1))
        return None
    return read_entry(InputFile(path, display, text), diagnostics)


def parse(items: Sequence[InputFile], ctx: BuildContext) -> None:
    for item in sorted((i for i in items if is_spanish(i)), key=lambda i: i.display):
        ctx.diagnostics.warning("hcgov.orphan-twin", "Spanish entry has no English twin; left out",
                                SourceLocation(item.display, 1))
    items = [i for i in items if not is_spanish(i)]
    entries = [e for item in sorted(items, key=lambda i: i.display) if (e := read_entry(item, ctx.diagnostics))]
    entries = [e for e in entries if _has_text(e, ctx.diagnostics)]
    for entry in entries:
        entry.twin = read_twin(entry, ctx.diagnostics)
    if not entries:
        return
    scheme = add_scheme(ctx, _scheme_info(items, ctx.diagnostics), entries[0].loc())
    dates = sorted(d for e in entries if (d := e.date))
    if dates:
        ctx.add((scheme, DCTERMS.modified, Literal(dates[-1], datatype=XSD.date)), entries[0].loc())
    kept = assign_iris(entries, ctx)
    by_slug: dict[str, URIRef | None] = {e.slug.lower(): e.iri for e in kept}
    for entry in kept:
        build_entry(entry, scheme, by_slug, ctx)


def _has_text(entry: Entry, diagnostics: Diagnostics) -> bool:
    if not entry.title:
        diagnostics.error("hcgov.no-title", "entry has no title; left out", entry.loc(2), entry.slug)
    elif not plain_text(entry.body):
        diagnostics.error("hcgov.no-definition", "entry has no definition text; left out", entry.loc(entry.body_line),
                          entry.title)
    else:
        return True
    return False


def _scheme_info(items: Sequence[InputFile], diagnostics: Diagnostics) -> SchemeInfo:
    licence = None
    path = items[0].path.parent / "LICENSE.txt"
    if path.is_file():
        match = _URL_IN_TEXT.search(path.read_text(encoding="utf-8", errors="replace"))
        if match:
            licence = license_iri(match.group(0).replace("http://creativecommons.org", "https://creativecommons.org"))
    if licence is None:  # the glossary is a U.S. Government work that CMS released under the Public Domain Mark
        licence = URIRef(LICENSES["pdm-1.0"])
        diagnostics.warning("hcgov.no-license", "no LICENSE.txt with a licence URL beside the glossary; "
                            f"taking HealthCare.gov's published terms, {licence}", SourceLocation(str(path)))
    return SchemeInfo(SCHEME, "HealthCare.gov glossary", PUBLISHER, licence, (SITE,))


def assign_iris(entries: list[Entry], ctx: BuildContext) -> list[Entry]:
    """IRIs from titles, published entries first; a draft repeating a published title is left out."""
    taken: dict[str, Entry] = {}
    kept = []
    for entry in sorted(entries, key=lambda e: (not e.published, e.item.display)):
        key = slugify(entry.title)
        earlier = taken.get(key)
        if earlier is not None and not entry.published:
            ctx.diagnostics.info("hcgov.superseded-draft", f"unpublished draft of {earlier.item.display}; left out",
                                 entry.loc(), entry.title)
            continue
        if earlier is not None:
            ctx.diagnostics.warning("hcgov.duplicate-title", f"title also used by {earlier.item.display}; this "
                                    "entry is named after its file", entry.loc(2), entry.title)
            key = slugify(entry.slug)
        taken[key] = entry
        entry.iri = ctx.iris.concept(SCHEME, key)
        kept.append(entry)
    return sorted(kept, key=lambda e: e.item.display)


def build_entry(entry: Entry, scheme: URIRef, by_slug: dict[str, URIRef | None], ctx: BuildContext) -> None:
    concept = entry.iri
    assert concept is not None
    loc = entry.loc()
    add_concept(ctx, concept, scheme, loc)
    ctx.add_all([(concept, DCTERMS.identifier, Literal(entry.slug)),
                 (concept, DCTERMS.source, URIRef(SITE + entry.slug + "/"))], loc)
    if entry.date:
        ctx.add((concept, DCTERMS.issued, Literal(entry.date, datatype=XSD.date)), loc)
    if not entry.published:
        ctx.add((concept, MEDKG.published, Literal(False)), entry.loc(_key_line(entry, "published")))
        add_collection(ctx, SCHEME, scheme, UNPUBLISHED, concept, loc)
    add_language(entry, concept, "en", ctx)
    add_links(entry, concept, by_slug, ctx)
    add_twin(entry, concept, by_slug, ctx)


def add_twin(entry: Entry, concept: URIRef, by_slug: dict[str, URIRef | None], ctx: BuildContext) -> None:
    """The Spanish label, definition and links, unless the twin is a draft."""
    twin = entry.twin
    if twin is None:
        ctx.diagnostics.info("hcgov.no-twin", "no Spanish twin in es/", entry.loc(), entry.title)
    elif not twin.published or not twin.title:
        ctx.diagnostics.info("hcgov.draft-twin", "Spanish twin is unpublished or untitled; no Spanish text kept",
                             twin.loc(), entry.title)
    else:
        add_language(twin, concept, "es", ctx)
        add_links(twin, concept, by_slug, ctx)


def _key_line(entry: Entry, key: str) -> int:
    lines = entry.item.lines()[: entry.body_line]
    return next((i + 1 for i, line in enumerate(lines) if line.startswith(f"{key}:")), 1)


def add_language(entry: Entry, concept: URIRef, lang: str, ctx: BuildContext) -> None:
    ctx.add_all(labels_for(entry.title, lang).triples(concept), entry.loc(_key_line(entry, "title")))
    if text := plain_text(entry.body):
        ctx.add((concept, SKOS.definition, Literal(text, lang=lang)), entry.loc(entry.body_line))
    else:
        ctx.diagnostics.info("hcgov.no-definition", f"no definition text; only the {lang} label is kept",
                             entry.loc(entry.body_line), entry.title)


def add_links(entry: Entry, concept: URIRef, by_slug: dict[str, URIRef | None], ctx: BuildContext) -> None:
    """A link to another entry (``/glossary/<slug>``) is a skos:related link, resolved here or later by name."""
    for link in links(entry.body):
        slug = link.glossary_slug
        if slug is None:
            continue
        loc = entry.loc(entry.body_line + link.line)
        target = by_slug.get(slug.lower())
        if target is None:
            ctx.refer(concept, SKOS.related, slug, loc, entry.title)
        elif target != concept:
            ctx.add((concept, SKOS.related, target), loc)


FORMAT = register(SourceFormat(
    name="healthcare-gov",
    description="HealthCare.gov glossary: Jekyll Markdown with YAML front matter, Spanish twins in es/",
    detect=detect,
    parse=parse,
    companion=is_spanish_twin,
))
