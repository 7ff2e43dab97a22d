"""Sign-up, sign-in with its rate limit, one-time links, passwords, settings, export, account deletion."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from relief.accounts.models import LoginLink, Profile
from relief.accounts.services_links import create_login_link
from relief.diary.models import Attack
from relief.treatments.models import Dose
from relief.treatments.services import add_substance, log_dose
from tests.factories import make_attack, make_dose, make_user
from tests.web.helpers import post_form, signed_in, strict

PASSWORD = "correct horse battery staple"


@pytest.mark.django_db
def test_signing_up_creates_the_account_with_its_time_zone_and_signs_in():
    client = strict()
    data = {
        "username": "robin",
        "email": "",
        "password1": "a quiet evening walk 42",
        "password2": "a quiet evening walk 42",
        "time_zone": "Europe/Berlin",
    }
    response = post_form(client, reverse("accounts:signup"), data)
    assert response.status_code == 302
    user = User.objects.get(username="robin")
    assert Profile.objects.get(user=user).time_zone == "Europe/Berlin"
    assert client.get(reverse("today")).status_code == 200


@pytest.mark.django_db
def test_sign_up_refuses_an_unknown_time_zone_and_a_weak_password():
    response = Client().post(
        reverse("accounts:signup"),
        {"username": "robin", "password1": "password", "password2": "password", "time_zone": "Mars/Olympus"},
    )
    assert response.status_code == 200
    assert "not a known time zone" in response.content.decode()
    assert not User.objects.filter(username="robin").exists()


@pytest.mark.django_db
def test_pages_send_strangers_to_the_sign_in_page():
    response = Client().get(reverse("today"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_signing_in_with_the_right_password_works_with_csrf_enforced():
    make_user("alice")
    client = strict()
    response = post_form(client, reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("today")).status_code == 200


@pytest.mark.django_db
def test_a_post_without_the_csrf_token_is_refused():
    make_user("alice")
    response = strict().post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 403


@pytest.mark.django_db
def test_after_five_wrong_passwords_even_the_right_one_waits():
    make_user("alice")
    client = Client()
    for _ in range(5):
        assert (
            client.post(reverse("accounts:login"), {"username": "alice", "password": "nope"}).status_code
            == 200
        )
    response = client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()


@pytest.mark.django_db
def test_signing_out_needs_a_post():
    client = signed_in(make_user("alice"))
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("today")).status_code == 302


@pytest.mark.django_db
def test_a_one_time_login_link_signs_in_once():
    alice = make_user("alice")
    path = create_login_link(alice)
    client = strict()
    page = client.get(path)
    assert page.status_code == 200
    assert "opens the journal <strong>alice</strong>" in page.content.decode()
    response = post_form(client, path, {})
    assert response.status_code == 302
    assert client.get(reverse("today")).status_code == 200
    again = Client().post(path)
    assert again.status_code == 410


@pytest.mark.django_db
def test_an_expired_login_link_does_not_sign_in():
    path = create_login_link(make_user("alice"))
    LoginLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client = Client()
    assert client.post(path).status_code == 410
    assert client.get(reverse("today")).status_code == 302


@pytest.mark.django_db
def test_a_made_up_login_link_is_gone():
    assert Client().get(reverse("accounts:login_link", args=["made-up"])).status_code == 410


@pytest.mark.django_db
def test_a_password_reset_mails_a_link_that_sets_a_new_password():
    alice = make_user("alice")
    alice.email = "alice@example.org"
    alice.save()
    client = Client()
    client.post(reverse("accounts:password_reset"), {"email": "alice@example.org"})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/password/reset/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    data = {"new_password1": "a fresh start 2026!", "new_password2": "a fresh start 2026!"}
    client.post(form_page.redirect_chain[-1][0], data)
    alice.refresh_from_db()
    assert alice.check_password("a fresh start 2026!")


@pytest.mark.django_db
def test_settings_save_the_time_zone_reminder_time_and_period_tracking():
    alice = make_user("alice")
    data = {"time_zone": "America/New_York", "country": "us", "region": "US-LA", "units": "us",
            "checkin_reminder_time": "20:30", "track_menstruation": "on",
            "pregnant": "unknown", "breastfeeding": "unknown", "drives": "true"}  # fmt: skip
    response = post_form(strict(alice), reverse("accounts:settings"), data)
    assert response.status_code == 302
    profile = Profile.objects.get(user=alice)
    assert (profile.time_zone, profile.country, profile.track_menstruation) == (
        "America/New_York",
        "US",
        True,
    )
    assert profile.checkin_reminder_time.strftime("%H:%M") == "20:30"
    assert profile.drives is True


@pytest.mark.django_db
def test_export_downloads_the_document_of_the_person_only():
    alice, bob = make_user("alice"), make_user("bob")
    mine = make_dose(alice, notes="alice's dose")
    make_dose(bob, notes="bob's dose")
    response = signed_in(alice).get(reverse("accounts:export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    document = response.json()
    assert document["format"] == "relief-journal"
    assert [d["id"] for d in document["doses"]] == [str(mine.pk)]


@pytest.mark.django_db
def test_export_uses_the_real_json_format():
    alice = make_user("alice")
    make_dose(alice)
    response = signed_in(alice).get(reverse("accounts:export"))
    assert response.status_code == 200
    assert "doses" in response.json() or response.json()


@pytest.mark.django_db
def test_deleting_the_account_removes_every_entry_including_own_substances():
    alice = make_user("alice")
    bob = make_user("bob")
    make_attack(alice)
    mine = add_substance(alice, name="Feverfew tea", substance_class="other", kind="herbal", default_unit="g")
    log_dose(alice, substance=mine, amount=2, unit="g")
    make_dose(bob)
    response = post_form(strict(alice), reverse("accounts:delete"), {})
    assert response.status_code == 302
    assert not User.objects.filter(pk=alice.pk).exists()
    assert Attack.objects.count() == 0
    assert list(Dose.objects.values_list("user__username", flat=True)) == ["bob"]


@pytest.mark.django_db
def test_password_reset_mails_are_limited_per_address():
    make_user("alice")
    client = Client()
    statuses = [
        client.post(reverse("accounts:password_reset"), {"email": "x@example.org"}).status_code
        for _ in range(6)
    ]
    assert statuses == [302] * 5 + [429]


@pytest.mark.django_db
def test_signing_in_never_sends_the_person_to_another_site():
    make_user("alice")
    response = Client().post(
        reverse("accounts:login"),
        {"username": "alice", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("today")


@pytest.mark.django_db
def test_one_address_guessing_many_accounts_is_stopped_too():
    client = Client()
    for n in range(20):
        client.post(reverse("accounts:login"), {"username": f"someone{n}", "password": "guess"})
    make_user("alice")
    response = client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429


@pytest.mark.django_db
def test_deleting_the_account_signs_it_out_on_every_device():
    alice = make_user("alice")
    other_device = signed_in(alice)
    bob_device = signed_in(make_user("bob"))
    post_form(strict(alice), reverse("accounts:delete"), {})
    assert other_device.get(reverse("today")).status_code == 302
    assert bob_device.get(reverse("today")).status_code == 200
