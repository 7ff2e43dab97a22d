"""Saving through the API: the services' rules, all-or-nothing saves, times, references and errors."""

import json

import pytest

from relief.diary.models import Attack, DayRecord, PainSample
from relief.treatments.models import Dose, DoseOutcome
from tests.access.people import api_client
from tests.factories import ago, make_dose, make_product, make_user, substance


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def iso(moment):
    return moment.isoformat().replace("+00:00", "Z")


@pytest.mark.django_db
def test_it_refuses_an_attack_that_ends_before_it_starts_with_a_422_naming_the_field():
    user = make_user()
    start = ago(hours=2)

    response = post(
        api_client(user), "/api/attacks", {"started_at": iso(start), "ended_at": iso(ago(hours=3))}
    )

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors[0]["field"] == "ended_at"
    assert "before the start" in errors[0]["message"]
    assert "ended_at" in response.json()["detail"]
    assert Attack.objects.count() == 0


@pytest.mark.django_db
def test_a_malformed_body_is_a_422_in_the_same_shape():
    response = post(api_client(make_user()), "/api/attacks", {"started_at": "yesterday-ish"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "started_at"


@pytest.mark.django_db
def test_nothing_is_saved_when_one_pain_sample_is_refused():
    client = api_client(make_user())
    body = {
        "started_at": iso(ago(hours=3)),
        "pain": [{"at": iso(ago(hours=2)), "nrs": 5}, {"at": iso(ago(hours=1))}],
    }

    response = post(client, "/api/attacks", body)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "pain[1].nrs"
    assert Attack.objects.count() == 0 and PainSample.objects.count() == 0


@pytest.mark.django_db
def test_an_attack_is_saved_with_its_pain_and_returned_with_its_alerts():
    client = api_client(make_user())

    response = post(
        client,
        "/api/attacks",
        {"started_at": iso(ago(hours=3)), "pain": [{"at": iso(ago(hours=2)), "nrs": 6}]},
    )

    assert response.status_code == 201
    body = response.json()
    assert body["entry"]["pain"][0]["nrs"] == 6
    assert isinstance(body["alerts"], list)


@pytest.mark.django_db
def test_times_without_an_offset_are_wall_clock_times_in_the_persons_zone():
    client = api_client(make_user(time_zone="Europe/Berlin"))

    response = post(client, "/api/attacks", {"started_at": "2026-01-15T08:00:00"})

    assert response.status_code == 201
    assert response.json()["entry"]["started_at"].startswith("2026-01-15T07:00:00")


@pytest.mark.django_db
def test_a_time_the_clocks_skipped_is_refused_with_how_to_fix_it():
    client = api_client(make_user(time_zone="Europe/Berlin"))

    response = post(client, "/api/attacks", {"started_at": "2026-03-29T02:30:00"})

    assert response.status_code == 422
    assert "does not exist" in response.json()["errors"][0]["message"]


@pytest.mark.django_db
def test_closing_an_attack_before_its_last_pain_sample_is_refused_and_nothing_changes():
    client = api_client(make_user())
    created = post(
        client,
        "/api/attacks",
        {"started_at": iso(ago(hours=5)), "pain": [{"at": iso(ago(hours=2)), "nrs": 4}]},
    ).json()["entry"]

    response = client.patch(
        f"/api/attacks/{created['id']}",
        data=json.dumps({"ended_at": iso(ago(hours=4))}),
        content_type="application/json",
    )

    assert response.status_code == 422
    assert Attack.objects.get().ended_at is None


@pytest.mark.django_db
def test_a_dose_cannot_point_at_another_persons_product_and_the_error_does_not_say_whose():
    user, other = make_user(), make_user()
    theirs = make_product(other, name="Their powder")

    response = post(
        api_client(user),
        "/api/doses",
        {"substance_id": str(substance("kratom").pk), "amount": 2, "unit": "g", "product_id": str(theirs.pk)},
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "product_id"
    assert "Their powder" not in response.content.decode()
    assert Dose.objects.count() == 0


@pytest.mark.django_db
def test_a_dose_is_saved_with_its_outcome_and_the_outcome_can_be_completed_later():
    client = api_client(make_user())
    dose = post(
        client,
        "/api/doses",
        {
            "substance_id": str(substance("kratom").pk),
            "amount": 3,
            "unit": "g",
            "taken_at": iso(ago(hours=3)),
            "outcome": {"pain_at_dose": 7},
        },
    ).json()["entry"]

    completed = client.put(
        f"/api/doses/{dose['id']}/outcome", data=json.dumps({"pain_2h": 2}), content_type="application/json"
    )

    assert dose["amount_g"] == 3
    assert completed.status_code == 200
    outcome = DoseOutcome.objects.get()
    assert (outcome.pain_at_dose, outcome.pain_2h) == (7, 2)


@pytest.mark.django_db
def test_an_outcome_answer_given_before_its_time_is_saved_with_a_note_in_the_answer():
    client = api_client(make_user())
    body = {"substance_id": str(substance("kratom").pk), "amount": 2, "unit": "g"}
    just_taken = post(client, "/api/doses", {**body, "taken_at": iso(ago(minutes=10))}).json()
    earlier = post(client, "/api/doses", {**body, "taken_at": iso(ago(hours=3)), "outcome": {"pain_2h": 1}})
    assert just_taken["notes"] == [] and earlier.json()["notes"] == []

    early = client.put(
        f"/api/doses/{just_taken['entry']['id']}/outcome",
        data=json.dumps({"pain_2h": 4}),
        content_type="application/json",
    )
    assert early.status_code == 200 and early.json()["entry"]["pain_2h"] == 4  # saved all the same
    (note,) = early.json()["notes"]
    assert note.startswith("You gave the pain at 2 hours 10 minutes after the dose")


@pytest.mark.django_db
def test_an_implausible_dose_is_refused_with_the_services_hint():
    response = post(
        api_client(make_user()),
        "/api/doses",
        {"substance_id": str(substance("kratom").pk), "amount": 500, "unit": "g"},
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "amount"


@pytest.mark.django_db
def test_saving_a_day_twice_updates_the_same_record_and_adds_factors():
    client = api_client(make_user())
    today = ago(minutes=1).date().isoformat()

    first = post(client, "/api/days", {"date": today, "sleep_hours": 6, "factors": {"red wine": 2}})
    second = post(client, "/api/days", {"date": today, "stress": 7, "factors": {"skipped lunch": None}})

    assert (first.status_code, second.status_code) == (201, 200)
    record = DayRecord.objects.get()
    assert (record.sleep_hours, record.stress) == (6, 7)
    assert sorted(f["tag"] for f in second.json()["entry"]["factors"]) == ["red wine", "skipped lunch"]


@pytest.mark.django_db
def test_a_unit_still_used_by_a_dose_cannot_be_deleted():
    from relief.treatments.services import add_custom_unit

    user = make_user()
    unit = add_custom_unit(user, name="capsule", grams=0.5)
    make_dose(user, amount=4, unit="capsule")

    response = api_client(user).delete(f"/api/units/{unit.pk}")

    assert response.status_code == 422
    assert "still use" in response.json()["detail"]


@pytest.mark.django_db
def test_a_questionnaire_comes_back_with_its_score():
    client = api_client(make_user())

    response = post(client, "/api/questionnaires", {"instrument": "hit6", "answers": [0, 0, 0, 0, 0, 0]})

    assert response.status_code == 201
    assert response.json()["entry"]["score"] == 36


@pytest.mark.django_db
def test_lists_are_paged_and_can_start_at_a_time():
    user = make_user()
    client = api_client(user)
    for hours in (30, 20, 10):
        post(client, "/api/attacks", {"started_at": iso(ago(hours=hours))})

    page = client.get("/api/attacks", {"limit": 2}).json()
    recent = client.get("/api/attacks", {"since": iso(ago(hours=25))}).json()

    assert page["count"] == 3 and len(page["items"]) == 2
    assert recent["count"] == 2


@pytest.mark.django_db
def test_a_red_flag_is_saved_and_comes_back_with_a_dangerous_alert_to_acknowledge():
    response = post(
        api_client(make_user()),
        "/api/side-effects",
        {"symptom": "slow_breathing", "occurred_at": iso(ago(minutes=5))},
    )

    assert response.status_code == 201
    (alert,) = response.json()["alerts"]
    assert alert["rule"] == "red_flag" and alert["level"] == "dangerous"
    assert alert["needs_acknowledgement"] is True
    assert alert["message"] and alert["sources"]


@pytest.mark.django_db
def test_null_for_a_text_field_is_stored_as_empty_text_and_null_elsewhere_is_a_422():
    client = api_client(make_user())

    noted = post(client, "/api/attacks", {"started_at": iso(ago(hours=2)), "notes": None, "side": None})
    day = post(client, "/api/days", {"date": ago(minutes=1).date().isoformat(), "notes": None})
    refused = post(client, "/api/attacks", {"started_at": None})

    assert noted.status_code == 201 and Attack.objects.get().notes == "" and Attack.objects.get().side == ""
    assert day.status_code == 201 and DayRecord.objects.get().notes == ""
    assert refused.status_code == 422


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{"limit": 501}, {"limit": 0}, {"offset": -1}, {"offset": "9" * 400}])
def test_a_page_size_or_offset_out_of_bounds_is_a_422(query):
    response = api_client(make_user()).get("/api/attacks", query)

    assert response.status_code == 422
