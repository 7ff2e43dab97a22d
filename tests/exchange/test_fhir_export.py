import json
from datetime import timedelta

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from relief.diary.services import Pain, log_questionnaire
from relief.exchange.fhir import export_bundle
from relief.treatments.models import CustomUnit
from tests.exchange.helpers import with_catalogue
from tests.factories import (
    ago,
    make_attack,
    make_day,
    make_dose,
    make_medication,
    make_side_effect,
    make_user,
)


def _diary(user):
    from relief.diary.services import log_attack

    attack = log_attack(
        user,
        started_at=ago(days=3),
        ended_at=ago(days=3) + (ago(hours=0) - ago(hours=5)),
        nausea=True,
        photophobia=False,
        aura_visual=True,
        notes="<b>bad</b> one",
        pain=[
            Pain(at=ago(days=3), nrs=7),
            Pain(at=ago(days=3) + (ago(hours=0) - ago(hours=1)), four_point=2),
        ],
    ).entry
    make_dose(user, "kratom", amount=3, unit="g", taken_at=ago(days=3), attack=attack)
    make_dose(user, "sumatriptan", amount=50, unit="mg", taken_at=ago(days=3))
    unit = CustomUnit(user=user, name="capsule", grams=0.5)
    unit.full_clean()
    unit.save()
    make_dose(user, "kratom", amount=4, unit="capsule", taken_at=ago(days=2), reason="chronic")
    make_day(user, ago(days=1).date(), worst_pain=5)
    make_medication(user, "amitriptyline", dose_text="10 mg at night")
    make_side_effect(user, "nausea", occurred_at=ago(days=2))
    log_questionnaire(user, instrument="hit6", answers=[1, 2, 3, 4, 0, 1])
    log_questionnaire(user, instrument="midas", answers=[1, 0, 2, 0, 1, 10, 6])
    return attack


def _by_type(bundle, kind):
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


