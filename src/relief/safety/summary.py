"""Per-person running summaries: what ordinary requests read instead of months of rows.

A dose save used to reload 130 days of doses with their substance, product and batch, the
person's standing medications, side effects, attacks and days with alcohol, only to run the safety
rules over them; the today page read the last 400 doses to find the usual ones. The summary
(``DiarySummary``, one row per person) keeps that recent history in one JSON document:

- ``doses``: every dose taken since ``horizon`` and the latest ``LOOKBACK`` doses, as compact
  rows (see ``D_*``), ordered by time, with ``substances`` and ``products`` (what the rules read
  of them) keyed by id;
- ``attacks``: the attacks still open or ended since ``horizon`` (id, start, end);
- ``days``: the dates with a day record since the day before ``horizon``;
- ``counts``: how many doses, attacks, day records, standing medications, side effects and days
  with alcohol the person has at all (an empty kind is never asked for).

The write path keeps it current in the write's own transaction: ``begin`` before the first save
(it locks the row, so two writes of one person take turns), ``finish`` after the last, which adds
the new dose, attack or day to the document, or rebuilds it when an edit or a delete changed the
past. Everything else that writes (imports, the demo diary, the admin, bulk changes) raises the
person's diary version without touching the summary, so the summary's ``diary_version`` falls
behind and the next reader rebuilds it from the rows (``rebuild``). Rebuilding from scratch gives
the same document as any sequence of incremental updates (tests/safety/test_summary.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from relief.diary.models import Attack, DayRecord, SideEffect
from relief.insights.models import DiaryVersion
from relief.safety.config import SafetyConfig
from relief.safety.models import DiarySummary
from relief.treatments.models import Dose, DoseOutcome, StandingMedication

# How far back the safety snapshot reaches: three 30-day overuse windows plus slack, and the usual-range window.
HISTORY_DAYS = 130
# The summary keeps two more weeks than that, so that a write backdated by up to two weeks
# (or a person who has not written for two weeks) is still answered from it.
SLACK_DAYS = 14
# How many of the latest doses the usual doses are counted over (about a year of a busy diary).
LOOKBACK = 400

# The fields of one dose row in ``data["doses"]``.
D_ID, D_SUBSTANCE, D_PRODUCT, D_BATCH, D_AMOUNT, D_UNIT, D_GRAMS, D_ROUTE, D_REASON, D_AT = range(10)
# The fields of one attack row in ``data["attacks"]``.
A_ID, A_START, A_END = range(3)

UTC = dt.UTC
_STAMP = "%Y-%m-%dT%H:%M:%S.%f+00:00"  # one fixed width, so that the text sorts as the time does


def stamp(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).strftime(_STAMP)


def moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def history(cfg: SafetyConfig) -> dt.timedelta:
    """How far back the rules look from the entry they check."""
    return dt.timedelta(
        days=max(HISTORY_DAYS, cfg.window_days * 3 + 10, cfg.usual_range_days + 1, cfg.trend_weeks * 7)
    )


def keep(cfg: SafetyConfig | None = None) -> dt.timedelta:
    return history(cfg or SafetyConfig.from_settings()) + dt.timedelta(days=SLACK_DAYS)


# --- the document ------------------------------------------------------------------------------------


def _dose_row(dose: Any) -> list[Any]:
    return [
        str(dose.id),
        str(dose.substance_id),
        str(dose.product_id) if dose.product_id else None,
        str(dose.batch_id) if dose.batch_id else None,
        dose.amount,
        dose.unit or "",
        dose.amount_g,
        dose.route,
        dose.reason,
        stamp(dose.taken_at),
    ]


def _attack_row(attack: Any) -> list[Any]:
    return [str(attack.id), stamp(attack.started_at), stamp(attack.ended_at) if attack.ended_at else None]


def _substance_entry(substance: Any) -> list[Any]:
    return [substance.key or "", substance.name, substance.substance_class, list(substance.properties or ())]


def _note_dose(data: dict[str, Any], dose: Any) -> None:
    data["substances"][str(dose.substance_id)] = _substance_entry(dose.substance)
    if dose.product_id:
        data["products"][str(dose.product_id)] = dose.product.form


def _prune(data: dict[str, Any], horizon: dt.datetime) -> None:
    """Keep what a rebuild at ``horizon`` would hold, in the order it would hold it."""
    edge = stamp(horizon)
    doses = sorted(data["doses"], key=lambda r: (r[D_AT], r[D_ID]))
    latest = {r[D_ID] for r in doses[-LOOKBACK:]}
    data["doses"] = [r for r in doses if r[D_AT] >= edge or r[D_ID] in latest]
    used = {r[D_SUBSTANCE] for r in data["doses"]}
    data["substances"] = {k: v for k, v in sorted(data["substances"].items()) if k in used}
    used = {r[D_PRODUCT] for r in data["doses"] if r[D_PRODUCT]}
    data["products"] = {k: v for k, v in sorted(data["products"].items()) if k in used}
    attacks = sorted(data["attacks"], key=lambda r: (r[A_START], r[A_ID]))
    data["attacks"] = [r for r in attacks if r[A_END] is None or r[A_END] >= edge]
    first_day = (horizon - dt.timedelta(days=1)).date().isoformat()
    data["days"] = sorted({d for d in data["days"] if d >= first_day})


def build(user: Any, now: dt.datetime | None = None) -> tuple[dt.datetime, dict[str, Any]]:
    """The summary of the person's diary as of ``now``, from the rows (the horizon and the document)."""
    horizon = (now or timezone.now()) - keep()
    latest = list(
        Dose.objects.filter(user=user).order_by("-taken_at", "-id").values_list("id", flat=True)[:LOOKBACK]
    )
    doses = (
        Dose.objects.filter(Q(taken_at__gte=horizon) | Q(id__in=latest), user=user)
        .select_related("substance", "product")
        .order_by("taken_at", "id")
    )
    data: dict[str, Any] = {"doses": [], "substances": {}, "products": {}, "attacks": [], "days": []}
    for dose in doses:
        data["doses"].append(_dose_row(dose))
        _note_dose(data, dose)
    attacks = Attack.objects.filter(user=user).filter(Q(ended_at__isnull=True) | Q(ended_at__gte=horizon))
    data["attacks"] = [_attack_row(a) for a in attacks.order_by("started_at", "id")]
    first_day = (horizon - dt.timedelta(days=1)).date()
    data["days"] = [
        d.isoformat()
        for d in DayRecord.objects.filter(user=user, date__gte=first_day).values_list("date", flat=True)
    ]
    data["counts"] = {
        "doses": Dose.objects.filter(user=user).count(),
        "attacks": Attack.objects.filter(user=user).count(),
        "days": DayRecord.objects.filter(user=user).count(),
        "medications": StandingMedication.objects.filter(user=user).count(),
        "side_effects": SideEffect.objects.filter(user=user).count(),
        "alcohol_days": DayRecord.objects.filter(user=user, alcohol_units__gt=0).count(),
        "outcomes": DoseOutcome.objects.filter(dose__user=user).count(),
    }
    _prune(data, horizon)
    return horizon, data


