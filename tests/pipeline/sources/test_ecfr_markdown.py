"""eCFR Markdown: definitions, provisions, notes and subparts (extraction quality: test_definition_gold.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from medkg.namespaces import MEDKG
from medkg.pipeline.context import BuildContext
from medkg.pipeline.iris import IRIs
from rdflib import DCTERMS, RDF, SKOS, Literal, URIRef

from tests.support.paths import shared_path
from tests.support.regulatory import SEED, build

IRI = IRIs()


@pytest.fixture(scope="module")
def folder() -> Path:
    return shared_path("data", "ecfr-md-42cfr-part422")


@pytest.fixture(scope="module")
def ctx(folder: Path) -> BuildContext:
    return build(str(folder))


def test_no_concept_without_definition_text(ctx: BuildContext) -> None:
    g = ctx.graph
    for concept in g.subjects(RDF.type, MEDKG.RegulatoryConcept):
        definitions = list(g.objects(concept, SKOS.definition))
        assert len(definitions) == 1 and len(str(definitions[0])) > len(str(g.value(concept, SKOS.prefLabel))) + 5
        # no Markdown italics; an escaped asterisk (§ 422.162 "−3\\*Interquartile Range") is a literal "*"
        assert "*" not in str(definitions[0]).replace("3*I", "")
        assert isinstance(g.value(concept, MEDKG.definedIn), URIRef)


@pytest.mark.parametrize(("label", "alt", "provision", "start"), [
    ("Dual eligible special needs plan", "D-SNP", ("422.2",), "Dual eligible special needs plan or D-SNP means"),
    ("National coverage determination", "NCD", ("422.2",), "National coverage determination (NCD) means"),
    ("Post-stabilization care services", None, ("422.113", "c", "1"), "Post-stabilization care services means"),
    ("MA MSA plan", None, ("422.4", "a", "2", "i"), "MA MSA plan means a plan that—\n(A) Pays at least"),
    ("Coordinated care plan", None, ("422.4", "a", "1"), "A coordinated care plan is a plan that includes"),
    ("Substantial financial risk", None, ("422.208", "a"), "Substantial financial risk, for purposes of this "
     "section, means"),
    ("Physician", None, ("422.561",), "Physician has the meaning given the term in section 1861(r) of the Act."),
    ("Balance billing", None, ("422.2",), "Balance billing generally refers to"),
])
def test_definitions(ctx: BuildContext, label: str, alt: str | None, provision: tuple[str, ...], start: str) -> None:
    g = ctx.graph
    concept = IRI.concept("42-cfr-422", label, scope=provision[0])
    assert g.value(concept, SKOS.prefLabel) == Literal(label, lang="en")
    assert g.value(concept, MEDKG.definedIn) == IRI.cfr("42", "422", *provision)
    assert str(g.value(concept, SKOS.definition)).startswith(start)
    assert list(g.objects(concept, SKOS.altLabel)) == ([Literal(alt, lang="en")] if alt else [])


def test_sub_paragraphs_belong_to_the_definition(ctx: BuildContext) -> None:
    g = ctx.graph
    text = str(g.value(IRI.concept("42-cfr-422", "Preclusion list", scope="422.2"), SKOS.definition))
    assert "(3) The individual or entity, regardless of whether" in text and text.endswith(
        "(iii) Any other information that CMS deems relevant to its determination.")
    # they are not paragraphs of § 422.2: the definitions there are undesignated
    assert (IRI.cfr("42", "422", "422.2", "1"), RDF.type, MEDKG.Provision) not in g


def test_notes_and_subparts(ctx: BuildContext) -> None:
    g = ctx.graph
    s561 = IRI.cfr("42", "422", "422.561")
    notes = sorted(str(n) for n in g.objects(s561, SKOS.editorialNote))
    assert notes == ["Link to a correction of the above amendment published at 84 FR 26579, June 7, 2019.",
                     "Link to an amendment published at 84 FR 15833, April 16, 2019."]
    assert "Link to" not in str(g.value(s561, MEDKG.text))
    assert g.value(s561, MEDKG.originallyPublishedIn) == IRI.federal_register(63, 35067)
    assert g.value(IRI.cfr("42", "422", "422.354"), DCTERMS.isPartOf) == IRI.cfr("42", "422", "subpart-H")
    assert g.value(IRI.cfr("42", "422", "422.2"), DCTERMS.isPartOf) == IRI.cfr("42", "422", "subpart-A")
    assert g.value(IRI.cfr("42", "422", "subpart-A"), DCTERMS.isPartOf) == IRI.cfr("42", "422")
    assert g.value(IRI.cfr("42", "422"), DCTERMS.isPartOf) == URIRef(IRI.base + "cfr/42")
    assert g.value(IRI.cfr("42", "422", "422.4", "a", "2"), DCTERMS.title) == Literal(
        "A combination of an MA MSA plan and a contribution into the MA MSA established in accordance with § "
        "422.262", lang="en")


def test_printed_and_ecfr_text_merge_on_the_same_provisions(folder: Path) -> None:
    ctx = build(str(SEED), str(folder))
    g = ctx.graph
    section = IRI.cfr("42", "422", "422.354")
    texts = list(g.objects(section, MEDKG.text))
    assert len(texts) == 1 and str(texts[0]).endswith("that it meets the following requirements:")
    assert (section, MEDKG.incompleteText, None) not in g
    assert g.value(section, DCTERMS.isPartOf) == IRI.cfr("42", "422", "subpart-H")
    assert len(list(g.objects(section, DCTERMS.title))) == 1


def test_formats_are_detected_from_content(folder: Path) -> None:
    from medkg.pipeline.sources import load_formats
    from medkg.pipeline.sources.registry import InputFile, detect_format

    load_formats()
    chunk = shared_path("data", "uscode-title42-partC", "chunck-7538.md")
    cases = [(p, "ecfr-markdown") for p in sorted(folder.rglob("*.md"))]
    cases += [(SEED, "cfr-print"), (chunk, "uscode-markdown")]
    for path, name in cases:
        fmt = detect_format(InputFile(path, path.name, path.read_text(encoding="utf-8")))
        assert fmt is not None and fmt.name == name, path
    glossary = SEED.parent / "glossary-provider-sponsored-organization.txt"
    fmt = detect_format(InputFile(glossary, glossary.name, glossary.read_text(encoding="utf-8")))
    assert fmt is not None and fmt.name not in {"ecfr-markdown", "cfr-print", "uscode-markdown"}


def test_a_file_without_a_section_heading_is_an_error_and_the_others_are_built(folder: Path, tmp_path: Path) -> None:
    from medkg.pipeline.build import assemble

    bad = tmp_path / "section-422.999.md"
    bad.write_text("Just a paragraph.\n\n*Term* means something.\n", encoding="utf-8")
    good = next(folder.rglob("section-422.561.md"))
    ctx = assemble([bad, good], forced="ecfr-markdown", progress=lambda _m: None)
    errors = [d for d in ctx.diagnostics.errors if d.code == "ecfr.heading"]
    assert len(errors) == 1 and errors[0].location.file.endswith("section-422.999.md") and errors[0].location.line == 1
    assert (IRI.concept("42-cfr-422", "Grievance", scope="422.561"), RDF.type, MEDKG.RegulatoryConcept) in ctx.graph
