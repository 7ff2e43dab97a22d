"""The safety rules. Each module has ``check(diary, kb, cfg, focus) -> list[Alert]``."""

from relief.safety.rules import dose, frequency, interactions, legal, product, red_flags, special

RULES = (red_flags, interactions, frequency, dose, product, legal, special)

__all__ = ["RULES"]