def _with_version(user_id: Any, *, lock: bool = False) -> Any:
    """The person's summary with their current diary version (``current``), in one plain query.

    Written out rather than built with Subquery: this runs on every write and most pages, and
    composing the query costs more than running it.
    """
    summaries, versions = DiarySummary._meta.db_table, DiaryVersion._meta.db_table
    sql = (
        f"SELECT s.user_id, s.diary_version, s.horizon, s.data, s.built_at, "
        f"COALESCE((SELECT v.version FROM {versions} v WHERE v.user_id = %s), 0) AS current "
        f"FROM {summaries} s WHERE s.user_id = %s"
    )
    if lock and connection.features.has_select_for_update:
        sql += " FOR UPDATE OF s"
    found = list(DiarySummary.objects.raw(sql, [user_id, user_id]))
    return found[0] if found else None


def _store(user_id: Any, *, data: dict[str, Any] | None = None, horizon: dt.datetime | None = None) -> None:
    """Store the summary (or only move it along) at the person's current diary version, in one query."""
    summaries, versions = DiarySummary._meta.db_table, DiaryVersion._meta.db_table
    sets: list[str] = []
    params: list[Any] = []
    if data is not None and horizon is not None:
        sets = ["data = %s", "horizon = %s"]
        params = [
            DiarySummary._meta.get_field("data").get_db_prep_value(data, connection),
            DiarySummary._meta.get_field("horizon").get_db_prep_value(horizon, connection),
        ]
    sets.append(f"diary_version = COALESCE((SELECT v.version FROM {versions} v WHERE v.user_id = %s), 0)")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {summaries} SET {', '.join(sets)} WHERE user_id = %s", [*params, user_id, user_id]
        )


def rebuild(user: Any, now: dt.datetime | None = None) -> DiarySummary:
    """Build the person's summary from their rows and store it (after imports, restores, the demo)."""
    with transaction.atomic():
        horizon, data = build(user, now)
        version = DiaryVersion.objects.filter(user_id=user.pk).values_list("version", flat=True).first() or 0
        fields = {"diary_version": version, "horizon": horizon, "data": data, "built_at": timezone.now()}
        try:
            with transaction.atomic():
                summary, _ = DiarySummary.objects.update_or_create(user_id=user.pk, defaults=fields)
        except IntegrityError:  # another request stored it meanwhile: ours is as good
            summary = DiarySummary(user_id=user.pk, **fields)
    return summary


