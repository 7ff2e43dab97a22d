"""Personal trials: a protocol fixed before the start, a sealed random sequence, and the analysis.

Attack by attack (each attack is allocated one option) or in periods (pairs of periods in random
order). The protocol can only change through amendments with a reason, and the CENT 2015 items
come with the result.
"""

from __future__ import annotations

import hashlib
import secrets
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from relief.accounts.services import time_zone_of, today_for
from relief.analysis.cent import TrialProtocol, cent_report
from relief.analysis.exceptions import InsufficientDataWarning
from relief.core.lazy import lazy_module
from relief.core.timeutil import day_bounds, local_day
from relief.diary.models import Attack, DayRecord
from relief.diary.services import log_attack
from relief.plans.models import Allocation, Amendment, Plan, Trial, TrialOption
from relief.plans.services.plans import standing_medications
from relief.treatments.models import Dose, DoseOutcome
from relief.treatments.services import log_dose

if TYPE_CHECKING:
    import numpy as np

    from relief.analysis import trials as trial_analysis
else:  # imported on first use: the web app imports this module and must not load NumPy and SciPy
    np = lazy_module("numpy")
    trial_analysis = lazy_module("relief.analysis.trials")

REVEAL_GRACE = timedelta(hours=6)
"""An attack that began up to this long before the trial started may still take the first place."""


@transaction.atomic
def create_trial(
    user: User,
    *,
    title: str,
    options: Sequence[tuple[str, Any]],
    design: str = Trial.Design.ATTACK,
    plan: Plan | None = None,
    **protocol: Any,
) -> Trial:
    """A draft trial: options as (label, substance or None); the protocol can change until it starts."""
    if not 2 <= len(options) <= (3 if design == Trial.Design.ATTACK else 2):
        raise ValidationError({"options": "compare 2 or 3 options attack by attack, or 2 in periods"})
    substances = [s.pk for _, s in options if s is not None]
    labels = [label.strip().lower() for label, _ in options]
    if len(set(substances)) != len(substances) or len(set(labels)) != len(labels):
        raise ValidationError({"options": "each option needs its own treatment and its own name"})
    trial = Trial(user=user, title=title, design=design, plan=plan, **protocol)
    trial.full_clean()
    trial.save()
    for position, (label, substance) in enumerate(options):
        if substance is not None and substance.user_id not in (None, user.pk):
            raise ValidationError({"options": f"{label}: the substance belongs to another person"})
        option = TrialOption(trial=trial, label=label.strip(), substance=substance, position=position)
        option.full_clean()
        option.save()
    return trial


@transaction.atomic
def update_protocol(user: User, trial: Trial, **fields: Any) -> Trial:
    """Change the protocol of a draft; after the start only ``amend_protocol`` can."""
    _own(user, trial)
    if trial.is_locked:
        raise ValidationError({"__all__": "the protocol is fixed; record an amendment with a reason instead"})
    for name, value in fields.items():
        if name not in (*Trial.PROTOCOL_FIELDS, "title", "block_repeats"):
            raise ValidationError({name: "is not part of the protocol"})
        setattr(trial, name, value)
    trial.full_clean()
    trial.save()
    return trial


def _own(user: User, trial: Trial) -> None:
    if trial.user_id != user.pk:
        raise ValidationError({"trial": "belongs to another person"})


def _options(trial: Trial) -> list[TrialOption]:
    return list(trial.options.order_by("position"))


def _sequence(trial: Trial, n_units: int, rng: np.random.Generator) -> list[str]:
    labels = [o.label for o in _options(trial)]
    if trial.design == Trial.Design.ATTACK:
        return trial_analysis.permuted_blocks(labels, n_units, rng, repeats=trial.block_repeats)
    return trial_analysis.randomised_pairs(labels, n_units, rng)


def _digest(trial: Trial) -> str:
    """SHA-256 commitment to the sealed sequence.

    A trial has few possible sequences (2^n for n attacks at most), so an
    unsalted digest of known ids and labels could be matched against all of
    them; the secret salt makes the published fingerprint reveal nothing until
    the salt itself is shown at the end.  Trials sealed before the salt existed
    keep their unsalted digest.
    """
    text = "|".join(
        f"{a.position}:{a.sealed_option.label}"
        for a in trial.allocations.select_related("sealed_option").order_by("position")
    )
    salt = f"{trial.sequence_salt}|" if trial.sequence_salt else ""
    return hashlib.sha256(f"{salt}{trial.id}|{text}".encode()).hexdigest()


