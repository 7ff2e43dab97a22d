"""Invitations to read a journal: they answer alike whether or not the account exists, and share
nothing until the invited account accepts."""

import pytest
from django.test import Client

from relief.sharing.models import Share
from tests.access.people import logged_in, profile_id
from tests.factories import make_user


def invite(client: Client, who: str):
    return client.post("/sharing/invites/", {"username_or_email": who}, follow=True)


def notice(response) -> str:
    """The message shown after an invitation."""
    return " ".join(str(m) for m in response.context["messages"])


@pytest.mark.django_db
def test_inviting_an_existing_and_an_unknown_address_looks_the_same_to_the_inviter():
    owner = make_user("alice")
    clinician = make_user("drweber")
    clinician.email = "weber@clinic.example"
    clinician.save()
    client = logged_in(owner)

    known = client.post("/sharing/invites/", {"username_or_email": "weber@clinic.example"})
    unknown = client.post("/sharing/invites/", {"username_or_email": "nobody@clinic.example"})
    repeat = client.post("/sharing/invites/", {"username_or_email": "weber@clinic.example"})

    assert known.status_code == unknown.status_code == repeat.status_code == 302
    assert known["Location"] == unknown["Location"] == repeat["Location"]
    page = client.get("/sharing/").content.decode()
    assert "drweber" not in page  # the account's username is never shown before it accepts
    assert page.count("Withdraw") == 2  # both wait for an answer, in the same words
    assert "weber@clinic.example" in page and "nobody@clinic.example" in page


@pytest.mark.django_db
def test_the_answer_message_is_the_same_whether_or_not_an_account_exists():
    owner = make_user("alice")
    make_user("drweber")
    client = logged_in(owner)

    known = notice(invite(client, "drweber")).replace("drweber", "NAME")
    unknown = notice(invite(client, "drnobody")).replace("drnobody", "NAME")

    assert "nothing is shared until they accept" in known
    assert known == unknown


@pytest.mark.django_db
def test_an_invitation_shares_nothing_until_the_invited_account_accepts():
    owner, clinician = make_user("alice"), make_user("drweber")
    invite(logged_in(owner), "drweber")
    share = Share.objects.get()
    reader = logged_in(clinician)

    before = reader.get(f"/shared/{profile_id(owner)}/")
    listed = reader.get("/sharing/with-me/").content.decode()
    accepted = reader.post(f"/sharing/invitations/{share.pk}/accept/")
    after = reader.get(f"/shared/{profile_id(owner)}/")

    assert before.status_code == 404
    assert "alice invites you" in listed
    assert accepted.status_code == 302
    assert after.status_code == 200


@pytest.mark.django_db
def test_only_the_invited_account_can_accept_and_a_declined_invitation_never_shares():
    owner, clinician, stranger = make_user(), make_user("drweber"), make_user()
    invite(logged_in(owner), "drweber")
    share = Share.objects.get()

    assert logged_in(stranger).post(f"/sharing/invitations/{share.pk}/accept/").status_code == 404
    assert logged_in(owner).post(f"/sharing/invitations/{share.pk}/accept/").status_code == 404
    logged_in(clinician).post(f"/sharing/invitations/{share.pk}/decline/")

    assert logged_in(clinician).post(f"/sharing/invitations/{share.pk}/accept/").status_code == 404
    assert logged_in(clinician).get(f"/shared/{profile_id(owner)}/").status_code == 404
