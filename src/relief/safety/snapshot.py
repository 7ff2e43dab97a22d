"""A read-only snapshot of one person's diary, loaded once and shared by all rules.

Every day here is a calendar day in the person's own time zone (relief.core.timeutil).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from relief.accounts.services import get_profile
from relief.core.timeutil import local_day, zone
from relief.diary.models import Attack, DayRecord, SideEffect
from relief.safety.kb import load_knowledge
from relief.safety.summary import (
    D_AMOUNT,
    D_AT,
    D_BATCH,
    D_GRAMS,
    D_ID,
    D_PRODUCT,
    D_REASON,
    D_ROUTE,
    D_SUBSTANCE,
    D_UNIT,
    attack_spans,
    has_any,
    moment,
    stamp,
)
from relief.safety.summary import current as current_summary
from relief.safety.tags import profile_of, substance_profile
from relief.treatments.models import Dose, StandingMedication

PAIN_REASONS = frozenset({"acute", "chronic"})
NON_LEAF_FORMS = frozenset({"extract", "shot", "tablet", "other"})


def fmt_local(moment: dt.datetime, tz: str) -> str:
    """A time as the person reads it: their own clock and zone."""
    local = moment.astimezone(zone(tz))
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


@dataclass(frozen=True)
class DoseView:
    id: str
    substance_id: str
    substance_key: str
    name: str
    cls: str
    properties: frozenset[str]
    amount: float | None
    unit: str
    amount_g: float | None
    route: str
    reason: str
    taken_at: dt.datetime
    day: dt.date
    product_form: str | None
    batch_id: str | None
    tz: str
    # The Dose itself, when the view was made from it; otherwise it is fetched on first use of ``model``.
    loaded: Any = field(default=None, repr=False, compare=False, hash=False)
    # Classes, including those of a combination product's ingredients (co-codamol is also an opioid).
    classes: frozenset[str] = frozenset()
    # Whether the substance is in the catalogue, so covered by the interaction knowledge base.
    known: bool = True
    # The classes a combination product brings through its ingredients (pairs.py).
    components: tuple[str, ...] = ()

    @property
    def model(self) -> Any:
        """The Dose (with its substance, product and batch); fetched once when the view came from a summary."""
        if self.loaded is None:
            found = Dose.objects.select_related("substance", "product", "batch").get(pk=self.id)
            object.__setattr__(self, "loaded", found)
        return self.loaded

    @property
    def tags(self) -> frozenset[str]:
        """Catalogue key, classes and properties: what interaction entries match on."""
        return self.classes | self.properties | {self.cls} | ({self.substance_key} - {""})

    @property
    def is_kratom(self) -> bool:
        return self.cls == "kratom"

    @property
    def is_seven_oh(self) -> bool:
        return "seven_oh" in self.properties

    @property
    def is_leaf(self) -> bool:
        """Plain leaf kratom (powder, capsules, tea), where the gram-based bands can apply."""
        return (
            self.is_kratom
            and not self.is_seven_oh
            and (self.product_form or "leaf_powder") not in NON_LEAF_FORMS
            and self.route in ("oral", "buccal")
        )

    @property
    def label(self) -> str:
        amount = f"{self.amount:g} {self.unit} " if self.amount is not None else ""
        return f"{amount}{self.name} at {fmt_local(self.taken_at, self.tz)}"


@dataclass
class Diary:
    user: Any
    profile: Any
    tz: str
    at: dt.datetime
    doses: list[DoseView]
    medications: list[Any]
    side_effects: list[Any]
    attacks: list[Any]
    alcohol_days: dict[dt.date, Any]
    # Days a stopped standing medication keeps counting after its last day (washout), by medication id.
    washout: dict[str, int] = field(default_factory=dict)

    @property
    def today(self) -> dt.date:
        return self.day(self.at)

    def day(self, moment: dt.datetime) -> dt.date:
        return local_day(moment, self.tz)

    def kratom_doses(self) -> list[DoseView]:
        return [d for d in self.doses if d.is_kratom]

    def doses_between(self, start: dt.datetime, end: dt.datetime) -> list[DoseView]:
        return [d for d in self.doses if start <= d.taken_at <= end]

    def doses_on_days(self, first: dt.date, last: dt.date) -> list[DoseView]:
        return [d for d in self.doses if first <= d.day <= last]

    def counts_until(self, med: Any) -> dt.date | None:
        """The last day a standing medication still counts: its stop day plus its washout (None: ongoing)."""
        if med.stopped_on is None:
            return None
        return med.stopped_on + dt.timedelta(days=self.washout.get(str(med.id), 0))

    def counts_on(self, med: Any, day: dt.date) -> bool:
        """Whether a standing medication counts on a day: taken then, or still within its washout."""
        until = self.counts_until(med)
        return med.started_on <= day and (until is None or day <= until)

    def in_washout(self, med: Any, day: dt.date) -> bool:
        return self.counts_on(med, day) and med.stopped_on is not None and day > med.stopped_on

    def medications_active_on(self, day: dt.date) -> list[Any]:
        return [m for m in self.medications if self.counts_on(m, day)]

    def headache_days(self, first: dt.date, last: dt.date) -> set[dt.date]:
        """Local days touched by an attack (an open attack counts on its first day)."""
        days: set[dt.date] = set()
        for attack in self.attacks:
            start = self.day(attack.started_at)
            end = self.day(attack.ended_at) if attack.ended_at else start
            day = max(start, first)
            while day <= min(end, last):
                days.add(day)
                day += dt.timedelta(days=1)
        return days

    def kratom_days(self, first: dt.date, last: dt.date) -> set[dt.date]:
        return {d.day for d in self.kratom_doses() if first <= d.day <= last}


def dose_view(dose: Any, tz: str, *, dose_id: str | None = None) -> DoseView:
    substance = dose.substance
    product = dose.product
    profile = substance_profile(substance)
    return DoseView(
        id=dose_id or str(dose.id),
        substance_id=str(substance.id),
        substance_key=profile.key or substance.key or "",
        name=substance.name,
        cls=substance.substance_class,
        properties=profile.properties,
        amount=dose.amount,
        unit=dose.unit or "",
        amount_g=dose.amount_g,
        route=dose.route,
        reason=dose.reason,
        taken_at=dose.taken_at,
        day=local_day(dose.taken_at, tz),
        product_form=product.form if product is not None else None,
        batch_id=str(dose.batch_id) if dose.batch_id else None,
        tz=tz,
        loaded=dose,
        classes=profile.classes | {substance.substance_class},
        known=profile.known,
        components=tuple(profile.via_components),
    )


def summary_dose_views(summary: Any, tz: str, since: dt.datetime, until: dt.datetime) -> list[DoseView]:
    """The doses of a running summary (relief.safety.summary) taken from ``since`` to ``until``."""
    data = summary.data
    first, last = stamp(since), stamp(until)
    views = []
    for row in data["doses"]:
        if not first <= row[D_AT] <= last:
            continue
        key, name, cls, properties = data["substances"][row[D_SUBSTANCE]]
        profile = profile_of(key, name, cls, properties)
        taken_at = moment(row[D_AT])
        views.append(
            DoseView(
                id=row[D_ID],
                substance_id=row[D_SUBSTANCE],
                substance_key=profile.key or key,
                name=name,
                cls=cls,
                properties=profile.properties,
                amount=row[D_AMOUNT],
                unit=row[D_UNIT],
                amount_g=row[D_GRAMS],
                route=row[D_ROUTE],
                reason=row[D_REASON],
                taken_at=taken_at,
                day=local_day(taken_at, tz),
                product_form=data["products"].get(row[D_PRODUCT]) if row[D_PRODUCT] else None,
                batch_id=row[D_BATCH],
                tz=tz,
                classes=profile.classes | {cls},
                known=profile.known,
                components=tuple(profile.via_components),
            )
        )
    return views


def load(
    user: Any,
    at: dt.datetime,
    *,
    since: dt.datetime,
    until: dt.datetime | None = None,
    focus: Any = None,
    known: Any = None,
) -> Diary:
    """Load the person's entries from ``since`` to ``until`` (default ``at``).

    From the person's running summary when it reaches back to ``since`` (one query, and one for
    each kind the person has at all: standing medications, side effects, days with alcohol);
    otherwise from the rows. ``focus`` is a Dose just saved: its view carries the model itself;
    ``known`` is the summary that save stored (current by construction).
    """
    profile = get_profile(user)
    tz = profile.time_zone or "UTC"
    until = max(until or at, at)
    summary = known if known is not None else current_summary(user)
    if since >= summary.horizon:
        return _from_summary(user, profile, tz, at, since, until, summary, focus)
    doses = (
        Dose.objects.filter(user=user, taken_at__gte=since, taken_at__lte=until)
        .select_related("substance", "product", "batch")
        .order_by("taken_at", "id")
    )
    medications = list(StandingMedication.objects.filter(user=user).select_related("substance"))
    side_effects = list(
        SideEffect.objects.filter(user=user, occurred_at__gte=since, occurred_at__lte=until).select_related(
            "dose__substance"
        )
    )
    attacks = list(
        Attack.objects.filter(user=user, started_at__lte=until)
        .exclude(ended_at__lt=since)
        .order_by("started_at")
    )
    alcohol: dict[dt.date, Any] = defaultdict(lambda: None)
    for record in DayRecord.objects.filter(
        user=user, date__gte=local_day(since, tz), alcohol_units__gt=0
    ).order_by("date"):
        alcohol[record.date] = alcohol[record.date] or record

    kb = load_knowledge()
    return Diary(
        washout={str(m.id): kb.washout_days(m.substance) for m in medications},
        user=user,
        profile=profile,
        tz=tz,
        at=at,
        doses=[dose_view(d, tz) for d in doses],
        medications=medications,
        side_effects=side_effects,
        attacks=attacks,
        alcohol_days={k: v for k, v in alcohol.items() if v is not None},
    )


def _from_summary(
    user: Any,
    profile: Any,
    tz: str,
    at: dt.datetime,
    since: dt.datetime,
    until: dt.datetime,
    summary: Any,
    focus: Any,
) -> Diary:
    doses = summary_dose_views(summary, tz, since, until)
    if focus is not None:
        doses = [replace(d, loaded=focus) if d.id == str(focus.id) else d for d in doses]
    medications: list[Any] = []
    if has_any(summary, "medications"):
        medications = list(StandingMedication.objects.filter(user=user).select_related("substance"))
    side_effects: list[Any] = []
    if has_any(summary, "side_effects"):
        side_effects = list(
            SideEffect.objects.filter(
                user=user, occurred_at__gte=since, occurred_at__lte=until
            ).select_related("dose__substance")
        )
    attacks = [
        a
        for a in attack_spans(summary)
        if a.started_at <= until and (a.ended_at is None or a.ended_at >= since)
    ]
    alcohol: dict[dt.date, Any] = {}
    if has_any(summary, "alcohol_days"):
        for record in DayRecord.objects.filter(
            user=user, date__gte=local_day(since, tz), alcohol_units__gt=0
        ).order_by("date"):
            alcohol.setdefault(record.date, record)
    kb = load_knowledge()
    return Diary(
        washout={str(m.id): kb.washout_days(m.substance) for m in medications},
        user=user,
        profile=profile,
        tz=tz,
        at=at,
        doses=doses,
        medications=medications,
        side_effects=side_effects,
        attacks=attacks,
        alcohol_days=alcohol,
    )
