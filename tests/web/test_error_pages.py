"""Error pages look like the app, say what happened in plain words and offer a way back."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client

from tests.factories import make_user
from tests.web.helpers import signed_in


@pytest.mark.django_db
def test_a_missing_page_is_styled_with_a_way_back():
    response = signed_in(make_user("ana")).get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "This page is not here" in html
    assert 'href="/"' in html and "app.css" in html


@pytest.mark.django_db
def test_a_stranger_on_a_missing_page_is_offered_to_sign_in():
    html = Client().get("/no-such-page/").content.decode()
    assert "This page is not here" in html and "/accounts/login/" in html


@pytest.mark.django_db
def test_a_refused_form_explains_that_nothing_was_saved():
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("ana"))
    response = client.post("/diary/checkin/", {"worst_pain": "3"})
    assert response.status_code == 403
    assert "nothing was saved" in response.content.decode()


def test_the_server_error_page_needs_no_request_and_links_home():
    html = render_to_string("500.html")
    assert "Something went wrong" in html and 'href="/"' in html


@pytest.mark.django_db
def test_the_gone_page_renders_with_a_way_back():
    html = render_to_string("410.html", {})
    assert "This link has ended" in html and 'href="/"' in html
