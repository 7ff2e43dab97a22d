"""The sync endpoint applies a phone's queued writes once each, with the tap's time, or says why not."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from relief.diary.models import Attack, DayRecord, PainSample
from relief.offline.models import SyncedWrite
from relief.treatments.models import Dose
from tests.factories import ago, make_attack, make_dose, make_user, substance
from tests.web.helpers import signed_in, strict

pytestmark = pytest.mark.django_db


def write(kind: str, data: dict, *, tapped=None, client_id=None) -> dict:
    return {
        "client_id": str(client_id or uuid.uuid4()),
        "kind": kind,
        "tapped_at": (tapped or timezone.now()).isoformat(),
        "data": data,
    }


def sync(client, *writes: dict):
    response = client.post(
        reverse("offline:sync"), json.dumps({"writes": list(writes)}), content_type="application/json"
    )
    return response


def test_an_attack_pain_and_usual_dose_logged_offline_keep_the_times_of_the_taps():
    sam = make_user("sam")
    usual = make_dose(sam, amount=3, unit="g", taken_at=ago(days=2))
    attack_id = uuid.uuid4()
    started, pained, took = ago(minutes=40), ago(minutes=39), ago(minutes=38)

    answer = sync(
        signed_in(sam),
        write("attack_start", {"attack": str(attack_id), "ago": 0}, tapped=started),
        write("pain", {"attack": str(attack_id), "nrs": 5}, tapped=pained),
        write("dose_repeat", {"template": str(usual.pk), "attack": str(attack_id)}, tapped=took),
    )

    assert answer.status_code == 200
    assert [r["status"] for r in answer.json()["results"]] == ["saved", "saved", "saved"]
    attack = Attack.objects.get(user=sam)
    assert attack.pk == attack_id and attack.started_at == started
    assert [(s.nrs, s.at) for s in PainSample.objects.filter(attack=attack)] == [(5, pained)]
    dose = Dose.objects.get(user=sam, attack=attack)
    assert (dose.taken_at, dose.amount, dose.reason, dose.outcome.pain_at_dose) == (took, 3, "acute", 5)
    assert answer.json()["results"][0]["next"] == reverse("diary:attack", args=[attack_id])


def test_sending_the_same_queue_again_saves_nothing_twice():
    sam = make_user("sam")
    attack_id = str(uuid.uuid4())
    queue = [
        write("attack_start", {"attack": attack_id, "ago": 15}),
        write("pain", {"attack": attack_id, "nrs": 7}),
    ]
    client = signed_in(sam)

    first = sync(client, *queue)
    second = sync(client, *queue)

    assert [r["status"] for r in first.json()["results"]] == ["saved", "saved"]
    assert [r["status"] for r in second.json()["results"]] == ["already", "already"]
    assert Attack.objects.filter(user=sam).count() == 1
    assert PainSample.objects.filter(attack__user=sam).count() == 1
    assert SyncedWrite.objects.filter(user=sam).count() == 2


def test_a_refused_write_names_the_field_saves_nothing_and_can_be_sent_again_fixed():
    sam = make_user("sam")
    fields = {
        "substance": str(substance("ibuprofen").pk),
        "amount": "-400",
        "unit": "mg",
        "route": "oral",
        "reason": "acute",
        "taken_at": "",
    }
    refused = write("dose", {"fields": fields, "time_is_tap": True})

    answer = sync(signed_in(sam), refused)

    (result,) = answer.json()["results"]
    assert result["status"] == "refused"
    assert "amount" in {e["field"] for e in result["errors"]}
    assert Dose.objects.filter(user=sam).count() == 0
    assert not SyncedWrite.objects.filter(user=sam).exists()

    refused["data"]["fields"]["amount"] = "400"
    (fixed,) = sync(signed_in(sam), refused).json()["results"]
    assert fixed["status"] == "saved"
    assert Dose.objects.get(user=sam).amount == 400


def test_a_full_dose_form_left_at_its_default_time_gets_the_time_of_the_tap():
    sam = make_user("sam", time_zone="Europe/Berlin")
    tapped = ago(minutes=25).replace(second=0, microsecond=0)
    fields = {
        "substance": str(substance("ibuprofen").pk),
        "amount": "400",
        "unit": "mg",
        "route": "oral",
        "reason": "acute",
        "taken_at": "2020-01-01T08:00",
    }

    sync(signed_in(sam), write("dose", {"fields": fields, "time_is_tap": True}, tapped=tapped))

    assert Dose.objects.get(user=sam).taken_at == tapped


def test_an_offline_check_in_is_saved_like_the_page_saves_it():
    sam = make_user("sam")
    today = timezone.localdate()
    fields = {"date": today.isoformat(), "period": "day", "worst_pain": "3", "sleep_hours": "6.5"}

    (result,) = sync(signed_in(sam), write("checkin", {"fields": fields})).json()["results"]

    assert result["status"] == "saved", result
    record = DayRecord.objects.get(user=sam, date=today)
    assert (record.worst_pain, record.sleep_hours) == (3, 6.5)


def test_the_one_tap_outcome_is_saved_from_the_queue():
    sam = make_user("sam")
    dose = make_dose(sam, taken_at=ago(hours=3), reason=Dose.Reason.ACUTE)

    sync(signed_in(sam), write("outcome_quick", {"dose": str(dose.pk), "pain_2h": 2}))

    dose.refresh_from_db()
    assert dose.outcome.pain_2h == 2


def test_a_stranger_cannot_write_into_someone_elses_attack_or_replay_their_ids():
    owner, stranger = make_user("owner"), make_user("stranger")
    attack = make_attack(owner, started_at=ago(hours=1))
    client_id = uuid.uuid4()
    sync(
        signed_in(owner),
        write(
            "symptom", {"attack": str(attack.pk), "symptom": "nausea", "present": True}, client_id=client_id
        ),
    )

    answer = sync(
        signed_in(stranger),
        write("pain", {"attack": str(attack.pk), "nrs": 9}),
        write("attack_start", {"attack": str(attack.pk), "ago": 0}),
        write(
            "symptom", {"attack": str(attack.pk), "symptom": "nausea", "present": False}, client_id=client_id
        ),
    )

    assert [r["status"] for r in answer.json()["results"]] == ["refused", "refused", "refused"]
    attack.refresh_from_db()
    assert attack.nausea is True
    assert not PainSample.objects.filter(attack=attack).exists()


def test_a_signed_out_phone_is_told_to_sign_in_and_keeps_its_queue():
    answer = sync(strict(), write("pain", {"attack": str(uuid.uuid4()), "nrs": 4}))
    assert answer.status_code in {401, 403}


def test_the_sync_endpoint_needs_the_csrf_token_of_the_session():
    sam = make_user("sam")
    answer = sync(strict(sam), write("attack_start", {"attack": str(uuid.uuid4()), "ago": 0}))
    assert answer.status_code == 403
    assert not Attack.objects.filter(user=sam).exists()


def test_a_tap_time_without_offset_or_in_the_far_future_is_refused():
    sam = make_user("sam")
    naive = write("attack_start", {"attack": str(uuid.uuid4()), "ago": 0})
    naive["tapped_at"] = "2026-01-01T10:00:00"
    future = write(
        "attack_start", {"attack": str(uuid.uuid4()), "ago": 0}, tapped=timezone.now() + timedelta(days=2)
    )

    results = sync(signed_in(sam), naive, future).json()["results"]

    assert [r["status"] for r in results] == ["refused", "refused"]
    assert "tapped_at" in results[0]["detail"]
    assert not Attack.objects.filter(user=sam).exists()


def test_a_dangerous_alert_raised_by_a_synced_entry_is_pushed_and_kept_for_the_next_page(monkeypatch):
    from relief.offline import services
    from relief.push import tasks
    from relief.safety.alerts import Alert

    sam = make_user("sam")
    pushed: list[tuple[int, list[str]]] = []
    monkeypatch.setattr(tasks, "queue_safety_push", lambda user_id, titles: pushed.append((user_id, titles)))
    danger = Alert(
        key="interaction:kratom:tramadol",
        rule="interaction",
        level="dangerous",
        title="Serious combination",
        message="…",
        actions=(),
        evidence=(),
        sources=(),
    )
    real = services.HANDLERS["pain"]

    def pain_with_an_alert(user, tapped, data):
        saved, to = real(user, tapped, data)
        saved.alerts = [danger]
        return saved, to

    monkeypatch.setitem(services.HANDLERS, "pain", pain_with_an_alert)
    attack = make_attack(sam, started_at=ago(hours=1))
    client = signed_in(sam)

    (result,) = sync(client, write("pain", {"attack": str(attack.pk), "nrs": 8})).json()["results"]

    assert result["alerts"][0]["level"] == "dangerous"
    assert pushed == [(sam.pk, ["Serious combination"])]
    assert "Serious combination" in client.get(reverse("today")).content.decode()


def test_a_side_effect_logged_offline_gets_the_time_of_the_tap():
    from relief.diary.models import SideEffect

    sam = make_user("sam")
    tapped = ago(minutes=50).replace(second=0, microsecond=0)
    fields = {"symptom": "nausea", "severity": "mild", "occurred_at": "2020-01-01T08:00"}

    (result,) = sync(
        signed_in(sam), write("side_effect", {"fields": fields, "time_is_tap": True}, tapped=tapped)
    ).json()["results"]

    assert result["status"] == "saved", result
    assert SideEffect.objects.get(user=sam).occurred_at == tapped


def test_two_sends_of_one_write_at_the_same_moment_save_it_once(monkeypatch):
    from relief.offline import services

    sam = make_user("sam")
    attack = make_attack(sam, started_at=ago(hours=1))
    same = write("pain", {"attack": str(attack.pk), "nrs": 6})
    # Background Sync sent the same write and committed it just after our check found nothing.
    SyncedWrite.objects.create(user=sam, client_id=same["client_id"], kind="pain", entry_id="theirs")
    real, calls = services.applied, []

    def first_look_misses_it(user, client_id):
        calls.append(client_id)
        return None if len(calls) == 1 else real(user, client_id)

    monkeypatch.setattr(services, "applied", first_look_misses_it)

    result = services.apply_write(sam, same)

    assert (result.status, result.entry_id) == ("already", "theirs")
    assert len(calls) == 2
    assert not PainSample.objects.filter(attack=attack).exists()  # ours was rolled back


def test_ids_of_writes_applied_over_a_year_ago_are_forgotten_and_recent_ones_still_refuse_a_resend():
    from relief.core.tasks import forget_old_offline_writes_task

    sam = make_user("sam")
    client = signed_in(sam)
    old, recent = (
        write("attack_start", {"attack": str(uuid.uuid4()), "ago": 0}),
        write("attack_start", {"attack": str(uuid.uuid4()), "ago": 0}),
    )
    sync(client, old, recent)
    SyncedWrite.objects.filter(client_id=old["client_id"]).update(
        applied_at=timezone.now() - timedelta(days=366)
    )
    SyncedWrite.objects.filter(client_id=recent["client_id"]).update(
        applied_at=timezone.now() - timedelta(days=300)
    )

    assert forget_old_offline_writes_task.call_local() == 1

    assert list(SyncedWrite.objects.values_list("client_id", flat=True)) == [uuid.UUID(recent["client_id"])]
    assert [r["status"] for r in sync(client, recent).json()["results"]] == ["already"]
    assert Attack.objects.filter(user=sam).count() == 2
