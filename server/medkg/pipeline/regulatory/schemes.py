"""The concept scheme of each regulatory source: one per CFR part (``42-cfr-423``), one for the statute.

A part's title comes from a table of the part names of the CFR titles we know, else from the part's folder name
(``part-405-Federal-Health-Insurance-Aged-Disabled`` → "Federal Health Insurance Aged Disabled"), else it is just
"42 CFR Part 405". Every CFR part is a U.S. Government work in the public domain, published by the Office of the
Federal Register; its source is its eCFR page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SCHEME_PART = re.compile(r"^(\d+)-cfr-(\d+[A-Z]?)$")
STATUTE = "42-usc-part-c"

# the names of the parts of 42 CFR chapter IV (CMS) and 45 CFR subchapter C (HIPAA) that users meet most
PART_NAMES = {
    ("42", "400"): "Introduction; Definitions",
    ("42", "401"): "General Administrative Requirements",
    ("42", "403"): "Special Programs and Projects",
    ("42", "405"): "Federal Health Insurance for the Aged and Disabled",
    ("42", "406"): "Hospital Insurance Eligibility and Entitlement",
    ("42", "407"): "Supplementary Medical Insurance (SMI) Enrollment and Entitlement",
    ("42", "408"): "Premiums for Supplementary Medical Insurance",
    ("42", "409"): "Hospital Insurance Benefits",
    ("42", "410"): "Supplementary Medical Insurance (SMI) Benefits",
    ("42", "411"): "Exclusions From Medicare and Limitations on Medicare Payment",
    ("42", "412"): "Prospective Payment Systems for Inpatient Hospital Services",
    ("42", "413"): "Principles of Reasonable Cost Reimbursement; Payment for End-Stage Renal Disease Services",
    ("42", "414"): "Payment for Part B Medical and Other Health Services",
    ("42", "417"): "Health Maintenance Organizations, Competitive Medical Plans, and Health Care Prepayment Plans",
    ("42", "418"): "Hospice Care",
    ("42", "422"): "Medicare Advantage Program",
    ("42", "423"): "Voluntary Medicare Prescription Drug Benefit",
    ("42", "424"): "Conditions for Medicare Payment",
    ("42", "425"): "Medicare Shared Savings Program",
    ("42", "431"): "State Organization and General Administration",
    ("42", "435"): "Eligibility in the States, District of Columbia, the Northern Mariana Islands, and American Samoa",
    ("42", "438"): "Managed Care",
    ("42", "440"): "Services: General Provisions",
    ("42", "447"): "Payments for Services",
    ("42", "455"): "Program Integrity: Medicaid",
    ("42", "460"): "Programs of All-Inclusive Care for the Elderly (PACE)",
    ("42", "482"): "Conditions of Participation for Hospitals",
    ("42", "483"): "Requirements for States and Long Term Care Facilities",
    ("42", "484"): "Home Health Services",
    ("42", "485"): "Conditions of Participation: Specialized Providers",
    ("42", "488"): "Survey, Certification, and Enforcement Procedures",
    ("42", "489"): "Provider Agreements and Supplier Approval",
    ("42", "498"): "Appeals Procedures for Determinations That Affect Participation in the Medicare Program and for "
                   "Determinations That Affect the Participation of ICFs/IID and Certain NFs in the Medicaid Program",
    ("45", "160"): "General Administrative Requirements",
    ("45", "162"): "Administrative Requirements",
    ("45", "164"): "Security and Privacy",
}
CFR_PUBLISHER = ("Office of the Federal Register",)
CMS = "Centers for Medicare & Medicaid Services"


@dataclass(frozen=True)
class SchemeMeta:
    title: str
    publisher: tuple[str, ...]
    source: str
    authority: str
    version: str | None = None


STATUTE_META = SchemeMeta(
    "42 U.S.C. §§ 1395w-21–1395w-28 — Medicare Part C (Medicare Advantage) statute",
    ("Office of the Law Revision Counsel, U.S. House of Representatives",),
    "https://www.law.cornell.edu/uscode/text/42/chapter-7/subchapter-XVIII/part-C", "United States Congress",
    "the statute as given by the input chunks (they state no release point)")
AUTHORITIES = {"42": CMS, "45": "U.S. Department of Health and Human Services"}


def cfr_scheme(title: str, part: str) -> str:
    return f"{title}-cfr-{part}"


def folder_part_name(name: str) -> str:
    """``part-405-Federal-Health-Insurance-Aged-Disabled`` → "Federal Health Insurance Aged Disabled"."""
    return " ".join(w for w in re.sub(r"^part-[\dA-Z]+-?", "", name).split("-") if w)


def scheme_meta(slug: str, folder_name: str | None = None) -> SchemeMeta:
    """Title, publishers, source and definition authority of a scheme (``folder_name``: the part's own folder)."""
    if slug == STATUTE:
        return STATUTE_META
    match = SCHEME_PART.match(slug)
    if match is None:
        raise KeyError(slug)
    title, part = match.groups()
    name = PART_NAMES.get((title, part)) or folder_name
    return SchemeMeta(f"{title} CFR Part {part}" + (f" — {name}" if name else ""),
                      CFR_PUBLISHER + ((CMS,) if title == "42" else ()),
                      f"https://www.ecfr.gov/current/title-{title}/part-{part}",
                      AUTHORITIES.get(title, f"Code of Federal Regulations, title {title}"))


def part_of_scheme(slug: str) -> tuple[str, str] | None:
    match = SCHEME_PART.match(slug)
    return (match.group(1), match.group(2)) if match else None
