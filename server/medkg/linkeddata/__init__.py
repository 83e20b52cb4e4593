"""Linked data: dereferenceable IRIs, HTML pages, search and dumps for one loaded build (mounted by ``mount``)."""

from __future__ import annotations

from .downloads import dump_links, schema_dump_links

__all__ = ["dump_links", "schema_dump_links"]