@transaction.atomic
def start_trial(
    user: User, trial: Trial, *, starts_on: date | None = None, rng: np.random.Generator | None = None
) -> Trial:
    """Fix the protocol and generate the sealed sequence, before the first allocation."""
    _own(user, trial)
    if trial.is_locked:
        raise ValidationError({"__all__": "the trial has started already"})
    rng = rng or np.random.default_rng(secrets.randbits(128))
    by_label = {o.label: o for o in _options(trial)}
    sequence = _sequence(trial, trial.planned_units, rng)
    Allocation.objects.bulk_create(
        Allocation(trial=trial, position=i + 1, sealed_option=by_label[label])
        for i, label in enumerate(sequence)
    )
    trial.locked_at = timezone.now()
    trial.status = Trial.Status.RUNNING
    if trial.design == Trial.Design.PERIOD:
        trial.starts_on = starts_on or today_for(user)
    trial.sequence_salt = secrets.token_hex(16)
    trial.sequence_digest = _digest(trial)
    trial.save()
    return trial


@transaction.atomic
def amend_protocol(user: User, trial: Trial, *, reason: str, **changes: Any) -> list[Amendment]:
    """Change a fixed protocol; every change is recorded with its reason and cannot be undone silently."""
    _own(user, trial)
    if not trial.is_locked:
        raise ValidationError({"__all__": "the trial has not started; change the protocol directly"})
    if not reason.strip():
        raise ValidationError({"reason": "say why the protocol changes"})
    made = []
    old_units = trial.planned_units
    for name, value in changes.items():
        if name not in Trial.PROTOCOL_FIELDS:
            raise ValidationError({name: "is not part of the protocol"})
        old = getattr(trial, name)
        if old == value:
            continue
        setattr(trial, name, value)
        made.append(
            Amendment(trial=trial, field=name, old_value=str(old), new_value=str(value), reason=reason)
        )
    trial._amending = True  # type: ignore[attr-defined]
    trial.full_clean()
    trial.save()
    if trial.planned_units != old_units:
        _resize_sequence(trial, old_units)
    for amendment in made:
        amendment.save()
    trial.sequence_digest = _digest(trial)
    trial.save(update_fields=["sequence_digest"])
    return made


def _resize_sequence(trial: Trial, old_units: int) -> None:
    allocations = list(trial.allocations.all())
    per_unit = 1 if trial.design == Trial.Design.ATTACK else 2
    wanted = trial.planned_units * per_unit
    revealed = sum(1 for a in allocations if a.is_revealed)
    if wanted < revealed:
        raise ValidationError(
            {"planned_units": f"{revealed} allocations are revealed already; plan at least that many"}
        )
    if wanted < len(allocations):
        trial.allocations.filter(position__gt=wanted, revealed_at__isnull=True).delete()
        return
    by_label = {o.label: o for o in _options(trial)}
    extra = _sequence(trial, trial.planned_units - old_units, np.random.default_rng(secrets.randbits(128)))
    start = len(allocations)
    Allocation.objects.bulk_create(
        Allocation(
            trial=trial, position=start + i + 1, sealed_option=by_label[label], added_by_amendment=True
        )
        for i, label in enumerate(extra)
    )


@dataclass(frozen=True)
class Slot:
    """What may be shown about one place of the sequence: its option only once revealed."""

    position: int
    revealed: bool
    option: str | None
    attack_id: str | None
    revealed_at: datetime | None
    period_starts_on: date | None = None


def slots(trial: Trial) -> list[Slot]:
    """The sequence as pages and the API see it: sealed places carry no option."""
    out = []
    for a in trial.allocations.select_related("sealed_option"):
        starts = None
        if trial.design == Trial.Design.PERIOD and trial.starts_on:
            starts = trial.starts_on + timedelta(days=(a.position - 1) * trial.period_days)
        out.append(
            Slot(
                position=a.position,
                revealed=a.is_revealed,
                option=a.option.label if a.is_revealed else None,
                attack_id=str(a.attack_id) if a.attack_id else None,
                revealed_at=a.revealed_at,
                period_starts_on=starts,
            )
        )
    return out


