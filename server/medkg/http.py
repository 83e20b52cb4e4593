"""HTTP answers every part of the site shares: CORS for reads, plain-text errors, and the one error handler.

Every error the Flask app raises (``abort(404)``, a bad method, a bug) reaches ``handle_exception``, which answers
in the format the client asked for: an HTML page, JSON, or plain text (as Datasette's ``handle_exception`` does).
Tracebacks are shown only under the ``DEBUG_ERRORS`` setting. The SPARQL query layer, which runs in front of
Flask (``sparql.wsgi``), uses the same ``text_error`` and ``CORS_HEADERS``.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Mapping

from flask import Flask, abort, current_app, render_template, request
from markupsafe import escape
from werkzeug.datastructures import Headers, ImmutableMultiDict
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.sansio.response import Response as SansIOResponse
from werkzeug.wrappers import Response

from .conneg import negotiate

# The site is public and read-only, with no cookies or credentials: any page may read any answer.
CORS_HEADERS = (("Access-Control-Allow-Origin", "*"),)
PREFLIGHT_METHODS = "GET, HEAD, POST, OPTIONS"
PREFLIGHT_MAX_AGE = "86400"
ERROR_TYPES = ("text/html", "application/json", "text/plain")  # an error's formats, in order of preference
TEXT = "text/plain; charset=utf-8"
log = logging.getLogger(__name__)


def text_error(status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    """An error answer: the message in plain text, never a stack trace."""
    response = Response(message.rstrip() + "\n", status, dict(headers or {}), content_type=TEXT)
    add_cors(response)
    return response


def add_cors(response: Response, request_headers: Headers | None = None) -> Response:
    """CORS for a read; with the headers of a preflight request (``OPTIONS``), the preflight answer too."""
    for name, value in CORS_HEADERS:
        response.headers[name] = value
    if request_headers is not None:
        response.headers["Access-Control-Allow-Methods"] = PREFLIGHT_METHODS
        response.headers["Access-Control-Allow-Headers"] = request_headers.get(
            "Access-Control-Request-Headers", "Accept, Content-Type")
        response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
    return response


def cors_after_request(response: Response) -> Response:
    """``after_request`` of the whole app: every answer may be read cross-origin; preflights are answered."""
    preflight = request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers
    return add_cors(response, request.headers if preflight else None)


def handle_exception(exc: Exception) -> Response | SansIOResponse:
    """The app's error handler: status, title and message of ``exc``, in the format the client asked for."""
    if isinstance(exc, HTTPException) and exc.response is not None:
        return exc.response  # abort(response): the view made its own answer
    http = exc if isinstance(exc, HTTPException) else InternalServerError()
    if not isinstance(exc, HTTPException):
        log.error("unhandled error on %s %s", request.method, request.path, exc_info=exc)
    status = http.code or 500
    title = http.name
    message = http.description or title
    trace = "".join(traceback.format_exception(exc)) if current_app.config.get("DEBUG_ERRORS") else None
    response = error_response(status, title, message, trace)
    for name, value in http.get_headers():
        if name.lower() not in ("content-type", "content-length"):
            response.headers[name] = value  # e.g. Allow on a 405
    return response


def error_response(status: int, title: str, message: str, trace: str | None = None) -> Response:
    """The error as an HTML page, JSON or plain text, whichever the Accept header prefers (HTML for ``*/*``)."""
    chosen = negotiate(request.headers.get("Accept"), list(ERROR_TYPES)) or "text/plain"
    response: Response
    if chosen == "application/json":
        body: dict[str, object] = {"ok": False, "status": status, "title": title, "error": message}
        if trace:
            body["traceback"] = trace
        response = Response(json.dumps(body, ensure_ascii=False) + "\n", status, mimetype="application/json")
    elif chosen == "text/html":
        response = Response(_page(status, title, message, trace), status, mimetype="text/html")
    else:
        response = text_error(status, f"{status} {title}: {message}" + (f"\n\n{trace}" if trace else ""))
    response.vary.add("Accept")
    return response


def _page(status: int, title: str, message: str, trace: str | None) -> str:
    try:
        return render_template("error.html", status=status, title=title, message=message, trace=trace)
    except Exception:  # the page itself failed (e.g. the error came from a template): a bare, escaped page
        log.exception("the error page could not be rendered")
        return f"<!doctype html><title>{status} {escape(title)}</title><h1>{escape(title)}</h1><p>{escape(message)}"


NOT_UTF8 = "the query string is not UTF-8 (percent-encode its non-ASCII characters)"


def register(app: Flask) -> None:
    """Install CORS on every answer, the one error handler, and the refusal of a query string that is not UTF-8."""
    app.after_request(cors_after_request)
    app.register_error_handler(Exception, handle_exception)
    app.before_request(utf8_query_string)


def utf8_query_string() -> None:
    """A query string that is not UTF-8 is the client's error (400), before anything reads its parameters."""
    try:
        request.query_string.decode()
    except UnicodeDecodeError:
        request.args = ImmutableMultiDict()  # what the error page and after-request hooks then read
        abort(400, NOT_UTF8)
