"""Legal notices: kratom or 7-OH products logged by a person whose place bans them. Not legal advice."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from relief.safety.alerts import Alert, Evidence, from_entries
from relief.safety.config import SafetyConfig
from relief.safety.kb import Entry, Knowledge
from relief.safety.rules.base import Focus, dose_evidence
from relief.safety.snapshot import Diary, DoseView

NOTICE_LEVEL = {
    "banned": "caution",
    "sale_banned": "caution",
    "prescription_only": "caution",
    "proposed_ban": "info",
    "restricted": "info",
}
STATUS_WORDS = {
    "banned": "bans",
    "sale_banned": "bans the sale or import of",
    "prescription_only": "allows only on prescription",
    "proposed_ban": "is moving to ban",
    "restricted": "restricts",
}


def place(profile: Any) -> tuple[str, str | None, str | None]:
    """Country, region code and locality from the profile ("US-LA" or "US-LA Shreveport", plus city)."""
    country = (profile.country or "").strip().upper()
    parts = re.split(r"[\s,;/]+", (profile.region or "").strip(), maxsplit=1)
    region = parts[0].upper() or None
    if region and region.startswith(f"{country}-"):
        region = region[len(country) + 1 :]
    locality = (parts[1].strip() if len(parts) > 1 else "") or (profile.city or "").strip() or None
    return country, region, locality


def _start(effective: str) -> dt.date | None:
    if effective == "unknown":
        return None
    parts = [int(p) for p in effective.split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


def in_effect(entry: Entry, day: dt.date) -> bool:
    start = _start(entry["effective"])
    if start is not None and day < start:
        return False
    until = entry.get("until")
    return not (until and day > dt.date.fromisoformat(until))


def _product_type(dose: DoseView) -> str:
    return "seven_oh" if dose.is_seven_oh else "leaf"


def check(diary: Diary, kb: Knowledge, cfg: SafetyConfig, focus: Focus) -> list[Alert]:
    country, region, locality = place(diary.profile)
    if not country:
        return []
    entries = kb.legal_for(country, region, locality)
    if focus.mode == "diary":
        window_start = focus.ref - dt.timedelta(days=cfg.window_days)
        doses = [d for d in diary.kratom_doses() if d.taken_at >= window_start]
    else:
        doses = [d for d in focus.doses if d.is_kratom]
    found: dict[str, tuple[Entry, list[DoseView]]] = {}
    for dose in doses:
        for entry in entries:
            if entry["status"] not in NOTICE_LEVEL or _product_type(dose) not in entry["products"]:
                continue
            if in_effect(entry, dose.day):
                found.setdefault(entry.key, (entry, []))[1].append(dose)
    alerts = []
    for entry, matched in found.values():
        what = "concentrated 7-OH products" if entry["products"] == ["seven_oh"] else "kratom"
        since = "" if entry["effective"] == "unknown" else f" in effect since {entry['effective']};"
        alerts.append(
            from_entries(
                [entry],
                key=f"legal:{entry.key}",
                rule="legal",
                level=NOTICE_LEVEL[entry["status"]],
                title=f"Legal notice: {entry['name']} {STATUS_WORDS[entry['status']]} {what}",
                message=(
                    f"{entry['summary']} ({entry['name']}:{since} last checked {entry['last_checked']}.) "
                    "Laws change and this is not legal advice."
                ),
                actions=(
                    "Check the current law where you live before you buy, carry or travel with it.",
                    "If you change where you live, update the region in your profile.",
                ),
                evidence=[
                    *(dose_evidence(d) for d in matched),
                    Evidence(
                        "profile",
                        str(diary.profile.id),
                        f"region {country} {region or ''} {locality or ''}".strip(),
                    ),
                ],
                extra={
                    "status": entry["status"],
                    "effective": entry["effective"],
                    "last_checked": entry["last_checked"],
                },
            )
        )
    return alerts
