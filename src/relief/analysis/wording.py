"""Small helpers for the sentences the analysis writes, so a count and its noun always agree."""

from __future__ import annotations


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """``counted(1, "attack")`` is "1 attack"; ``counted(3, "attack")`` is "3 attacks"."""
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def treatment_name(row: dict[str, object]) -> str:
    """A treatment row of the analysis document as a reader names it: "Kratom 3-5 g", "Kratom, Red Bali"."""
    name = str(row.get("treatment") or "")
    if row.get("dose_band"):
        name += f" {row['dose_band']}"
    if row.get("product"):
        name += f", {row['product']}"
    return name
