"""Pages are gzipped for a browser that asks (Django's GZipMiddleware, with its BREACH mitigation)."""

import gzip

import pytest
from django.urls import reverse

from tests.factories import make_attack, make_user
from tests.web.helpers import signed_in

pytestmark = pytest.mark.django_db


def test_the_attack_mode_page_is_gzipped_when_asked_and_still_never_cached():
    person = make_user()
    attack = make_attack(person)
    response = signed_in(person).get(
        reverse("diary:attack", args=[attack.pk]), HTTP_ACCEPT_ENCODING="gzip, br"
    )
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert "no-store" in response["Cache-Control"]
    html = gzip.decompress(response.content).decode()
    assert "Pain now" in html and len(response.content) < len(html) / 2


def test_a_page_is_sent_plain_to_a_client_that_does_not_ask_for_compression():
    person = make_user()
    attack = make_attack(person)
    response = signed_in(person).get(reverse("diary:attack", args=[attack.pk]))
    assert "Content-Encoding" not in response
    assert "Pain now" in response.content.decode()


def test_a_gzipped_page_carries_random_bytes_in_its_header_against_breach():
    person = make_user()
    body = signed_in(person).get(reverse("today"), HTTP_ACCEPT_ENCODING="gzip").content
    assert body[:2] == b"\x1f\x8b"
    assert body[3] & 0x08  # FNAME: Django 4.2+ puts random bytes there, so lengths vary request to request
