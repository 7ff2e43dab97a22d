"""Safety alerts through the API, with the owner, a read-only share and a stranger."""

import json

import pytest

from relief.diary.services import log_side_effect
from relief.safety.models import AlertAcknowledgement
from tests.access.people import api_client, profile_id, share_with, snapshot
from tests.factories import ago, make_user


def acknowledge(client, keys):
    return client.post(
        "/api/alerts/acknowledge", data=json.dumps({"keys": keys}), content_type="application/json"
    )


@pytest.mark.django_db
def test_the_owner_reads_a_dangerous_alert_with_the_notice_and_acknowledges_it():
    owner = make_user()
    log_side_effect(owner, symptom="slow_breathing", occurred_at=ago(minutes=5))
    client = api_client(owner)

    before = client.get("/api/alerts").json()
    after = acknowledge(client, [before["alerts"][0]["key"]]).json()

    assert before["notice"] and before["count"] == 1 and before["needs_acknowledgement"] == 1
    assert after["needs_acknowledgement"] == 0
    assert before["alerts"][0]["acknowledged_at"] is None
    assert after["alerts"][0]["acknowledged_at"]
    assert AlertAcknowledgement.objects.filter(user=owner).count() == 1


@pytest.mark.django_db
def test_an_unknown_alert_key_is_a_422_and_nothing_is_acknowledged():
    owner = make_user()
    log_side_effect(owner, symptom="slow_breathing", occurred_at=ago(minutes=5))

    response = acknowledge(api_client(owner), ["no-such-alert"])

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "keys"
    assert not AlertAcknowledgement.objects.exists()


@pytest.mark.django_db
def test_a_share_reads_the_owners_alerts_but_cannot_acknowledge_them():
    owner, clinician = make_user(), make_user()
    log_side_effect(owner, symptom="slow_breathing", occurred_at=ago(minutes=5))
    share_with(owner, clinician)
    client = api_client(clinician)
    before = snapshot(owner)

    shared = client.get("/api/alerts", {"owner": profile_id(owner)}).json()
    refused = acknowledge(client, [shared["alerts"][0]["key"]])

    assert shared["count"] == 1
    assert refused.status_code == 422
    assert snapshot(owner) == before


@pytest.mark.django_db
def test_a_stranger_gets_404_for_the_owners_alerts_and_sees_only_their_own():
    owner, stranger = make_user(), make_user()
    log_side_effect(owner, symptom="slow_breathing", occurred_at=ago(minutes=5))
    client = api_client(stranger)

    assert client.get("/api/alerts", {"owner": profile_id(owner)}).status_code == 404
    assert client.get("/api/alerts").json()["count"] == 0
