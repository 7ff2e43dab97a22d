"""Doses with products, batches and own units; outcomes; standing medications; own units; alerts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from relief.safety.engine import check_diary
from relief.safety.models import AlertAcknowledgement
from relief.treatments.models import CustomUnit, Dose, DoseOutcome, StandingMedication
from tests.factories import ago, make_batch, make_dose, make_medication, make_product, make_user, substance
from tests.web.helpers import post_form, signed_in, strict


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.django_db
def test_a_dose_is_logged_with_product_batch_and_an_own_unit():
    alice = make_user("alice")
    product = make_product(alice)
    batch = make_batch(product)
    CustomUnit.objects.create(user=alice, name="capsule", grams=0.5)
    data = {"substance": substance("kratom").pk, "amount": "6", "unit": "capsule", "product": product.pk,
            "batch": batch.pk, "taken_at": _local(ago(minutes=10)), "reason": "chronic", "route": "oral"}  # fmt: skip
    response = post_form(strict(alice), reverse("treatments:dose_new"), data)
    assert response.status_code == 302
    dose = Dose.objects.get(user=alice)
    assert (dose.amount_g, dose.batch, dose.reason) == (3.0, batch, "chronic")


@pytest.mark.django_db
def test_an_implausible_amount_is_refused_with_the_hint():
    alice = make_user("alice")
    data = {"substance": substance("kratom").pk, "amount": "3000", "unit": "g", "taken_at": _local(ago(minutes=5)),
            "reason": "acute", "route": "oral"}  # fmt: skip
    response = signed_in(alice).post(reverse("treatments:dose_new"), data)
    assert response.status_code == 200
    assert "not plausible" in response.content.decode()
    assert not Dose.objects.exists()


@pytest.mark.django_db
def test_someone_elses_product_cannot_be_chosen():
    alice = make_user("alice")
    product = make_product(make_user("bob"))
    data = {"substance": substance("kratom").pk, "amount": "3", "unit": "g", "product": product.pk,
            "taken_at": _local(ago(minutes=5)), "reason": "acute", "route": "oral"}  # fmt: skip
    response = signed_in(alice).post(reverse("treatments:dose_new"), data)
    assert response.status_code == 200
    assert not Dose.objects.exists()


@pytest.mark.django_db
def test_editing_and_deleting_a_dose():
    alice = make_user("alice")
    dose = make_dose(alice, amount=3)
    client = signed_in(alice)
    data = {"substance": dose.substance.pk, "amount": "2.5", "unit": "g", "taken_at": _local(dose.taken_at),
            "reason": "acute", "route": "oral"}  # fmt: skip
    assert client.post(reverse("treatments:dose_edit", args=[dose.pk]), data).status_code == 302
    dose.refresh_from_db()
    assert dose.amount == 2.5
    client.post(reverse("treatments:dose_delete", args=[dose.pk]))
    assert not Dose.objects.exists()


@pytest.mark.django_db
def test_the_two_hour_question_appears_after_an_acute_dose_and_one_tap_answers_it():
    alice = make_user("alice")
    dose = make_dose(alice, taken_at=ago(hours=2, minutes=10))
    client = strict(alice)
    page = client.get(reverse("today")).content.decode()
    assert "How is the pain now?" in page
    response = post_form(
        client, reverse("today"), {"pain_2h": "1"}, to=reverse("treatments:outcome_quick", args=[dose.pk])
    )
    assert response.status_code == 302
    assert DoseOutcome.objects.get(dose=dose).pain_2h == 1
    assert "How is the pain now?" not in client.get(reverse("today")).content.decode()


@pytest.mark.django_db
def test_the_two_hour_question_is_asked_for_a_day_and_then_left_to_the_dose_itself():
    alice = make_user("alice")
    yesterday = make_dose(alice, taken_at=ago(hours=23))
    for days in range(2, 9):  # a week of acute doses nobody answered the question for
        make_dose(alice, taken_at=ago(days=days))
    client = signed_in(alice)
    page = client.get(reverse("today")).content.decode()
    assert page.count("How is the pain now?") == 1
    assert reverse("treatments:outcome_quick", args=[yesterday.pk]) in page
    reminders = client.get(reverse("reminders")).json()["outcomes"]
    assert [r["id"] for r in reminders] == [str(yesterday.pk)]
    # an older dose's outcome can still be given from the dose
    old = Dose.objects.filter(user=alice).order_by("taken_at").first()
    assert client.get(reverse("treatments:outcome", args=[old.pk])).status_code == 200


@pytest.mark.django_db
def test_the_full_outcome_form_keeps_earlier_answers():
    alice = make_user("alice")
    dose = make_dose(alice, taken_at=ago(hours=30))
    client = signed_in(alice)
    client.post(reverse("treatments:outcome_quick", args=[dose.pk]), {"pain_2h": "3"})
    data = {"pain_2h": "3", "pain_24h": "0", "rescue_taken": "false", "returned_24h": "false"}
    assert client.post(reverse("treatments:outcome", args=[dose.pk]), data).status_code == 302
    outcome = DoseOutcome.objects.get(dose=dose)
    assert (outcome.pain_2h, outcome.pain_24h, outcome.rescue_taken) == (3, 0, False)


@pytest.mark.django_db
def test_a_two_hour_answer_given_twenty_minutes_after_the_dose_is_saved_with_a_note():
    alice = make_user("alice")
    dose = make_dose(alice, taken_at=ago(minutes=20))
    client = signed_in(alice)
    form = client.get(reverse("treatments:outcome", args=[dose.pk])).content.decode()
    assert "Taken 20 minutes ago. Answer for the times that have passed" in form

    data = {"pain_at_dose": "7", "pain_2h": "4", "mbs_gone_2h": "true"}
    page = client.post(reverse("treatments:outcome", args=[dose.pk]), data, follow=True).content.decode()
    assert DoseOutcome.objects.get(dose=dose).pain_2h == 4  # a note never blocks a save
    assert (
        "You gave the pain at 2 hours and whether the most bothersome symptom was gone at 2 hours "
        "20 minutes after the dose, before that time had come." in page
    )


@pytest.mark.django_db
def test_answers_whose_time_has_come_get_no_note():
    alice = make_user("alice")
    dose = make_dose(alice, taken_at=ago(minutes=115))  # a prompt answered a few minutes early
    client = signed_in(alice)
    assert "minutes ago" not in client.get(reverse("treatments:outcome", args=[dose.pk])).content.decode()
    page = client.post(reverse("treatments:outcome", args=[dose.pk]), {"pain_2h": "2"}, follow=True)
    assert "before that time had come" not in page.content.decode()


@pytest.mark.django_db
def test_an_empty_outcome_says_what_to_give():
    alice = make_user("alice")
    dose = make_dose(alice, taken_at=ago(hours=3))
    response = signed_in(alice).post(reverse("treatments:outcome", args=[dose.pk]), {})
    assert response.status_code == 200
    assert "give at least one answer" in response.content.decode()


@pytest.mark.django_db
def test_the_reminder_feed_lists_outcomes_due_and_the_check_in_once_its_time_has_come():
    alice = make_user("alice", checkin_reminder_time=(timezone.now() - timedelta(minutes=1)).time())
    dose = make_dose(alice, taken_at=ago(hours=3))
    data = signed_in(alice).get(reverse("reminders")).json()
    assert [o["id"] for o in data["outcomes"]] == [str(dose.pk)]
    assert data["checkin_due"] in (True, False)  # the minute may cross midnight on a slow machine
    assert data["checkin_url"] == reverse("diary:checkin")


@pytest.mark.django_db
def test_a_standing_medication_is_added_changed_stopped_and_deleted():
    alice = make_user("alice")
    client = strict(alice)
    data = {
        "substance": substance("sertraline").pk,
        "dose_text": "50 mg in the morning",
        "started_on": "2026-01-10",
    }
    assert post_form(client, reverse("treatments:medication_new"), data).status_code == 302
    med = StandingMedication.objects.get(user=alice)
    data.update(stopped_on="2026-03-01")
    assert post_form(client, reverse("treatments:medication_edit", args=[med.pk]), data).status_code == 302
    med.refresh_from_db()
    assert str(med.stopped_on) == "2026-03-01"
    post_form(client, reverse("treatments:medication_delete", args=[med.pk]), {})
    assert not StandingMedication.objects.exists()


@pytest.mark.django_db
def test_own_units_are_added_and_a_used_one_is_kept():
    alice = make_user("alice")
    client = signed_in(alice)
    client.post(reverse("treatments:units"), {"name": "scoop", "grams": "2.5"})
    unit = CustomUnit.objects.get(user=alice)
    make_dose(alice, amount=1, unit="scoop")
    client.post(reverse("treatments:unit_delete", args=[unit.pk]))
    assert CustomUnit.objects.filter(pk=unit.pk).exists()


@pytest.mark.django_db
def test_safety_alerts_are_shown_once_the_dose_is_saved():
    alice = make_user("alice")
    make_medication(alice, "tramadol")  # kratom with an opioid is a dangerous combination
    data = {"substance": substance("kratom").pk, "amount": "3", "unit": "g", "taken_at": _local(ago(minutes=5)),
            "reason": "acute", "route": "oral"}  # fmt: skip
    page = signed_in(alice).post(reverse("treatments:dose_new"), data, follow=True).content.decode()
    assert Dose.objects.filter(user=alice).exists()
    (alert,) = [a for a in check_diary(alice) if a.level == "dangerous"]
    assert alert.title in page and alert.actions[0] in page
    assert "I understand" in page


@pytest.mark.django_db
def test_i_understand_records_the_engines_own_alert():
    alice = make_user("alice")
    make_medication(alice, "tramadol")
    dose = make_dose(alice, taken_at=ago(minutes=30))
    (alert,) = [a for a in check_diary(alice) if a.level == "dangerous"]
    data = {"key": alert.key, "rule": "made-up", "level": "info", "entry_ids": "forged"}
    response = post_form(strict(alice), reverse("today"), data, to=reverse("acknowledge_alert"))
    assert response.status_code == 302
    ack = AlertAcknowledgement.objects.get(user=alice)
    assert (ack.alert_key, ack.level) == (alert.key, "dangerous")
    assert str(dose.pk) in ack.entry_ids and "forged" not in ack.entry_ids


@pytest.mark.django_db
def test_i_understand_on_a_key_that_is_not_active_records_nothing():
    alice = make_user("alice")
    data = {"key": "interaction:abc"}
    response = post_form(strict(alice), reverse("today"), data, to=reverse("acknowledge_alert"))
    assert response.status_code == 302
    assert not AlertAcknowledgement.objects.filter(user=alice).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["dose_edit", "dose_delete", "outcome", "outcome_quick"])
def test_a_stranger_gets_404_for_someone_elses_dose(name):
    dose = make_dose(make_user("alice"), taken_at=ago(hours=3))
    client = signed_in(make_user("mallory"))
    url = reverse(f"treatments:{name}", args=[dose.pk])
    assert client.get(url).status_code in (404, 405)
    assert client.post(url, {"pain_2h": "0"}).status_code == 404
    assert Dose.objects.filter(pk=dose.pk).exists()
    assert not DoseOutcome.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["medication_edit", "medication_delete"])
def test_a_stranger_gets_404_for_someone_elses_medication(name):
    med = make_medication(make_user("alice"))
    client = signed_in(make_user("mallory"))
    assert client.get(reverse(f"treatments:{name}", args=[med.pk])).status_code == 404
    assert client.post(reverse(f"treatments:{name}", args=[med.pk])).status_code == 404


@pytest.mark.django_db
def test_a_stranger_gets_404_for_someone_elses_unit():
    unit = CustomUnit.objects.create(user=make_user("alice"), name="scoop", grams=2)
    assert (
        signed_in(make_user("mallory")).post(reverse("treatments:unit_delete", args=[unit.pk])).status_code
        == 404
    )


@pytest.mark.django_db
def test_today_asks_for_the_check_in_once_the_reminder_time_has_passed():
    from datetime import time

    due = make_user("alice", checkin_reminder_time=time(0, 0))
    assert "time for your daily check-in" in signed_in(due).get(reverse("today")).content.decode()
    not_set = make_user("bob")
    assert "time for your daily check-in" not in signed_in(not_set).get(reverse("today")).content.decode()


@pytest.mark.django_db
def test_the_dose_form_starts_from_the_attack_given_and_ignores_a_strangers_attack():
    alice = make_user("alice")
    from tests.factories import make_attack

    mine = make_attack(alice)
    theirs = make_attack(make_user("bob"))
    client = signed_in(alice)
    page = client.get(f"{reverse('treatments:dose_new')}?attack={mine.pk}").content.decode()
    assert f'value="{mine.pk}" selected' in page
    page = client.get(f"{reverse('treatments:dose_new')}?attack={theirs.pk}").content.decode()
    assert str(theirs.pk) not in page


@pytest.mark.django_db
def test_a_dose_logged_from_the_ordinary_form_during_an_attack_belongs_to_that_attack():
    from tests.factories import make_attack

    alice = make_user("alice")
    forgotten = make_attack(alice, started_at=ago(days=4))  # never ended: not offered
    ended = make_attack(alice, started_at=ago(hours=5), ended_at=ago(hours=4))
    client = signed_in(alice)
    page = client.get(reverse("treatments:dose_new")).content.decode()
    attack_select = page.split('name="attack"', 1)[1].split("</select>", 1)[0]
    assert f'value="{forgotten.pk}" selected' not in attack_select
    assert f'value="{ended.pk}" selected' not in attack_select

    ongoing = make_attack(alice, started_at=ago(minutes=40))
    page = client.get(reverse("treatments:dose_new")).content.decode()
    attack_select = page.split('name="attack"', 1)[1].split("</select>", 1)[0]
    assert f'value="{ongoing.pk}" selected' in attack_select
    assert str(forgotten.pk) in attack_select and f'value="{ended.pk}" selected' not in attack_select
    assert "<h1>Log a dose</h1>" in page  # the ordinary form, not attack mode's "Something else"

    data = {"substance": substance("kratom").pk, "amount": "3", "unit": "g", "taken_at": _local(ago(minutes=5)),
            "reason": "acute", "route": "oral", "attack": ongoing.pk}  # fmt: skip
    assert client.post(reverse("treatments:dose_new"), data).status_code == 302
    assert Dose.objects.get(user=alice).attack == ongoing


@pytest.mark.django_db
def test_the_reminder_feed_holds_only_the_persons_own_doses():
    alice = make_user("alice")
    make_dose(make_user("bob"), taken_at=ago(hours=3))
    assert signed_in(alice).get(reverse("reminders")).json()["outcomes"] == []


@pytest.mark.django_db
def test_a_day_later_one_tap_says_whether_the_headache_came_back():
    alice = make_user("alice")
    dose = make_dose(alice, taken_at=ago(hours=30))
    client = strict(alice)
    post_form(
        client, reverse("today"), {"pain_2h": "2"}, to=reverse("treatments:outcome_quick", args=[dose.pk])
    )
    assert "Did the headache come back?" in client.get(reverse("today")).content.decode()
    post_form(
        client,
        reverse("today"),
        {"returned_24h": "no"},
        to=reverse("treatments:outcome_quick", args=[dose.pk]),
    )
    outcome = DoseOutcome.objects.get(dose=dose)
    assert (outcome.pain_2h, outcome.returned_24h) == (2, False)
    assert "Did the headache come back?" not in client.get(reverse("today")).content.decode()


@pytest.mark.django_db
def test_a_dose_from_a_product_page_starts_with_that_product_and_its_newest_batch():
    alice = make_user("alice")
    product = make_product(alice)
    make_batch(product, "OLD", purchase_date="2026-01-01")
    newest = make_batch(product, "NEW", purchase_date="2026-06-01")
    page = signed_in(alice).get(f"{reverse('treatments:dose_new')}?product={product.pk}").content.decode()
    assert f'value="{product.pk}" selected' in page
    assert f'value="{newest.pk}" selected' in page
    theirs = make_product(make_user("bob"), "Their powder")
    page = signed_in(alice).get(f"{reverse('treatments:dose_new')}?product={theirs.pk}").content.decode()
    assert "Their powder" not in page


@pytest.mark.django_db
def test_a_new_person_sees_how_to_get_started_until_something_is_logged():
    alice = make_user("alice")
    assert "Getting started" in signed_in(alice).get(reverse("today")).content.decode()
    make_dose(alice)
    assert "Getting started" not in signed_in(alice).get(reverse("today")).content.decode()


@pytest.mark.django_db
def test_the_outcome_form_says_each_question_once():
    alice = make_user("alice")
    dose = make_dose(alice, taken_at=ago(hours=3))
    page = signed_in(alice).get(reverse("treatments:outcome", args=[dose.pk])).content.decode()
    assert "Most bothersome symptom gone at 2 hours" in page and "Took something else (rescue)" in page
    for repeated in (
        "Most bothersome symptom gone at 2 h<",
        "Minutes until relief began",
        "Took rescue medication",
    ):
        assert repeated not in page


@pytest.mark.django_db
def test_a_usual_dose_tapped_on_the_today_page_during_an_attack_belongs_to_it():
    from tests.factories import make_attack

    alice = make_user("alice")
    usual = make_dose(alice, amount=2, reason="chronic", taken_at=ago(days=2))
    forgotten = make_attack(alice, started_at=ago(days=4))
    client = signed_in(alice)
    page = client.get(reverse("today")).content.decode()
    assert f'name="template" value="{usual.pk}"' in page
    assert f'name="attack" value="{forgotten.pk}"' not in page  # left open for days: not "ongoing"

    ongoing = make_attack(alice, started_at=ago(minutes=30))
    for path in (reverse("today"), reverse("treatments:dose_new")):
        page = client.get(path).content.decode()
        usual_form = page.split('action="/treatments/doses/repeat/"', 1)[1].split("</form>", 1)[0]
        assert f'name="attack" value="{ongoing.pk}"' in usual_form, path

    response = client.post(reverse("treatments:dose_repeat"), {"template": usual.pk, "attack": ongoing.pk})
    assert response.status_code == 302
    tapped = Dose.objects.filter(user=alice).latest("taken_at")
    assert tapped.attack == ongoing and tapped.reason == Dose.Reason.ACUTE
