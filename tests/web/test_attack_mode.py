"""Attack mode: one tap to start, then pain, symptoms, most bothersome and the usual dose one tap each."""

from datetime import timedelta

import pytest
from django.urls import reverse

from relief.diary.models import Attack
from relief.diary.services import Pain, log_attack
from relief.treatments.models import Dose
from tests.factories import ago, make_attack, make_dose, make_medication, make_user
from tests.web.helpers import post_form, signed_in, strict


@pytest.mark.django_db
def test_starting_an_attack_thirty_minutes_ago_opens_attack_mode():
    alice = make_user("alice")
    response = post_form(strict(alice), reverse("today"), {"ago": "30"}, to=reverse("diary:attack_start"))
    attack = Attack.objects.get(user=alice)
    assert response["Location"] == reverse("diary:attack", args=[attack.pk])
    assert 29 <= (ago() - attack.started_at).total_seconds() / 60 <= 31


@pytest.mark.django_db
def test_attack_mode_goes_straight_to_the_open_attack():
    alice = make_user("alice")
    attack = make_attack(alice)
    response = signed_in(alice).get(reverse("diary:attack_home"))
    assert response["Location"] == reverse("diary:attack", args=[attack.pk])


@pytest.mark.django_db
def test_a_pain_tap_adds_a_sample_and_htmx_gets_only_the_panel():
    alice = make_user("alice")
    attack = make_attack(alice)
    response = signed_in(alice).post(
        reverse("diary:attack_pain", args=[attack.pk]), {"nrs": "7"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="attack-panel">')
    assert "pain 7 at" in html
    assert [s.nrs for s in attack.pain_samples.all()] == [7]


@pytest.mark.django_db
def test_without_javascript_a_pain_tap_comes_back_to_the_page():
    alice = make_user("alice")
    attack = make_attack(alice)
    response = post_form(
        strict(alice),
        reverse("diary:attack", args=[attack.pk]),
        {"nrs": "4"},
        to=reverse("diary:attack_pain", args=[attack.pk]),
    )
    assert response["Location"] == reverse("diary:attack", args=[attack.pk])


@pytest.mark.django_db
def test_a_symptom_tap_marks_it_and_a_second_tap_takes_it_back_to_not_noted():
    alice = make_user("alice")
    attack = make_attack(alice)
    client = signed_in(alice)
    url = reverse("diary:attack_symptom", args=[attack.pk])
    client.post(url, {"symptom": "photophobia"})
    attack.refresh_from_db()
    assert attack.photophobia is True
    client.post(url, {"symptom": "photophobia"})
    attack.refresh_from_db()
    assert attack.photophobia is None


@pytest.mark.django_db
def test_most_bothersome_is_one_tap():
    alice = make_user("alice")
    attack = make_attack(alice)
    signed_in(alice).post(reverse("diary:attack_bothersome", args=[attack.pk]), {"most_bothersome": "nausea"})
    attack.refresh_from_db()
    assert attack.most_bothersome == "nausea"


@pytest.mark.django_db
def test_the_usual_dose_is_repeated_during_the_attack_with_the_pain_at_that_moment():
    alice = make_user("alice")
    usual = make_dose(alice, amount=4, unit="g", taken_at=ago(days=2))
    attack = log_attack(alice, started_at=ago(minutes=40), pain=[Pain(at=ago(minutes=30), nrs=6)]).entry
    page = signed_in(alice).get(reverse("diary:attack", args=[attack.pk])).content.decode()
    assert "Kratom 4 g" in page
    response = post_form(
        strict(alice),
        reverse("diary:attack", args=[attack.pk]),
        {"template": usual.pk, "attack": attack.pk},
        to=reverse("treatments:dose_repeat"),
    )
    assert response.status_code == 302
    dose = Dose.objects.get(attack=attack)
    assert (dose.amount, dose.unit, dose.reason, dose.outcome.pain_at_dose) == (4, "g", "acute", 6)


@pytest.mark.django_db
def test_ending_the_attack_sets_its_end():
    alice = make_user("alice")
    attack = make_attack(alice)
    signed_in(alice).post(reverse("diary:attack_end", args=[attack.pk]))
    attack.refresh_from_db()
    assert attack.ended_at is not None


@pytest.mark.django_db
def test_a_past_attack_is_logged_with_its_worst_pain():
    alice = make_user("alice")
    data = {
        "started_at": ago(days=1).strftime("%Y-%m-%dT%H:%M"),
        "peak_pain": "8",
        "believed_migraine": "true",
    }
    response = post_form(strict(alice), reverse("diary:attack_new"), data)
    assert response.status_code == 302
    attack = Attack.objects.get(user=alice)
    assert attack.believed_migraine is True
    assert [s.nrs for s in attack.pain_samples.all()] == [8]


@pytest.mark.django_db
def test_an_attack_that_ends_before_it_starts_is_refused_with_the_reason():
    alice = make_user("alice")
    attack = make_attack(alice)
    data = {"started_at": "2026-01-02T10:00", "ended_at": "2026-01-02T09:00"}
    response = signed_in(alice).post(reverse("diary:attack_edit", args=[attack.pk]), data)
    assert response.status_code == 200
    assert "before the start" in response.content.decode()


@pytest.mark.django_db
def test_editing_and_deleting_an_attack():
    alice = make_user("alice")
    attack = make_attack(alice)
    client = signed_in(alice)
    data = {
        "started_at": ago(hours=5).strftime("%Y-%m-%dT%H:%M"),
        "side": "left",
        "notes": "after the flight",
    }
    assert client.post(reverse("diary:attack_edit", args=[attack.pk]), data).status_code == 302
    attack.refresh_from_db()
    assert (attack.side, attack.notes) == ("left", "after the flight")
    assert client.get(reverse("diary:attack_delete", args=[attack.pk])).status_code == 200
    client.post(reverse("diary:attack_delete", args=[attack.pk]))
    assert not Attack.objects.filter(pk=attack.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "attack",
        "attack_pain",
        "attack_symptom",
        "attack_bothersome",
        "attack_end",
        "attack_edit",
        "attack_delete",
        "attack_link_dose",
    ],
)
def test_a_stranger_cannot_see_or_touch_someone_elses_attack(name):
    attack = make_attack(make_user("alice"))
    client = signed_in(make_user("mallory"))
    url = reverse(f"diary:{name}", args=[attack.pk])
    assert client.get(url).status_code in (404, 405)
    assert client.post(url, {"nrs": "3", "symptom": "nausea", "most_bothersome": "nausea"}).status_code == 404
    assert Attack.objects.get(pk=attack.pk).pain_samples.count() == 0


@pytest.mark.django_db
def test_a_stranger_cannot_repeat_someone_elses_dose_or_attach_to_their_attack():
    alice = make_user("alice")
    dose = make_dose(alice)
    attack = make_attack(alice)
    mallory = make_user("mallory")
    client = signed_in(mallory)
    assert client.post(reverse("treatments:dose_repeat"), {"template": dose.pk}).status_code == 404
    own = make_dose(mallory)
    assert (
        client.post(reverse("treatments:dose_repeat"), {"template": own.pk, "attack": attack.pk}).status_code
        == 404
    )
    assert Dose.objects.filter(attack=attack).count() == 0


@pytest.mark.django_db
def test_a_dose_taken_at_the_first_sign_is_offered_to_the_attack_logged_after_it_and_linked_in_one_tap():
    alice = make_user("alice")
    make_medication(alice, "amitriptyline")  # so the dose has a caution of its own
    first_sign = make_dose(alice, amount=2, taken_at=ago(minutes=20))
    too_early = make_dose(alice, amount=3, taken_at=ago(hours=3))
    preventive = make_dose(
        alice, "magnesium", amount=400, unit="mg", reason="preventive", taken_at=ago(minutes=5)
    )
    attack = log_attack(alice, started_at=ago(minutes=10)).entry
    client = signed_in(alice)
    page = client.get(reverse("diary:attack", args=[attack.pk])).content.decode()
    assert page.count(": for this attack?") == 1
    assert f'name="dose" value="{first_sign.pk}"' in page
    assert str(too_early.pk) not in page and str(preventive.pk) not in page

    url = reverse("diary:attack_link_dose", args=[attack.pk])
    panel = client.post(url, {"dose": first_sign.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert Dose.objects.get(pk=first_sign.pk).attack_id == attack.pk
    assert "now counts for this attack" in panel and ": for this attack?" not in panel
    assert 'aria-label="Safety notes"' not in panel  # its cautions were given when it was logged

    client.post(url, {"dose": too_early.pk})  # not offered, so not linked from here
    assert Dose.objects.get(pk=too_early.pk).attack_id is None


@pytest.mark.django_db
def test_an_attack_known_only_by_its_day_asks_about_no_dose():
    alice = make_user("alice")
    noon = ago(days=1).replace(hour=12, minute=0, second=0, microsecond=0)
    make_dose(alice, amount=2, taken_at=noon - timedelta(minutes=10))
    attack = log_attack(alice, started_at=noon, ended_at=noon).entry
    page = signed_in(alice).get(reverse("diary:attack", args=[attack.pk])).content.decode()
    assert "times not recorded" in page and ": for this attack?" not in page


@pytest.mark.django_db
def test_no_one_links_a_dose_of_their_own_to_someone_elses_attack_or_the_reverse():
    alice, mallory = make_user("alice"), make_user("mallory")
    attack = log_attack(alice, started_at=ago(minutes=10)).entry
    alices_dose = make_dose(alice, taken_at=ago(minutes=5))
    mallorys_attack = log_attack(mallory, started_at=ago(minutes=10)).entry
    mallorys_dose = make_dose(mallory, taken_at=ago(minutes=5))
    client = signed_in(mallory)
    assert (
        client.post(
            reverse("diary:attack_link_dose", args=[attack.pk]), {"dose": mallorys_dose.pk}
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("diary:attack_link_dose", args=[mallorys_attack.pk]), {"dose": alices_dose.pk}
        ).status_code
        == 404
    )
    assert Dose.objects.filter(attack__isnull=False).count() == 0


@pytest.mark.django_db
def test_a_mistaken_pain_tap_can_be_deleted_by_the_owner_only():
    alice = make_user("alice")
    attack = log_attack(alice, started_at=ago(minutes=40), pain=[Pain(at=ago(minutes=30), nrs=9)]).entry
    sample = attack.pain_samples.get()
    url = reverse("diary:pain_delete", args=[sample.pk])
    assert "9 of 10" in signed_in(alice).get(reverse("diary:attack_edit", args=[attack.pk])).content.decode()
    assert signed_in(make_user("mallory")).post(url).status_code == 404
    assert (
        post_form(strict(alice), reverse("diary:attack_edit", args=[attack.pk]), {}, to=url).status_code
        == 302
    )
    assert attack.pain_samples.count() == 0


@pytest.mark.django_db
def test_adding_an_attack_from_a_day_starts_at_noon_of_that_day():
    page = (
        signed_in(make_user("alice")).get(f"{reverse('diary:attack_new')}?date=2026-03-04").content.decode()
    )
    assert 'value="2026-03-04T12:00"' in page
