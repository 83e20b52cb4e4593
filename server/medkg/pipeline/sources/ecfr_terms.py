"""The terms an eCFR paragraph defines, in every form the Federal Register's drafting conventions use.

The text is one paragraph (its designator removed) with its Markdown italics. A term is found

- right at the start, italic, before a defining verb: ``*X* means``, ``*X* is``, ``*X* refers to``, ``*X* mean``,
  ``*X* stands for``, ``*X* has the (same) meaning``, ``*X* includes``, ``*X* occurs when``, ``*X* assesses``, …;
  the verb may be inside the italics (``*Target activity means*``), a heading may be (``*Definition. X* means``);
- with an alias (``*X* (ABC) means``, ``*X* or D-SNP means``, ``*X (or Y)* means``), a qualifier
  (``*X,* for purposes of this section, means``, ``*X* in the context of … means``, ``*X,* as it relates to …,
  means``), inside quotes (``“*X*” means``), or as several names of one term (``*A* or *B* means``,
  ``*A,* *B,* and *C* mean``, ``*A, B,* and *C* mean``, ``*A/B* means``): the first name is the preferred label;
- after a lead-in: ``In this subpart, *X* means``, ``The term *X* … means``, ``For purposes of this section, the
  term “X” means``, ``the term X means``;
- as a heading restated by the sentence that follows it (``*A coordinated care plan.* A coordinated care plan is``,
  ``*Definition of crosswalk.* A crosswalk is``, ``*Definitions—X.* For purposes of this section, an X means``);
- in plain text: a paragraph that opens with ``(A|An|The) X means``, and any sentence ``The X is defined as``;
- without a verb, when the paragraph is only the term and a dash and its first sub-paragraph opens with
  "Means"/"Is"/"Refers to" (``*X* -`` then ``(1) Means …``).

Italic runs that are paragraph headings (``*General.*``), Latin (``*bona fide*``), cross-reference words (``*see*``)
or web addresses are never terms. A hit is ``(names, offset)``: the names joined by ``NAME_SEP`` (the first is the
preferred label) and where the definition's text starts.
"""

from __future__ import annotations

import re

from ..labels import normalize_label
from ..regulatory.definitions import NAME_SEP

_VERBS = (r"(?:means|mean|is|are|refers to|refer to|generally refers to|generally means|stands for|"
          r"(?:has|have) the (?:same )?(?:meaning|definition)s?|includes|include|occurs when|assesses|"
          r"is defined (?:in|as|at|under)|are defined (?:in|as))\b")
_RUN = r"[“\"]?\*(?!\(|\s)([^*]+?)\*[”\"]?"
_SEP = r"\s*(?:,\s*)?(?:(?:and/or|and|or)\s+)?"
_GROUP = rf"{_RUN}(?:{_SEP}{_RUN}){{0,4}}"
_ALIAS = r"(?P<alias>\s*\((?:or\s+)?[^()]{1,60}\))?(?P<orab>\s+or\s+[A-Z][A-Za-z0-9&-]{1,12}\b(?!\s*\*))?"
_ASIDE = (r"(?:,?\s+(?:for (?:the )?purposes? of|as used in|in the context of|when used in|with respect to|"
          r"as it relates to)\s[^*;:]{1,120}?,?|,\s[^*;:]{1,120}?,)?")
# The scope lead-in a definition may open with ("In this subpart,", "For purposes of this section,", "As used in
# this part,"): regulatory/scope.py reads the scope itself from the same words.
_LEAD_WORDS = r"In|For (?:the )?purposes? of|As used in"
_LEAD_IN = rf"(?:{_LEAD_WORDS}) [^,*]{{1,60}},\s*"
_LEAD = (rf"(?P<lead>(?:(?:{_LEAD_WORDS}|Under) (?:this|these) [^,*]{{1,60}},\s*)?"
         r"(?:(?:the|The) terms?\s+)?)")
