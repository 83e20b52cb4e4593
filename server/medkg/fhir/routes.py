"""Routes under ``/fhir/``: metadata, reads and searches of the terminology resources, and their operations.

JSON only (``application/fhir+json``): ``_format`` or ``Accept`` asking for XML, or for nothing JSON, gets 406 with
an ``OperationOutcome``; so does every error, with its HTTP status. Reads are open to every origin (CORS).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from .. import extensions, formats
from ..conneg import negotiate
from ..linkeddata.caching import add_validators
from . import operations, resources
from .params import FhirError, Params, from_request
from .terminology import ALL_ID, Terminology

MEDIA_TYPE = formats.FHIR_JSON.media_type
OFFERED = list(formats.FHIR_JSON.media_types)
FORMAT_VALUES = {*OFFERED, formats.FHIR_JSON.name, *formats.FHIR_JSON.name_aliases}  # what _format may say

bp = Blueprint("fhir", __name__, url_prefix="/fhir")


def terminology() -> Terminology:
    found: Terminology = current_app.extensions[extensions.FHIR]
    return found


def root() -> str:
    return request.url_root + "fhir/"


def fhir_json(resource: dict[str, Any], status: int = 200) -> Response:
    return _answer(_dumps(resource), status)


def stored_json(make: Callable[[], dict[str, Any]]) -> Response:
    """A resource read (a whole code system can be large): made once per URL, then kept in the site's cache."""
    cache = current_app.extensions[extensions.SITE].documents
    return _answer(cache.get_or_make(("fhir", request.url), lambda: _dumps(make())))


def _dumps(resource: dict[str, Any]) -> str:
    pretty = request.args.get("_pretty") == "true"
    return json.dumps(resource, ensure_ascii=False, indent=2 if pretty else None,
                      separators=None if pretty else (",", ":"))


def _answer(body: str, status: int = 200) -> Response:
    response = Response(body, status=status, mimetype=MEDIA_TYPE)
    response.headers["Content-Type"] = f"{MEDIA_TYPE}; fhirVersion=4.0; charset=utf-8"
    return response  # CORS: the app's after_request (medkg.http) adds it to every answer


@bp.errorhandler(FhirError)
def fhir_error(error: FhirError) -> ResponseReturnValue:
    return fhir_json(error.outcome(), error.status)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> ResponseReturnValue:
    """Errors Flask raises under /fhir (e.g. 413 for a body too large) are OperationOutcomes too."""
    status = error.code or 500
    code = {404: "not-found", 405: "not-supported", 413: "too-costly"}.get(status, "processing")
    response = fhir_json(FhirError(status, code, f"{error.name}: {error.description}").outcome(), status)
    for name, value in error.get_headers():
        if name.lower() not in ("content-type", "content-length"):
            response.headers[name] = value
    return response


@bp.before_request
def json_only() -> ResponseReturnValue | None:
    """406 unless the client takes FHIR JSON: ``_format`` wins over ``Accept`` (FHIR's rule)."""
    fmt = request.args.get("_format")
    if fmt is not None:
        if fmt.split(";")[0].strip().lower() not in FORMAT_VALUES:
            raise FhirError(406, "not-supported", f"_format={fmt!r}: this server speaks FHIR JSON only "
                                                  "(_format=json or application/fhir+json)")
    elif negotiate(request.headers.get("Accept"), OFFERED) is None:
        raise FhirError(406, "not-supported", f"Accept: {request.headers.get('Accept')!r}: this server speaks FHIR "
                                              f"JSON only ({MEDIA_TYPE})")
    return None


bp.after_request(add_validators)


@bp.get("/metadata")
def metadata() -> ResponseReturnValue:
    mode = request.args.get("mode", "full")
    if mode == "terminology":
        return stored_json(lambda: resources.terminology_capabilities(terminology(), root()))
    if mode not in ("full", "normative"):
        raise FhirError(400, "invalid", f"parameter 'mode': {mode!r} is not full, normative or terminology", "mode")
    return stored_json(lambda: resources.capability_statement(terminology(), root()))


@bp.get("/CodeSystem")
def search_code_systems() -> ResponseReturnValue:
    term = terminology()
    found = _search(term.schemes, lambda s: (s.url, s.id))
    summary = request.args.get("_summary") == "true"
    return stored_json(lambda: resources.bundle([resources.code_system(term, s, root(), summary) for s in found],
                                                request.url, root()))


@bp.get("/CodeSystem/<ident>")
def read_code_system(ident: str) -> ResponseReturnValue:
    term = terminology()
    scheme = term.by_id.get(ident)
    if scheme is None:
        raise FhirError(404, "not-found", f"CodeSystem/{ident} is not known here")
    return stored_json(lambda: resources.code_system(term, scheme, root(), request.args.get("_summary") == "true"))


