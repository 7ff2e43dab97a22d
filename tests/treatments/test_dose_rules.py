"""Dose amounts: positive, with a unit, converted to grams, and refused when no one could take that much."""

import pytest
from django.core.exceptions import ValidationError

from relief.treatments.models import Dose, StandingMedication
from relief.treatments.services import add_custom_unit, log_dose, log_outcome, require_substance
from tests.factories import ago, make_attack, make_dose, make_product, make_user, substance

pytestmark = pytest.mark.django_db


def test_it_refuses_300_g_of_kratom_and_says_what_looks_wrong():
    user = make_user()
    with pytest.raises(ValidationError) as err:
        log_dose(user, substance=substance("kratom"), amount=300, unit="g")
    message = err.value.message_dict["amount"][0]
    assert "300 g" in message and "not plausible" in message and "Check the amount and the unit" in message
    assert Dose.objects.count() == 0


def test_3000_g_typed_for_3000_mg_gets_a_did_you_mean():
    user = make_user()
    with pytest.raises(ValidationError) as err:
        log_dose(user, substance=substance("kratom"), amount=3000, unit="g")
    assert "did you mean 3000 mg (3 g)?" in err.value.message_dict["amount"][0]
    saved = log_dose(user, substance=substance("kratom"), amount=3000, unit="mg")
    assert saved.entry.amount_g == pytest.approx(3.0)


def test_a_plausible_dose_is_saved_even_when_a_warning_would_apply():
    user = make_user()
    saved = log_dose(user, substance=substance("kratom"), amount=9, unit="g")
    assert saved.entry.pk is not None and saved.entry.amount_g == 9


@pytest.mark.parametrize("amount", [0, -2])
def test_amounts_must_be_more_than_zero(amount):
    user = make_user()
    with pytest.raises(ValidationError) as err:
        log_dose(user, substance=substance("ibuprofen"), amount=amount, unit="mg")
    assert "more than 0" in err.value.message_dict["amount"][0]


def test_an_amount_needs_a_unit_and_a_unit_needs_an_amount():
    user = make_user()
    with pytest.raises(ValidationError) as err:
        log_dose(user, substance=substance("kratom"), amount=3, unit="")
    assert "give the unit" in err.value.message_dict["unit"][0]
    with pytest.raises(ValidationError) as err:
        log_dose(user, substance=substance("kratom"), amount=None, unit="g")
    assert "give the amount" in err.value.message_dict["amount"][0]


def test_a_non_drug_measure_can_be_logged_without_an_amount():
    user = make_user()
    saved = log_dose(user, substance=substance("dark-room-rest"))
    assert saved.entry.amount is None and saved.entry.amount_g is None


def test_a_custom_unit_converts_to_grams():
    user = make_user()
    add_custom_unit(user, name="capsule", grams=0.5)
    saved = log_dose(user, substance=substance("kratom"), amount=6, unit="Capsule")
    assert saved.entry.unit == "capsule" and saved.entry.amount_g == pytest.approx(3.0)


def test_an_unknown_unit_is_refused_with_how_to_define_it():
    user = make_user()
    with pytest.raises(ValidationError) as err:
        log_dose(user, substance=substance("kratom"), amount=2, unit="scoop")
    assert "1 scoop = 0.5 g" in err.value.message_dict["unit"][0]


def test_custom_units_must_weigh_something_and_not_shadow_built_in_units():
    user = make_user()
    with pytest.raises(ValidationError):
        add_custom_unit(user, name="scoop", grams=0)
    with pytest.raises(ValidationError):
        add_custom_unit(user, name="mg", grams=1)


def test_a_dose_cannot_point_at_another_persons_product_or_attack():
    owner, stranger = make_user(), make_user()
    product = make_product(owner)
    attack = make_attack(owner)
    with pytest.raises(ValidationError) as err:
        log_dose(stranger, substance=substance("kratom"), amount=2, unit="g", product=product, attack=attack)
    assert "another person" in err.value.message_dict["product"][0]
    assert "another person" in err.value.message_dict["attack"][0]


def test_misspelled_names_find_the_catalogue_entry():
    user = make_user()
    assert require_substance(user, "Summatriptan").key == "sumatriptan"
    assert require_substance(user, "acetaminophen").key == "paracetamol"
    with pytest.raises(ValidationError):
        require_substance(user, "no such thing")


def test_an_outcome_is_completed_step_by_step_without_losing_earlier_answers():
    user = make_user()
    dose = make_dose(user, taken_at=ago(hours=3))
    log_outcome(user, dose, pain_at_dose=7, pain_30m=5)
    log_outcome(user, dose, pain_2h=1, rescue_taken=False)
    dose.outcome.refresh_from_db()
    assert (dose.outcome.pain_at_dose, dose.outcome.pain_30m, dose.outcome.pain_2h) == (7, 5, 1)


def test_a_standing_medication_cannot_stop_before_it_starts():
    user = make_user()
    med = StandingMedication(
        user=user,
        substance=substance("amitriptyline"),
        started_on=ago(days=10).date(),
        stopped_on=ago(days=20).date(),
    )
    with pytest.raises(ValidationError) as err:
        med.full_clean()
    assert "before the start" in err.value.message_dict["stopped_on"][0]
