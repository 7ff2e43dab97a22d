"""A person's usual doses, derived from what they logged recently (for one-tap logging)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.contrib.auth.models import User

from relief.treatments.models import Dose

LOOKBACK = 60


@dataclass(frozen=True)
class Usual:
    """One usual dose; ``template`` is the most recent dose of its kind, copied when repeated."""

    template: Dose
    count: int

    @property
    def label(self) -> str:
        dose = self.template
        amount = f" {dose.amount:g} {dose.unit}" if dose.amount is not None else ""
        product = f" · {dose.product.name}" if dose.product is not None else ""
        return f"{dose.substance.name}{amount}{product}"


def _kind(dose: Dose) -> tuple[object, ...]:
    return (dose.substance_id, dose.product_id, dose.batch_id, dose.amount, dose.unit, dose.route)


def usual_doses(user: User, limit: int = 3) -> list[Usual]:
    """The most often repeated doses among the last ``LOOKBACK``, most frequent first (recent breaks ties)."""
    recent = list(
        Dose.objects.filter(user=user)
        .select_related("substance", "product")
        .order_by("-taken_at", "-id")[:LOOKBACK]
    )
    counts = Counter(_kind(d) for d in recent)
    firsts: dict[tuple[object, ...], Dose] = {}
    for dose in recent:
        firsts.setdefault(_kind(dose), dose)
    ranked = sorted(firsts.items(), key=lambda item: -counts[item[0]])  # stable: recency breaks ties
    return [Usual(template=dose, count=counts[kind]) for kind, dose in ranked[:limit]]
