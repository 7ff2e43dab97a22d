"""A person's usual doses, derived from what they logged (for one-tap logging).

Doses count together when they are the same substance in the same unit from the
same product, whatever batch or amount; the group's usual amount is the one
logged most often in it (the latest breaks ties), and a tap copies the latest
dose of that amount (so the batch is the one used last). During an attack,
preventive doses (a daily magnesium) are left out: they are not what a person
in pain reaches for.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.contrib.auth.models import User

from relief.core.display import amount_text
from relief.safety.models import DiarySummary
from relief.safety.summary import D_AMOUNT, D_AT, D_ID, D_PRODUCT, D_REASON, D_SUBSTANCE, D_UNIT, LOOKBACK
from relief.treatments.models import Dose

__all__ = ["LOOKBACK", "Usual", "last_amounts", "usual_doses"]


@dataclass(frozen=True)
class Usual:
    """One usual dose; ``template`` is the latest dose of its usual amount, copied when repeated."""

    template: Dose
    count: int

    @property
    def label(self) -> str:
        dose = self.template
        amount = f" {amount_text(dose.amount)} {dose.unit}" if dose.amount is not None else ""
        product = f" · {dose.product.name}" if dose.product is not None else ""
        return f"{dose.substance.name}{amount}{product}"


def _group(dose: Dose) -> tuple[object, ...]:
    return (dose.substance_id, dose.product_id, dose.unit)


def usual_doses(
    user: User, limit: int = 3, *, during_attack: bool = False, known: DiarySummary | None = None
) -> list[Usual]:
    """The person's most used doses (substance, amount, product), most used first; recency breaks ties.

    With the person's running summary (``known``), counted from it: only the chosen doses are read.
    """
    if known is not None and (not during_attack or known.data["counts"]["doses"] <= len(known.data["doses"])):
        return _usual_from_summary(known, limit, during_attack)
    recent = Dose.objects.filter(user=user)
    if during_attack:
        recent = recent.exclude(reason=Dose.Reason.PREVENTIVE)
    doses = list(recent.select_related("substance", "product").order_by("-taken_at", "-id")[:LOOKBACK])
    groups: dict[tuple[object, ...], list[Dose]] = defaultdict(list)
    for dose in doses:  # newest first, so every list starts with the group's latest dose
        groups[_group(dose)].append(dose)
    ranked = sorted(groups.values(), key=lambda members: -len(members))  # stable: recency breaks ties
    usual = []
    for members in ranked[:limit]:
        amounts = Counter(d.amount for d in members)
        top = max(amounts.values())
        template = next(d for d in members if amounts[d.amount] == top)  # the latest of the commonest
        usual.append(Usual(template=template, count=len(members)))
    return usual


def _usual_from_summary(known: DiarySummary, limit: int, during_attack: bool) -> list[Usual]:
    rows = sorted(known.data["doses"], key=lambda r: (r[D_AT], r[D_ID]), reverse=True)
    if during_attack:
        rows = [r for r in rows if r[D_REASON] != Dose.Reason.PREVENTIVE]
    groups: dict[tuple[object, ...], list[list[object]]] = defaultdict(list)
    for row in rows[:LOOKBACK]:  # newest first, as above
        groups[(row[D_SUBSTANCE], row[D_PRODUCT], row[D_UNIT])].append(row)
    ranked = sorted(groups.values(), key=lambda members: -len(members))
    chosen = []
    for members in ranked[:limit]:
        amounts = Counter(r[D_AMOUNT] for r in members)
        top = max(amounts.values())
        chosen.append((next(r for r in members if amounts[r[D_AMOUNT]] == top)[D_ID], len(members)))
    found = Dose.objects.select_related("substance", "product").in_bulk(
        [uuid.UUID(str(i)) for i, _ in chosen]
    )
    return [Usual(template=found[uuid.UUID(str(i))], count=count) for i, count in chosen]


def last_amounts(user: User) -> dict[str, tuple[float | None, str]]:
    """Each substance's latest amount and unit (keyed by substance id), to preset a dose form."""
    latest: dict[str, tuple[float | None, str]] = {}
    rows = (
        Dose.objects.filter(user=user)
        .order_by("-taken_at", "-id")
        .values_list("substance_id", "amount", "unit")
    )
    for substance_id, amount, unit in rows[:LOOKBACK]:
        latest.setdefault(str(substance_id), (amount, unit))
    return latest
