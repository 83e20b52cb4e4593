"""Names compared and recognised: the one text-folding function (slugs, label keys, search) and acronym pattern."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_WORD = re.compile(r"[^0-9a-z]+")
# An acronym or abbreviation, as a term writes it after its name ("… (PSO)", "… or MA"): a capital, then up to 11
# letters, digits or & . / - with a second capital among them ("PSO", "MA-PDs", "U.S."), or a short one ("Ad").
# "(Drugs)" or "(State)" qualify a name; they are no acronyms.
ACRONYM = r"[A-Z](?:(?=[A-Za-z0-9&./-]*[A-Z])[A-Za-z0-9&./-]{1,11}|[A-Za-z0-9&./-]{1,2})"


@lru_cache(maxsize=8)
def _separators(keep: str) -> re.Pattern[str]:
    return re.compile(rf"[^0-9a-z{re.escape(keep)}]+") if keep else _NON_WORD


def fold(text: str, keep: str = "") -> str:
    """Case-, accent- and punctuation-insensitive form: lower-case ASCII letters and digits (and the characters in
    ``keep``), every other run of characters one space. "Organización  Patrocinada (PSO)" → "organizacion
    patrocinada pso"; "managed-care-plan" and "Managed Care Plan" fold alike."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _separators(keep).sub(" ", bare).strip()
