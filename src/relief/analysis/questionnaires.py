"""Scoring of MIDAS, HIT-6 and SOWS from their stored answers.

Only structure and scoring live here, never licensed item wording.  The
Django side stores the raw answers and calls these functions; the analysis
uses the same functions so both always agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

HIT6_POINTS: tuple[int, ...] = (6, 8, 10, 11, 13)
"""HIT-6 response index (0 never ... 4 always) to points."""


@dataclass(frozen=True)
class QuestionnaireScore:
    instrument: str
    score: float
    grade: str
    label: str

    def as_dict(self) -> dict[str, object]:
        return {"instrument": self.instrument, "score": self.score, "grade": self.grade, "label": self.label}


def _ints(
    answers: Sequence[int], n: int | tuple[int, ...], low: int, high: int | None, name: str
) -> list[int]:
    sizes = (n,) if isinstance(n, int) else n
    if len(answers) not in sizes:
        raise ValueError(f"{name} needs {' or '.join(map(str, sizes))} answers, got {len(answers)}")
    values: list[int] = []
    for i, a in enumerate(answers):
        if isinstance(a, bool) or int(a) != a:
            raise ValueError(f"{name} answer {i + 1} must be a whole number, got {a!r}")
        v = int(a)
        if v < low or (high is not None and v > high):
            bound = f"{low}..{high}" if high is not None else f">= {low}"
            raise ValueError(f"{name} answer {i + 1} must be {bound}, got {v}")
        values.append(v)
    return values


def midas_grade(score: float) -> tuple[str, str]:
    if score <= 5:
        return "I", "little or no disability"
    if score <= 10:
        return "II", "mild disability"
    if score <= 20:
        return "III", "moderate disability"
    return "IV", "severe disability"


def score_midas(answers: Sequence[int]) -> QuestionnaireScore:
    """MIDAS: questions 1-5 are day counts over the last 3 months; score is their sum.

    ``answers`` has 5 items (Q1-Q5) or 7 (Q1-Q5, then the unscored A =
    headache days and B = average pain 0-10).  Grades I 0-5, II 6-10,
    III 11-20, IV >= 21 (Stewart et al. 2001).
    """
    values = _ints(answers, (5, 7), 0, 92, "MIDAS")
    if len(values) == 7 and values[6] > 10:
        raise ValueError(f"MIDAS answer B (average pain) must be 0..10, got {values[6]}")
    score = float(sum(values[:5]))
    grade, label = midas_grade(score)
    return QuestionnaireScore("midas", score, grade, label)


def hit6_grade(score: float) -> tuple[str, str]:
    if score <= 49:
        return "little", "little or no impact"
    if score <= 55:
        return "some", "some impact"
    if score <= 59:
        return "substantial", "substantial impact"
    return "severe", "severe impact"


def score_hit6(answers: Sequence[int]) -> QuestionnaireScore:
    """HIT-6: six response indices 0..4 worth 6, 8, 10, 11, 13 points; total 36-78.

    Categories <= 49 little or no impact, 50-55 some, 56-59 substantial,
    >= 60 severe (Kosinski et al. 2003).
    """
    values = _ints(answers, 6, 0, 4, "HIT-6")
    score = float(sum(HIT6_POINTS[v] for v in values))
    grade, label = hit6_grade(score)
    return QuestionnaireScore("hit6", score, grade, label)


def sows_grade(score: float) -> tuple[str, str]:
    if score == 0:
        return "none", "no withdrawal symptoms reported"
    if score <= 10:
        return "mild", "mild withdrawal symptoms"
    if score <= 20:
        return "moderate", "moderate withdrawal symptoms"
    return "severe", "severe withdrawal symptoms"


def score_sows(answers: Sequence[int]) -> QuestionnaireScore:
    """Subjective Opiate Withdrawal Scale (Handelsman 1987): 16 items 0..4, total 0-64.

    The bands (1-10 mild, 11-20 moderate, >= 21 severe) are a common
    convention, not part of the original paper.
    """
    values = _ints(answers, 16, 0, 4, "SOWS")
    score = float(sum(values))
    grade, label = sows_grade(score)
    return QuestionnaireScore("sows", score, grade, label)


SCORERS = {"midas": score_midas, "hit6": score_hit6, "sows": score_sows}
GRADERS = {"midas": midas_grade, "hit6": hit6_grade, "sows": sows_grade}