@transaction.atomic
def reveal_for_attack(user: User, trial: Trial, attack: Any) -> Allocation:
    """Tie the next sealed allocation to a logged attack and reveal its option (the same attack gets the same one)."""
    _own(user, trial)
    if attack.user_id != user.pk:
        raise ValidationError({"attack": "belongs to another person"})
    if trial.design != Trial.Design.ATTACK or trial.status != Trial.Status.RUNNING:
        raise ValidationError({"trial": "is not a running attack-by-attack trial"})
    existing = trial.allocations.filter(attack=attack).first()
    if existing is not None:
        return existing
    if trial.locked_at and attack.started_at < trial.locked_at - REVEAL_GRACE:
        raise ValidationError({"attack": "started before the trial began; log a new attack"})
    allocation = (
        Allocation.objects.select_for_update()
        .filter(trial=trial, revealed_at__isnull=True)
        .order_by("position")
        .first()
    )
    if allocation is None:
        raise ValidationError({"trial": "every planned attack has its allocation; the trial is complete"})
    allocation.attack = attack
    allocation.revealed_at = timezone.now()
    allocation.save(update_fields=["attack", "revealed_at"])
    return allocation


def unallocated_attacks(trial: Trial, limit: int = 3) -> list[Any]:
    """Attacks already in the diary since the trial began that have no place in it yet, newest first."""
    if trial.locked_at is None or trial.design != Trial.Design.ATTACK:
        return []
    taken = trial.allocations.filter(attack__isnull=False).values_list("attack_id", flat=True)
    return list(
        Attack.objects.filter(user_id=trial.user_id, started_at__gte=trial.locked_at - REVEAL_GRACE)
        .exclude(pk__in=taken)
        .order_by("-started_at")[:limit]
    )


@transaction.atomic
def log_attack_and_reveal(
    user: User, trial: Trial, *, started_at: datetime | None = None, **fields: Any
) -> Allocation:
    """Log a new attack in the diary and reveal which option treats it."""
    saved = log_attack(user, started_at=started_at or timezone.now(), **fields)
    return reveal_for_attack(user, trial, saved.entry)


@transaction.atomic
def reveal_due_periods(user: User, trial: Trial, on: date | None = None) -> list[Allocation]:
    """Reveal the periods that have begun (period design): a period's option is sealed until its first day."""
    _own(user, trial)
    if trial.design != Trial.Design.PERIOD or not trial.starts_on:
        return []
    on = on or today_for(user)
    begun = (on - trial.starts_on).days // trial.period_days + 1
    due = list(trial.allocations.filter(revealed_at__isnull=True, position__lte=begun))
    for allocation in due:
        allocation.revealed_at = timezone.now()
        allocation.save(update_fields=["revealed_at"])
    return due


@transaction.atomic
def record_attack_outcome(
    user: User,
    allocation: Allocation,
    *,
    taken: TrialOption | None,
    taken_at: datetime | None = None,
    **outcome: Any,
) -> Any:
    """Log what was taken for the attack (a dose linked to it) and how it worked (the IHS time points).

    ``taken=None`` records that no option of the trial was taken (a deviation, kept in the report).
    """
    if allocation.trial.user_id != user.pk:
        raise ValidationError({"allocation": "belongs to another person"})
    if not allocation.is_revealed or allocation.attack is None:
        raise ValidationError({"allocation": "is not revealed yet; log the attack first"})
    if taken is None:
        return None
    if taken.trial_id != allocation.trial_id or taken.substance is None:
        raise ValidationError({"taken": "is not an option of this trial"})
    fields = {k: v for k, v in outcome.items() if v is not None and v != ""}
    saved = log_dose(
        user,
        substance=taken.substance,
        amount=None,
        unit="",
        taken_at=taken_at or max(allocation.attack.started_at, timezone.now() - timedelta(hours=2)),
        reason="acute",
        attack=allocation.attack,
        outcome=fields or None,
    )
    return saved.entry


