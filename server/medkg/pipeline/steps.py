"""The steps that run after every source is parsed, in order.

Link steps see the whole asserted graph (every source) and add links between concepts; output steps see the
staged output folder and add files to it (inference, validation). Each is a plain function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .context import BuildContext

LinkStep = Callable[[BuildContext], None]


@dataclass(frozen=True)
class OutputOptions:
    strict: bool = False
    reasoner: str = "fast"  # "fast" (direct rules, proven equal) or "owlrl" (the reference semantics)


OutputStep = Callable[[BuildContext, Path, OutputOptions], None]


def link_steps() -> list[LinkStep]:
    """Cross-source linking, in dependency order."""
    from .linking.genus import link_broader, separate_related_from_broader, top_concepts
    from .linking.mapping import link_regulatory
    from .linking.references import resolve_references

    # the last two tidy up after every step that adds links: SKOS S27, then the top of each hierarchy
    return [resolve_references, link_broader, link_regulatory, separate_related_from_broader, top_concepts]


def output_steps() -> list[OutputStep]:
    """Work on the staged output (inference, the validation gate)."""
    from .inference import infer_step
    from .validation import validate_step

    return [infer_step, validate_step]
