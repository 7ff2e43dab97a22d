"""The sign-in limit counts a name however it is spelled, and a stranger cannot lock the owner out of
a browser the owner signed in on before."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from relief.accounts.models import LoginLink
from relief.accounts.ratelimit import KNOWN_DEVICE_COOKIE
from relief.accounts.services_links import create_login_link
from tests.factories import make_user

PASSWORD = "correct horse battery staple"


def sign_in(client: Client, username: str, password: str, address: str = "198.51.100.7"):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def stranger_spends_the_tries(username: str) -> None:
    stranger = Client()
    for _ in range(5):
        sign_in(stranger, username, "guess", address="203.0.113.66")


@pytest.mark.django_db
def test_full_width_and_upper_case_spellings_of_a_name_share_its_five_tries():
    make_user("bob")
    client = Client()
    for spelling in ("bob", "BOB", "Bob", "ｂｏｂ", "ｂｏB"):
        assert sign_in(client, spelling, "guess", address="203.0.113.5").status_code == 200

    for spelling in ("ｂｏｂ", "bob"):
        response = sign_in(Client(), spelling, PASSWORD, address="203.0.113.9")
        assert response.status_code == 429, spelling


@pytest.mark.django_db
def test_the_owner_still_signs_in_from_a_browser_they_used_before_after_a_stranger_spent_the_tries():
    make_user("bob")
    phone = Client()
    assert sign_in(phone, "bob", PASSWORD).status_code == 302
    assert KNOWN_DEVICE_COOKIE in phone.cookies
    phone.post(reverse("accounts:logout"))

    stranger_spends_the_tries("bob")

    assert sign_in(Client(), "bob", PASSWORD).status_code == 429  # a new browser waits
    assert sign_in(phone, "bob", PASSWORD).status_code == 302  # the known one does not


@pytest.mark.django_db
def test_a_known_browser_of_one_account_gives_no_extra_tries_to_another():
    make_user("bob")
    make_user("carol")
    phone = Client()
    sign_in(phone, "bob", PASSWORD)
    phone.post(reverse("accounts:logout"))

    stranger_spends_the_tries("carol")

    assert sign_in(phone, "carol", PASSWORD).status_code == 429


@pytest.mark.django_db
def test_a_forged_known_browser_cookie_gives_no_extra_tries():
    make_user("bob")
    stranger_spends_the_tries("bob")
    forger = Client()
    forger.cookies[KNOWN_DEVICE_COOKIE] = "bob"

    assert sign_in(forger, "bob", PASSWORD).status_code == 429


@pytest.mark.django_db
def test_an_expired_login_link_says_so_and_how_to_get_a_new_one_instead_of_offering_sign_in():
    path = create_login_link(make_user("alice"))
    LoginLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = Client().get(path)

    page = response.content.decode()
    assert response.status_code == 410
    assert "has expired" in page
    assert "relief serve" in page
    assert '<button type="submit" class="big">Sign in</button>' not in page
