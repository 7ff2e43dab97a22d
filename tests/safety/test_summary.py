"""The running summary: kept by the write path, equal to one rebuilt from the rows, read by the rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relief.diary import services as diary
from relief.diary.models import Attack
from relief.safety import summary
from relief.safety.models import DiarySummary
from relief.treatments import services as treatments
from relief.treatments.models import Dose
from tests.factories import ago, make_dose, make_medication, make_user, substance


def rebuilt(user):
    _, data = summary.build(user)
    return data


def kept(user):
    return summary.current(user).data


def _write(user, step):
    kind, minutes, choice = step
    if kind == "dose":
        key, amount, unit = [
            ("kratom", 1 + choice / 4, "g"),
            ("ibuprofen", 200, "mg"),
            ("alprazolam", 0.5, "mg"),
        ][choice % 3]
        treatments.create_dose(
            user, substance=substance(key), amount=amount, unit=unit, taken_at=ago(minutes=minutes)
        )
    elif kind == "attack":
        diary.create_attack(
            user, started_at=ago(minutes=minutes), ended_at=ago(minutes=minutes - 30) if choice % 2 else None
        )
    elif kind == "day":
        day = ago(minutes=minutes).date()
        diary.create_day_record(
            user, day=day, worst_pain=choice % 10, alcohol_units=2 if choice % 4 == 0 else None
        )
    elif kind == "edit":
        dose = Dose.objects.filter(user=user).order_by("taken_at").first()
        if dose is not None:
            treatments.update_dose(user, dose, taken_at=ago(minutes=minutes))
    elif kind == "delete":
        dose = Dose.objects.filter(user=user).order_by("-taken_at").first()
        if dose is not None:
            treatments.delete_dose(user, dose)
        attack = Attack.objects.filter(user=user).order_by("started_at").first()
        if attack is not None and choice % 2:
            diary.delete_attack(user, attack)
    elif kind == "outcome":
        dose = Dose.objects.filter(user=user).order_by("-taken_at").first()
        if dose is not None:
            treatments.create_outcome(user, dose, pain_2h=choice)
    elif kind == "side effect":
        diary.create_side_effect(user, symptom="nausea", occurred_at=ago(minutes=minutes))
    elif kind == "medication":
        treatments.create_medication(
            user, substance=substance("sertraline"), started_on=ago(minutes=minutes).date()
        )


STEPS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "dose",
                "dose",
                "dose",
                "attack",
                "day",
                "day",
                "edit",
                "delete",
                "medication",
                "outcome",
                "side effect",
            ]
        ),
        # from a few minutes to about eight months ago, so some fall behind the summary's horizon
        st.integers(min_value=31, max_value=60 * 24 * 240),
        st.integers(min_value=0, max_value=9),
    ),
    min_size=1,
    max_size=12,
)


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_the_summary_kept_by_any_sequence_of_writes_equals_the_one_rebuilt_from_the_rows(steps):
    user = make_user()
    for step in steps:
        _write(user, step)
        assert kept(user) == rebuilt(user), step


@pytest.mark.django_db
def test_a_new_dose_updates_the_summary_in_its_own_transaction_without_rebuilding_it():
    user = make_user()
    treatments.create_dose(user, substance=substance("kratom"), amount=2, unit="g", taken_at=ago(hours=5))
    before = DiarySummary.objects.get(user=user).built_at
    dose = treatments.create_dose(
        user, substance=substance("kratom"), amount=3, unit="g", taken_at=ago(hours=1)
    )
    stored = DiarySummary.objects.get(user=user)
    assert stored.built_at == before  # updated in place, not rebuilt
    assert [row[summary.D_ID] for row in stored.data["doses"]][-1] == str(dose.entry.pk)
    assert stored.data["counts"]["doses"] == 2
    assert stored.data == rebuilt(user)


@pytest.mark.django_db
def test_a_write_around_the_write_path_is_noticed_and_the_next_reader_rebuilds():
    user = make_user()
    treatments.create_dose(user, substance=substance("kratom"), amount=2, unit="g", taken_at=ago(hours=5))
    sneaked = make_dose(
        user, "ibuprofen", amount=400, unit="mg", taken_at=ago(hours=2)
    )  # Dose.save() directly
    ids = [row[summary.D_ID] for row in kept(user)["doses"]]
    assert str(sneaked.pk) in ids
    assert kept(user) == rebuilt(user)


@pytest.mark.django_db
def test_a_bulk_import_and_the_demo_diary_leave_a_summary_equal_to_the_rows():
    from relief.diary.demo import create_demo
    from relief.exchange.jsonformat import export_document, import_document

    create_demo("summarydemo", days=60, seed=3)
    from django.contrib.auth.models import User

    person = User.objects.get(username="summarydemo")
    assert kept(person) == rebuilt(person)
    assert kept(person)["counts"]["doses"] == Dose.objects.filter(user=person).count()
    document = export_document(person)
    person.delete()
    newcomer = make_user()
    import_document(newcomer, document)
    assert kept(newcomer) == rebuilt(newcomer)
    assert len(kept(newcomer)["doses"]) == Dose.objects.filter(user=newcomer).count()


@pytest.mark.django_db
def test_a_dose_save_reads_the_summary_instead_of_months_of_doses():
    user = make_user()
    for days in range(1, 100, 3):
        treatments.create_dose(
            user, substance=substance("kratom"), amount=2, unit="g", taken_at=ago(days=days)
        )
    with CaptureQueriesContext(connection) as queries:
        treatments.create_dose(user, substance=substance("kratom"), amount=2, unit="g", taken_at=ago(hours=1))
    dose_reads = [
        q["sql"] for q in queries if q["sql"].startswith("SELECT") and '"treatments_dose"' in q["sql"]
    ]
    assert not [sql for sql in dose_reads if "taken_at" in sql.split("WHERE")[-1]]
    assert len(queries) <= 12, "\n".join(q["sql"][-200:] for q in queries)


@pytest.mark.django_db
def test_the_rules_give_the_same_alerts_from_the_summary_as_from_the_rows():
    from relief.safety import snapshot
    from relief.safety.engine import check_diary

    user = make_user()
    make_medication(user, "sertraline")
    for days in range(0, 40):
        treatments.create_dose(
            user, substance=substance("kratom"), amount=4, unit="g", taken_at=ago(days=days, hours=1)
        )
    treatments.create_dose(
        user, substance=substance("alprazolam"), amount=1, unit="mg", taken_at=ago(hours=2)
    )
    from_summary = [a.key for a in check_diary(user)]
    original = snapshot.current_summary

    def far_behind(person):
        found = original(person)
        found.horizon = found.horizon + timedelta(days=3650)  # nothing is answered from it
        return found

    snapshot.current_summary = far_behind
    try:
        from_rows = [a.key for a in check_diary(user)]
    finally:
        snapshot.current_summary = original
    assert from_summary and from_summary == from_rows
