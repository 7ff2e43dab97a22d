"""The warning before the dose: the alerts a dose *would* raise if it were saved now (or at a given time).

Nothing is saved. The dose is checked exactly as ``check_entry`` checks a saved one, against the diary
around its time, so the person sees the same alerts before and after saving.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from relief.safety.alerts import Alert
from relief.safety.config import SafetyConfig
from relief.safety.engine import _config, _history, _run
from relief.safety.rules.base import PREVIEW_ID, Focus
from relief.safety.snapshot import dose_view, load
from relief.treatments.models import Dose

__all__ = ["PREVIEW_ID", "parse_dose_text", "preview_dose"]


def preview_dose(
    user: Any,
    substance: Any,
    *,
    taken_at: dt.datetime | None = None,
    amount: float | None = None,
    unit: str = "",
    route: str = "",
    reason: str = "",
    product: Any = None,
    batch: Any = None,
    config: SafetyConfig | None = None,
) -> list[Alert]:
    """Alerts that would fire for this dose at ``taken_at`` (default: now). Never saves anything."""
    cfg = _config(config)
    now = timezone.now()
    at = taken_at or now
    dose = Dose(
        user=user,
        substance=substance,
        taken_at=at,
        amount=amount,
        unit=(unit or "") if amount is not None else "",
        route=route or Dose.Route.ORAL,
        reason=reason or Dose.Reason.ACUTE,
        product=product,
        batch=batch,
    )
    with contextlib.suppress(ValidationError):
        dose.clean()  # works out the amount in grams; a refused amount still gets its safety preview
    window = dt.timedelta(hours=cfg.lookback_hours)
    diary = load(user, max(at, now), since=min(at, now) - _history(cfg), until=at + window)
    view = dose_view(dose, diary.tz, dose_id=PREVIEW_ID)
    diary.doses = sorted([*diary.doses, view], key=lambda d: (d.taken_at, d.id))
    return _run(diary, Focus(ref=at, mode="entry", doses=[view]), cfg)


def parse_dose_text(text: str) -> tuple[str, float | None, str]:
    """'sumatriptan 50 mg' -> ('sumatriptan', 50.0, 'mg'); the amount and unit are optional."""
    words = text.strip().split()
    amount: float | None = None
    unit = ""
    if len(words) >= 2:
        try:
            amount = float(words[-2].replace(",", "."))
            unit = words[-1]
            words = words[:-2]
        except ValueError:
            joined = words[-1]
            number = joined.rstrip("abcdefghijklmnopqrstuvwxyzµ")
            if number and number != joined:
                with contextlib.suppress(ValueError):
                    amount, unit, words = float(number.replace(",", ".")), joined[len(number) :], words[:-1]
    return " ".join(words), amount, unit
