"""How often each verdict comes out on simulated personal trials (run by hand; figures quoted in docs/trials.md).

uv run python tests/plans/reference/verdict_simulation.py  -> verdict_simulation.json beside this script.
Attack trials: each attack reaches pain freedom at 2 h with the option's true chance.
Period trials: daily pain 4 + effect + AR(1) noise (phi 0.5, sd 1.2), half the effect carried
over into the first days after the active option, 28-day periods, 3-day analytic wash-out.
Decision rule as in the app's defaults: margin 0.1 (attacks) or 0.5 points (pain), threshold 0.8.
"""

from __future__ import annotations

import json
import warnings
from collections import Counter
from pathlib import Path

import numpy as np

from relief.analysis.exceptions import InsufficientDataWarning
from relief.analysis.trials import (
    AttackRecord,
    AttackTrialAnalysis,
    PeriodDay,
    PeriodTrialAnalysis,
    permuted_blocks,
    randomised_pairs,
)

RUNS = 1000


def attack(p_first: float, p_second: float, attacks: int, rng: np.random.Generator) -> tuple[str, bool]:
    seq = permuted_blocks(["A", "B"], attacks, rng)
    recs = [
        AttackRecord(i + 1, a, a, bool(rng.random() < (p_first if a == "A" else p_second)))
        for i, a in enumerate(seq)
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsufficientDataWarning)
        c = AttackTrialAnalysis(["A", "B"], margin=0.1, threshold=0.8).fit(recs).comparisons_[0]
    return c.verdict, bool(c.p_value < 0.05)


def period(delta: float, pairs: int, rng: np.random.Generator, washout: int = 3) -> tuple[str, bool]:
    order = randomised_pairs(["A", "B"], pairs, rng)
    days, noise = [], 0.0
    for p, arm in enumerate(order):
        for d in range(28):
            noise = 0.5 * noise + rng.normal(0, 1.2)
            carry = delta * 0.5 if d < washout and p and order[p - 1] == "A" and arm == "B" else 0.0
            days.append(
                PeriodDay(
                    p // 2, p, arm, d, float(np.clip(4 + (delta if arm == "A" else 0) + carry + noise, 0, 10))
                )
            )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsufficientDataWarning)
        c = PeriodTrialAnalysis(["A", "B"], washout_days=washout, margin=0.5).fit(days).comparison_
    return c.verdict, bool(c.p_value < 0.05)


def shares(results: list[tuple[str, bool]]) -> dict[str, float]:
    counts = Counter(v for v, _ in results)
    out = {k: round(v / len(results), 3) for k, v in sorted(counts.items())}
    out["frequentist_p_below_0.05"] = round(sum(s for _, s in results) / len(results), 3)
    return out


def main() -> None:
    rng = np.random.default_rng(20151)
    table = {}
    for p1, p2, n in [
        (0.6, 0.2, 20),
        (0.6, 0.3, 20),
        (0.35, 0.35, 20),
        (0.6, 0.2, 10),
        (0.35, 0.35, 10),
        (0.5, 0.3, 40),
        (0.35, 0.35, 40),
    ]:
        table[f"attack {p1:.0%} vs {p2:.0%}, {n} attacks"] = shares(
            [attack(p1, p2, n, rng) for _ in range(RUNS)]
        )
    for delta, pairs in [(-1.5, 3), (-1.0, 3), (0.0, 3), (-1.0, 2), (0.0, 2)]:
        table[f"period pain {delta:+.1f} points, {pairs} pairs"] = shares(
            [period(delta, pairs, rng) for _ in range(RUNS)]
        )
    Path(__file__).with_name("verdict_simulation.json").write_text(
        json.dumps({"runs": RUNS, "results": table}, indent=2) + "\n"
    )


if __name__ == "__main__":
    main()
