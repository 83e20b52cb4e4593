"""Cross-reference extraction and resolution, citation labels, official pages, Federal Register notes."""

from __future__ import annotations

from datetime import date

import pytest
from medkg.pipeline.iris import IRIs
from medkg.pipeline.regulatory.citations import extract
from medkg.pipeline.regulatory.history import parse_note
from medkg.pipeline.regulatory.provisions import Ref, cfr_section

HERE = cfr_section("42", "422.350", "H").child("b")
STATUTE = Ref("usc", "42", section="1395w-25").child("d", "1", "B")


def labels(text: str, here: Ref = HERE) -> list[str]:
    cites, _ = extract(text, here)
    return sorted(c.ref.label() for c in cites)


@pytest.mark.parametrize(("text", "expected"), [
    ("a substantial proportion (as defined in § 422.352) of the", ["42 CFR 422.352"]),
    ("the rural area, as defined in § 412.62(f) of this chapter, routine", ["42 CFR 412.62(f)"]),
    ("costs per resident as defined in paragraph (c) of this section; or", ["42 CFR 422.350(c)"]),
    ("under paragraphs (a)(1) and (2) of this section", ["42 CFR 422.350(a)(1)", "42 CFR 422.350(a)(2)"]),
    ("to paragraphs (a) and (e) of § 422.374, CMS may", ["42 CFR 422.374(a)", "42 CFR 422.374(e)"]),
    ("For purposes of paragraph(a)(1) of this section, control", ["42 CFR 422.350(a)(1)"]),
    ("set forth in §§ 422.380 through 422.390.", ["42 CFR 422.380", "42 CFR 422.390"]),
    ("based on sections 1851 and 1855 of the Act which", ["42 U.S.C. 1395w-21", "42 U.S.C. 1395w-25"]),
    ("the requirement of section 1855(a)(1) of the Act if", ["42 U.S.C. 1395w-25(a)(1)"]),
    ("see 42 U.S.C. 1395w-25 for", ["42 U.S.C. 1395w-25"]),
    ("§ 422.107 that meets the minimum requirements in paragraph (c) of such section; and",
     ["42 CFR 422.107", "42 CFR 422.107(c)"]),
    ("under part 423 of this chapter to all", ["42 CFR part 423"]),
    ("sanctions under subpart O of this part.", ["42 CFR part 422, subpart O"]),
    ("In making this determination under this paragraph (1)(iii), CMS", []),
    ("listed in paragraphs (1) through (7) of this definition", []),
    # § 422.62(a)(4)(ii), earlier version: "(i)" is a numeral at the third level, not the letter after (h)
    ("the limitations in paragraphs (a)(4)(i)(A) and (a)(4)(i)(B) of this section",
     ["42 CFR 422.350(a)(4)(i)(A)", "42 CFR 422.350(a)(4)(i)(B)"]),
    ("as provided in paragraphs (a)(5)(ii), (iii), and (a)(6) of this section",
     ["42 CFR 422.350(a)(5)(ii)", "42 CFR 422.350(a)(5)(iii)", "42 CFR 422.350(a)(6)"]),
    ("in paragraphs (h) and (i) of this section", ["42 CFR 422.350(h)", "42 CFR 422.350(i)"]),
])
def test_cfr_references(text: str, expected: list[str]) -> None:
    assert labels(text) == expected


def test_statute_references_with_en_dashes_and_narrow_spaces() -> None:
    text = ("as defined in section 1395w\u201325(d) of this title and section\u202f1395w\u201321(g)(3)(B)(i) "
            "of this title")
    assert labels(text, STATUTE) == ["42 U.S.C. 1395w-21(g)(3)(B)(i)", "42 U.S.C. 1395w-25(d)"]
    assert labels("as defined by the Secretary in accordance with paragraph (2)", STATUTE) == [
        "42 U.S.C. 1395w-25(d)(2)"]
    assert labels("subject to subsection ( o ), the term", STATUTE) == ["42 U.S.C. 1395w-25(o)"]


def test_an_act_section_without_a_us_code_home_is_reported() -> None:
    cites, missed = extract("under section 1234 of the Act", HERE)
    assert cites == [] and [m.text for m in missed] == ["section 1234 of the Act"]


def test_iris_labels_and_pages() -> None:
    iris = IRIs()
    ref = cfr_section("42", "422.350", "H").child("b", "1")
    assert ref.iri(iris) == iris.cfr("42", "422", "422.350", "b", "1")
    assert ref.official_page() == "https://www.ecfr.gov/current/title-42/part-422/section-422.350#p-422.350(b)(1)"
    assert [r.label() for r in _ancestors(ref)] == ["42 CFR 422.350(b)", "42 CFR 422.350", "42 CFR part 422, subpart H",
                                                     "42 CFR part 422", "42 CFR"]
    usc = Ref("usc", "42", section="1395w-25").child("d")
    assert usc.iri(iris) == iris.usc("42", "1395w-25", "d")
    assert usc.label() == "42 U.S.C. 1395w-25(d)" and usc.level == "subsection"
    assert Ref("cfr", "42", "422", "H").official_page() == "https://www.ecfr.gov/current/title-42/part-422/subpart-H"


def _ancestors(ref: Ref) -> list[Ref]:
    out = []
    parent = ref.parent()
    while parent is not None:
        out.append(parent)
        parent = parent.parent()
    return out


def test_source_notes() -> None:
    cites = parse_note("63 FR 18134, Apr. 14, 1998, as amended at 63 FR 25376, May 7, 1998; 63 FR 35098, June 26, "
                       "1998; 65 FR 40327, June 29, 2000")
    assert [(c.label, c.date, c.original) for c in cites] == [
        ("63 FR 18134", date(1998, 4, 14), True), ("63 FR 25376", date(1998, 5, 7), False),
        ("63 FR 35098", date(1998, 6, 26), False), ("65 FR 40327", date(2000, 6, 29), False)]
    assert [(c.label, c.date) for c in parse_note("86 FR 6103, Jan. 19, 2021")] == [("86 FR 6103", date(2021, 1, 19))]
    multi = parse_note("63 FR 35098, 35099, Sept. 26, 1998")
    assert [(c.label, c.date) for c in multi] == [("63 FR 35098", date(1998, 9, 26))]
    # § 422.60: a note that only lists its rules, the first the original, the others amendments
    listed = parse_note("63 FR 35071, June 26, 1998; 63 FR 52612, Oct. 1, 1998; 83 FR 16722, Apr. 16, 2018")
    assert [(c.label, c.original) for c in listed] == [
        ("63 FR 35071", True), ("63 FR 52612", False), ("83 FR 16722", False)]


def test_statute_paragraph_of_another_subsection() -> None:
    here = Ref("usc", "42", section="1395w-28").child("b", "6", "A")
    assert labels("meets the applicable requirements of paragraph (2), (3), or (4) of subsection (f), as", here) == [
        "42 U.S.C. 1395w-28(f)(2)", "42 U.S.C. 1395w-28(f)(3)", "42 U.S.C. 1395w-28(f)(4)"]
    assert labels("described in clause (ii) of this", Ref("usc", "42", section="1395w-23").child("a", "1", "C")) == [
        "42 U.S.C. 1395w-23(a)(1)(C)(ii)"]


def test_other_laws_are_recognised_and_reported() -> None:
    cites, missed = extract("a controlled group of corporations under section 1563 of the Internal Revenue Code of "
                            "1986; or an affiliated service group under section 414 of that Code.", HERE)
    assert cites == []
    assert [m.text for m in missed] == ["section 1563 of the Internal Revenue Code of 1986", "section 414 of that Code"]
