"""Amounts read as they were typed on every page that shows a dose: 3.5 g, never 3.50 g."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from relief.core.display import amount_text
from relief.sharing.services import create_link_share
from tests.factories import ago, make_attack, make_dose, make_user
from tests.web.helpers import signed_in


@pytest.mark.parametrize(
    ("value", "shown"),
    [(3.5, "3.5"), (3.0, "3"), (0.25, "0.25"), (400, "400"), (1 / 3, "0.33"), (0.004, "0"), (12.999, "13")],
)
def test_an_amount_keeps_at_most_two_decimals_and_no_trailing_zeros(value, shown):
    assert amount_text(value) == shown


@pytest.mark.django_db
def test_every_page_with_a_dose_shows_three_and_a_half_grams_as_typed():
    person = make_user("ines")
    make_dose(person, amount=3.5, reason="acute", taken_at=ago(hours=3))  # its 2-hour question is due
    attack = make_attack(person, started_at=ago(hours=2))
    make_dose(person, amount=2.5, reason="acute", taken_at=ago(hours=1), attack=attack)
    _, token = create_link_share(person, label="Dr Weber")
    owner, reader = signed_in(person), Client()

    pages = {  # each with the amount it shows: the prompt's dose, or the dose of the attack
        "today": (owner.get(reverse("today")), "3.5 g"),
        "history": (owner.get("/diary/history/"), "3.5 g"),
        "attack mode": (owner.get(reverse("diary:attack", args=[attack.pk])), "2.5 g"),
        "shared timeline": (reader.get(reverse("sharing:timeline", args=[token])), "3.5 g"),
        "shared history": (reader.get(reverse("diary:shared_history", args=[token])), "3.5 g"),
    }
    for name, (response, amount) in pages.items():
        text = " ".join(response.content.decode().split())
        assert response.status_code == 200, name
        assert re.search(rf"\b{re.escape(amount)}\b", text), name
        assert not re.search(r"\b\d+\.\d0 g\b", text), (name, re.findall(r"\b\d+\.\d0 g\b", text))
