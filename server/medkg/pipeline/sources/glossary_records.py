"""Flattened glossary records (``- key`` / ``- value`` line pairs, then the page text), e.g. MedicarePlans.com.

Keys: term, normalized_term, category, alias (repeats), definition, related_term (repeats), source_url,
publisher, license. A file holds one record or many: a ``- term`` line after a record's page text starts the
next one. How each part lands in SKOS is described in the README ("Glossary sources").
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import islice

from rdflib import DCTERMS, OWL, SKOS, Literal, URIRef

from ...namespaces import MEDKG
from ..context import BuildContext
from ..diagnostics import Diagnostics, SourceLocation
from ..iris import is_web_iri, slugify
from . import record_pages as pages
from .glossary_common import SchemeInfo, add_collection, add_concept, add_scheme, labels_for, license_iri
from .registry import InputFile, SourceFormat, register

KEYS = ("term", "normalized_term", "category", "alias", "definition", "related_term", "source_url", "publisher",
        "license")
REPEATABLE = {"alias", "related_term"}
URL_KEYS = ("source_url",)
LEFT_OUT = "; the record is left out"
_SEE = re.compile(r"\(See(?:\s+also)?\s+([^()]+?)\.?\)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_DOMAIN_SUFFIX = re.compile(r"\.(com|org|gov|net|edu|us)$", re.IGNORECASE)

Line = pages.Line


@dataclass
class Record:
    file: str
    line: int
    fields: dict[str, list[Line]] = field(default_factory=lambda: defaultdict(list))
    header: list[Line] = field(default_factory=list)
    page: list[Line] = field(default_factory=list)

    def first(self, key: str) -> str | None:
        values = self.fields.get(key)
        return values[0][0] if values else None

    @property
    def name(self) -> str:
        return self.first("term") or self.first("normalized_term") or f"at line {self.line}"

    def loc(self, line: int | None = None) -> SourceLocation:
        return SourceLocation(self.file, line or self.line)

    def content(self) -> tuple[object, ...]:
        """What two records must share to count as the same record (line numbers aside)."""
        fields = tuple(sorted((k, tuple(v for v, _ in vs)) for k, vs in self.fields.items()))
        return fields, tuple(t.strip() for t, _ in self.page if t.strip())


def detect(item: InputFile) -> bool:
    """The first non-blank line is ``- term`` (or another key, for a first record that lacks its term)."""
    lines = [line.strip() for line in islice(item.filled_lines(), 2)]
    if not lines or not lines[0].startswith("- "):
        return False
    return lines[0] == "- term" or (lines[0][2:] in KEYS and len(lines) == 2 and lines[1].startswith("- "))


def _starts_record(lines: list[str], i: int) -> bool:
    text = lines[i].strip()
    if text == "- term":
        return True
    nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
    return text.startswith("- ") and text[2:].strip() in KEYS and nxt.startswith("- ")


def split_records(item: InputFile, diagnostics: Diagnostics) -> list[Record]:
    """Cut a file into records: a header of ``- `` lines, then page text until the next record starts."""
    records: list[Record] = []
    lines = item.lines()
    in_header = False
    stray: int | None = None
    for i, raw in enumerate(lines):
        number, text = i + 1, raw.strip()
        at_key = in_header and len(records[-1].header) % 2 == 0 and text == "- term"
        if at_key or ((not records or not in_header) and _starts_record(lines, i)):
            records.append(Record(item.display, number))
            in_header = True
        if not records:
            stray = stray or (number if text else None)
            continue
        if in_header and (text.startswith("- ") or text == "-"):
            records[-1].header.append((text, number))
        elif text:
            in_header = False
            records[-1].page.append((raw, number))
    if stray is not None:
        diagnostics.warning("records.stray", "text before the first record (from here) is ignored",
                            SourceLocation(item.display, stray))
    return records


def read_fields(record: Record, diagnostics: Diagnostics) -> None:
    """Pair key and value lines; an unknown key, a key without value or a repeated key is reported."""
    i = 0
    while i < len(record.header):
        i += _read_pair(record, i, diagnostics)


def _value(record: Record, i: int) -> str | None:
    return record.header[i][0][1:].strip() if i < len(record.header) else None


def _read_pair(record: Record, i: int, diagnostics: Diagnostics) -> int:
    """Read the key at line ``i`` of the header and its value; returns how many lines that took."""
    key, line = _value(record, i) or "", record.header[i][1]
    if key not in KEYS:
        diagnostics.error("records.unknown-key", f"unknown key {key!r} (known: {', '.join(KEYS)}){LEFT_OUT}",
                          record.loc(line), record.name)
        return 2
    value, following = _value(record, i + 1), _value(record, i + 2)
    if value is None or (value in KEYS and following not in KEYS):  # the next line is the next key
        diagnostics.error("records.odd-lines", f"odd number of key/value lines: key {key!r} has no value{LEFT_OUT}",
                          record.loc(line), record.name)
        return 1
    if not value:
        diagnostics.error("records.empty-value", f"key {key!r} has an empty value{LEFT_OUT}",
                          record.loc(record.header[i + 1][1]), record.name)
        return 2
    if key in record.fields and key not in REPEATABLE:
        diagnostics.warning("records.repeated-key", f"key {key!r} repeated; the first value is kept",
                            record.loc(line), record.name)
    else:
        record.fields[key].append((value, record.header[i + 1][1]))
    return 2


def usable(record: Record, diagnostics: Diagnostics) -> bool:
    """A record needs a term, a publisher and a definition (its own or the page's source definition)."""
    problems = []
    if not record.first("term"):
        problems.append(("records.no-term", "record has no term"))
    if not record.first("publisher"):
        problems.append(("records.no-publisher", "record has no publisher (its scheme is the publisher's)"))
    source = pages.source_definition(pages.read_page(record.page).sections.get("source", []))
    if not record.first("definition") and source.text is None:
        problems.append(("records.no-definition", "record has no definition"))
    for code, message in problems:
        diagnostics.error(code, f"{message}; record left out", record.loc(), record.name)
    return not problems and valid_urls(record, diagnostics)


def valid_urls(record: Record, diagnostics: Diagnostics) -> bool:
    """Every source_url is an absolute http(s) IRI (RFC 3987): it is copied into the graph as it is."""
    bad = [(url, line) for key in URL_KEYS for url, line in record.fields.get(key, []) if not is_web_iri(url)]
    for url, line in bad:
        diagnostics.error("records.bad-url", f"source_url is not an absolute http(s) URL: {url!r} (it must be a "
                          f"valid IRI, RFC 3987){LEFT_OUT}", record.loc(line), record.name)
    return not bad


def plain_values(record: Record, diagnostics: Diagnostics) -> bool:
    """No value holds a control character (a NUL, an escape, a C1 control...): no glossary text has one."""
    bad = [(key, value, line) for key, values in record.fields.items() for value, line in values
           if _CONTROL.search(value)]
    for key, value, line in bad:
        char = _CONTROL.search(value)
        assert char is not None
        diagnostics.error("records.control-character", f"the value of key {key!r} holds the control character "
                          f"U+{ord(char.group(0)):04X}{LEFT_OUT}", record.loc(line), record.name)
    return not bad


def read_record(record: Record, diagnostics: Diagnostics) -> bool:
    """Read a record's fields; False when anything in it is wrong (each problem reported, file:line)."""
    seen = len(diagnostics.items)
    read_fields(record, diagnostics)
    clean = not any(d.severity == "error" for d in diagnostics.items[seen:])
    return usable(record, diagnostics) and plain_values(record, diagnostics) and clean


def dedupe(records: list[Record], diagnostics: Diagnostics) -> list[Record]:
    """One record per normalized term: an identical repeat is noted, a conflicting one is an error."""
    kept: dict[str, Record] = {}
    for record in records:
        key = slugify(record.first("normalized_term") or record.first("term") or "")
        earlier = kept.get(key)
        if earlier is None:
            kept[key] = record
        elif earlier.content() == record.content():
            diagnostics.info("records.duplicate", f"same record as {earlier.loc()}; kept once",
                             record.loc(), record.name)
        else:
            diagnostics.error("records.duplicate-conflict",
                              f"duplicate normalized_term {key!r} with different content (first at "
                              f"{earlier.loc()}); this record is left out", record.loc(), record.name)
    return list(kept.values())


def scheme_slug(publisher: str) -> str:
    """"MedicarePlans.com" → "medicareplans-glossary"."""
    return slugify(_DOMAIN_SUFFIX.sub("", publisher.strip())) + "-glossary"


def publisher_site(publisher: str) -> list[str]:
    """"MedicarePlans.com" → ["https://medicareplans.com/"]: a publisher named by its domain names its site."""
    name = publisher.strip().lower()
    return [f"https://{name}/"] if _DOMAIN_SUFFIX.search(name) and is_web_iri(f"https://{name}/") else []


def parse(items: Sequence[InputFile], ctx: BuildContext) -> None:
    records: list[Record] = []
    for item in items:
        for record in split_records(item, ctx.diagnostics):
            if read_record(record, ctx.diagnostics):
                records.append(record)
    by_scheme: dict[str, list[Record]] = defaultdict(list)
    for record in sorted(dedupe(records, ctx.diagnostics), key=lambda r: r.first("publisher") or ""):
        by_scheme[scheme_slug(record.first("publisher") or "")].append(record)
    for slug in sorted(by_scheme):
        build_scheme(publisher_of(by_scheme[slug], ctx.diagnostics), by_scheme[slug], ctx)


def publisher_of(records: list[Record], diagnostics: Diagnostics) -> str:
    """The publisher of records sharing one scheme: the first spelling; another spelling of it is reported."""
    publisher = records[0].first("publisher") or ""
    for record in records:
        if record.first("publisher") != publisher:
            diagnostics.warning("records.publisher-spelling", f"publisher {record.first('publisher')!r} names the "
                                f"same scheme as {publisher!r}, which keeps that spelling", record.loc(), record.name)
    return publisher


def build_scheme(publisher: str, records: list[Record], ctx: BuildContext) -> None:
    slug = scheme_slug(publisher)
    sources = sorted({u for r in records if (u := r.first("source_url"))}) or publisher_site(publisher)
    if not sources:
        ctx.diagnostics.warning("records.no-source", f"no record of {publisher!r} has a source_url and the "
                                "publisher is not a web domain: the scheme has no source", records[0].loc())
    scheme = add_scheme(ctx, SchemeInfo(slug, f"{publisher} glossary", publisher, None, tuple(sources)),
                        records[0].loc())
    digest = hashlib.sha256(repr(sorted(r.content() for r in records)).encode()).hexdigest()[:16]
    ctx.add((scheme, OWL.versionInfo, Literal(f"content sha256 {digest}")), records[0].loc())
    for record in records:
        concept = ctx.iris.concept(slug, record.first("normalized_term") or record.first("term") or "")
        add_concept(ctx, concept, scheme, record.loc())
        build_record(record, concept, scheme, slug, ctx)


def build_record(record: Record, concept: URIRef, scheme: URIRef, slug: str, ctx: BuildContext) -> None:
    page = pages.read_page(record.page)
    term = record.first("term") or ""
    aliases = tuple(v for v, _ in record.fields.get("alias", []))
    ctx.add_all(labels_for(term, "en", page.text(), aliases).triples(concept), record.loc())
    for value, line in record.fields.get("normalized_term", []):
        ctx.add((concept, DCTERMS.identifier, Literal(value)), record.loc(line))
    for value, line in record.fields.get("category", []):
        add_collection(ctx, slug, scheme, value, concept, record.loc(line))
    add_definition(record, page, concept, ctx)
    add_rights(record, concept, scheme, ctx)
    add_page_notes(record, page, concept, ctx)
    add_references(record, page, concept, ctx)


def add_definition(record: Record, page: pages.Page, concept: URIRef, ctx: BuildContext) -> None:
    """The official definition, with where it was published and who wrote it."""
    source = pages.source_definition(page.sections.get("source", []))
    own = record.fields.get("definition", [])
    definition = own[0] if own else source.text
    if definition is None:
        return
    ctx.add((concept, SKOS.definition, Literal(definition[0], lang="en")), record.loc(definition[1]))
    if own and source.text and " ".join(source.text[0].split()) != " ".join(own[0][0].split()):
        ctx.diagnostics.warning("records.definition-differs", "the page's source definition differs from the "
                                "record's definition; the record's is kept", record.loc(source.text[1]), record.name)
    if source.authority is not None:
        ctx.add((concept, MEDKG.definitionAuthority, Literal(source.authority[0])), record.loc(source.authority[1]))
    for url, line in record.fields.get("source_url", []):  # checked by valid_urls
        ctx.add((concept, MEDKG.definitionSource, URIRef(url)), record.loc(line))


def add_rights(record: Record, concept: URIRef, scheme: URIRef, ctx: BuildContext) -> None:
    for value, line in record.fields.get("publisher", []):
        ctx.add((concept, DCTERMS.publisher, Literal(value)), record.loc(line))
    if not record.fields.get("license"):
        ctx.diagnostics.warning("records.no-license", "record has no license: nobody may tell whether it can be "
                                "reused", record.loc(), record.name)
    for value, line in record.fields.get("license", []):
        iri = license_iri(value)
        if iri is None:
            ctx.diagnostics.warning("records.unknown-license", f"licence {value!r} is not a known SPDX id or a "
                                    "URL; left out", record.loc(line), record.name)
            continue
        ctx.add_all([(concept, DCTERMS.license, iri), (scheme, DCTERMS.license, iri)], record.loc(line))


def add_page_notes(record: Record, page: pages.Page, concept: URIRef, ctx: BuildContext) -> None:
    """The publisher's wording, characteristics, significance, examples and the curation footer."""
    # one text per section, as the page writes it: RDF keeps no order among several values of a property
    wording = [lines for lines in (page.intro, page.sections.get("full", []), page.perspective) if lines]
    if wording:  # the summary, the full definition and the publisher's perspective, in that order
        ctx.add((concept, MEDKG.publisherDefinition, Literal("\n\n".join(map(pages.joined, wording)), lang="en")),
                record.loc(wording[0][0][1]))
    if traits := [(t, n) for t, n in page.sections.get("characteristics", []) if t.strip("- ")]:
        ctx.add((concept, MEDKG.keyCharacteristic, Literal(pages.joined(traits), lang="en")), record.loc(traits[0][1]))
    if significance := page.sections.get("significance"):
        ctx.add((concept, MEDKG.significance, Literal(pages.joined(significance), lang="en")),
                record.loc(significance[0][1]))
    for text, line in page.sections.get("example", []):
        if example := pages.unquote(text):
            ctx.add((concept, SKOS.example, Literal(example, lang="en")), record.loc(line))
    if page.footer is not None:
        text, line = page.footer
        ctx.add((concept, SKOS.editorialNote, Literal(text, lang="en")), record.loc(line))
        if name := pages.curator(text):
            ctx.add((concept, DCTERMS.contributor, Literal(name)), record.loc(line))


def add_references(record: Record, page: pages.Page, concept: URIRef, ctx: BuildContext) -> None:
    """related_term values, "(See X.)" in a definition and Related Terms lines: resolved after all sources."""
    names: list[Line] = list(record.fields.get("related_term", []))
    for text, line in record.fields.get("definition", []) + page.sections.get("source", []):
        names.extend((m.group(1).strip(), line) for m in _SEE.finditer(text))
    names.extend(pages.bullet_items(page.sections.get("related", [])))
    seen: set[str] = set()
    for name, line in names:
        key = slugify(name)
        if key not in seen:
            seen.add(key)
            ctx.refer(concept, SKOS.related, name, record.loc(line), record.name)


FORMAT = register(SourceFormat(
    name="glossary-records",
    description="flattened glossary records: '- key' / '- value' line pairs, then the page text",
    detect=detect,
    parse=parse,
))
