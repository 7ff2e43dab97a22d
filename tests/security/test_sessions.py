"""Sign-in defences: rate limits in the database, CSRF on every form and session write, fresh sessions."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from relief.accounts.models import LoginAttempt
from tests.factories import make_user

PASSWORD = "correct horse battery staple"
LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def csrf_token(client: Client, path: str = LOGIN) -> str:
    client.get(path)
    return client.cookies[settings.CSRF_COOKIE_NAME].value


@pytest.mark.django_db
def test_an_account_is_locked_for_a_while_after_five_wrong_passwords_even_for_the_right_one(client):
    make_user("ada")
    for _ in range(5):
        assert sign_in(client, "ada", "wrong password").status_code == 200

    refused = sign_in(client, "ada", PASSWORD)

    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_failures_are_counted_per_account_so_others_can_still_sign_in(client):
    make_user("ada")
    make_user("grace")
    for _ in range(6):
        sign_in(client, "ada", "wrong password")

    assert sign_in(client, "grace").status_code == 302


@pytest.mark.django_db
def test_one_address_guessing_many_accounts_is_stopped_too(client):
    for n in range(20):
        sign_in(client, f"nobody{n}", "guess")

    make_user("ada")
    assert sign_in(client, "ada").status_code == 429


@pytest.mark.django_db
def test_failed_attempts_are_stored_without_the_username_or_address(client):
    sign_in(client, "grace.hopper@example.org", "wrong")  # letters a hex digest cannot contain
    keys = list(LoginAttempt.objects.values_list("key", flat=True))
    assert keys
    assert all("grace" not in key and "hopper" not in key and "127.0.0.1" not in key for key in keys)


@pytest.mark.django_db
def test_the_login_form_refuses_a_post_without_a_csrf_token():
    make_user("ada")
    client = csrf_client()
    assert sign_in(client, "ada").status_code == 403


@pytest.mark.django_db
def test_the_login_form_accepts_a_post_with_the_csrf_token():
    make_user("ada")
    client = csrf_client()
    token = csrf_token(client)
    assert sign_in(client, "ada", csrfmiddlewaretoken=token).status_code == 302


@pytest.mark.django_db
def test_a_signed_in_page_form_refuses_a_cross_site_post():
    person = make_user("ada")
    client = csrf_client()
    client.force_login(person)
    response = client.post("/accounts/settings/", {"time_zone": "UTC"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_an_api_write_with_the_session_needs_the_csrf_token():
    person = make_user("ada")
    client = csrf_client()
    client.force_login(person)
    body = {"started_at": "2026-11-20T10:00:00Z"}

    refused = client.post("/api/attacks", body, content_type="application/json")
    assert refused.status_code in {401, 403}

    token = csrf_token(client, "/accounts/settings/")
    accepted = client.post("/api/attacks", body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201, accepted.content


@pytest.mark.django_db
def test_signing_in_replaces_the_session_so_a_planted_session_id_is_useless(client):
    make_user("ada")
    planted = client.session
    planted["planted"] = True
    planted.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key

    assert sign_in(client, "ada").status_code == 302

    assert client.cookies[settings.SESSION_COOKIE_NAME].value != planted.session_key
    assert not Session.objects.filter(session_key=planted.session_key).exists()
    attacker = Client()
    attacker.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key
    assert attacker.get("/").status_code == 302  # still sent to the login page


@pytest.mark.django_db
def test_signing_out_ends_the_session_on_the_server(client):
    make_user("ada")
    sign_in(client, "ada")
    stolen = client.cookies[settings.SESSION_COOKIE_NAME].value

    client.post("/accounts/logout/")

    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = stolen
    assert thief.get("/").status_code == 302


@pytest.mark.django_db
def test_the_session_cookie_is_http_only_and_same_site(client):
    make_user("ada")
    sign_in(client, "ada")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


@pytest.mark.django_db
def test_signing_in_never_redirects_to_another_site(client):
    make_user("ada")
    response = sign_in(client, "ada", next="https://evil.example/steal")
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    response = Client().post(LOGIN, {"username": "ada", "password": PASSWORD, "next": "//evil.example/"})
    assert "evil.example" not in response["Location"]


def through_proxy(client: Client, username: str, password: str, forwarded_for: str):
    """A sign-in as a reverse proxy at 10.0.0.2 passes it on, with the header it received or built."""
    data = {"username": username, "password": password}
    return client.post(LOGIN, data, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded_for)


@pytest.mark.django_db
def test_behind_a_proxy_one_guessing_address_cannot_lock_out_everyone(client, settings):
    settings.RELIEF_FORWARDED_FOR = True
    make_user("ada")
    for n in range(20):
        through_proxy(client, f"nobody{n}", "guess", "203.0.113.9")

    assert through_proxy(client, "ada", PASSWORD, "203.0.113.9").status_code == 429
    assert through_proxy(Client(), "ada", PASSWORD, "198.51.100.7").status_code == 302


@pytest.mark.django_db
def test_a_client_cannot_choose_its_address_by_sending_its_own_forwarded_header(client, settings):
    settings.RELIEF_FORWARDED_FOR = True
    make_user("ada")
    for n in range(20):  # the proxy appends the real address after whatever the client sent
        through_proxy(client, f"nobody{n}", "guess", f"192.0.2.{n}, 203.0.113.9")

    assert through_proxy(client, "ada", PASSWORD, "192.0.2.200, 203.0.113.9").status_code == 429


@pytest.mark.django_db
def test_without_the_setting_the_forwarded_header_is_ignored(client, settings):
    settings.RELIEF_FORWARDED_FOR = False
    make_user("ada")
    for n in range(20):
        through_proxy(client, f"nobody{n}", "guess", f"192.0.2.{n}")

    assert through_proxy(client, "ada", PASSWORD, "198.51.100.7").status_code == 429
