"""The site's look that HTML alone can prove (issue 10 #6): one header, an icon, a printable IRI; the rendering
itself (styles, overflow, accessibility) is checked in Chromium, in test_browser."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.support.linkeddata import PSO, PSO_PATH

HTML = {"Accept": "text/html"}
PAGES = ["/", "/concepts", "/search?q=PSO", PSO_PATH + ".html", "/sparql", "/no/such/page"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_the_site_header_and_the_icon(client: FlaskClient, path: str) -> None:
    page = client.get(path, headers=HTML).get_data(as_text=True)
    assert page.count('<header class="site">') == 1, path
    assert '<link rel="icon" type="image/svg+xml" href="/static/favicon.svg">' in page, path


def test_the_icon_is_our_svg_served_as_svg(client: FlaskClient) -> None:
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert icon.get_data(as_text=True).startswith("<svg xmlns=\"http://www.w3.org/2000/svg\"")
    old = client.get("/favicon.ico")
    assert old.status_code == 301 and old.headers["Location"].endswith("/static/favicon.svg")


def test_a_printed_page_names_its_iri_and_url(client: FlaskClient) -> None:
    page = client.get(PSO_PATH + ".html").get_data(as_text=True)
    assert f'<p class="print-only">IRI: {PSO}<br>Printed from http://localhost{PSO_PATH}.html</p>' in page