_DIRECT = re.compile(rf"^{_LEAD}(?P<group>{_GROUP}){_ALIAS}(?P<aside>{_ASIDE})\s*(?P<verb>{_VERBS})")
_HEADING_PREFIX = re.compile(r"^(?:Definitions?(?: of)?\s*[.—:–-]?\s*(?:[-—–]\s*)?)(?=\S)")
_HEADING = re.compile(r"^\*(?!\()([^*]+?)\*\s*(?:[-—–:]\s*)?")
_RESTATE = re.compile(rf"^(?:{_LEAD_IN})?(?:the term\s+)?"
                      r"(?:[Aa]n?\s+|[Tt]he\s+)?(?P<subject>[^.*,;:]{1,90}?)\s+(?P<verb>is an?\b|is the\b|means\b|"
                      r"refers to\b|has the (?:same )?(?:meaning|definition)\b|is defined as\b)")
_UNQUOTED = re.compile(rf"^(?P<lead>(?:{_LEAD_IN})?"
                       r"(?:the|The) term\s+)(?P<term>[^*“”\",;:.]{2,90}?)\s+means\b")
_QUOTED = re.compile(rf"^(?P<lead>(?:{_LEAD_IN})?(?:the|The) "
                     r"terms?\s+)?(?P<group>“[^”*]{1,90}”(?:\s*,?\s*(?:and|or)?\s*“[^”*]{1,90}”){0,4})[^.;*“]{0,60}?"
                     r"\s+(?:means?|refers? to|includes?)\b")
_PLAIN = re.compile(rf"^(?P<lead>{_LEAD_IN})?"
                    r"(?P<article>[Aa]n?\s+|[Tt]he\s+)?(?P<term>(?!(?:An?|The)\s)[\w][\w()/-]*(?:\s+[\w()/-]+){0,7}?)"
                    r"(?:,?\s+(?P<verb>means|is defined as)\b|,?\s+defined as\b)")
_DEFINED_AS = re.compile(r"(?:^|(?<=\.\s))(?P<article>An?\s+|The\s+)?"
                         r"(?P<term>(?!(?:An?|The)\s)\w[\w-]*(?:\s+[\w-]+){0,5}?)\s+(?:is|are) defined as\b")
_VERB_INSIDE_RUN = re.compile(r"^[“\"]?\*(?!\()([^*]+?)\s+(?:means|mean|is|are|refers to)\*")
_VERBLESS = re.compile(r"^\*(?!\()([^*.]+)\*\s*[-—–:]?\s*\((?:1|a|i)\)\s*(?:Means|Is|Are|Refers to|Includes?)\b")
_GENUS = re.compile(r"^(?:An?|The)\s+(?P<term>(?:[\w()/-]+\s+){0,6}(?P<head>[\w-]+))\s+is an?\s+"
                    r"(?:[\w-]+\s+){0,2}?(?P<genus>[\w-]+)\s*(?:that|which|who|in|under|offered|—|-)")
_GENUS_PLURAL = re.compile(r"^(?P<term>[A-Z][\w-]*(?:\s+[\w-]+){0,5}?\s+(?P<head>[\w-]+s))\s+include\s+"
                           r"(?:[\w-]+\s+){0,2}?(?P<genus>[\w-]+s)\b")
_FOR_PURPOSES = re.compile(r"(?:^|(?<=\.\s))For (?:the )?purposes? of this (?:sub)?(?:part|section|paragraph)"
                           r"[^,]{0,40},\s+(?:an?|the)\s+(?P<term>[\w-]+(?:\s+[\w-]+){0,6}?)\s+"
                           r"(?:means|is one that|is one which|is the|is an?|equals)\b")
_CONDITIONAL = re.compile(r"(?:^|(?<=\.\s))For (?:the )?purposes? of this (?:sub)?(?:part|section|paragraph)[^,]{0,40},"
                          r"\s+(?:[\w-]+\s+){1,4}?(?:is|are)\s+(?P<term>[a-z][\w-]+)\s+if\b")
_ADJECTIVE = re.compile(r"^(?:An?|The)\s+(?:[\w-]+\s+){1,4}?(?:is|are)\s+(?P<term>[a-z][\w-]+)\s+if\b")
_QUOTED_SENTENCE = re.compile(r"(?:^|(?<=\.\s))(?:An?\s+|The\s+)?“(?P<term>[^”]{1,80})”"
                              r"(?:,?\s+as used in [^,.]{1,60}?,?)?\s+(?:means|is defined as)\b")
