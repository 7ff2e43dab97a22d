"""Quick doses in attack mode: the person's own most used doses first, a short form for anything else, Undo."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from relief.treatments.models import Dose, Substance
from relief.treatments.usual import usual_doses
from tests.factories import ago, make_attack, make_batch, make_dose, make_product, make_user
from tests.web.helpers import post_form, signed_in, strict

pytestmark = pytest.mark.django_db


def kratom_person():
    """Many kratom doses of one product across two batches and a few amounts, plus a daily preventive."""
    person = make_user("sam", time_zone="Europe/Berlin")
    red = make_product(person, "Red Bali")
    old, new = make_batch(red, "LOT-1"), make_batch(red, "LOT-2")
    for day, (amount, batch) in enumerate([(2, new)] * 4 + [(4, new)] * 3 + [(2, old)] * 6 + [(3, old)] * 4):
        make_dose(
            person, amount=amount, product=red, batch=batch, taken_at=ago(days=day + 2), reason="chronic"
        )
    for day in range(30):
        make_dose(
            person,
            "magnesium",
            amount=400,
            unit="mg",
            taken_at=ago(days=day + 1, hours=1),
            reason="preventive",
        )
    for day in range(5):
        make_dose(
            person, "ibuprofen", amount=400, unit="mg", taken_at=ago(days=day + 3, hours=2), reason="acute"
        )
    return person, red, new


def test_doses_of_one_product_count_together_whatever_the_batch_or_amount():
    person, _red, new = kratom_person()
    first = usual_doses(person, during_attack=True)[0]
    assert first.count == 17
    assert first.label == "Kratom 2 g · Red Bali"
    assert first.template.batch == new  # the latest dose of the commonest amount: the batch used last


def test_during_an_attack_a_daily_preventive_is_not_offered():
    person, *_ = kratom_person()
    labels = [u.label for u in usual_doses(person, during_attack=True)]
    assert labels == ["Kratom 2 g · Red Bali", "Ibuprofen 400 mg"]
    assert "Magnesium 400 mg" in [u.label for u in usual_doses(person)]


def test_attack_mode_offers_kratom_first_and_one_tap_logs_it_with_an_undo():
    person, red, new = kratom_person()
    attack = make_attack(person, started_at=ago(minutes=20))
    client = signed_in(person)
    page = client.get(reverse("diary:attack", args=[attack.pk])).content.decode()
    buttons = re.findall(r'name="template" value="[^"]+">([^<]+)</button>', page)
    assert buttons[0] == "Kratom 2 g · Red Bali"
    template = usual_doses(person, during_attack=True)[0].template
    response = client.post(
        reverse("treatments:dose_repeat"),
        {"template": template.pk, "attack": attack.pk},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    dose = Dose.objects.get(attack=attack)
    assert (dose.amount, dose.product, dose.batch, dose.reason) == (2, red, new, "acute")
    assert "Undo" in html and reverse("treatments:dose_undo", args=[dose.pk]) in html


def test_undo_removes_the_dose_just_logged():
    person, *_ = kratom_person()
    attack = make_attack(person, started_at=ago(minutes=20))
    template = usual_doses(person, during_attack=True)[0].template
    client = signed_in(person)
    client.post(reverse("treatments:dose_repeat"), {"template": template.pk, "attack": attack.pk})
    dose = Dose.objects.get(attack=attack)
    response = client.post(reverse("treatments:dose_undo", args=[dose.pk]))
    assert response["Location"] == reverse("diary:attack", args=[attack.pk])
    assert not Dose.objects.filter(attack=attack).exists()


def test_without_javascript_the_undo_shows_on_the_attack_page_after_the_tap():
    person, *_ = kratom_person()
    attack = make_attack(person, started_at=ago(minutes=20))
    template = usual_doses(person, during_attack=True)[0].template
    client = signed_in(person)
    response = client.post(reverse("treatments:dose_repeat"), {"template": template.pk, "attack": attack.pk})
    assert "?undo=" in response["Location"]
    assert "Undo" in client.get(response["Location"]).content.decode()


def test_undo_is_refused_once_the_moment_has_passed():
    person, *_ = kratom_person()
    attack = make_attack(person, started_at=ago(minutes=20))
    template = usual_doses(person, during_attack=True)[0].template
    client = signed_in(person)
    client.post(reverse("treatments:dose_repeat"), {"template": template.pk, "attack": attack.pk})
    dose = Dose.objects.get(attack=attack)
    with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False):
        client.post(reverse("treatments:dose_undo", args=[dose.pk]))
        assert (
            "Undo"
            not in client.get(reverse("diary:attack", args=[attack.pk]) + f"?undo={dose.pk}").content.decode()
        )
    assert Dose.objects.filter(pk=dose.pk).exists()


def test_nobody_else_can_undo_a_dose():
    person, *_ = kratom_person()
    attack = make_attack(person, started_at=ago(minutes=20))
    dose = make_dose(person, attack=attack, reason="acute", taken_at=ago(minutes=1))
    stranger = make_user("stranger")
    assert signed_in(stranger).post(reverse("treatments:dose_undo", args=[dose.pk])).status_code == 404
    assert Dose.objects.filter(pk=dose.pk).exists()


def test_something_else_is_a_short_dark_form_with_search_words_last_amounts_and_batch_products():
    person, red, new = kratom_person()
    attack = make_attack(person, started_at=ago(minutes=20))
    page = signed_in(person).get(reverse("treatments:dose_new") + f"?attack={attack.pk}").content.decode()
    assert 'class="attack-mode"' in page
    assert "<details" in page  # time, reason, route and notes fold away
    sumatriptan = re.search(r'<option value="[^"]+" data-search="([^"]*)"[^>]*>Sumatriptan</option>', page)
    assert sumatriptan and "imitrex" in sumatriptan.group(1)
    assert re.search(r'data-last-amount="400" data-last-unit="mg"[^>]*>Ibuprofen<', page)
    assert f'value="{new.pk}" data-product="{red.pk}"' in page


def test_the_short_form_saves_a_dose_in_the_attack():
    person, _red, _new = kratom_person()
    attack = make_attack(person, started_at=ago(minutes=20))
    url = reverse("treatments:dose_new") + f"?attack={attack.pk}"
    data = {
        "substance": Substance.objects.get(key="sumatriptan").pk,
        "amount": "50",
        "unit": "mg",
        "taken_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "reason": "acute",
        "route": "oral",
        "attack": attack.pk,
    }
    response = post_form(strict(person), url, data)
    assert response.status_code == 302, re.findall(r'class="error">([^<]*)', response.content.decode())
    assert Dose.objects.get(attack=attack).substance.key == "sumatriptan"


@time_machine.travel("2026-11-30T03:00:00+00:00")  # noon in Tokyo: the attack began the same local day
def test_the_attack_list_in_the_dose_form_is_in_the_persons_zone():
    person = make_user("tokyo", time_zone="Asia/Tokyo")
    make_attack(person, started_at=ago(hours=1))
    page = signed_in(person).get(reverse("treatments:dose_new")).content.decode()
    local = timezone.localtime(ago(hours=1), timezone=ZoneInfo("Asia/Tokyo"))
    assert f"from {local:%H:%M}" in page
    assert "UTC" not in page
