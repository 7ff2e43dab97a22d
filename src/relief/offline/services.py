"""Apply the writes a phone queued while it could not reach the server, each exactly once.

A write is what one tap or one form would have sent, as JSON::

    {"client_id": "<uuid made on the phone>", "kind": "pain", "tapped_at": "2026-12-01T09:14:03.120Z",
     "data": {"attack": "<uuid>", "nrs": 5}}

The entry gets the time of the tap, never the time it reached the server.  Each write goes through the
same services (and the same forms, for the form pages) as the page it came from, so it is validated,
saved all or nothing and safety-checked exactly as an online save.  A write whose ``client_id`` was
applied before is answered as done and changes nothing; a refused write changes nothing either, and
its field errors go back to the phone, which keeps it until the person fixes or discards it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils import timezone

from relief.accounts.services import get_profile, time_zone_of
from relief.core.access import get_owned_or_404, owned
from relief.core.services import Saved, error_lines
from relief.core.timeutil import zone
from relief.core.web import update
from relief.diary.forms import CheckinForm, SideEffectForm
from relief.diary.models import Attack, DayFactor, DayRecord, FactorTag
from relief.diary.services import Pain, add_pain, end_attack, log_attack, log_day, log_side_effect
from relief.offline.models import SyncedWrite
from relief.treatments.forms import DoseForm, OutcomeForm
from relief.treatments.models import Dose, DoseOutcome
from relief.treatments.services import log_dose, log_outcome

# How many writes one request may carry; a longer queue is sent in several requests.
MAX_WRITES = 100
# How far back a start may be put ("it started an hour ago"), as on the attack page.
MAX_AGO_MINUTES = 24 * 60


@dataclass
class WriteResult:
    """What became of one queued write: ``saved``, ``already`` (applied before) or ``refused``."""

    client_id: str
    status: str
    kind: str = ""
    entry_id: str = ""
    next_url: str = ""
    detail: str = ""
    errors: list[dict[str, str]] = field(default_factory=list)
    alerts: list[Any] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "status": self.status,
            "kind": self.kind,
            "entry_id": self.entry_id,
            "next": self.next_url,
            "detail": self.detail,
            "errors": self.errors,
            "alerts": [a.as_dict() for a in self.alerts],
        }


Handler = Callable[[User, datetime, dict[str, Any]], tuple[Saved, str]]


def _refusal(client_id: str, kind: str, exc: ValidationError) -> WriteResult:
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": "" if name == "__all__" else name, "message": message}
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"field": "", "message": message} for message in exc.messages]
    detail = "; ".join(error_lines(exc)) or "the entry is not valid"
    return WriteResult(client_id, "refused", kind=kind, detail=detail, errors=errors)


def _tap_time(text: Any) -> datetime:
    """The moment of the tap, as the phone's clock saw it (ISO 8601 with an offset or Z)."""
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValidationError({"tapped_at": "is not a time; the phone sends ISO 8601"}) from exc
    if moment.tzinfo is None:
        raise ValidationError({"tapped_at": "needs an offset or Z"})
    return moment.astimezone(UTC)


