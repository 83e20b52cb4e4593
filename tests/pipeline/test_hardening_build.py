"""Issue 14, the build: every IRI valid or the record refused (#1), bad records refused by the parser and not by
the gate (#2), line separators and invalid UTF-8 (#4). Through the real command line."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from medkg.cli import main
from medkg.pipeline.context import BuildContext
from medkg.pipeline.diagnostics import SourceLocation
from medkg.pipeline.iris import IRIs
from rdflib import SKOS, Graph, Literal, URIRef

from tests.support.glossary import concept, record

GOOD = record("Good Term", "good-term", "A term that is fine.")
GOOD_IRI = concept("example-glossary", "good-term")
SKOS_PREF = ox.NamedNode(str(SKOS.prefLabel))


def build(tmp_path: Path, capsys: pytest.CaptureFixture[str], *contents: str | bytes) -> tuple[int, str, Path]:
    paths = []
    for n, content in enumerate(contents):
        path = tmp_path / f"in-{n}.txt"
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        paths.append(str(path))
    out = tmp_path / "out"
    code = main(["build", *paths, "--out", str(out)])
    return code, capsys.readouterr().err, out


def served(out: Path) -> dict[str, str]:
    """prefLabel per concept, read by the store 'medkg serve' loads (a graph it cannot read fails here)."""
    store = ox.Store()
    store.bulk_load(path=str(out / "graph.ttl"), format=ox.RdfFormat.TURTLE)
    return {q.subject.value: q.object.value for q in store.quads_for_pattern(None, SKOS_PREF, None)}


@pytest.mark.parametrize("breaker", ['"', "<", ">", "{", "}", "|", "\\", "^", "`", "\x00", "\x01", "\x7f", " ",
                                     "%zz"])
def test_a_source_url_no_iri_may_hold_is_refused_with_file_and_line(tmp_path: Path, breaker: str,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    bad = record("OTHER", "other", "Fine.", source_url=f"https://example.org/a{breaker}b")
    code, err, out = build(tmp_path, capsys, GOOD + bad)
    assert code == 2 and "Traceback" not in err
    [reported] = [row for row in err.splitlines() if ": error: " in row]
    assert reported.startswith(f"{tmp_path / 'in-0.txt'}:18: error: source_url is not an absolute http(s) URL")
    assert "[record OTHER]" in reported and "the record is left out" in reported
    labels = served(out)
    assert labels[str(GOOD_IRI)] == "Good Term" and str(concept("example-glossary", "other")) not in labels


def test_no_invalid_iri_reaches_the_graph_whoever_mints_it() -> None:
    ctx = BuildContext(IRIs())
    where = SourceLocation("x.txt", 7)
    ctx.add((URIRef("https://w3id.org/medkg/concept/a b"), SKOS.prefLabel, Literal("A")), where)
    ctx.add((URIRef("https://w3id.org/medkg/concept/a"), SKOS.prefLabel, Literal("A")), where)
    assert len(ctx.graph) == 1
    [error] = ctx.diagnostics.errors
    assert str(error).startswith("x.txt:7: error: 'https://w3id.org/medkg/concept/a b' is not a valid IRI")


@pytest.mark.parametrize(("bad", "line", "message"), [
    (record("OTHER", "other", "", category="Costs"), 16, "key 'definition' has an empty value"),
    (record("OTHER", "other", "Fine.", category="  "), 18, "key 'category' has an empty value"),
    # two lines swapped: a value before its key
    ("- term\n- OTHER\n- normalized_term\n- other\n- Fine.\n- definition\n- publisher\n- Example.org\n",
     15, "unknown key 'Fine.'"),
    (record("OTHER\x1b[31m", "other", "Fine."), 12,
     "the value of key 'term' holds the control character U+001B"),
])
def test_a_bad_record_is_refused_by_the_parser_and_the_rest_is_built(tmp_path: Path, bad: str, line: int,
                                                                     message: str,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    code, err, out = build(tmp_path, capsys, GOOD + bad)
    assert code == 2
    assert "build rejected" not in err and not (tmp_path / "out.rejected").exists()  # the gate saw no violation
    errors = [row for row in err.splitlines() if ": error: " in row]
    assert any(row.startswith(f"{tmp_path / 'in-0.txt'}:{line}: error: {message}") for row in errors), errors
    assert all(ch.isprintable() for row in errors for ch in row)  # a control character is shown escaped
    assert served(out).get(str(GOOD_IRI)) == "Good Term"


def test_line_separators_stay_inside_their_value(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = record("FIRST", "first", "One\u2028two\u2029three.")
    code, err, out = build(tmp_path, capsys, first + GOOD + record("BROKEN", "broken", ""))
    assert code == 2
    # the later record is named at its own line: no line number shifted
    assert f"{tmp_path / 'in-0.txt'}:26: error: key 'definition' has an empty value" in err
    store = ox.Store()
    store.bulk_load(path=str(out / "graph.ttl"), format=ox.RdfFormat.TURTLE)
    [definition] = store.quads_for_pattern(ox.NamedNode(str(concept("example-glossary", "first"))),
                                           ox.NamedNode(str(SKOS.definition)), None)
    assert definition.object.value == "One\u2028two\u2029three."
    assert served(out)[str(GOOD_IRI)] == "Good Term"


def test_an_invalid_utf8_byte_names_its_line_and_keeps_the_file(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    text = (GOOD + record("CAFE", "cafe", "Caf\xe9 au lait.") + record("LAST", "last", "Fine.")).encode("latin-1")
    code, err, out = build(tmp_path, capsys, text)
    assert code == 2
    assert f"{tmp_path / 'in-0.txt'}:16: error: not UTF-8 (byte 0xe9 at offset" in err
    labels = served(out)
    assert labels[str(GOOD_IRI)] == "Good Term" and labels[str(concept("example-glossary", "last"))] == "LAST"
    assert labels[str(concept("example-glossary", "cafe"))] == "CAFE"


def test_a_text_with_thousands_of_citations_gives_each_once() -> None:
    """Issue 14 #3: extraction is linear (bench/build_scaling.py proves the time); here, that it stays right."""
    from medkg.pipeline.regulatory import citations
    from medkg.pipeline.regulatory.provisions import Ref

    here = Ref("cfr", "42", "422", None, "422.999")
    pieces = [f"({i}) as provided in § 422.{100 + i}(b) and paragraphs (c) and (d) of § 422.{100 + i} and in "
              "section 1852(a)(3) of the Act." for i in range(4000)]
    cites, missed = citations.extract(" ".join(pieces), here)
    one_by_one = {c.ref for piece in pieces for c in citations.extract(piece, here)[0]}
    assert {c.ref for c in cites} == one_by_one and not missed
    assert len(cites) == 3 * 4000 + 1  # (b), (c), (d) of each section, and the Act section once


def test_the_linear_turtle_writer_writes_the_graph_and_the_same_bytes(small_real_graph: Graph) -> None:
    """graph.ttl comes from pyoxigraph's writer (rdflib's slows down with every namespace it sees): proven equal."""
    from medkg.pipeline.export import serialize
    from rdflib.compare import isomorphic

    text = serialize(small_real_graph, "ttl")
    again = Graph().parse(data=text, format="turtle")
    assert isomorphic(again, small_real_graph)
    assert serialize(again, "ttl") == text
