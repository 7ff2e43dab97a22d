"""Account-level changes need a recent sign-in, confirmed the way the account signs in."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from relief.accounts.services import create_account
from relief.accounts.services_links import create_login_link
from tests.factories import make_user
from tests.web.helpers import post_form, strict

PASSWORD = "correct horse battery staple"
NEW = "another long phrase 77"
pytestmark = pytest.mark.django_db


def linked_in(user: User) -> Client:
    """A browser signed in through a one-time link, as ``relief serve`` and the demo do."""
    client = strict()
    post_form(client, create_login_link(user), {})
    return client


def later(minutes: int = 10):
    return time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=False)


def test_right_after_signing_in_the_password_changes_without_the_old_one():
    alice = make_user("alice")
    client = strict(alice)
    data = {"new_password1": NEW, "new_password2": NEW}
    response = post_form(client, reverse("accounts:password_change"), data)
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW)
    assert client.get(reverse("today")).status_code == 200  # still signed in


def test_a_sign_in_older_than_a_few_minutes_is_sent_to_confirm_first():
    alice = make_user("alice")
    client = strict(alice)
    with later():
        response = client.get(reverse("accounts:delete"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:confirm") + "?next=")
        client.get(reverse("accounts:settings"))
        token = client.cookies["csrftoken"].value
        refused = client.post(reverse("accounts:delete"), {"csrfmiddlewaretoken": token})
        assert refused["Location"].startswith(reverse("accounts:confirm"))
    assert User.objects.filter(pk=alice.pk).exists()


def test_the_password_confirms_and_goes_on_to_the_page_asked_for():
    alice = make_user("alice")
    client = strict(alice)
    with later():
        confirm = f"{reverse('accounts:confirm')}?next={reverse('accounts:delete')}"
        wrong = post_form(client, confirm, {"action": "password", "password": "nope"})
        assert wrong.status_code == 200
        assert "password" in wrong.content.decode()
        response = post_form(client, confirm, {"action": "password", "password": PASSWORD})
        assert response["Location"] == reverse("accounts:delete")
        assert client.get(reverse("accounts:delete")).status_code == 200


def test_an_account_that_signs_in_by_link_sets_a_first_password():
    demo = create_account("demo")
    client = linked_in(demo)
    page = client.get(reverse("accounts:password_change")).content.decode()
    assert "Set a password" in page
    assert "old_password" not in page
    response = post_form(
        client, reverse("accounts:password_change"), {"new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 302
    demo.refresh_from_db()
    assert demo.check_password(NEW)


def test_a_link_only_account_is_deleted_right_after_signing_in_by_link():
    demo = create_account("demo")
    client = linked_in(demo)
    assert "Delete my account" in client.get(reverse("accounts:delete")).content.decode()
    response = post_form(client, reverse("accounts:delete"), {})
    assert response.status_code == 302
    assert not User.objects.filter(username="demo").exists()


def test_a_link_only_account_confirms_later_with_a_fresh_printed_link(capsys):
    demo = create_account("demo")
    client = linked_in(demo)
    with later():
        confirm = f"{reverse('accounts:confirm')}?next={reverse('accounts:delete')}"
        page = client.get(confirm).content.decode()
        assert 'name="password"' not in page
        sent = post_form(client, confirm, {"action": "link"})
        assert "printed in the terminal" in sent.content.decode()
        line = next(x for x in capsys.readouterr().err.splitlines() if "confirmation link for demo" in x)
        path = line.split("http://testserver", 1)[1]
        assert client.get(path).status_code == 200
        response = post_form(client, path, {})
        assert response["Location"] == reverse("accounts:delete")
        assert post_form(client, reverse("accounts:delete"), {}).status_code == 302
    assert not User.objects.filter(username="demo").exists()


def test_an_account_with_an_address_gets_the_link_by_mail():
    alice = make_user("alice")
    alice.email = "alice@example.org"
    alice.save()
    client = strict(alice)
    with later():
        post_form(client, reverse("accounts:confirm"), {"action": "link"})
    assert mail.outbox[0].to == ["alice@example.org"]
    assert "/accounts/link/" in mail.outbox[0].body


def test_confirmation_links_are_limited_per_account():
    demo = create_account("demo")
    client = linked_in(demo)
    with later():
        statuses = [
            post_form(client, reverse("accounts:confirm"), {"action": "link"}).status_code for _ in range(6)
        ]
    assert statuses == [200] * 5 + [429]


def test_a_confirmation_never_sends_the_person_to_another_site():
    alice = make_user("alice")
    client = strict(alice)
    with later():
        response = post_form(
            client,
            reverse("accounts:confirm"),
            {"action": "password", "password": PASSWORD, "next": "https://evil.example/"},
        )
    assert response["Location"] == reverse("accounts:settings")


def test_strangers_are_sent_to_sign_in():
    response = Client().get(reverse("accounts:confirm"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
