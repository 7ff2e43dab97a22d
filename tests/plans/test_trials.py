"""Personal trials: a fixed protocol, a sealed sequence revealed attack by attack, and the result."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import numpy as np
import pytest
from django.core.exceptions import ValidationError

from relief.accounts.services import today_for
from relief.plans import services
from relief.plans.models import Allocation, ConcealedError, Trial
from tests.factories import ago, make_attack, make_day, make_user, substance
from tests.plans.helpers import acute_trial

pytestmark = pytest.mark.django_db


def started(user, **protocol):
    trial = acute_trial(user, **protocol)
    return services.start_trial(user, trial, rng=np.random.default_rng(5))


def test_starting_a_trial_seals_a_balanced_sequence_and_fixes_the_protocol():
    user = make_user()
    trial = started(user, attacks=10)
    sealed = [
        a.sealed_option.label for a in Allocation.objects.filter(trial=trial).select_related("sealed_option")
    ]
    assert Counter(sealed) == {"Sumatriptan": 5, "Ibuprofen": 5}
    assert all(Counter(sealed[i : i + 2]) == {"Sumatriptan": 1, "Ibuprofen": 1} for i in range(0, 10, 2))
    assert trial.locked_at is not None and len(trial.sequence_digest) == 64


def test_no_option_can_be_read_before_its_attack_is_logged():
    user = make_user()
    trial = started(user)
    allocation = trial.allocations.order_by("position").first()
    with pytest.raises(ConcealedError):
        _ = allocation.option
    assert all(slot.option is None for slot in services.slots(trial))
    assert "Sumatriptan" not in str(allocation) and "Ibuprofen" not in str(allocation)


def test_logging_an_attack_reveals_the_first_sealed_option_and_ties_it_to_that_attack():
    user = make_user()
    trial = started(user)
    sealed_first = trial.allocations.order_by("position").first().sealed_option.label
    allocation = services.log_attack_and_reveal(user, trial, started_at=ago(minutes=10))
    assert allocation.position == 1
    assert allocation.option.label == sealed_first
    slots = services.slots(trial)
    assert slots[0].option == sealed_first and slots[0].attack_id == str(allocation.attack_id)
    assert [s.option for s in slots[1:]] == [None] * (len(slots) - 1)


def test_the_same_attack_always_gets_the_same_allocation():
    user = make_user()
    trial = started(user)
    attack = make_attack(user, started_at=ago(minutes=30))
    first = services.reveal_for_attack(user, trial, attack)
    assert services.reveal_for_attack(user, trial, attack) == first
    assert trial.allocations.filter(revealed_at__isnull=False).count() == 1


def test_an_attack_from_before_the_trial_or_of_someone_else_reveals_nothing():
    user = make_user()
    trial = started(user)
    with pytest.raises(ValidationError, match="before the trial began"):
        services.reveal_for_attack(user, trial, make_attack(user, started_at=ago(days=3)))
    with pytest.raises(ValidationError):
        services.reveal_for_attack(user, trial, make_attack(make_user(), started_at=ago(minutes=5)))
    with pytest.raises(ValidationError):
        services.reveal_for_attack(make_user(), trial, make_attack(user, started_at=ago(minutes=5)))
    assert not trial.allocations.filter(revealed_at__isnull=False).exists()


def test_a_draft_trial_reveals_nothing():
    user = make_user()
    trial = acute_trial(user)
    with pytest.raises(ValidationError, match="not a running"):
        services.reveal_for_attack(user, trial, make_attack(user, started_at=ago(minutes=5)))


def test_the_protocol_can_change_freely_before_the_start_but_not_after():
    user = make_user()
    trial = acute_trial(user)
    services.update_protocol(user, trial, margin=0.2)
    services.start_trial(user, trial)
    with pytest.raises(ValidationError, match="fixed"):
        services.update_protocol(user, trial, margin=0.3)
    trial.threshold = 0.6
    with pytest.raises(ValidationError, match="amendment"):
        trial.full_clean()


def test_the_published_fingerprint_cannot_be_matched_against_the_possible_sequences():
    import hashlib
    import itertools

    user = make_user()
    trial = started(user, attacks=4)
    labels = [o.label for o in trial.options.order_by("position")]
    unsalted = {
        hashlib.sha256(
            (f"{trial.id}|" + "|".join(f"{i}:{label}" for i, label in enumerate(seq, start=1))).encode()
        ).hexdigest()
        for seq in itertools.product(labels, repeat=4)
    }
    assert trial.sequence_digest not in unsalted
    assert len(trial.sequence_salt) == 32
    sealed = "|".join(f"{a.position}:{a.sealed_option.label}" for a in trial.allocations.all())
    salted = hashlib.sha256(f"{trial.sequence_salt}|{trial.id}|{sealed}".encode()).hexdigest()
    assert trial.sequence_digest == salted


def test_an_amendment_is_recorded_with_its_reason_and_extends_the_sequence():
    user = make_user()
    trial = started(user, attacks=4)
    digest = trial.sequence_digest
    services.log_attack_and_reveal(user, trial, started_at=ago(minutes=5))
    made = services.amend_protocol(user, trial, reason="attacks are rarer than expected", planned_units=8)
    assert [(a.field, a.old_value, a.new_value) for a in made] == [("planned_units", "4", "8")]
    assert trial.allocations.count() == 8
    assert trial.allocations.filter(added_by_amendment=True).count() == 4
    assert trial.sequence_digest != digest
    with pytest.raises(ValidationError, match="why"):
        services.amend_protocol(user, trial, reason=" ", margin=0.2)


def test_an_amendment_cannot_shrink_below_the_revealed_allocations():
    user = make_user()
    trial = started(user, attacks=4)
    for minutes in (30, 20, 10):
        services.log_attack_and_reveal(user, trial, started_at=ago(minutes=minutes))
    with pytest.raises(ValidationError, match="revealed already"):
        services.amend_protocol(user, trial, reason="shorter", planned_units=2)


def test_the_outcome_of_each_attack_comes_from_the_diary_and_deviations_are_kept():
    user = make_user()
    trial = started(user, attacks=6)
    options = {o.label: o for o in trial.options.all()}
    for i in range(6):
        allocation = services.log_attack_and_reveal(user, trial, started_at=ago(minutes=60 - i))
        label = allocation.option.label
        if i == 4:
            other = next(o for o in options.values() if o.label != label)
            services.record_attack_outcome(user, allocation, taken=other, pain_at_dose=7, pain_2h=0)
        elif i == 5:
            services.record_attack_outcome(user, allocation, taken=None)
        else:
            pain = 0 if label == "Sumatriptan" else 5
            services.record_attack_outcome(
                user, allocation, taken=options[label], pain_at_dose=7, pain_2h=pain
            )
    records = services.attack_records(trial)
    assert len(records) == 6
    assert records[4].taken != records[4].allocated
    assert records[5].taken is None and records[5].success is None
    result = services.analyse_trial(trial)
    deviations = result["deviations"]
    assert deviations["other_option_taken"] == [5] and deviations["no_option_taken"] == [6]
    assert result["warnings"]  # the option of attack 6 has only 2 outcomes of its 3 attacks
    assert any(item["item"] == "13a" for item in result["cent"])


def test_rescue_before_two_hours_counts_as_not_pain_free():
    user = make_user()
    trial = started(user, attacks=2)
    allocation = services.log_attack_and_reveal(user, trial, started_at=ago(minutes=30))
    services.record_attack_outcome(
        user,
        allocation,
        taken=allocation.option,
        pain_at_dose=6,
        pain_2h=0,
        rescue_taken=True,
        rescue_after_min=60,
    )
    (record,) = services.attack_records(trial)
    assert record.rescue_before_2h and record.success is True
    fit = services.analyse_trial(trial)
    arm = fit["arms"][record.allocated]
    assert (arm["n"], arm["successes"]) == (1, 0)


def test_an_outcome_can_only_be_recorded_for_a_revealed_allocation():
    user = make_user()
    trial = started(user)
    sealed = trial.allocations.first()
    with pytest.raises(ValidationError, match="not revealed"):
        services.record_attack_outcome(user, sealed, taken=trial.options.first(), pain_2h=0)


def test_a_trial_compares_two_or_three_options():
    user = make_user()
    with pytest.raises(ValidationError, match="2 or 3"):
        services.create_trial(user, title="one", options=[("Kratom", substance("kratom"))], planned_units=4)


def test_a_period_trial_reveals_each_period_on_its_first_day_and_reads_daily_pain():
    user = make_user()
    today = today_for(user)
    trial = services.create_trial(
        user,
        title="Kratom on and off",
        design=Trial.Design.PERIOD,
        options=[("On", substance("kratom")), ("Off", None)],
        outcome="daily_pain",
        planned_units=2,
        period_days=7,
        washout_days=2,
        margin=0.5,
    )
    services.start_trial(user, trial, starts_on=today - timedelta(days=20), rng=np.random.default_rng(1))
    revealed = services.reveal_due_periods(user, trial, on=today)
    assert [a.position for a in revealed] == [1, 2, 3]
    assert services.slots(trial)[3].option is None
    for i in range(21):
        day = today - timedelta(days=20 - i)
        label = services.slots(trial)[i // 7].option
        make_day(user, day, worst_pain=3 if label == "On" else 6)
    days = services.period_days(trial)
    assert len(days) == 21 and {d.value for d in days} == {3.0, 6.0}
    result = services.analyse_trial(trial)
    assert result["comparison"]["verdict"] == "not_enough_data"  # one complete pair so far
    assert result["periods"][0]["days_washout"] == 2


def test_each_option_needs_its_own_treatment():
    user = make_user()
    with pytest.raises(ValidationError, match="its own treatment"):
        services.create_trial(
            user,
            title="same twice",
            options=[("Kratom morning", substance("kratom")), ("Kratom evening", substance("kratom"))],
            planned_units=4,
        )


def test_a_period_trial_on_migraine_days_counts_attack_days_and_leaves_unrecorded_days_missing():
    user = make_user()
    today = today_for(user)
    trial = services.create_trial(
        user,
        title="Kratom on and off",
        design=Trial.Design.PERIOD,
        options=[("On", substance("kratom")), ("Off", None)],
        outcome="migraine_days",
        planned_units=2,
        period_days=7,
        margin=1.0,
    )
    services.start_trial(user, trial, starts_on=today - timedelta(days=13), rng=np.random.default_rng(2))
    services.reveal_due_periods(user, trial, on=today)
    for i in range(14):
        if i != 5:
            make_day(user, today - timedelta(days=13 - i), worst_pain=2)
    make_attack(user, started_at=ago(days=10), ended_at=ago(days=9))  # two calendar days in the first period
    days = services.period_days(trial)
    first = [d.value for d in days if d.period == 0]
    assert sum(v == 1.0 for v in first) == 2
    assert sum(np.isnan(v) for v in first) == 1
