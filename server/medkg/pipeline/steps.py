"""The steps that run after every source is parsed, in order.

Link steps see the whole asserted graph (every source) and add links between concepts; output steps see the
staged output folder and add files to it (inference, validation). Each is a plain function.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .changes.step import changes_step
from .context import BuildContext
from .inference import infer_step
from .linking.genus import link_broader, separate_related_from_broader, top_concepts
from .linking.mapping import link_regulatory
from .linking.references import resolve_references
from .linking.usage import usage_step
from .output import OutputOptions, Verdict
from .regulatory.scope import scope_step
from .validation import validate_step

LinkStep = Callable[[BuildContext], None]
# an output step returns the gate's verdict if it is a gate, else None
OutputStep = Callable[[BuildContext, Path, OutputOptions], Verdict | None]
__all__ = ["LinkStep", "OutputOptions", "OutputStep", "Verdict", "link_steps", "output_steps"]


def link_steps() -> list[LinkStep]:
    """Cross-source linking, in dependency order."""
    # the last two tidy up after every step that adds links: SKOS S27, then the top of each hierarchy
    return [resolve_references, link_broader, link_regulatory, scope_step, usage_step, separate_related_from_broader,
            top_concepts]


def output_steps() -> list[OutputStep]:
    """Work on the staged output (inference, the validation gate)."""
    return [infer_step, validate_step, changes_step]
