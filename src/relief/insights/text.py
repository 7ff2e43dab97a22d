"""Rates in words, shared by the insights page, the report page and the PDF (no numeric libraries)."""

from __future__ import annotations

import math
from typing import Any


def percent(rate: float | None) -> str:
    return "–" if rate is None or (isinstance(rate, float) and math.isnan(rate)) else f"{rate * 100:.0f}%"


def rate_text(endpoint: dict[str, Any] | None) -> str:
    """'3/6 (50%, 19-81%)' for a k/n rate with its 95 % interval."""
    if not endpoint or not endpoint.get("n"):
        return "–"
    low, high = endpoint.get("ci") or (None, None)
    interval = f", {low * 100:.0f}-{high * 100:.0f}%" if low is not None and high is not None else ""
    return f"{endpoint['k']}/{endpoint['n']} ({percent(endpoint['rate'])}{interval})"
