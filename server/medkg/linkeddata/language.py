"""The language a page is shown in: ``?lang=`` first, then the request's ``Accept-Language``, else English."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from flask import request, url_for
from rdflib import Literal

LANGUAGES = {"en": "English", "es": "Español"}  # the languages our sources write in, English the default
DEFAULT = "en"


def page_language() -> str:
    """``?lang=es`` wins; else the best of ours by ``Accept-Language`` (q-values honoured); else English."""
    asked = request.args.get("lang", "").strip().lower()
    if asked in LANGUAGES:
        return asked
    best = request.accept_languages.best_match(list(LANGUAGES), default=DEFAULT)
    return best or DEFAULT


def first_in(lang: str) -> Any:
    """A sort key that puts texts in ``lang`` first, untagged texts next, then English, then the rest."""
    def key(tag: str | None) -> tuple[int, str]:
        tag = (tag or "").lower()
        return ({lang: 0, "": 1, DEFAULT: 2}.get(tag, 3), tag)
    return key


def switch(langs: set[str], current: str) -> list[dict[str, Any]]:
    """Links to this page in each of our languages it has text in; none when it has only one."""
    ours = [lang for lang in LANGUAGES if lang in langs or lang == DEFAULT]
    if len(ours) < 2:
        return []
    # what else was asked (a search's q= and scheme=) is kept
    kept: dict[str, Any] = {key: values for key, values in request.args.lists() if key != "lang"}
    endpoint = request.endpoint or "linkeddata.resource"
    return [{"lang": lang, "name": LANGUAGES[lang], "current": lang == current,
             "href": url_for(endpoint, **(request.view_args or {}), **kept, lang=lang)} for lang in ours]


def spoken_in(store: ox.Store, graph: ox.NamedNode) -> set[str]:
    """Our languages that some preferred label of ``graph`` is written in (what a whole-site page can switch to)."""
    query = ("ASK {{ GRAPH ?g {{ ?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?l "
             "FILTER(langMatches(lang(?l), \"{}\")) }} }}")
    return {lang for lang in LANGUAGES if store.query(query.format(lang), substitutions={ox.Variable("g"): graph})}


def languages_of(literals: list[Any]) -> set[str]:
    return {str(v.language).lower().split("-")[0] for v in literals if isinstance(v, Literal) and v.language}
