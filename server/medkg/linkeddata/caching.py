"""HTTP validators and compression for every page and document the site serves."""

from __future__ import annotations

import gzip
import hashlib

from flask import Request, Response, current_app, request

from .. import extensions, formats
from .site import Site

# Text answers: every RDF and results format of the registry, JSON, SVG and scripts.
COMPRESSIBLE = ("text/", "application/json", "image/svg+xml", "application/javascript", formats.FHIR_JSON.media_type,
                *(f.media_type for f in (*formats.RDF.values(), *formats.RESULTS.values())))
MIN_GZIP_BYTES = 512


# Pages load only our own CSS and script: an injected <script> could not run even if escaping ever failed.
CONTENT_SECURITY_POLICY = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'"


def finish(response: Response, request: Request, site: Site) -> Response:
    """ETag and Last-Modified from the build, 304 for conditional requests, and gzip when the client asks."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    if request.method not in ("GET", "HEAD") or response.status_code != 200 or response.direct_passthrough:
        return response
    zipped = _wants_gzip(request, response)
    validate(response, request, site, zipped)
    if zipped and response.status_code == 200:
        body = gzip.compress(response.get_data(), compresslevel=6, mtime=0)
        response.set_data(body)
        response.headers["Content-Encoding"] = "gzip"
    return response


def validate(response: Response, request: Request, site: Site, zipped: bool) -> Response:
    """ETag (the build, the URL, the type and the encoding), Last-Modified (the build time), then 304 if asked."""
    language = response.headers.get("Content-Language", "")  # a page in another language is another entity
    key = f"{site.dataset.etag}|{request.full_path}|{response.mimetype}|{language}|{'gzip' if zipped else 'identity'}"
    response.set_etag(hashlib.sha256(key.encode("utf-8")).hexdigest()[:32])
    if site.last_modified is not None:
        response.last_modified = site.last_modified
    response.vary.add("Accept-Encoding")
    # Always revalidate (a 304 is cheap): a new build must show at once, never after a heuristic freshness time.
    response.cache_control.public = True
    response.cache_control.no_cache = True
    response.make_conditional(request)
    return response


def _wants_gzip(request: Request, response: Response) -> bool:
    if request.accept_encodings["gzip"] <= 0 or response.headers.get("Content-Encoding"):
        return False
    mimetype = response.mimetype or ""
    if not mimetype.startswith(COMPRESSIBLE):
        return False
    return (response.content_length or len(response.get_data())) >= MIN_GZIP_BYTES


def current_site() -> Site:
    """The linked-data state of the app serving this request (built once per build at start)."""
    found: Site = current_app.extensions[extensions.SITE]
    return found


def add_validators(response: Response) -> Response:
    """``after_request`` hook of every linked-data blueprint: ETag, Last-Modified, 304 and gzip."""
    return finish(response, request, current_site())
