"""The safety rules. Each module has ``check(diary, kb, cfg, focus) -> list[Alert]``."""

from relief.safety.rules import (
    dose,
    frequency,
    interactions,
    legal,
    pairs,
    personal_limits,
    product,
    red_flags,
    special,
    unknown,
)

RULES = (red_flags, interactions, pairs, unknown, frequency, dose, product, legal, special, personal_limits)

__all__ = ["RULES"]