_REFERRED = re.compile(r"\b(?:are|is) referred to as “(?P<term>[^”]{1,80})”")
_NOT_BEFORE_MEANS = {"any", "by", "other", "all", "such", "same", "no", "these", "those", "electronic", "of", "what",
                     "which", "this", "that", "it", "appropriate", "reasonable"}
_NOT_FIRST = {"If", "When", "Where", "Provide", "Whether", "Unless", "Each", "Every", "Any", "No", "This", "These",
              "It", "CMS", "Such"}
_NOT_TERMS = {"see", "bona fide", "et seq", "i.e", "e.g", "ad hoc", "de minimis", "per se", "pro rata", "general",
              "definition", "definitions", "note", "reserved", "basic rule", "exception", "exceptions"}
_LOWER_START = re.compile(r"^[a-z]")

Hit = tuple[str, int]


def find_terms(text: str) -> list[Hit]:
    """The term(s) a paragraph defines (see the module docstring)."""
    found: list[Hit] = []
    for finder in (_verb_inside, direct_term, restated_term, _after_heading, _quoted, _unquoted, _plain, _genus,
                   _verbless, _conditional):
        if found := finder(text):
            break
    # sentences that define further terms later in the paragraph ("… The hold time is defined as …")
    later = [hit for hit in _defined_as(text) if not found or hit[1] > found[-1][1]]
    return found + [hit for hit in later if hit[0] not in {name for name, _ in found}]


def _verb_inside(text: str) -> list[Hit]:
    """``*Target activity means* the activity …``."""
    match = _VERB_INSIDE_RUN.match(text)
    return [(clean_term(match.group(1)), 0)] if match and _looks_like_term(match.group(1)) else []


def direct_term(text: str) -> list[Hit]:
    match = _DIRECT.match(text)
    if not match:
        return []
    runs = re.findall(_RUN, match.group("group"))
    names = _names(runs, match.group("alias"), match.group("orab"))
    if not names:
        return []
    start = match.start("group")
    skip = _HEADING_PREFIX.match(runs[0].strip())
    return [(NAME_SEP.join(names), start + (len(skip.group(0)) + 1 if skip and start == 0 else 0))]


def _names(runs: list[str], alias: str | None, orab: str | None) -> list[str]:
    names: list[str] = []
    for i, run in enumerate(runs):
        run = run.strip(" ,;:")
        if i == 0:
            run = _HEADING_PREFIX.sub("", run)
        pieces = re.split(r",\s*(?:(?:and|or)\s+)?|\s+and/or\s+", run) if len(runs) > 1 else [run]
        cleaned = [clean_term(p) for p in pieces]
        if not any(cleaned) and run.strip(" “”\"*"):
            return [""]  # italics or quotes around nothing but punctuation: an empty term, reported by the build
        names += [p for p in cleaned if p]
    if not names or not all(map(_looks_like_term, names)):
        return []
    if alias:
        names[0] = f"{names[0]} {alias.strip()}"
    if orab:
        names.append(orab.split()[-1])
    return names


def clean_term(raw: str) -> str:
    term = " ".join(raw.replace("*", "").replace("“", "").replace("”", "").split()).strip(" ,.;:—–-")
    return term[:1].upper() + term[1:] if term else ""


def _looks_like_term(term: str) -> bool:
    bare = term.strip(" ,.;:—–-*")
    key = normalize_label(bare)
    return bool(re.search(r"[A-Za-z]", bare)) and key not in _NOT_TERMS and len(bare) <= 150 and not (
        "://" in bare or bare.lower().startswith("www.") or re.search(r"\.(?:gov|com|org|html?)\b", bare))


def restated_term(text: str) -> list[Hit]:
    """``*A coordinated care plan.* A coordinated care plan is …``: the definition is the restating sentence."""
    head = _HEADING.match(text)
    if not head or not head.group(1).rstrip().endswith((".", "—", ":")):
        return []
    raw = head.group(1).strip().rstrip(".—:")
    heading = re.sub(r"^(?:An?|The)\s+", "", _HEADING_PREFIX.sub("", raw))
    rest = text[head.end():]
    if re.match(r"^Definition of\s", raw) and heading and _looks_like_term(heading):
        # "*Definition of disruptive behavior.* An enrollee is …": the sentence's own term if it names one
        return _after_heading(text) or [(clean_term(heading), head.end())]
    match = _RESTATE.match(rest)
    if not match or not heading:
        return []
    short = re.sub(r"\s*\([^)]*\)", "", heading)
    subject = match.group("subject")
    if _key(subject) in {_key(heading), _key(short)} or \
            subject in re.findall(r"\(([A-Z]+)\)", heading):
        return [(clean_term(heading), head.end())]
    return []


