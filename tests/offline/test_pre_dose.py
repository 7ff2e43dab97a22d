"""The pre-dose information the phone keeps for offline use: the owner's own, computed by the safety preview."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse

from relief.offline.predose import pre_dose_info
from relief.treatments.models import Dose
from tests.factories import ago, make_dose, make_medication, make_user, substance
from tests.web.helpers import signed_in

pytestmark = pytest.mark.django_db


def person_on_phenelzine_with_a_usual_sumatriptan():
    ash = make_user("ash", time_zone="Europe/Berlin")
    make_medication(ash, "phenelzine")
    for days in (2, 5):
        make_dose(ash, "sumatriptan", amount=50, unit="mg", taken_at=ago(days=days), reason=Dose.Reason.ACUTE)
    make_dose(ash, "paracetamol", amount=500, unit="mg", taken_at=ago(days=9), reason=Dose.Reason.ACUTE)
    return ash


def row_for(info, key):
    (row,) = [r for r in info["substances"] if r["substance"] == str(substance(key).pk)]
    return row


def test_the_usual_dose_that_would_make_a_dangerous_pair_carries_its_alert_level_title_and_date():
    ash = person_on_phenelzine_with_a_usual_sumatriptan()
    moment = datetime(2026, 12, 1, 10, 5, tzinfo=UTC)

    info = pre_dose_info(ash, now=moment)

    assert info["person"] == str(ash.pk)
    assert info["computed_at"] == moment.isoformat()
    assert info["checked_on"] == "1 Dec 2026, 11:05"  # Berlin time
    sumatriptan = row_for(info, "sumatriptan")
    assert sumatriptan["label"] == "Sumatriptan 50 mg"
    assert sumatriptan["templates"]  # the one-tap usual dose it stands for
    dangerous = [a for a in sumatriptan["alerts"] if a["dangerous"]]
    assert dangerous and dangerous[0]["level"] == "dangerous"
    assert "Phenelzine" in dangerous[0]["title"] and "Sumatriptan" in dangerous[0]["title"]


def test_a_substance_with_nothing_to_warn_about_is_listed_with_no_alerts():
    ash = person_on_phenelzine_with_a_usual_sumatriptan()

    paracetamol = row_for(pre_dose_info(ash), "paracetamol")

    assert paracetamol["alerts"] == []


def test_the_endpoint_answers_the_signed_in_person_with_their_own_information_and_no_caching():
    ash = person_on_phenelzine_with_a_usual_sumatriptan()

    response = signed_in(ash).get(reverse("offline:pre_dose"))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert body["person"] == str(ash.pk)
    assert any(a["dangerous"] for a in row_for(body, "sumatriptan")["alerts"])


def test_a_stranger_gets_only_their_own_empty_information_never_the_owners():
    person_on_phenelzine_with_a_usual_sumatriptan()
    stranger = make_user("lee")

    response = signed_in(stranger).get(reverse("offline:pre_dose"))

    assert response.status_code == 200
    assert response.json()["person"] == str(stranger.pk)
    assert response.json()["substances"] == []
    assert b"Sumatriptan" not in response.content and b"Phenelzine" not in response.content


def test_a_signed_out_caller_gets_a_401_with_nothing_in_it():
    person_on_phenelzine_with_a_usual_sumatriptan()

    response = Client().get(reverse("offline:pre_dose"))

    assert response.status_code == 401
    assert "substances" not in response.json()


def test_the_endpoint_only_answers_get():
    ash = person_on_phenelzine_with_a_usual_sumatriptan()

    assert signed_in(ash).post(reverse("offline:pre_dose")).status_code == 405
