"""``/annotate``: the defined terms in a text sent by GET (``?text=``) or POST (plain text, a form or JSON).

JSON by default, W3C Web Annotation JSON-LD on ``Accept: application/ld+json``, and for a browser
(``Accept: text/html``) a page with a form and the text marked (``annotate_page``). Options: ``scheme=`` (repeatable;
a scheme's IRI, label or last path segment) and ``provision=`` (only the definitions that apply there). Bad input
is a 4xx with a message, never a 500: no text 400, text not UTF-8 400, more than ``MAX_ANNOTATE_BYTES`` 413.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from flask import Blueprint, Response, current_app, request
from flask.typing import ResponseReturnValue
from rdflib import URIRef

from ..conneg import negotiate
from ..http import error_response
from . import annotate_page
from .annotator import Annotator, Unknown, annotator_of, select, web_annotations
from .caching import CONTENT_SECURITY_POLICY, current_site
from .site import Site

bp = Blueprint("annotate", __name__)

OFFERED = ["application/json", "application/ld+json", "text/html"]  # */* gets JSON: the page is for a browser


class BadInput(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


@bp.route("/annotate", methods=["GET", "POST"])
def annotate() -> ResponseReturnValue:
    fields: dict[str, list[str]] = {}
    try:
        fields = _fields()
        if _chosen() == "text/html" and not "".join(fields.get("text", [])).strip():
            return _page(fields, None)  # the empty form
        text = _text(fields)
        site = current_site()
        annotator = annotator_of(site)
        concepts = _concepts(site, annotator, fields)
    except BadInput as bad:
        if _chosen() == "text/html" and bad.status != 413:
            return _page(fields, None, bad.status, bad.message)
        return error_response(bad.status, _TITLES[bad.status], bad.message)
    spans = annotator.annotate(text, concepts)
    return _page(fields, spans) if _chosen() == "text/html" else _answer(spans, fields)


def _chosen() -> str:
    return negotiate(request.headers.get("Accept"), OFFERED) or "application/json"


def _page(fields: dict[str, list[str]], spans: list[dict[str, Any]] | None, status: int = 200,
          error: str | None = None) -> Response:
    site = current_site()
    schemes = {v.iri: v.title for v in site.vocab.schemes}  # the empty form never waits for the annotator
    body, status = annotate_page.page(site, fields, schemes, spans, status, error)
    response = Response(body, status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY  # the page shows text it was sent
    response.vary.add("Accept")
    return response


_TITLES = {400: "Bad Request", 404: "Not Found", 413: "Content Too Large"}


def _limit() -> int:
    return int(current_app.config["MAX_ANNOTATE_BYTES"])


def _fields() -> dict[str, list[str]]:
    """The query string's parameters and the body's (a form, JSON, or the text itself), decoded strictly."""
    if (request.content_length or 0) > 3 * _limit() + 65536:
        raise BadInput(413, f"the request is too large: texts are limited to {_limit()} bytes (MAX_ANNOTATE_BYTES)")
    fields = _pairs(request.query_string)
    if request.method != "POST":
        return fields
    body = request.get_data(cache=False)
    mimetype = request.mimetype
    if mimetype == "application/x-www-form-urlencoded":
        extra = _pairs(body)
    elif mimetype == "multipart/form-data":
        extra = {k: request.form.getlist(k) for k in request.form}
    elif mimetype in ("application/json", "application/ld+json"):
        extra = _json_fields(body)
    else:
        extra = {"text": [_decode(body)]}
    for key, values in extra.items():
        fields.setdefault(key, []).extend(values)
    return fields


def _decode(raw: bytes) -> str:
    if len(raw) > _limit():
        raise BadInput(413, f"the text is {len(raw)} bytes: the limit is {_limit()} bytes (MAX_ANNOTATE_BYTES)")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(400, f"the text is not UTF-8 (byte {exc.start}): send UTF-8") from None


def _pairs(raw: bytes) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    # latin-1 keeps every byte as it is; each name and value is then decoded as UTF-8, strictly
    for key, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=True, encoding="latin-1"):
        fields.setdefault(_decode(key.encode("latin-1")), []).append(_decode(value.encode("latin-1")))
    return fields


def _json_fields(raw: bytes) -> dict[str, list[str]]:
    _decode(raw)  # size and encoding first
    try:
        document = json.loads(raw)
    except ValueError as exc:
        raise BadInput(400, f"the body is not JSON: {exc}") from None
    if not isinstance(document, dict):
        raise BadInput(400, 'send a JSON object: {"text": "...", "scheme": [...], "provision": "..."}')
    fields: dict[str, list[str]] = {}
    for key in ("text", "scheme", "provision"):
        value = document.get(key)
        values = value if isinstance(value, list) else [] if value is None else [value]
        if not all(isinstance(v, str) for v in values):
            raise BadInput(400, f'"{key}" must be a string (or, for "scheme", a list of strings)')
        fields[key] = list(values)
    return fields


def _text(fields: dict[str, list[str]]) -> str:
    text = "\n".join(fields.get("text", []))
    if not text.strip():
        raise BadInput(400, "no text to annotate: send ?text=, a form field 'text', a JSON object with \"text\", "
                            "or the text itself as the body (text/plain)")
    if len(text.encode("utf-8")) > _limit():
        raise BadInput(413, f"the text is more than {_limit()} bytes (MAX_ANNOTATE_BYTES)")
    return text


def _concepts(site: Site, annotator: Annotator, fields: dict[str, list[str]]) -> frozenset[URIRef] | None:
    try:
        return select(site, annotator, fields.get("scheme", []), " ".join(fields.get("provision", [])))
    except Unknown as exc:
        raise BadInput(exc.status, str(exc)) from None


def _answer(spans: list[dict[str, Any]], fields: dict[str, list[str]]) -> Response:
    chosen = _chosen()
    if chosen == "application/ld+json":
        body: Any = web_annotations(spans)
    else:
        body = {"count": len(spans), "spans": spans}
    response = Response(json.dumps(body, ensure_ascii=False, indent=1) + "\n", mimetype=chosen)
    response.vary.add("Accept")
    return response

