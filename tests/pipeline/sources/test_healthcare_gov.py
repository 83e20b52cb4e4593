"""The HealthCare.gov glossary: one concept per English entry, Spanish twins paired, drafts flagged."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from medkg.namespaces import MEDKG
from medkg.pipeline.context import BuildContext
from medkg.pipeline.sources.markdown_text import links, plain_text
from rdflib import DCTERMS, SKOS, Literal, URIRef
from rdflib.term import Node

from tests.support.glossary import BASE, build, concept, post
from tests.support.paths import shared_path

SCHEME = URIRef(BASE + "scheme/healthcare-gov-glossary")
DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")
UNPUBLISHED = URIRef(BASE + "collection/healthcare-gov-glossary/unpublished-entries")


def front(path: Path) -> dict[str, object]:
    """The front matter of a post, read independently of the pipeline."""
    text = path.read_text(encoding="utf-8").lstrip()
    data = yaml.safe_load(text.split("---")[1]) or {}
    assert isinstance(data, dict)
    return data


def unpublished(meta: dict[str, object]) -> bool:
    return str(meta.get("published", True)).lower() == "false"


@pytest.fixture(scope="module")
def folder() -> Path:
    return shared_path("data", "healthcare-gov-glossary")


@pytest.fixture(scope="module")
def ctx(folder: Path) -> BuildContext:
    return build([folder])


def by_identifier(ctx: BuildContext) -> dict[str, Node]:
    return {str(o): s for s, o in ctx.graph.subject_objects(DCTERMS.identifier)}


def slug(path: Path) -> str:
    return re.sub(r"^\d{4}-\d{2}-\d{2}-", "", path.stem)


def test_every_english_entry_becomes_a_concept(ctx: BuildContext, folder: Path) -> None:
    english = sorted(folder.glob("*.md"))
    titles_published = {str(front(p)["title"]).strip() for p in english if not unpublished(front(p))}
    superseded = {p for p in english if unpublished(front(p)) and str(front(p)["title"]).strip() in titles_published}
    concepts = by_identifier(ctx)
    assert set(concepts) == {slug(p) for p in english if p not in superseded}
    assert len(set(ctx.graph.subjects(SKOS.inScheme, SCHEME))) == len(english) - len(superseded)
    assert {d.location.file.rsplit("/", 1)[1] for d in ctx.diagnostics if d.code == "hcgov.superseded-draft"} == {
        p.name for p in superseded}
    for iri in concepts.values():
        assert len([o for o in ctx.graph.objects(iri, SKOS.prefLabel) if o.language == "en"]) == 1
        assert any(o.language == "en" for o in ctx.graph.objects(iri, SKOS.definition))
    assert not ctx.diagnostics.errors


def test_spanish_labels_and_definitions_pair_with_their_english_twin(ctx: BuildContext, folder: Path) -> None:
    concepts = by_identifier(ctx)
    paired = 0
    for twin in sorted((folder / "es").glob("*.md")):
        meta = front(twin)
        english = folder / twin.name
        if not english.exists() or unpublished(meta) or not meta.get("title") or slug(english) not in concepts:
            continue
        iri = concepts[slug(english)]
        spanish_labels = {str(o) for p in (SKOS.prefLabel, SKOS.hiddenLabel)
                          for o in ctx.graph.objects(iri, p) if o.language == "es"}
        assert " ".join(str(meta["title"]).split()) in spanish_labels
        body = [re.sub(r"[\[\]*_#]", "", w) for w in twin.read_text(encoding="utf-8").split("---", 2)[2].split()]
        definitions = [str(o) for o in ctx.graph.objects(iri, SKOS.definition) if o.language == "es"]
        if body:
            assert len(definitions) == 1 and " ".join(definitions[0].split()).startswith(" ".join(body[:2]))
            paired += 1
    with_spanish = {s for s, o in ctx.graph.subject_objects(SKOS.definition) if o.language == "es"}
    assert paired == len(with_spanish) > 200


def test_unpublished_entries_are_built_flagged_and_kept_out_of_the_top(ctx: BuildContext) -> None:
    aca = concept("healthcare-gov-glossary", "affordable-care-act")
    assert (aca, MEDKG.published, Literal(False)) in ctx.graph
    assert (aca, SKOS.topConceptOf, SCHEME) not in ctx.graph
    assert (UNPUBLISHED, SKOS.member, aca) in ctx.graph
    flagged = set(ctx.graph.subjects(MEDKG.published, Literal(False)))
    assert flagged == set(ctx.graph.objects(UNPUBLISHED, SKOS.member))
    assert not flagged & set(ctx.graph.objects(SCHEME, SKOS.hasTopConcept))
    deductible = concept("healthcare-gov-glossary", "deductible")
    assert (deductible, MEDKG.published, None) not in ctx.graph  # the published entry wins over its draft
    assert (deductible, DCTERMS.issued, Literal("2013-06-05", datatype=DATE)) in ctx.graph


def test_definitions_are_plain_text_and_links_become_related(ctx: BuildContext) -> None:
    for text in ctx.graph.objects(None, SKOS.definition):
        assert "<script" not in text and "](" not in text and "<a " not in text
    exchange = concept("healthcare-gov-glossary", "exchange")
    marketplace = concept("healthcare-gov-glossary", "health-insurance-marketplace")
    assert (exchange, SKOS.definition, Literal("See Health Insurance Marketplace", lang="en")) in ctx.graph
    assert (exchange, SKOS.related, marketplace) in ctx.graph
    fee = concept("healthcare-gov-glossary", "fee")
    assert (fee, SKOS.related, concept("healthcare-gov-glossary", "minimum-essential-coverage")) in ctx.graph
    assert not [d for d in ctx.diagnostics if d.code == "link.unresolved"]


def test_the_scheme_says_what_it_is(ctx: BuildContext) -> None:
    graph = ctx.graph
    assert graph.value(SCHEME, DCTERMS.title) == Literal("HealthCare.gov glossary", lang="en")
    assert graph.value(SCHEME, DCTERMS.publisher) == Literal("Centers for Medicare & Medicaid Services")
    assert graph.value(SCHEME, DCTERMS.license) == URIRef("https://creativecommons.org/publicdomain/mark/1.0/")
    assert graph.value(SCHEME, DCTERMS.source) == URIRef("https://www.healthcare.gov/glossary/")
    assert graph.value(SCHEME, DCTERMS.modified) == Literal("2013-06-17", datatype=DATE)


def test_a_spanish_file_without_english_twin_is_reported(ctx: BuildContext, folder: Path) -> None:
    orphans = {Path(d.location.file).name for d in ctx.diagnostics if d.code == "hcgov.orphan-twin"}
    assert orphans == {p.name for p in (folder / "es").glob("*.md") if not (folder / p.name).exists()}


def test_front_matter_variants_and_a_spanish_acronym(tmp_path: Path) -> None:
    (tmp_path / "es").mkdir()
    (tmp_path / "0100-01-01-aco.md").write_text("\n" + post("Accountable Care Organization", "A group."))
    (tmp_path / "es" / "0100-01-01-aco.md").write_text(
        post("Organización Responsable (ACO en inglés)", "Un grupo. Ver [Red](/es/glossary/network).", "es"))
    (tmp_path / "0100-01-01-network.md").write_text(post("Network", "Providers **in** a <a href='/x'>plan</a>."))
    ctx = build([tmp_path])
    aco, network = concept("healthcare-gov-glossary", "accountable-care-organization"), concept(
        "healthcare-gov-glossary", "network")
    assert (aco, SKOS.prefLabel, Literal("Organización Responsable", lang="es")) in ctx.graph
    assert (aco, SKOS.altLabel, Literal("ACO", lang="es")) in ctx.graph
    assert (aco, SKOS.definition, Literal("Un grupo. Ver Red.", lang="es")) in ctx.graph
    assert (aco, SKOS.related, network) in ctx.graph
    assert (network, SKOS.definition, Literal("Providers in a plan.", lang="en")) in ctx.graph
    assert not ctx.diagnostics.errors


def test_markdown_becomes_plain_text_and_links_are_found() -> None:
    text = ("# Head\n\nPara one\ncontinued &amp; **bold**.\n\n* item [a](/glossary/a)\n* item b\n\n"
            "<script>\nx\n</script>\n")
    assert plain_text(text) == "Head\n\nPara one continued & bold.\n\n- item a\n- item b"
    found = links('See [A](/glossary/a) and <a href="/es/glossary/b">B</a>\nmore [c](http://x.org)')
    assert [(link.text, link.glossary_slug, link.line) for link in found] == [
        ("B", "b", 0), ("A", "a", 0), ("c", None, 1)]