def _endpoint(outcome: str, o: Any) -> bool | None:
    """The IHS endpoint of one dose outcome (0-10 pain; relief means moderate/severe to none/mild)."""
    if o is None:
        return None
    if outcome == "pain_free_2h":
        return None if o.pain_2h is None else o.pain_2h == 0
    if outcome == "relief_2h":
        if o.pain_2h is None or o.pain_at_dose is None:
            return None
        return bool(o.pain_at_dose >= 4 and o.pain_2h <= 3)
    if outcome == "mbs_free_2h":
        return None if o.mbs_gone_2h is None else bool(o.mbs_gone_2h)
    if outcome == "sustained_24h":
        if o.pain_2h is None:
            return None
        if o.pain_2h != 0 or o.rescue_taken or o.returned_24h:
            return False
        return None if o.returned_24h is None else True
    raise ValueError(f"not an attack endpoint: {outcome}")


def attack_records(trial: Trial) -> list[trial_analysis.AttackRecord]:
    """The revealed allocations with what was taken and the endpoint, read from the diary."""
    options = _options(trial)
    by_substance = {o.substance_id: o.label for o in options if o.substance_id}
    records = []
    for a in trial.allocations.filter(revealed_at__isnull=False, attack__isnull=False).select_related(
        "sealed_option"
    ):
        doses = list(Dose.objects.filter(attack=a.attack, substance_id__in=by_substance).order_by("taken_at"))
        dose = next(
            (d for d in doses if by_substance[d.substance_id] == a.option.label), doses[0] if doses else None
        )
        result = DoseOutcome.objects.filter(dose=dose).first() if dose else None
        rescue_early = bool(
            result
            and result.rescue_taken
            and result.rescue_after_min is not None
            and result.rescue_after_min < 120
        )
        records.append(
            trial_analysis.AttackRecord(
                position=a.position,
                allocated=a.option.label,
                taken=by_substance[dose.substance_id] if dose else None,
                success=_endpoint(trial.outcome, result),
                rescue_before_2h=rescue_early,
            )
        )
    return records