def _key(text: str) -> str:
    return normalize_label(text.replace("-", " "))


def _after_heading(text: str) -> list[Hit]:
    """A heading, then a definition in one of the other forms (``*Definitions.* The term *X,* … means``)."""
    head = _HEADING.match(text)
    if not head or not head.group(1).rstrip().endswith((".", "—", ":")) or head.end() >= len(text):
        return []
    rest = text[head.end():]
    definition = head.group(1).strip(" .—:").lower() in ("definition", "definitions")
    for finder in (direct_term, _quoted, _unquoted, _plain, _genus, *((_adjective,) if definition else ())):
        if found := finder(rest):
            return [(names, offset + head.end()) for names, offset in found]
    return []


def _quoted(text: str) -> list[Hit]:
    match = _QUOTED.match(text)
    if not match:
        return []
    names = [clean_term(n) for n in re.findall(r"“([^”]+)”", match.group("group"))]
    names = [n for n in names if n and _looks_like_term(n)]
    return [(NAME_SEP.join(names), 0)] if names else []


def _unquoted(text: str) -> list[Hit]:
    match = _UNQUOTED.match(text)
    return [(clean_term(match.group("term")), 0)] if match else []


def _plain(text: str) -> list[Hit]:
    match = _PLAIN.match(text)
    words = match.group("term").split() if match else []
    if not match or not _capitalized(match) or text[match.end():].startswith(" of") or \
            words[-1].lower() in _NOT_BEFORE_MEANS or words[0] in _NOT_FIRST:
        return []  # "by means of", "through any means", "If CMS …"
    return [(clean_term(match.group("term")), 0)]


def _capitalized(match: re.Match[str]) -> bool:
    """A plain-text term starts the sentence: with an article ("An X means"), or capitalized ("X means")."""
    lead = "lead" in match.re.groupindex and match.group("lead")
    return bool(match.group("article") or lead) or not _LOWER_START.match(match.group("term"))


def _genus(text: str) -> list[Hit]:
    """``A PPO plan is a plan that—``, ``Group health plans include plans …``: the genus is the term's head noun."""
    match = _GENUS.match(text) or _GENUS_PLURAL.match(text)
    if not match or match.group("head").lower() != match.group("genus").lower():
        return []
    return [(clean_term(match.group("term")), 0)]


def _conditional(text: str) -> list[Hit]:
    """``For purposes of this subpart, providers are affiliated if …``: the adjective is defined."""
    return [(clean_term(m.group("term")), m.start()) for m in _CONDITIONAL.finditer(text)]


def _adjective(text: str) -> list[Hit]:
    """After a *Definition.* heading: ``A PDP enrollee is disruptive if …``."""
    match = _ADJECTIVE.match(text)
    return [(clean_term(match.group("term")), 0)] if match else []


def _verbless(text: str) -> list[Hit]:
    """``*X* -`` then ``(1) Means …`` (its first sub-paragraph): the sub-paragraphs define X."""
    match = _VERBLESS.match(text)
    return [(clean_term(match.group(1)), 0)] if match and _looks_like_term(match.group(1)) else []


def _defined_as(text: str) -> list[Hit]:
    """Sentences anywhere in the paragraph: ``The X is defined as``, ``A “X” as used in this paragraph means``,
    ``… referred to as “X”``."""
    found = [(clean_term(m.group("term")), m.start()) for m in _DEFINED_AS.finditer(text) if _capitalized(m)]
    found += [(clean_term(m.group("term")), m.start()) for m in _QUOTED_SENTENCE.finditer(text)]
    found += [(clean_term(m.group("term")), m.start()) for m in _FOR_PURPOSES.finditer(text)]
    found += [(clean_term(m.group("term")), _sentence_start(text, m.start())) for m in _REFERRED.finditer(text)]
    return sorted(found, key=lambda hit: hit[1])


def _sentence_start(text: str, at: int) -> int:
    return text.rfind(". ", 0, at) + 2 if ". " in text[:at] else 0
