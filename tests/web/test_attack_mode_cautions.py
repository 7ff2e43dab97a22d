"""Attack mode's cautions before a usual dose: the same caution once, naming every dose it applies to."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from relief.diary.templatetags.attack_mode import doses_text, fold_cautions, group_by_doses
from relief.safety.preview import PREVIEW_ID
from tests.factories import ago, make_attack, make_dose, make_medication, make_product, make_user
from tests.web.helpers import signed_in


def caution(title: str, message: str = "Check with a pharmacist.", level: str = "caution", **more):
    return {"level": level, "title": title, "message": message, "dangerous": level == "dangerous", **more}


def previewed(label: str) -> dict:
    return {"kind": "dose", "id": PREVIEW_ID, "label": label}


def test_the_same_caution_for_three_doses_is_one_card_naming_all_three():
    rows = [{"label": f"Kratom {g} g", "alerts": [caution("Driving after a kratom dose")]} for g in (2, 3, 4)]
    cards = fold_cautions(rows)
    assert len(cards) == 1
    assert cards[0]["labels"] == ["Kratom 2 g", "Kratom 3 g", "Kratom 4 g"]
    assert doses_text(cards[0]["labels"], ["Kratom 2 g", "Kratom 3 g", "Kratom 4 g", "Ibuprofen"]) == (
        "Kratom 2 g, Kratom 3 g or Kratom 4 g"
    )
    assert (
        doses_text(cards[0]["labels"], ["Kratom 4 g", "Kratom 2 g", "Kratom 3 g"]) == "any of the doses below"
    )


def test_cautions_that_differ_in_anything_shown_keep_their_own_cards():
    rows = [
        {"label": "Kratom 3 g", "alerts": [caution("Daily amount rising", "up to 23.25 g")]},
        {"label": "Kratom 4 g", "alerts": [caution("Daily amount rising", "up to 23.75 g")]},
        {"label": "Ibuprofen", "alerts": [caution("Daily amount rising", "up to 23.75 g", level="info")]},
        {"label": "Sumatriptan", "alerts": [caution("Daily amount rising", "up to 23.75 g", action="Rest.")]},
    ]
    cards = fold_cautions(rows)
    assert [c["labels"] for c in cards] == [["Kratom 3 g"], ["Kratom 4 g"], ["Ibuprofen"], ["Sumatriptan"]]


def test_evidence_that_only_names_the_previewed_dose_folds_and_other_evidence_does_not():
    medication = {"kind": "standing_medication", "id": "m1", "label": "Amitriptyline from 2026-01-15"}
    other = {"kind": "standing_medication", "id": "m2", "label": "Tramadol from 2026-02-01"}
    rows = [
        {
            "label": "Kratom 3 g",
            "alerts": [caution("Combination", evidence=[medication, previewed("3 g Kratom")])],
        },
        {
            "label": "Kratom 4 g",
            "alerts": [caution("Combination", evidence=[medication, previewed("4 g Kratom")])],
        },
        {
            "label": "Kratom 5 g",
            "alerts": [caution("Combination", evidence=[other, previewed("5 g Kratom")])],
        },
    ]
    cards = fold_cautions(rows)
    assert [c["labels"] for c in cards] == [["Kratom 3 g", "Kratom 4 g"], ["Kratom 5 g"]]
    assert cards[0]["alert"]["evidence"] == [medication]  # the card names the doses; the rest stays
    assert cards[1]["alert"]["evidence"] == [other, previewed("5 g Kratom")]


def test_dangerous_cautions_come_first_and_same_titles_stay_together():
    rows = [
        {"label": "A", "alerts": [caution("Rising", "1"), caution("Legal notice")]},
        {"label": "B", "alerts": [caution("Rising", "2"), caution("Do not combine", level="dangerous")]},
    ]
    titles = [(c["alert"]["title"], c["labels"]) for c in fold_cautions(rows)]
    assert titles == [
        ("Do not combine", ["B"]),
        ("Rising", ["A"]),
        ("Rising", ["B"]),
        ("Legal notice", ["A"]),
    ]


def test_cautions_for_the_same_doses_share_one_heading_and_the_most_serious_group_comes_first():
    rows = [
        {"label": "A", "alerts": [caution("Driving"), caution("Rising", "1")]},
        {"label": "B", "alerts": [caution("Driving"), caution("Do not combine", level="dangerous")]},
    ]
    groups = group_by_doses(fold_cautions(rows), ["A", "B"])
    assert [(g["doses"], [c["alert"]["title"] for c in g["cards"]]) for g in groups] == [
        ("B", ["Do not combine"]),
        ("any of the doses below", ["Driving"]),
        ("A", ["Rising"]),
    ]


@pytest.mark.django_db
def test_attack_mode_shows_an_interaction_once_for_every_kratom_product_above_the_buttons():
    person = make_user()
    make_medication(person, "amitriptyline")
    for name, grams in (("Red Bali", 3), ("White Borneo", 4), ("Green Maeng Da", 5)):
        product = make_product(person, name=name)
        for days in (3, 6):
            make_dose(
                person, amount=grams, product=product, reason="acute", taken_at=ago(days=days, hours=grams)
            )
    make_attack(person, started_at=ago() - timedelta(minutes=20))

    page = signed_in(person).get(reverse("diary:attack_home"), follow=True).content.decode()

    panel = page[page.index('id="took-h"') : page.index('id="sym-h"')]
    shown = [
        " ".join(t.split())
        for t in re.findall(
            r'<p class="preview-for"[^>]*>(.*?)</p>|<summary class="alert-title">(.*?)<span', panel
        )
        for t in t
        if t
    ]
    assert shown == [
        "Before any of the doses below:",
        "Combination to check: kratom and Amitriptyline",  # was three cards
        "Before Kratom 5 g · Green Maeng Da:",
        "5 g of kratom leaf compared with published bands",  # its own
    ]
