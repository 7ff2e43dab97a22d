"""Every main page opens for its owner; strangers see nothing of anyone else's."""

import pytest
from django.urls import reverse

from relief.diary.services import Pain, log_attack
from tests.factories import (
    ago,
    make_dose,
    make_user,
)
from tests.web.helpers import signed_in


@pytest.mark.django_db
def test_the_main_pages_open_for_a_person_with_a_little_data():
    alice = make_user("alice")
    attack = log_attack(alice, started_at=ago(hours=3), pain=[Pain(at=ago(hours=2), nrs=6)]).entry
    make_dose(alice, attack=attack, taken_at=ago(hours=2))
    client = signed_in(alice)
    for name in (
        "today",
        "log",
        "calendar",
        "accounts:settings",
        "diary:checkin",
        "diary:attack_new",
        "treatments:dose_new",
        "diary:side_effects",
        "diary:side_effect_new",
        "diary:questionnaires",
        "treatments:medications",
        "treatments:medication_new",
        "treatments:units",
        "products:list",
        "products:new",
        "diary:factors",
        "accounts:delete",
        "accounts:password_change",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
    for instrument in ("midas", "hit6", "sows"):
        assert client.get(reverse("diary:questionnaire_new", args=[instrument])).status_code == 200
    assert client.get(reverse("diary:attack", args=[attack.pk])).status_code == 200
    assert client.get(reverse("day", args=[attack.started_at.date().isoformat()])).status_code == 200
