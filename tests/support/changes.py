"""Builds of stored versions of part 422 sections (read in place from ../shared via symlinks) for change tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from medkg.pipeline.build import build
from medkg.pipeline.changes.compare import Change

from tests.support.paths import shared_path

PART = "ecfr-md-42cfr-part422"
SECTION_FILES = {
    "422.2": "subpart-A-General-Provisions/section-422.2.md",
    "422.500": "subpart-K-Application-Procedures-Contracts-Medicare-Advantage-Organizations/section-422.500.md",
    "422.2260": "subpart-V-Medicare-Advantage-Communication-Requirements/section-422.2260.md",
    "422.113": "subpart-C-Benefits-Beneficiary-Protections/section-422.113.md",
    "422.62": "subpart-B-Eligibility-Election-Enrollment/section-422.62.md",
    "422.252": "subpart-F-Submission-Bids-Premiums-Related-Information-Plan-Approval/section-422.252.md",
    "422.561": "subpart-M-Grievances-Organization-Determinations-Appeals/section-422.561.md",
    "422.60": "subpart-B-Eligibility-Election-Enrollment/section-422.60.md",
    "422.66": "subpart-B-Eligibility-Election-Enrollment/section-422.66.md",
    "422.68": "subpart-B-Eligibility-Election-Enrollment/section-422.68.md",
    "422.102": "subpart-C-Benefits-Beneficiary-Protections/section-422.102.md",
}
EARLIER = ("422.2", "422.60", "422.62", "422.66", "422.68", "422.102", "422.252", "422.500", "422.561",
           "422.2260")  # every section with a stored earlier version
LATER = ("422.2", "422.113", "422.252", "422.561", "422.2260")  # every section with a stored later version


def version_file(section: str, version: str = "") -> Path:
    """A stored version of a section: "" the current copy, "earlier", "later", or a history date."""
    folder = PART + (f"-{version}" if version in ("earlier", "later") else f"-history/{version}" if version else "")
    return shared_path("data", folder, SECTION_FILES[section])


def linked_sources(dest: Path, *files: Path) -> Path:
    """A source folder of symlinks to ``files`` (keeping the subpart folder name the parser reads)."""
    for file in files:
        link = dest / file.parent.name / file.name
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(file)
    return dest


def build_of(tmp: Path, name: str, *files: Path, base: str | None = None, previous: Path | None = None) -> Path:
    sources = linked_sources(tmp / f"{name}-src", *files)
    out = tmp / name
    extra = {"base": base} if base else {}
    result = build([sources], out, progress=lambda _m: None, previous=previous, **extra)
    assert result.written, [str(d) for d in result.diagnostics]
    return out


def in_section(changes: list[Change], section: str) -> list[Change]:
    return [c for c in changes if (c.section or "").endswith(f"/cfr/42/422/{section}")]


ALL_422_2 = ("history/2014-05-23", "history/2018-04-16", "earlier", "", "later")


def build_versions(tmp: Path, name: str, versions: tuple[str, ...], section: str = "422.2",
                   as_of: date | None = None, previous: Path | None = None) -> Path:
    """One build given every stored version of a section (one source folder of symlinks each)."""
    sources = [linked_sources(tmp / f"{name}-src-{i}", version_file(section, v.removeprefix("history/")))
               for i, v in enumerate(versions)]
    out = tmp / name
    result = build(sources, out, progress=lambda _m: None, as_of=as_of, previous=previous)
    assert result.written, [str(d) for d in result.diagnostics]
    return out
