"""Routes: dereferencing (303 to a negotiated document), documents, pages, search, the JSON-LD context."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

from flask import Blueprint, Response, current_app, redirect, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response as BaseResponse

from .. import extensions, formats
from ..conneg import negotiate
from ..formats import Format
from ..http import text_error
from ..pipeline.export import jsonld_context
from ..pipeline.iris import is_iri
from . import definitions_view, language, pages
from .caching import add_validators, current_site
from .documents import BY_SUFFIX, DOC_FORMATS, describe, exists, not_found_document, render
from .language import page_language
from .prose import prose
from .search import Hit
from .site import Site
from .vocab import UnknownVocabulary

bp = Blueprint("linkeddata", __name__)

# Main media types first, aliases after: a wildcard such as application/* picks a main type.
OFFERED: dict[str, Format] = formats.by_media_type(formats.DOCUMENTS)
DUMPS_OFFERED: dict[str, Format] = formats.by_media_type(formats.DUMPS)
IRI_SAFE = ":/?#[]@!$&'()*+,;=%~"  # kept as they are when a path that is no IRI is shown percent-encoded
MAX_QUERY = 200  # characters of a search: longer texts are cut, never a reason for slow answers
# Before one scheme per CFR part, every regulatory concept was minted under the part-422 scheme, e.g.
# concept/42-cfr-422/423.4/…: such an IRI answers 301 to its concept under its own part's scheme.
OTHER_PART_CONCEPT = re.compile(r"concept/(\d+)-cfr-(\d+)/((\d+)\.[^/]+/.+)")


def not_acceptable(offered: list[str]) -> BaseResponse:
    return text_error(406, "406 Not Acceptable: this resource is available as " + ", ".join(offered))


bp.after_request(add_validators)


@bp.after_request  # runs before add_validators (Flask runs them in reverse): the ETag sees the language
def content_language(response: BaseResponse) -> BaseResponse:
    """A page says the language it was made in and that the request's Accept-Language chose it."""
    if response.mimetype == "text/html" and "Content-Language" not in response.headers:
        response.headers["Content-Language"] = page_language()
        response.vary.add("Accept-Language")
    return response


bp.add_app_template_filter(prose, "prose")  # definitions and notes with their paragraphs and lists


def context_url() -> str:
    return request.url_root + "context.jsonld"


def negotiated() -> Format | None:
    """The document format the Accept header prefers; None when it accepts none of ours."""
    choice = negotiate(request.headers.get("Accept"), list(OFFERED))
    return OFFERED[choice] if choice else None


@bp.get("/applicable-definitions")
def applicable_definitions() -> ResponseReturnValue:
    """The defined terms that govern a provision's text (JSON): ``?provision=`` IRI, path or citation label."""
    current = current_site()
    asked = request.args.get("provision", "").strip()
    if not asked:
        return _json_error(400, "Bad Request", "give ?provision= : an IRI, a path such as cfr/42/422/422.504/a, or "
                           "a citation label such as 42 CFR 422.504(a)")
    provision = definitions_view.find_provision(current, asked[:MAX_QUERY])
    if provision is None:
        return _json_error(404, "Not Found", f"no provision {asked[:MAX_QUERY]!r} in this build")
    body = definitions_view.applicable_json(current, provision, request.host_url.rstrip("/"))
    return Response(json.dumps(body, ensure_ascii=False, indent=1) + "\n", mimetype="application/json")


def _json_error(status: int, title: str, message: str) -> Response:
    body = {"ok": False, "status": status, "title": title, "error": message}
    return Response(json.dumps(body, ensure_ascii=False) + "\n", status, mimetype="application/json")


@bp.get("/context.jsonld")
def context() -> ResponseReturnValue:
    body = json.dumps({"@context": jsonld_context()}, indent=2, sort_keys=True) + "\n"
    return Response(body, mimetype="application/ld+json")


@bp.get("/<path:path>")
def resource(path: str) -> ResponseReturnValue:
    """An IRI answers 303 to a document; ``IRI + suffix`` is that document in one format."""
    current = current_site()
    dated = current_app.extensions.get(extensions.DATED)  # ?date=: the version in force that day
    if dated is not None and "date" in request.args and (answer := dated(current, path)) is not None:
        return answer
    iri = current.paths.iri(path)
    if not is_iri(iri):  # "/a%20b", "/%3C": no IRI of ours (nor any IRI) has that path
        return not_found(quote(iri, safe=IRI_SAFE), None)
    if iri in (current.dataset.asserted_graph.value, current.dataset.inferred_graph.value):
        return graph_dump(iri.rsplit("/", 1)[1])
    if exists(current, iri):
        return see_other(path)
    stem, dot, suffix = path.rpartition(".")
    fmt = BY_SUFFIX.get(dot + suffix) if stem else None
    if fmt is not None and exists(current, current.paths.iri(stem)):
        return document(current, current.paths.iri(stem), fmt)
    if (moved := moved_path(current, path)) is not None:
        return redirect(request.script_root + "/" + moved, code=301)
    gone = current_app.extensions.get(extensions.GONE)  # an IRI an earlier build had: 410, not 404
    if gone is not None and (answer := gone(current, path)) is not None:
        return answer
    return not_found(iri, fmt)


