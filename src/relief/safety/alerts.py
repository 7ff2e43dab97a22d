"""Alerts: what a rule found, in plain words, with the evidence and the sources behind it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from relief.safety.kb import CERTAINTY_LABELS, Entry, Source

# Most severe first. "dangerous" alerts ask to be acknowledged; none of them blocks saving.
LEVELS = ("dangerous", "unsafe", "caution", "info")

DISCLAIMER = (
    "Relief Journal gives information, not medical advice. These checks use published sources that can be "
    "incomplete or out of date, and they never tell you how much to take. Talk to your clinician or "
    "pharmacist before you start, stop or combine anything."
)


@dataclass(frozen=True)
class Evidence:
    """One diary entry an alert is based on."""

    kind: str  # dose, standing_medication, side_effect, attack, batch, lab_report, profile
    id: str
    label: str

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "id": self.id, "label": self.label}


def first_sentence(text: str) -> str:
    """Text up to the first full stop that ends a sentence: one followed by a space and a capital letter,
    outside parentheses, so neither "(Wis. Stat. 961.14)" nor "about 3.5 g" ends it."""
    depth = 0
    for i, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif char == "." and depth == 0 and text[i + 1 : i + 2] == " " and text[i + 2 : i + 3][:1].isupper():
            return text[: i + 1]
    return text


@dataclass(frozen=True)
class Alert:
    key: str  # stable: the same finding about the same entries gives the same key
    rule: str  # interaction, frequency, overuse, dose, red_flag, product, legal, special
    level: str
    title: str
    message: str
    actions: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    sources: tuple[Source, ...]
    as_of: str | None = None  # the newest "as of" date of the knowledge entries used
    certainty: str = "established"
    knowledge: tuple[str, ...] = ()  # kind:key of the knowledge entries used
    acknowledged_at: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"unknown alert level {self.level!r}")

    @property
    def needs_acknowledgement(self) -> bool:
        return self.level == "dangerous"

    @property
    def is_uncertain(self) -> bool:
        return self.certainty != "established"

    @property
    def entry_ids(self) -> list[str]:
        return [e.id for e in self.evidence]

    @property
    def gist(self) -> str:
        """The message's first sentence: what a one-line list (the clinician report) adds to the title."""
        return first_sentence(self.message)

    def with_acknowledgement(self, when: str | None) -> Alert:
        return replace(self, acknowledged_at=when)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "rule": self.rule,
            "level": self.level,
            "title": self.title,
            "message": self.message,
            "action": self.actions[0] if self.actions else "",
            "actions": list(self.actions),
            "evidence": [e.as_dict() for e in self.evidence],
            "sources": [s.as_dict() for s in self.sources],
            "as_of": self.as_of,
            "certainty": self.certainty,
            "certainty_label": CERTAINTY_LABELS.get(self.certainty, self.certainty),
            "knowledge": list(self.knowledge),
            "needs_acknowledgement": self.needs_acknowledgement,
            "acknowledged_at": self.acknowledged_at,
            **({"details": self.extra} if self.extra else {}),
        }


def from_entries(
    entries: Iterable[Entry],
    *,
    key: str,
    rule: str,
    level: str,
    title: str,
    message: str,
    actions: Iterable[str],
    evidence: Iterable[Evidence],
    extra: dict[str, Any] | None = None,
) -> Alert:
    """Build an alert whose sources, date and certainty come from the knowledge entries it used.

    The weakest certainty wins, and an alert resting on any uncertain entry says so in its message.
    """
    entries = list(entries)
    sources: dict[str, Source] = {}
    for entry in entries:
        for source in entry.sources:
            sources.setdefault(source.key, source)
    order = ("established", "inference", "uncertain", "verify")
    certainty = max((e.certainty for e in entries), key=order.index, default="established")
    if certainty != "established" and "(Evidence:" not in message:
        message = f"{message} (Evidence: {CERTAINTY_LABELS[certainty]}.)"
    return Alert(
        key=key,
        rule=rule,
        level=level,
        title=title,
        message=message,
        actions=tuple(actions),
        evidence=tuple(dict.fromkeys(evidence)),
        sources=tuple(sources.values()),
        as_of=max(e.as_of for e in entries).isoformat() if entries else None,
        certainty=certainty,
        knowledge=tuple(f"{e.kind}:{e.key}" for e in entries),
        extra=extra or {},
    )


def sort_alerts(alerts: Iterable[Alert]) -> list[Alert]:
    """Most severe first, then by rule and key; duplicates (same key) are dropped."""
    unique: dict[str, Alert] = {}
    for alert in alerts:
        unique.setdefault(alert.key, alert)
    return sorted(unique.values(), key=lambda a: (LEVELS.index(a.level), a.rule, a.key))
