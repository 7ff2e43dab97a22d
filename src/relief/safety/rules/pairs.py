"""Any two substances taken close together, or with a standing medication: not only pairs with kratom.

Each pair of entries (two doses within the entry's time window, a dose while a standing medication
counts, or two standing medications that overlap) is looked up in ``drug_interactions.yaml`` by the
substances' catalogue keys, classes and properties, ingredients included. A stopped standing medication
keeps counting for its washout period (``washout.yaml``). Kratom's own pairs are the interaction rule's.
The key names the entry and both diary entries, so saving an entry and checking the diary give the same
alert and one acknowledgement covers both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from relief.safety.alerts import Alert, Evidence, from_entries
from relief.safety.config import SafetyConfig
from relief.safety.kb import Entry, Knowledge
from relief.safety.rules.base import PREVIEW_ID, Focus, dose_evidence
from relief.safety.snapshot import Diary, DoseView, fmt_local
from relief.safety.tags import substance_profile

TITLES = {
    "contraindicated": "Do not combine",
    "boxed_warning": "Dangerous combination (boxed warning)",
    "dangerous": "Dangerous combination",
    "unsafe": "Unsafe combination",
    "caution": "Combination to check",
    "info": "For your information",
}
ALWAYS = "Tell your pharmacist and every prescriber about all the medicines and remedies you take."
# The longest window of any entry; pairs further apart than this never match.
MAX_WINDOW_HOURS = 72.0


@dataclass(frozen=True)
class Taking:
    """One side of a pair: a dose, or a standing medication."""

    id: str
    name: str
    tags: frozenset[str]
    cls: str
    substance_id: str
    components: tuple[str, ...]
    dose: DoseView | None = None
    med: Any = None

    @property
    def is_kratom(self) -> bool:
        return self.cls == "kratom"


def of_dose(dose: DoseView) -> Taking:
    return Taking(
        id=dose.id,
        name=dose.name,
        tags=dose.tags,
        cls=dose.cls,
        substance_id=dose.substance_id,
        components=dose.components,
        dose=dose,
    )


def of_medication(med: Any) -> Taking:
    profile = substance_profile(med.substance)
    return Taking(
        id=str(med.id),
        name=med.substance.name,
        tags=profile.tags | {med.substance.substance_class} | ({profile.key} - {""}),
        cls=med.substance.substance_class,
        substance_id=str(med.substance_id),
        components=profile.via_components,
        med=med,
    )


def _window(entry: Entry, cfg: SafetyConfig) -> float:
    return float(entry.get("window_hours") or cfg.lookback_hours)


def _gap(a: dt.datetime, b: dt.datetime) -> str:
    hours = abs((a - b).total_seconds()) / 3600
    if hours >= 48:
        return f"{hours / 24:.0f} days"
    return f"{hours:.0f} h" if hours >= 1 else f"{hours * 60:.0f} min"


def _matching(kb: Knowledge, cfg: SafetyConfig, one: Taking, other: Taking) -> list[Entry]:
    """The worst-level entries that apply to this pair (dose pairs only within each entry's window)."""
    if one.substance_id == other.substance_id or one.is_kratom or other.is_kratom:
        return []
    found = kb.drug_interactions_between(one.tags, other.tags)
    if one.dose is not None and other.dose is not None:
        hours = abs((one.dose.taken_at - other.dose.taken_at).total_seconds()) / 3600
        found = [e for e in found if hours <= _window(e, cfg)]
    if not found:
        return []
    return [e for e in found if e["level"] == found[0]["level"]]


def _describe(diary: Diary, side: Taking, day: dt.date | None) -> str:
    if side.dose is not None:
        return f"{side.name} at {fmt_local(side.dose.taken_at, diary.tz)}"
    med = side.med
    if day is not None and diary.in_washout(med, day):
        return (
            f"{side.name}, which you stopped on {med.stopped_on}; it still counts until "
            f"{diary.counts_until(med)} because it stays in the body and keeps acting after the last dose"
        )
    return f"{side.name}, which you take regularly (since {med.started_on})"


def _through_components(side: Taking, entries: list[Entry]) -> str:
    if not side.components:
        return ""
    named = set().union(*(set(e["a"]) | set(e["b"]) for e in entries))
    matched = sorted((side.tags & named) - {side.cls})
    if not matched:
        return ""
    return f" {side.name} counts here because of its ingredients ({', '.join(m.replace('_', ' ') for m in matched)})."


def _evidence(diary: Diary, side: Taking, day: dt.date | None) -> Evidence:
    if side.dose is not None:
        return dose_evidence(side.dose)
    med = side.med
    stop = f" to {med.stopped_on}" if med.stopped_on else ""
    washout = (
        f" (still counts until {diary.counts_until(med)})"
        if day is not None and diary.in_washout(med, day)
        else ""
    )
    return Evidence("standing_medication", str(med.id), f"{side.name} from {med.started_on}{stop}{washout}")


def pair_alert(
    diary: Diary, kb: Knowledge, cfg: SafetyConfig, one: Taking, other: Taking, day: dt.date | None
) -> list[Alert]:
    entries = _matching(kb, cfg, one, other)
    if not entries:
        return []
    first, second = sorted(
        (one, other),
        key=lambda t: (
            t.dose is None,
            t.dose.taken_at if t.dose else dt.datetime.min.replace(tzinfo=dt.UTC),
            t.name,
        ),
    )
    level = entries[0]["level"]
    label = entries[0].get("label")
    verb = "Taking" if PREVIEW_ID in (one.id, other.id) else "You took"
    if first.dose is not None and second.dose is not None:
        when = (
            f"{verb} {_describe(diary, first, day)} and {_describe(diary, second, day)}, "
            f"{_gap(first.dose.taken_at, second.dose.taken_at)} apart."
        )
    elif first.dose is not None or second.dose is not None:
        dose_side, med_side = (first, second) if first.dose is not None else (second, first)
        when = f"{verb} {_describe(diary, dose_side, day)} while on {_describe(diary, med_side, day)}."
    else:
        when = f"Your standing medications include {_describe(diary, first, day)} and {_describe(diary, second, day)}."
    parts = _through_components(first, entries) + _through_components(second, entries)
    mechanisms = " ".join(dict.fromkeys(e["mechanism"] for e in entries))
    title = TITLES.get(label if label in ("contraindicated", "boxed_warning") else level, TITLES[level])
    ids = sorted([one.id, other.id])
    actions = list(dict.fromkeys(a for e in entries for a in e["actions"]))
    return [
        from_entries(
            entries,
            key=f"pair:{entries[0].key}:{ids[0]}:{ids[1]}",
            rule="interaction",
            level=level,
            title=f"{title}: {first.name} and {second.name}",
            message=f"{when}{parts} {mechanisms}",
            actions=(*actions, ALWAYS),
            evidence=[_evidence(diary, first, day), _evidence(diary, second, day)],
            extra={
                "interactions": [e.key for e in entries],
                "interaction_level": level,
                "label": label or "",
                "pair": [first.name, second.name],
            },
        )
    ]


def _near(diary: Diary, dose: DoseView) -> list[DoseView]:
    window = dt.timedelta(hours=MAX_WINDOW_HOURS)
    return [d for d in diary.doses_between(dose.taken_at - window, dose.taken_at + window) if d.id != dose.id]


def _overlap(diary: Diary, a: Any, b: Any, since: dt.date) -> dt.date | None:
    """The last day two standing medications both count, if it is on or after ``since``."""
    far = dt.date.max
    start = max(a.started_on, b.started_on, since)
    end = min(diary.counts_until(a) or far, diary.counts_until(b) or far, diary.today)
    return end if start <= end else None


def _doses_with(diary: Diary, dose: DoseView) -> Iterable[tuple[Taking, Taking, dt.date | None]]:
    me = of_dose(dose)
    for other in _near(diary, dose):
        yield me, of_dose(other), dose.day
    for med in diary.medications_active_on(dose.day):
        yield me, of_medication(med), dose.day


def check(diary: Diary, kb: Knowledge, cfg: SafetyConfig, focus: Focus) -> list[Alert]:
    alerts: list[Alert] = []
    pairs: list[tuple[Taking, Taking, dt.date | None]] = []
    month = dt.timedelta(days=cfg.window_days)
    if focus.mode == "entry":
        for dose in focus.doses:
            pairs += list(_doses_with(diary, dose))
        for med in focus.medications:
            me = of_medication(med)
            for dose in diary.doses_between(focus.ref - month, max(focus.ref, diary.at)):
                if diary.counts_on(med, dose.day):
                    pairs.append((me, of_dose(dose), dose.day))
            for other in diary.medications:
                if other.id != med.id:
                    day = _overlap(diary, med, other, diary.day(focus.ref) - month)
                    if day is not None:
                        pairs.append((me, of_medication(other), day))
    else:
        recent = focus.ref - dt.timedelta(days=cfg.recent_days)
        for dose in diary.doses_between(recent, focus.ref):
            pairs += [
                (a, b, d)
                for a, b, d in _doses_with(diary, dose)
                if b.dose is None or b.dose.taken_at <= focus.ref
            ]
        meds = list(diary.medications)
        for i, med in enumerate(meds):
            for other in meds[i + 1 :]:
                day = _overlap(diary, med, other, diary.day(recent))
                if day is not None:
                    pairs.append((of_medication(med), of_medication(other), day))
    for one, other, day in pairs:
        alerts += pair_alert(diary, kb, cfg, one, other, day)
    return alerts