def period_days(trial: Trial) -> list[trial_analysis.PeriodDay]:
    """Diary days of the revealed periods: worst pain, or 1/0 for a day with or without an attack."""
    if not trial.starts_on:
        return []
    tz = time_zone_of(trial.user)
    today = today_for(trial.user)
    out = []
    for a in trial.allocations.filter(revealed_at__isnull=False).select_related("sealed_option"):
        first = trial.starts_on + timedelta(days=(a.position - 1) * trial.period_days)
        last = min(first + timedelta(days=trial.period_days - 1), today)
        records = {r.date: r for r in DayRecord.objects.filter(user=trial.user, date__range=(first, last))}
        attack_days: set[date] = set()
        start, _ = day_bounds(first, tz)
        _, stop = day_bounds(last, tz)
        for attack in Attack.objects.filter(user=trial.user, started_at__lt=stop).exclude(ended_at__lt=start):
            d, end = local_day(attack.started_at, tz), local_day(attack.ended_at or attack.started_at, tz)
            while d <= end:
                attack_days.add(d)
                d += timedelta(days=1)
        for i in range((last - first).days + 1):
            day = first + timedelta(days=i)
            record = records.get(day)
            if trial.outcome == "daily_pain":
                value = float(record.worst_pain) if record and record.worst_pain is not None else float("nan")
            elif day in attack_days:
                value = 1.0
            else:
                value = 0.0 if record else float("nan")
            out.append(
                trial_analysis.PeriodDay((a.position - 1) // 2, a.position - 1, a.option.label, i, value)
            )
    return out


def _period_outcome(trial: Trial) -> trial_analysis.PeriodOutcome:
    return "migraine_days" if trial.outcome == "migraine_days" else "daily_pain"


def trial_protocol(trial: Trial) -> TrialProtocol:
    labels = tuple(o.label for o in _options(trial))
    if trial.design == Trial.Design.ATTACK:
        prior = trial_analysis.BetaPrior(trial.prior_a, trial.prior_b).describe()
        randomisation = f"permuted blocks of {len(labels) * trial.block_repeats}, generated by the journal"
    else:
        prior = trial_analysis.PeriodTrialAnalysis(
            labels,
            _period_outcome(trial),
            prior_sd=trial.prior_sd,
        ).prior_text()
        randomisation = "each pair of periods in random order (AB or BA)"
    meds = [m.substance.name for m in standing_medications(trial.user, today_for(trial.user))]
    return TrialProtocol(
        title=trial.title,
        design=trial.design,  # type: ignore[arg-type]
        arms=labels,
        outcome=trial.get_outcome_display(),
        planned_units=trial.planned_units,
        margin=trial.margin,
        threshold=trial.threshold,
        prior=prior,
        randomisation=randomisation,
        concurrent_therapies=tuple(meds),
        period_days=trial.period_days,
        washout_days=trial.washout_days,
        amendments=tuple(str(a) for a in trial.amendments.all()),
        started=f"{trial.locked_at:%Y-%m-%d}" if trial.locked_at else None,
        ended=f"{trial.ended_at:%Y-%m-%d}" if trial.ended_at else None,
    )


def analyse_trial(trial: Trial) -> dict[str, Any]:
    """The Bayesian and frequentist result with deviations, and the CENT 2015 items, for one trial."""
    labels = [o.label for o in _options(trial)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InsufficientDataWarning)
        if trial.design == Trial.Design.ATTACK:
            fit: Any = trial_analysis.AttackTrialAnalysis(
                labels,
                prior=trial_analysis.BetaPrior(trial.prior_a, trial.prior_b),
                margin=trial.margin,
                threshold=trial.threshold,
            ).fit(attack_records(trial))
        else:
            fit = trial_analysis.PeriodTrialAnalysis(
                labels,
                _period_outcome(trial),
                washout_days=trial.washout_days,
                margin=trial.margin,
                threshold=trial.threshold,
                prior_sd=trial.prior_sd,
            ).fit(period_days(trial))
    summary: dict[str, Any] = fit.summary()
    summary["warnings"] = [str(w.message) for w in caught if issubclass(w.category, InsufficientDataWarning)]
    summary["cent"] = [i.as_dict() for i in cent_report(trial_protocol(trial), summary)]
    return summary


@transaction.atomic
def finish_trial(user: User, trial: Trial, *, early: bool = False) -> Trial:
    """End a running trial: finished, or stopped early (a deviation the result reports)."""
    _own(user, trial)
    if trial.status != Trial.Status.RUNNING:
        raise ValidationError({"trial": f"is {trial.get_status_display().lower()}, not running"})
    trial.status = Trial.Status.STOPPED if early else Trial.Status.FINISHED
    trial.ended_at = timezone.now()
    trial.save(update_fields=["status", "ended_at"])
    return trial


def trial_summary(trial: Trial) -> dict[str, Any]:
    """A trial as the CLI and its JSON show it in a list: how many places are revealed."""
    allocations = list(trial.allocations.values_list("revealed_at", flat=True))
    return {
        "id": str(trial.pk),
        "title": trial.title,
        "design": trial.design,
        "status": trial.status,
        "outcome": trial.outcome,
        "planned_units": trial.planned_units,
        "places": len(allocations),
        "revealed": sum(1 for r in allocations if r is not None),
        "plan": str(trial.plan_id) if trial.plan_id else None,
    }


def trial_detail(trial: Trial) -> dict[str, Any]:
    """A trial with its protocol, options, sequence and amendments; a sealed place shows no option, and
    the fingerprint of the sequence only once every place is revealed."""
    places = slots(trial)  # sealed places carry no option
    data: dict[str, Any] = {
        **trial_summary(trial),
        "outcome_label": trial.get_outcome_display(),
        "protocol": {f: getattr(trial, f) for f in Trial.PROTOCOL_FIELDS},
        "block_repeats": trial.block_repeats,
        "options": [
            {"position": o.position, "label": o.label, "substance": o.substance.name if o.substance else None}
            for o in trial.options.select_related("substance").order_by("position")
        ],
        "started": trial.locked_at,
        "starts_on": trial.starts_on,
        "ended": trial.ended_at,
        "slots": [
            {
                "position": s.position,
                "revealed": s.revealed,
                "option": s.option,
                "attack": s.attack_id,
                "revealed_at": s.revealed_at,
                "period_starts_on": s.period_starts_on,
            }
            for s in places
        ],
        "amendments": [
            {
                "made_at": a.made_at,
                "field": a.field,
                "old": a.old_value,
                "new": a.new_value,
                "reason": a.reason,
            }
            for a in trial.amendments.all()
        ],
        "attacks_waiting": [str(a.pk) for a in unallocated_attacks(trial)],
    }
    if places and all(s.revealed for s in places):
        data["sequence_digest"] = trial.sequence_digest
        data["sequence_salt"] = trial.sequence_salt
    return data
