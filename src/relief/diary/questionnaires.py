"""Item structure of the stored questionnaires (MIDAS, HIT-6, SOWS).

Only structure and scoring live here; licensed item wording is not reproduced.
Answers are stored as lists of integers in questionnaire order.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Instrument:
    key: str
    items: int
    low: int
    high: int
    describe: str


INSTRUMENTS: dict[str, Instrument] = {
    # MIDAS: Q1-Q5 day counts in the last 3 months (0-90), then unscored A (headache
    # days, 0-90) and B (average pain 0-10).
    "midas": Instrument(
        "midas", 7, 0, 90, "7 answers: days for Q1-Q5 and A (0-90), then B average pain (0-10)"
    ),
    # HIT-6: six items, each answered never/rarely/sometimes/very often/always, stored as 0-4.
    "hit6": Instrument(
        "hit6", 6, 0, 4, "6 answers, each 0 never, 1 rarely, 2 sometimes, 3 very often, 4 always"
    ),
    # SOWS (Handelsman 1987): sixteen items rated 0 not at all ... 4 extremely.
    "sows": Instrument("sows", 16, 0, 4, "16 answers, each 0 not at all ... 4 extremely"),
}


def validate_answers(instrument: str, answers: object) -> str | None:
    """Return a message naming what is wrong, or None when the answers fit the instrument."""
    spec = INSTRUMENTS.get(instrument)
    if spec is None:
        return f"unknown questionnaire {instrument!r}; use one of {', '.join(INSTRUMENTS)}"
    if not isinstance(answers, list) or not all(
        isinstance(a, int) and not isinstance(a, bool) for a in answers
    ):
        return f"must be a list of whole numbers: {spec.describe}"
    if len(answers) != spec.items:
        return f"{instrument} needs {spec.items} answers, got {len(answers)}: {spec.describe}"
    for number, answer in enumerate(answers, start=1):
        high = 10 if instrument == "midas" and number == 7 else spec.high
        if not spec.low <= answer <= high:
            return f"answer {number} is {answer}, outside {spec.low}-{high}: {spec.describe}"
    return None


def score(instrument: str, answers: list[int]) -> float:
    """Total score: MIDAS Q1-Q5 sum, HIT-6 points 36-78, SOWS sum 0-64 (scored by relief.analysis)."""
    # lazy: relief.analysis (pandas) loads on first use, not when the models load
    from relief.analysis.questionnaires import score_hit6, score_midas, score_sows

    scorers = {"midas": score_midas, "hit6": score_hit6, "sows": score_sows}
    if instrument not in scorers:
        raise ValueError(f"unknown questionnaire {instrument!r}")
    return float(scorers[instrument](answers).score)