@bp.get("/ValueSet")
def search_value_sets() -> ResponseReturnValue:
    term = terminology()
    every = [*term.schemes, None]
    found = _search(every, lambda s: (resources.value_set_url(term, s), s.id if s else ALL_ID))
    return fhir_json(resources.bundle([resources.value_set(term, s, root()) for s in found], request.url, root()))


@bp.get("/ValueSet/<ident>")
def read_value_set(ident: str) -> ResponseReturnValue:
    term = terminology()
    if ident != ALL_ID and ident not in term.by_id:
        raise FhirError(404, "not-found", f"ValueSet/{ident} is not known here")
    return fhir_json(resources.value_set(term, term.by_id.get(ident), root()))


@bp.get("/ConceptMap")
def search_concept_maps() -> ResponseReturnValue:
    term = terminology()
    found = _search([resources.CONCEPT_MAP_ID], lambda _: (resources.concept_map_url(term), resources.CONCEPT_MAP_ID))
    return stored_json(lambda: resources.bundle([resources.concept_map(term, root()) for _ in found], request.url,
                                                root()))


@bp.get("/ConceptMap/<ident>")
def read_concept_map(ident: str) -> ResponseReturnValue:
    if ident != resources.CONCEPT_MAP_ID:
        raise FhirError(404, "not-found", f"ConceptMap/{ident} is not known here")
    return stored_json(lambda: resources.concept_map(terminology(), root()))


def _search(items: list[Any], keys: Callable[[Any], tuple[str, str]]) -> list[Any]:
    """The items whose canonical url and id match the ``url``, ``_id`` and ``version`` search parameters."""
    url, ident, version = (request.args.get(k) for k in ("url", "_id", "version"))
    if version is not None and version != terminology().version:
        return []
    return [i for i in items if (url is None or keys(i)[0] == url) and (ident is None or keys(i)[1] == ident)]


def _params() -> Params:
    return from_request(request)


@bp.route("/CodeSystem/$lookup", methods=["GET", "POST"])
@bp.route("/CodeSystem/<ident>/$lookup", methods=["GET", "POST"])
def lookup(ident: str | None = None) -> ResponseReturnValue:
    return fhir_json(operations.lookup(terminology(), _params(), _code_system(ident) if ident else None))


@bp.route("/CodeSystem/$validate-code", methods=["GET", "POST"])
@bp.route("/CodeSystem/<ident>/$validate-code", methods=["GET", "POST"])
def validate_code(ident: str | None = None) -> ResponseReturnValue:
    return fhir_json(operations.validate_code(terminology(), _params(), _code_system(ident) if ident else None))


@bp.route("/CodeSystem/$subsumes", methods=["GET", "POST"])
@bp.route("/CodeSystem/<ident>/$subsumes", methods=["GET", "POST"])
def subsumes(ident: str | None = None) -> ResponseReturnValue:
    raise operations.subsumes_refused()


@bp.route("/ValueSet/$validate-code", methods=["GET", "POST"])
def validate_code_in_value_set() -> ResponseReturnValue:
    return fhir_json(operations.validate_code(terminology(), _params(), value_set=True))


@bp.route("/ValueSet/$expand", methods=["GET", "POST"])
def expand() -> ResponseReturnValue:
    return fhir_json(operations.expand(terminology(), _params(), root()))


@bp.route("/ValueSet/<ident>/$expand", methods=["GET", "POST"])
def expand_instance(ident: str) -> ResponseReturnValue:
    return fhir_json(operations.expand(terminology(), _params(), root(), ident))


@bp.route("/ConceptMap/$translate", methods=["GET", "POST"])
def translate() -> ResponseReturnValue:
    return fhir_json(operations.translate(terminology(), _params()))


@bp.route("/ConceptMap/<ident>/$translate", methods=["GET", "POST"])
def translate_in(ident: str) -> ResponseReturnValue:
    if ident != resources.CONCEPT_MAP_ID:
        raise FhirError(404, "not-found", f"ConceptMap/{ident} is not known here")
    return fhir_json(operations.translate(terminology(), _params()))


def _code_system(ident: str) -> Any:
    scheme = terminology().by_id.get(ident)
    if scheme is None:
        raise FhirError(404, "not-found", f"CodeSystem/{ident} is not known here")
    return scheme


ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE"]


@bp.route("/", methods=ANY_METHOD, defaults={"rest": ""})
@bp.route("/<path:rest>", methods=ANY_METHOD)
def unknown(rest: str) -> ResponseReturnValue:
    """What no route above answers: another resource type, or a write (this server is read-only)."""
    if request.method not in ("GET", "POST"):
        raise FhirError(405, "not-supported", f"{request.method} /fhir/{rest}: this terminology server is read-only "
                                              "(GET reads and searches, GET or POST runs an operation)")
    raise FhirError(404, "not-supported", f"/fhir/{rest}: no such resource type or operation here; GET /fhir/metadata "
                                          "lists what this server offers")