def current(user: Any) -> DiarySummary:
    """The person's summary as of their latest write (rebuilt first when a write went around it)."""
    found: Any = _with_version(user.pk)
    if found is None or not found.data or found.diary_version != found.current:
        return rebuild(user)
    summary: DiarySummary = found
    return summary


# --- the write path ----------------------------------------------------------------------------------


@dataclass
class Pending:
    """A write in progress: the summary as it was before (None when it must be rebuilt)."""

    user: Any
    summary: DiarySummary | None


def begin(user: Any) -> Pending:
    """Before a write's first save, in its transaction: lock and read the person's summary."""
    found = _with_version(user.pk, lock=True)
    if found is None and connection.features.has_select_for_update:
        # No row to lock yet (a new person, or one whose summary was never stored): make an empty
        # one, which counts as out of date, and lock that.  Every write then takes the summary's
        # lock before it raises the diary version; without the row, a first write took the version
        # first and the summary at the end, the opposite order, and two writes deadlocked.
        DiarySummary.objects.bulk_create(
            [DiarySummary(user_id=user.pk, horizon=timezone.now(), data={})], ignore_conflicts=True
        )
        found = _with_version(user.pk, lock=True)
    fresh = found is not None and bool(found.data) and found.diary_version == found.current  # type: ignore[attr-defined]
    return Pending(user, found if fresh else None)


def finish(
    pending: Pending,
    *,
    dose: Any = None,
    attack: Any = None,
    day: Any = None,
    day_created: bool = False,
    changed_past: bool = False,
) -> DiarySummary:
    """After a write's last save, in its transaction: bring the summary up to the new diary version.

    ``dose``, ``attack`` and ``day`` are a new dose, a new attack and a day record saved (new or
    changed, without alcohol before or after); ``changed_past`` is any other change to what the
    summary holds (an edit, a delete, a medication, a side effect, alcohol), which rebuilds it.
    A write that changes none of it only moves the summary's version along. Returns the summary
    as stored, for the safety check of the same write (``safety_alerts(entry, known=...)``).
    """
    summary = pending.summary
    if summary is None or changed_past:
        return rebuild(pending.user)
    if dose is None and attack is None and day is None:
        _store(pending.user.pk)
        return summary
    data = summary.data
    counts = data["counts"]
    if dose is not None:
        data["doses"].append(_dose_row(dose))
        _note_dose(data, dose)
        counts["doses"] += 1
    if attack is not None:
        data["attacks"].append(_attack_row(attack))
        counts["attacks"] += 1
    if day is not None:
        data["days"].append(day.date.isoformat())
        counts["days"] += int(day_created)
    horizon = max(summary.horizon, timezone.now() - keep())
    _prune(data, horizon)
    _store(pending.user.pk, data=data, horizon=horizon)
    summary.horizon = horizon
    return summary


# --- what readers take from it -----------------------------------------------------------------------


@dataclass(frozen=True)
class AttackSpan:
    """An attack as the rules see it: when it started and ended."""

    id: str
    started_at: dt.datetime
    ended_at: dt.datetime | None

    @property
    def pk(self) -> str:
        return self.id


def attack_spans(summary: DiarySummary) -> list[AttackSpan]:
    return [
        AttackSpan(r[A_ID], moment(r[A_START]), moment(r[A_END]) if r[A_END] else None)
        for r in summary.data["attacks"]
    ]


def has_any(summary: DiarySummary, kind: str) -> bool:
    return bool(summary.data["counts"].get(kind))


def dose_rows_between(summary: DiarySummary, start: dt.datetime, end: dt.datetime) -> list[list[Any]] | None:
    """The dose rows taken in [start, end), or None when the summary does not reach back to ``start``."""
    if start < summary.horizon:
        return None
    first, last = stamp(start), stamp(end)
    return [r for r in summary.data["doses"] if first <= r[D_AT] < last]


def attacks_started_between(
    summary: DiarySummary, start: dt.datetime, end: dt.datetime
) -> list[AttackSpan] | None:
    """The attacks started in [start, end), or None when the summary does not reach back to ``start``.

    (An attack started after the horizon is in the summary: it is open, or it ended after it started.)
    """
    if start < summary.horizon:
        return None
    return [a for a in attack_spans(summary) if start <= a.started_at < end]


def has_day(summary: DiarySummary, day: dt.date) -> bool | None:
    """Whether the day has a day record (None when the summary does not reach back to it)."""
    if day < (summary.horizon - dt.timedelta(days=1)).date():
        return None
    return day.isoformat() in summary.data["days"]


def open_attack(summary: DiarySummary) -> AttackSpan | None:
    """The latest attack still going on (every open attack is in the summary)."""
    spans = [a for a in attack_spans(summary) if a.ended_at is None]
    return max(spans, key=lambda a: a.started_at) if spans else None


def complete_since(summary: DiarySummary) -> dt.datetime:
    """Every dose and attack from this moment on is in the summary."""
    return summary.horizon