@pytest.mark.django_db
def test_every_resource_and_the_bundle_validate_as_fhir_r4():
    with_catalogue()
    user = make_user(sex="female", birth_year=1985, city="Lyon", country="FR")
    _diary(user)
    bundle = export_bundle(user)
    Bundle.model_validate(json.loads(json.dumps(bundle)))
    assert bundle["type"] == "collection"
    for entry in bundle["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"


@pytest.mark.django_db
def test_the_diary_holds_no_conditions_only_observations():
    with_catalogue()
    user = make_user()
    _diary(user)
    findings = [
        {
            "kind": "migraine_without_aura",
            "start": "2026-01-01",
            "end": "2026-03-31",
            "text": "5 of 6 attacks",
        }
    ]
    bundle = export_bundle(user, findings=findings)
    assert _by_type(bundle, "Condition") == []
    (finding,) = [
        o for o in _by_type(bundle, "Observation") if "finding" in o["code"].get("text", "").lower()
    ]
    assert finding["code"]["coding"][0]["code"] == "56097005"
    assert "not a diagnosis" in finding["code"]["text"]


@pytest.mark.django_db
def test_pain_uses_loinc_72514_3_and_symptoms_use_snomed():
    with_catalogue()
    user = make_user()
    _diary(user)
    observations = _by_type(export_bundle(user), "Observation")
    nrs = [o for o in observations if o["code"]["coding"][0]["code"] == "72514-3"]
    assert sorted(o["valueInteger"] for o in nrs) == [5, 7]
    ordinal = [o for o in observations if o["code"]["coding"][0]["code"] == "38208-5"]
    assert ordinal[0]["valueCodeableConcept"]["coding"][0]["code"] == "LA6751-7"
    (attack,) = [o for o in observations if o["code"]["coding"][0]["code"] == "25064002"]
    components = {
        c["code"]["coding"][0]["code"]: c["valueBoolean"] for c in attack["component"] if "valueBoolean" in c
    }
    assert components["422587007"] is True  # nausea
    assert components["409668002"] is False  # photophobia, said no
    assert "422400008" not in components  # vomiting unknown: left out, not "no"
    assert len(attack["hasMember"]) == 2


@pytest.mark.django_db
def test_every_dose_is_a_medication_statement_and_kratom_carries_its_unii():
    with_catalogue()
    user = make_user()
    _diary(user)
    statements = _by_type(export_bundle(user), "MedicationStatement")
    per_dose = [s for s in statements if "effectiveDateTime" in s]
    assert len(per_dose) == 3
    kratom = [s for s in per_dose if s["medicationCodeableConcept"]["text"] == "Kratom"]
    assert {"system": "http://fdasis.nlm.nih.gov", "code": "754HG7WK00", "display": "Kratom"} in kratom[0][
        "medicationCodeableConcept"
    ]["coding"]
    grams = [s["dosage"][0]["doseAndRate"][0]["doseQuantity"] for s in kratom]
    assert {"value": 3.0, "unit": "g", "system": "http://unitsofmeasure.org", "code": "g"} in grams
    assert {"value": 4.0, "unit": "capsule"} in grams
    (standing,) = [s for s in statements if "effectivePeriod" in s]
    assert standing["status"] == "active"


@pytest.mark.django_db
def test_questionnaires_keep_their_item_answers_and_a_derived_score():
    with_catalogue()
    user = make_user()
    _diary(user)
    bundle = export_bundle(user)
    responses = {r["questionnaire"]: r for r in _by_type(bundle, "QuestionnaireResponse")}
    hit6 = responses["urn:relief-journal:questionnaire:hit6"]
    assert [i["answer"][0]["valueInteger"] for i in hit6["item"]] == [1, 2, 3, 4, 0, 1]
    scores = [
        o
        for o in _by_type(bundle, "Observation")
        if o.get("derivedFrom") == [{"reference": f"urn:uuid:{hit6['id']}"}]
    ]
    assert scores[0]["valueQuantity"]["value"] == 8 + 10 + 11 + 13 + 6 + 8


@pytest.mark.django_db
def test_it_counts_headache_days_per_month_as_the_analysis_does_and_exports_only_the_persons_data():
    from relief.analysis import analyze
    from relief.insights.frames import build_diary

    with_catalogue()
    alice, bob = make_user(), make_user()
    make_attack(bob, notes="bob's")
    make_attack(alice, started_at=ago(days=40), ended_at=ago(days=40) + timedelta(hours=3))
    make_day(alice, ago(days=2).date(), worst_pain=4)
    bundle = export_bundle(alice)
    assert all("bob" not in json.dumps(e) for e in bundle["entry"])
    counts = [o for o in _by_type(bundle, "Observation") if o["code"]["coding"][0]["code"] == "headache-days"]
    monthly = analyze(build_diary(alice))["frequency"]["monthly"]
    assert [o["valueQuantity"]["value"] for o in counts] == [m["headache_days"] for m in monthly]
    assert sum(o["valueQuantity"]["value"] for o in counts) >= 1


@pytest.mark.django_db
def test_diary_based_criteria_met_go_in_as_observations_with_the_analysis_wording():
    from django.contrib.auth.models import User

    from relief.diary.demo import create_demo

    with_catalogue()
    # 180 days: in a 90-day demo too many attacks have unknown features for any criterion to be met
    create_demo("fhir-demo", days=180, seed=3)
    bundle = export_bundle(User.objects.get(username="fhir-demo"))
    Bundle.model_validate(bundle)
    assert _by_type(bundle, "Condition") == []
    findings = [
        o for o in _by_type(bundle, "Observation") if "Diary-based finding" in o["code"].get("text", "")
    ]
    assert findings
    assert all("not a diagnosis" in o["code"]["text"] for o in findings)
    codes = {o["code"]["coding"][0]["code"] for o in findings if "coding" in o["code"]}
    assert codes <= {"56097005", "4473006", "398057008"}  # without aura, with aura, tension-type
