"""Questionnaire scoring for MIDAS, HIT-6 and SOWS."""

from __future__ import annotations

import pytest

from relief.analysis.questionnaires import HIT6_POINTS, score_hit6, score_midas, score_sows


def test_midas_sums_the_first_five_answers_only() -> None:
    result = score_midas([1, 2, 3, 0, 4, 30, 7])
    assert result.score == 10
    assert result.grade == "II"


@pytest.mark.parametrize(
    ("total", "grade"), [(0, "I"), (5, "I"), (6, "II"), (10, "II"), (11, "III"), (20, "III"), (21, "IV")]
)
def test_midas_grades_follow_the_published_bands(total: int, grade: str) -> None:
    assert score_midas([total, 0, 0, 0, 0]).grade == grade


def test_midas_refuses_a_wrong_number_of_answers_and_pain_above_ten() -> None:
    with pytest.raises(ValueError, match="5 or 7"):
        score_midas([1, 2, 3])
    with pytest.raises(ValueError, match="average pain"):
        score_midas([0, 0, 0, 0, 0, 10, 11])


def test_hit6_turns_response_indices_into_points() -> None:
    assert score_hit6([0] * 6).score == 36
    assert score_hit6([4] * 6).score == 78
    answers = [0, 1, 2, 3, 4, 2]
    assert score_hit6(answers).score == sum(HIT6_POINTS[a] for a in answers)


@pytest.mark.parametrize(
    ("answers", "grade"),
    [([0] * 6, "little"), ([2, 2, 2, 1, 1, 1], "some"), ([2] * 5 + [1], "substantial"), ([3] * 6, "severe")],
)
def test_hit6_grades_follow_the_published_bands(answers: list[int], grade: str) -> None:
    assert score_hit6(answers).grade == grade


def test_hit6_refuses_an_index_outside_zero_to_four() -> None:
    with pytest.raises(ValueError, match=r"0\.\.4"):
        score_hit6([0, 0, 0, 0, 0, 5])


def test_sows_sums_sixteen_items_and_grades_by_convention() -> None:
    assert score_sows([0] * 16).grade == "none"
    assert score_sows([1] * 10 + [0] * 6).grade == "mild"
    assert score_sows([1] * 16).grade == "moderate"
    result = score_sows([4] * 16)
    assert (result.score, result.grade) == (64, "severe")


def test_sows_refuses_fifteen_items_and_fractions() -> None:
    with pytest.raises(ValueError, match="16"):
        score_sows([0] * 15)
    with pytest.raises(ValueError, match="whole number"):
        score_sows([0.5] + [0] * 15)  # type: ignore[list-item]
