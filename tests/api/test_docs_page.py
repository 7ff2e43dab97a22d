"""The API has a readable docs page at /api/docs, drawn on the server with nothing from elsewhere."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.factories import make_user
from tests.web.helpers import signed_in


@pytest.mark.django_db
def test_the_docs_page_lists_every_endpoint_of_the_openapi_document():
    document = Client().get("/api/openapi.json").json()
    html = Client().get("/api/docs").content.decode()
    for path, item in document["paths"].items():
        for method in item:
            assert f"{method.upper()} {path}" in html
    assert "Bearer" in html


@pytest.mark.django_db
def test_the_docs_page_loads_nothing_from_another_site():
    html = Client().get("/api/docs").content.decode()
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "cdn" not in html.lower()


@pytest.mark.django_db
def test_settings_and_sharing_link_to_the_docs():
    client = signed_in(make_user("ana"))
    assert 'href="/api/docs"' in client.get("/accounts/settings/").content.decode()
    assert 'href="/api/docs"' in client.get("/sharing/").content.decode()