def _uuid(value: Any, name: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise ValidationError({name: "is not an id this app made"}) from exc


def _own(model: type[Model], user: User, value: Any, name: str) -> Any:
    try:
        return get_owned_or_404(model, user, _uuid(value, name))
    except Http404 as exc:
        raise ValidationError({name: f"no such {name} in your journal (deleted, or never sent)"}) from exc


def _integer(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError({name: "needs a whole number"}) from exc


def _attack_page(attack: Attack) -> str:
    return reverse("diary:attack", args=[attack.pk])


# --- attack mode ---------------------------------------------------------------------------


def _attack_start(user: User, tapped: datetime, data: dict[str, Any]) -> tuple[Saved, str]:
    ago = max(0, min(_integer(data.get("ago", 0), "ago"), MAX_AGO_MINUTES))
    attack_id = _uuid(data.get("attack"), "attack")
    if Attack.objects.filter(pk=attack_id).exists():
        raise ValidationError({"attack": "an attack with this id exists already"})
    saved = log_attack(user, started_at=tapped - timedelta(minutes=ago), id=attack_id)
    return saved, _attack_page(saved.entry)


def _pain(user: User, tapped: datetime, data: dict[str, Any]) -> tuple[Saved, str]:
    attack = _own(Attack, user, data.get("attack"), "attack")
    moment = min(tapped, attack.ended_at) if attack.ended_at else tapped
    sample = add_pain(user, attack, Pain(at=moment, nrs=_integer(data.get("nrs"), "nrs")))
    return Saved(sample), _attack_page(attack)


def _symptom(user: User, tapped: datetime, data: dict[str, Any]) -> tuple[Saved, str]:
    attack = _own(Attack, user, data.get("attack"), "attack")
    name = str(data.get("symptom", ""))
    if name not in Attack.SYMPTOMS:
        raise ValidationError({"symptom": f"{name!r} is not a symptom this app knows"})
    found = update(attack, {name: True if data.get("present") else None})
    return Saved(attack, found, created=False), _attack_page(attack)


def _bothersome(user: User, tapped: datetime, data: dict[str, Any]) -> tuple[Saved, str]:
    attack = _own(Attack, user, data.get("attack"), "attack")
    value = str(data.get("value", ""))
    if value and value not in Attack.Bothersome.values:
        raise ValidationError({"most_bothersome": f"{value!r} is not one of the choices"})
    found = update(attack, {"most_bothersome": value})
    return Saved(attack, found, created=False), _attack_page(attack)


def _attack_end(user: User, tapped: datetime, data: dict[str, Any]) -> tuple[Saved, str]:
    attack = _own(Attack, user, data.get("attack"), "attack")
    return end_attack(user, attack, tapped), reverse("today")


# --- doses and outcomes --------------------------------------------------------------------

COPIED = ("substance", "product", "batch", "amount", "unit", "custom_unit", "route", "stomach", "reason")


def _dose_repeat(user: User, tapped: datetime, data: dict[str, Any]) -> tuple[Saved, str]:
    """A usual dose again, taken at the tap (during the attack, when one is given)."""
    template = _own(Dose, user, data.get("template"), "template")
    fields = {name: getattr(template, name) for name in COPIED}
    outcome = None
    to = reverse("today")
    if data.get("attack"):
        attack = _own(Attack, user, data["attack"], "attack")
        fields.update(attack=attack, reason=Dose.Reason.ACUTE)
        last = attack.pain_samples.exclude(nrs=None).filter(at__lte=tapped).order_by("-at").first()
        outcome = {"pain_at_dose": last.nrs} if last else None
        to = _attack_page(attack)
    return log_dose(user, taken_at=tapped, outcome=outcome, **fields), to


def _form_data(data: dict[str, Any]) -> Any:
    """The fields of a form as the page would have posted them (a list of values per name)."""
    posted = QueryDict(mutable=True)
    fields = data.get("fields") or {}
    if not isinstance(fields, dict):
        raise ValidationError({"fields": "should map field names to values"})
    for name, value in fields.items():
        values = value if isinstance(value, list) else [value]
        posted.setlist(str(name), ["" if v is None else str(v) for v in values])
    return posted


def _form_refusal(form: Any) -> ValidationError:
    return ValidationError({name: [str(e) for e in errors] for name, errors in form.errors.items()})


def _local(moment: datetime, user: User) -> str:
    return moment.astimezone(zone(time_zone_of(user))).strftime("%Y-%m-%dT%H:%M:%S")


def _dose(user: User, tapped: datetime, data: dict[str, Any]) -> tuple[Saved, str]:
    """The full dose form; an unchanged 'When' field means the moment of the tap."""
    posted = _form_data(data)
    if data.get("time_is_tap"):
        posted["taken_at"] = _local(tapped, user)
    form = DoseForm(posted, user=user)
    if not form.is_valid():
        raise _form_refusal(form)
    saved = log_dose(user, **form.cleaned_data)
    dose = saved.entry
    return saved, _attack_page(dose.attack) if dose.attack_id else reverse("today")


def _outcome_quick(user: User, tapped: datetime, data: dict[str, Any]) -> tuple[Saved, str]:
    dose = _own(Dose, user, data.get("dose"), "dose")
    if "returned_24h" in data:
        fields: dict[str, Any] = {"returned_24h": str(data["returned_24h"]) == "yes"}
    else:
        fields = {"pain_2h": _integer(data.get("pain_2h"), "pain_2h")}
    return log_outcome(user, dose, **fields), reverse("today")


def _outcome(user: User, tapped: datetime, data: dict[str, Any]) -> tuple[Saved, str]:
    dose = _own(Dose, user, data.get("dose"), "dose")
    existing = DoseOutcome.objects.filter(dose=dose).first()
    form = OutcomeForm(_form_data(data), instance=existing or DoseOutcome(dose=dose))
    if not form.is_valid():
        raise _form_refusal(form)
    return log_outcome(user, dose, **form.cleaned_data), reverse("today")


def _side_effect(user: User, tapped: datetime, data: dict[str, Any]) -> tuple[Saved, str]:
    """The side-effect form; an unchanged 'When' field means the moment of the tap."""
    posted = _form_data(data)
    if data.get("time_is_tap"):
        posted["occurred_at"] = _local(tapped, user)
    form = SideEffectForm(posted, user=user)
    if not form.is_valid():
        raise _form_refusal(form)
    return log_side_effect(user, **form.cleaned_data), reverse("diary:side_effects")


# --- the daily check-in --------------------------------------------------------------------


def _checkin(user: User, tapped: datetime, data: dict[str, Any]) -> tuple[Saved, str]:
    posted = _form_data(data)
    try:
        day = date.fromisoformat(posted.get("date", ""))
    except ValueError as exc:
        raise ValidationError({"date": "is not a day (YYYY-MM-DD)"}) from exc
    period = posted.get("period") or DayRecord.Period.DAY
    if period not in DayRecord.Period.values:
        raise ValidationError({"period": f"{period!r} is not a part of the day"})
    record = owned(DayRecord, user).filter(date=day, period=period).first()
    present = {f.tag_id: f.amount for f in DayFactor.objects.filter(day=record)} if record else {}
    profile = get_profile(user)
    form = CheckinForm(
        posted,
        instance=record,
        tags=list(owned(FactorTag, user).filter(tracked=True)),
        present=present,
        track_periods=profile.track_menstruation,
        us_units=profile.units == profile.Units.US,
    )
    if not form.is_valid():
        raise _form_refusal(form)
    ticked, unticked = form.factors()
    saved = log_day(user, day=day, period=period, factors=ticked, **form.record_fields())
    DayFactor.objects.filter(day=saved.entry, tag__in=unticked).delete()
    return saved, reverse("today")


HANDLERS: dict[str, Handler] = {
    "attack_start": _attack_start,
    "pain": _pain,
    "symptom": _symptom,
    "bothersome": _bothersome,
    "attack_end": _attack_end,
    "dose_repeat": _dose_repeat,
    "dose": _dose,
    "outcome_quick": _outcome_quick,
    "outcome": _outcome,
    "checkin": _checkin,
    "side_effect": _side_effect,
}


def applied(user: User, client_id: uuid.UUID) -> SyncedWrite | None:
    """The record of a write applied before, if any."""
    return SyncedWrite.objects.filter(user=user, client_id=client_id).first()


def apply_write(user: User, write: Any) -> WriteResult:
    """Apply one queued write once; a write applied before is answered as done and changes nothing."""
    if not isinstance(write, dict):
        return WriteResult("", "refused", detail="a write is a JSON object")
    client_text = str(write.get("client_id", ""))
    kind = str(write.get("kind", ""))
    try:
        client_id = _uuid(client_text, "client_id")
    except ValidationError as exc:
        return _refusal(client_text, kind, exc)
    done = applied(user, client_id)
    if done is not None:
        return WriteResult(
            client_text, "already", kind=done.kind, entry_id=done.entry_id, next_url=done.next_url
        )
    handler = HANDLERS.get(kind)
    if handler is None:
        return _refusal(client_text, kind, ValidationError({"kind": f"{kind!r} is not a kind of entry"}))
    data = write.get("data") or {}
    try:
        tapped = _tap_time(write.get("tapped_at"))
        if not isinstance(data, dict):
            raise ValidationError({"data": "should be a JSON object"})
        with transaction.atomic(), timezone.override(zone(time_zone_of(user))):
            saved, next_url = handler(user, tapped, data)
            SyncedWrite.objects.create(
                user=user, client_id=client_id, kind=kind, entry_id=str(saved.entry.pk), next_url=next_url
            )
    except ValidationError as exc:
        return _refusal(client_text, kind, exc)
    except IntegrityError:
        # The same write arrived twice at once (the page and Background Sync): the other one saved it.
        done = applied(user, client_id)
        if done is None:
            raise
        return WriteResult(client_text, "already", kind=kind, entry_id=done.entry_id, next_url=done.next_url)
    return WriteResult(
        client_text, "saved", kind=kind, entry_id=str(saved.entry.pk), next_url=next_url, alerts=saved.alerts
    )


def apply_writes(user: User, writes: list[Any]) -> list[WriteResult]:
    """Apply a queue in the order it was made (later taps may refer to an attack started earlier)."""
    return [apply_write(user, write) for write in writes[:MAX_WRITES]]
