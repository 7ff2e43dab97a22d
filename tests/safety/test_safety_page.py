"""The safety page lists every active alert with its sources and dates, and the sourced interaction table."""

import pytest
from django.test import Client

from relief.diary.models import SideEffect
from tests.access.people import logged_in, share_with
from tests.factories import ago, make_dose, make_medication, make_side_effect, make_user

pytestmark = pytest.mark.django_db


def test_the_owner_sees_their_alerts_with_sources_dates_and_the_disclaimer():
    owner = make_user()
    make_medication(owner, "amitriptyline")
    make_dose(owner, "kratom", amount=3, unit="g", taken_at=ago(hours=2))
    page = logged_in(owner).get("/safety/").content.decode()
    assert "Information, not medical advice" in page
    assert "Amitriptyline" in page
    assert "as of 20" in page  # every alert shows the date of its knowledge
    assert "Kratom with other substances" in page and "Benzodiazepine" in page


def test_a_red_flag_brings_a_seek_care_alert_that_asks_to_be_acknowledged():
    owner = make_user()
    make_side_effect(owner, SideEffect.Symptom.CHEST_PAIN, severity="severe", occurred_at=ago(minutes=20))
    client = logged_in(owner)
    page = client.get("/safety/").content.decode()
    assert "Chest pain" in page or "chest pain" in page
    assert "I have read this" in page


def test_a_clinician_and_a_stranger_never_see_the_owners_alerts():
    owner = make_user()
    make_medication(owner, "amitriptyline")
    make_dose(owner, "kratom", amount=3, unit="g")
    clinician, stranger = make_user(), make_user()
    share_with(owner, clinician)
    for person in (clinician, stranger):
        page = logged_in(person).get("/safety/").content.decode()
        assert "Amitriptyline" not in page
        assert "No safety notes for your diary right now" in page


def test_signed_out_visitors_are_sent_to_log_in():
    assert Client().get("/safety/").status_code == 302


def test_the_reference_tables_are_folded_below_the_persons_own_alerts():
    owner = make_user()
    make_medication(owner, "amitriptyline")
    make_dose(owner, "kratom", amount=3, unit="g", taken_at=ago(hours=2))
    page = logged_in(owner).get("/safety/").content.decode()

    interactions = page[page.index('id="interactions"') :]
    pairs = page[page.index('id="pairs"') :]
    # the person's alert comes first; each long table opens only when asked for
    assert page.index("Amitriptyline") < page.index('id="interactions"')
    assert (
        interactions.index("<details>")
        < interactions.index("Benzodiazepine")
        < interactions.index("</details>")
    )
    assert pairs.index("<details>") < pairs.index("<table>") < pairs.index("</details>")
    assert "entries, with their sources</summary>" in interactions
