"""Read-only shares: a link with an expiry or an invited account, revocable, with every visit logged."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from relief.core.access import readable
from relief.diary.models import Attack
from relief.sharing.models import Share, ShareAccess
from relief.sharing.services import (
    create_link_share,
    hash_secret,
    invite_reader,
    revoke_share,
    share_for_link,
)
from tests.access.people import logged_in, new_marker, profile_id, share_with, snapshot
from tests.factories import make_attack, make_user


@pytest.mark.django_db
def test_a_link_keeps_only_a_hash_of_its_token_and_always_expires():
    owner = make_user()

    share, token = create_link_share(owner, label="Dr Weber")

    assert share.token_hash == hash_secret(token) != token
    assert share.expires_at is not None
    assert timedelta(days=13) < share.expires_at - timezone.now() <= timedelta(days=14)
    assert share_for_link(token) == share


@pytest.mark.django_db
def test_it_refuses_a_link_that_expires_in_the_past_or_after_a_year():
    owner = make_user()

    with pytest.raises(ValidationError) as past:
        create_link_share(owner, label="Dr Weber", expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError) as long:
        create_link_share(owner, label="Dr Weber", days=400)

    assert "expires_at" in past.value.message_dict
    assert "days" in long.value.message_dict
    assert Share.objects.count() == 0


@pytest.mark.django_db
def test_an_account_is_invited_by_username_or_email_once_and_not_oneself():
    owner = make_user("alice")
    clinician = make_user("drweber")
    clinician.email = "weber@clinic.example"
    clinician.save()

    share = invite_reader(owner, username_or_email="WEBER@clinic.example")

    assert share.reader == clinician and share.kind == Share.Kind.ACCOUNT
    assert invite_reader(owner, username_or_email="drweber") == share  # a repeat changes nothing
    with pytest.raises(ValidationError, match="is you"):
        invite_reader(owner, username_or_email="alice")
    assert Share.objects.count() == 1


@pytest.mark.django_db
def test_a_share_reads_the_owners_entries_and_a_stranger_reads_none():
    owner, clinician, stranger = make_user(), make_user(), make_user()
    attack = make_attack(owner)
    share = share_with(owner, clinician)

    assert list(readable(Attack, owner, owner)) == [attack]
    assert list(readable(Attack, clinician, owner)) == [attack]
    assert list(readable(Attack, clinician, owner, share)) == [attack]
    assert list(readable(Attack, stranger, owner)) == []
    assert list(readable(Attack, stranger, owner, share)) == []


@pytest.mark.django_db
def test_the_link_shows_the_timeline_read_only_and_logs_each_visit_without_the_token():
    owner = make_user()
    marker = new_marker()
    make_attack(owner, notes=marker)
    share, token = create_link_share(owner, label="Dr Weber")
    visitor = Client(headers={"User-Agent": "clinic browser"})

    page = visitor.get(f"/shared/{token}/")
    write = visitor.post(f"/shared/{token}/")

    assert page.status_code == 200
    assert marker in page.content.decode()
    assert "Dr Weber" in page.content.decode()
    assert write.status_code in (403, 405)
    access = ShareAccess.objects.filter(share=share).first()
    assert access.method == "GET" and access.viewer is None and access.user_agent == "clinic browser"
    assert token not in access.path


@pytest.mark.django_db
def test_an_invited_account_reads_the_timeline_through_the_owners_id():
    owner, clinician = make_user(), make_user()
    marker = new_marker()
    make_attack(owner, notes=marker)
    share = share_with(owner, clinician)

    listing = logged_in(clinician).get("/sharing/with-me/")
    page = logged_in(clinician).get(f"/shared/{profile_id(owner)}/")

    assert f"/shared/{profile_id(owner)}/" in listing.content.decode()
    assert page.status_code == 200 and marker in page.content.decode()
    assert ShareAccess.objects.get(share=share).viewer == clinician


@pytest.mark.django_db
def test_a_stranger_or_visitor_gets_404_for_the_owners_timeline():
    owner, stranger = make_user(), make_user()
    marker = new_marker()
    make_attack(owner, notes=marker)

    for client in (logged_in(stranger), Client()):
        response = client.get(f"/shared/{profile_id(owner)}/")
        assert response.status_code == 404
        assert marker not in response.content.decode()
    assert Client().get("/shared/rs_made-up-token/").status_code == 404


@pytest.mark.django_db
def test_a_revoked_link_and_a_revoked_account_share_are_404_and_nothing_is_logged():
    owner, clinician = make_user(), make_user()
    link, token = create_link_share(owner, label="Dr Weber")
    account = share_with(owner, clinician)
    revoke_share(owner, link)
    revoke_share(owner, account)

    assert Client().get(f"/shared/{token}/").status_code == 404
    assert logged_in(clinician).get(f"/shared/{profile_id(owner)}/").status_code == 404
    assert not ShareAccess.objects.exists()


@pytest.mark.django_db
def test_an_expired_link_is_404():
    owner = make_user()
    _, token = create_link_share(owner, label="Dr Weber", days=1)

    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        response = Client().get(f"/shared/{token}/")

    assert response.status_code == 404


@pytest.mark.django_db
def test_the_owner_sees_the_access_log_and_others_do_not():
    owner, clinician, stranger = make_user(), make_user(), make_user()
    share_with(owner, clinician)
    logged_in(clinician).get(f"/shared/{profile_id(owner)}/")

    own_page = logged_in(owner).get("/sharing/")
    clinician_page = logged_in(clinician).get("/sharing/")
    stranger_page = logged_in(stranger).get("/sharing/")

    assert clinician.username in own_page.content.decode()
    assert f"/shared/{profile_id(owner)}/" not in clinician_page.content.decode()
    assert "Dr Reader" not in stranger_page.content.decode()


@pytest.mark.django_db
def test_the_owner_creates_a_link_shown_once_and_revokes_it_from_the_page():
    owner = make_user()
    client = logged_in(owner, enforce_csrf_checks=True)
    client.get("/sharing/")
    csrf = {"X-CSRFToken": client.cookies["csrftoken"].value}

    created = client.post("/sharing/links/", {"label": "Dr Weber", "days": "7"}, headers=csrf)
    share = Share.objects.get()
    link = created.content.decode().split('value="http://testserver/shared/')[1].split("/")[0]
    revoked = client.post(f"/sharing/{share.pk}/revoke/", headers=csrf)

    assert created.status_code == 200
    assert share.token_hash == hash_secret(link)
    assert revoked.status_code == 302
    assert Client().get(f"/shared/{link}/").status_code == 404
    assert link not in client.get("/sharing/").content.decode()


@pytest.mark.django_db
def test_a_share_form_with_mistakes_says_what_to_fix():
    client = logged_in(make_user())

    response = client.post("/sharing/invites/", {"username_or_email": "  "})

    assert response.status_code == 422
    assert "username or e-mail address" in response.content.decode()
    assert not Share.objects.exists()


@pytest.mark.django_db
def test_a_stranger_or_the_clinician_cannot_revoke_the_owners_share():
    owner, clinician, stranger = make_user(), make_user(), make_user()
    share = share_with(owner, clinician)
    before = snapshot(owner)

    for person in (clinician, stranger):
        assert logged_in(person).post(f"/sharing/{share.pk}/revoke/").status_code == 404
    assert Client().post(f"/sharing/{share.pk}/revoke/").status_code == 302  # to the login page

    assert snapshot(owner) == before


@pytest.mark.django_db
def test_the_shared_timeline_links_to_every_shared_page_through_the_same_link():
    owner = make_user()
    _, token = create_link_share(owner, label="Dr Weber")

    page = Client().get(f"/shared/{token}/").content.decode()

    assert f"/exchange/report/{token}/" in page
    assert f"/plans/shared/{token}/decisions/" in page
    assert f"/insights/{token}/" in page
    assert f"/diary/history/{token}/" in page
    for path in (f"/insights/{token}/", f"/diary/history/{token}/"):
        assert Client().get(path).status_code == 200, path
    assert profile_id(owner) not in page  # a link visitor never learns the owner's id


@pytest.mark.django_db
def test_an_invited_account_share_can_end_after_some_days():
    owner, clinician = make_user(), make_user()
    client = logged_in(owner)

    client.post("/sharing/invites/", {"username_or_email": clinician.username, "days": "30"})
    refused = client.post("/sharing/invites/", {"username_or_email": clinician.username, "days": "soon"})

    share = Share.objects.get()
    logged_in(clinician).post(f"/sharing/invitations/{share.pk}/accept/")
    assert logged_in(clinician).get(f"/shared/{profile_id(owner)}/").status_code == 200
    assert timedelta(days=29) < share.expires_at - timezone.now() <= timedelta(days=30)
    assert refused.status_code == 422 and "whole number" in refused.content.decode()
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert logged_in(clinician).get(f"/shared/{profile_id(owner)}/").status_code == 404