def moved_path(current: Site, path: str) -> str | None:
    """The path of a regulatory concept published under another part's scheme, if this build holds it."""
    match = OTHER_PART_CONCEPT.fullmatch(path)
    if match is None or match[2] == match[4]:
        return None
    moved = f"concept/{match[1]}-cfr-{match[4]}/{match[3]}"
    stem, dot, suffix = moved.rpartition(".")
    held = exists(current, current.paths.iri(moved)) or (
        dot + suffix in BY_SUFFIX and exists(current, current.paths.iri(stem)))
    return moved if held else None


def see_other(path: str) -> ResponseReturnValue:
    fmt = negotiated()
    response: BaseResponse
    if fmt is None:
        response = not_acceptable([f"{f.media_type} ({f.suffix})" for f in DOC_FORMATS])
    else:
        response = redirect(request.script_root + "/" + path + fmt.suffix, code=303)
    response.vary.add("Accept")
    return response


def graph_dump(which: str) -> ResponseReturnValue:
    """A named graph's IRI answers 303 to the dump of that graph, in the format the client prefers."""
    choice = negotiate(request.headers.get("Accept"), list(DUMPS_OFFERED))
    response: BaseResponse = not_acceptable([f.media_type for f in formats.offer(formats.DUMPS)])
    if choice is not None:
        response = redirect(f"{request.script_root}/dumps/medkg-{which}{DUMPS_OFFERED[choice].suffix}", code=303)
    response.vary.add("Accept")
    return response


def document(current: Site, iri: str, fmt: Format) -> ResponseReturnValue:
    """One resource's description, as an HTML page or an RDF document."""
    key = (iri, fmt.suffix, request.script_root, context_url())  # what a rendering depends on
    if fmt.suffix == ".html":
        lang = page_language()
        page = current.documents.get_or_make((*key, lang), lambda: pages.render_page(current, iri))
        return Response(page, mimetype="text/html")  # content_language() says which
    body = current.documents.get_or_make(key, lambda: render(describe(current, iri), fmt, context_url(),
                                                              current.dataset.inferred_graph.value))
    response = Response(body, mimetype=fmt.media_type)
    response.headers["Link"] = f'<{iri}>; rel="describes"'  # RFC 6892: this document describes the IRI
    return response


def not_found(iri: str, fmt: Format | None) -> ResponseReturnValue:
    """404 in the format asked: by suffix, else by Accept; plain text when nothing we offer is acceptable."""
    fmt = fmt or negotiated()
    if fmt is None:
        return text_error(404, f"404 Not Found: <{iri}>")
    if fmt.suffix == ".html":
        return Response(render_template("notfound.html", iri=iri), status=404, mimetype="text/html")
    body = not_found_document(fmt, iri, context_url())
    response = Response(body, status=404, mimetype=fmt.media_type)
    response.vary.add("Accept")
    return response


@bp.get("/")
def home() -> ResponseReturnValue:
    return render_template("home.html", **pages.home_context(current_site()))


@bp.get("/concepts")
def alphabetical() -> ResponseReturnValue:
    return render_template("concepts.html", **pages.index_context(current_site(), _schemes()))


@bp.get("/search")
def search_page() -> ResponseReturnValue:
    """The results page; the JSON API instead when the client prefers application/json."""
    site, schemes = current_site(), _schemes()
    if _wants_json():
        response = _hits_json(site.index.search(_query(), limit=_limit(50), lang=_lang(), schemes=schemes))
    else:
        hits = [pages.hit_view(site, h) for h in site.index.search(_query(), limit=100, lang=_lang(), schemes=schemes)]
        switch = language.switch(site.languages, page_language())
        response = Response(render_template("search.html", query=_query(), hits=hits, vocabularies=site.vocab.schemes,
                                            chosen=schemes, lang_switch=switch), mimetype="text/html")
    response.vary.add("Accept")
    return response


@bp.get("/search.json")
def search_json() -> ResponseReturnValue:
    return _hits_json(current_site().index.search(_query(), limit=_limit(50), lang=_lang(), schemes=_schemes()))


@bp.get("/suggest")
def suggest() -> ResponseReturnValue:
    """Autocomplete: label matches only, from the in-memory index."""
    return _hits_json(current_site().index.suggest(_query(), limit=_limit(10), lang=_lang(), schemes=_schemes()))


def _wants_json() -> bool:
    return negotiate(request.headers.get("Accept"), ["text/html", "application/json"]) == "application/json"


def _schemes() -> frozenset[str]:
    """``?scheme=`` (repeatable: a vocabulary's IRI, title, short name or slug) as scheme IRIs."""
    return current_site().vocab.resolve(request.args.getlist("scheme"))


@bp.errorhandler(UnknownVocabulary)
def unknown_vocabulary(error: UnknownVocabulary) -> ResponseReturnValue:
    """400 naming the known vocabularies: JSON for the JSON answers, plain text for pages."""
    if request.path.endswith((".json", "/suggest")) or _wants_json():
        return _json_error(400, "Bad Request", str(error))
    return text_error(400, f"400 Bad Request: {error}")


def _query() -> str:
    return request.args.get("q", "")[:MAX_QUERY]


def _lang() -> str | None:
    """``?lang=es`` restricts matches to texts in that language (untagged texts always match)."""
    return request.args.get("lang") or None


def _limit(default: int) -> int:
    value = request.args.get("limit", type=int) or default
    return max(1, min(value, 200))


def _hits_json(hits: list[Hit]) -> Response:
    current = current_site()
    results = [h.as_json(request.script_root + (current.paths.path(h.iri) or "")) for h in hits]
    return Response(json.dumps({"query": _query(), "results": results}, ensure_ascii=False),
                    mimetype="application/json")
