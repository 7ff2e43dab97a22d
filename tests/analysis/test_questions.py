"""The person's questions, answered in plain words with natural frequencies and honest uncertainty."""

from __future__ import annotations

import pytest

from relief.analysis import analyze
from relief.analysis.questions import answer_questions, attacks_per_group, in_words
from relief.analysis.simulate import simulate_diary
from relief.analysis.stats import wilson_interval

from .helpers import make_attack, make_days, make_diary, make_dose


def _by_id(doc):  # type: ignore[no-untyped-def]
    return {q["id"]: q for q in doc["questions"]}


def _kratom_attack(day: int, pain_2h: float, grams: float = 3.0):  # type: ignore[no-untyped-def]
    attack = make_attack(day)
    dose = make_dose(
        day, "Kratom", "kratom", attack_id=attack["id"], amount_g=grams, pain_at_dose=7.0, pain_2h=pain_2h
    )
    return attack, dose


def test_a_rate_reads_as_natural_frequencies_with_its_interval_in_the_same_form() -> None:
    low, high = wilson_interval(3, 11)
    assert in_words(3, 11, (low, high), " attacks") == "3 of 11 attacks (somewhere between 1 and 6 in 11)"
    assert in_words(0, 0, None) == "none so far"


def test_few_attacks_say_too_few_to_tell_apart_and_how_many_more_it_would_take() -> None:
    pairs = [_kratom_attack(d, 0.0 if d < 9 else 5.0) for d in range(0, 33, 3)]  # 3 of 11 pain free
    untreated = [make_attack(d, hours=1.5 if d == 40 else 9.0) for d in range(40, 64, 3)]  # 1 of 8
    diary = make_diary(make_days(70), [a for a, _ in pairs] + untreated, [d for _, d in pairs])
    q = _by_id(analyze(diary))["kratom_helps"]
    assert q["question"] == "Does kratom help my attacks?"
    assert q["answer"].startswith(
        "Pain gone within 2 hours after 3 of 11 attacks with kratom (somewhere between 1 and 6"
    )
    assert "against 1 of 8 untreated" in q["answer"]
    assert "too few attacks to tell them apart yet" in q["answer"]
    assert q["status"] == "not_enough_data"
    assert q["needed"] and "more attacks" in q["needed"]
    assert "weeks" in q["needed"] or "months" in q["needed"] or "years" in q["needed"]
    assert q["trial"] and "personal trial" in q["trial"]


def test_a_clear_difference_is_answered_as_an_association_not_proof() -> None:
    pairs = [_kratom_attack(d, 0.0 if d % 4 else 5.0) for d in range(0, 80, 2)]  # 30 of 40
    untreated = [make_attack(d, hours=10.0) for d in range(81, 121, 2)]  # 0 of 20
    diary = make_diary(make_days(125), [a for a, _ in pairs] + untreated, [d for _, d in pairs])
    q = _by_id(analyze(diary))["kratom_helps"]
    assert q["status"] == "answered"
    assert "more often with kratom" in q["answer"] and "not proof" in q["answer"]
    assert q["needed"] is None


def test_dose_bands_with_few_attacks_are_marked_and_the_answer_never_recommends_a_dose() -> None:
    pairs = [_kratom_attack(d, 0.0 if d % 2 else 4.0, grams=2.0) for d in range(0, 24, 2)]
    pairs += [_kratom_attack(30, 0.0, grams=6.0), _kratom_attack(32, 0.0, grams=6.0)]
    diary = make_diary(make_days(40), [a for a, _ in pairs], [d for _, d in pairs])
    q = _by_id(analyze(diary))["kratom_dose"]
    assert ">5 g: 2 of 2 (too few to say)" in q["answer"]
    assert "not a dose recommendation" in q["answer"]
    assert q["status"] == "not_enough_data"


def test_every_question_is_answered_in_words_on_a_simulated_year() -> None:
    doc = analyze(simulate_diary(365, seed=3).diary)
    ids = [q["id"] for q in doc["questions"]]
    assert ids == ["kratom_helps", "kratom_dose", "working_less", "triggers", "acute_medicine"]
    for q in doc["questions"]:
        assert q["answer"] and "_" not in q["answer"], q  # no machine names such as pain_free_2h
        assert "tag:" not in q["answer"]
        if q["status"] == "not_enough_data":
            assert q["needed"]


def test_an_empty_diary_gets_honest_answers_not_errors() -> None:
    answers = {q["id"]: q for q in answer_questions(analyze(make_diary(make_days(10), [])))}
    assert answers["kratom_helps"]["status"] == "no_data"
    assert answers["triggers"]["status"] == "not_enough_data"
    assert answers["acute_medicine"]["status"] == "not_enough_data"


@pytest.mark.parametrize(("p1", "p2", "expected"), [(0.3, 0.1, 62), (0.5, 0.2, 39)])
def test_the_power_calculation_matches_the_textbook_formula(p1: float, p2: float, expected: int) -> None:
    # Fleiss without continuity correction, 80 % power, two-sided 5 %
    assert attacks_per_group(p1, p2) == expected


def test_when_untreated_attacks_are_rare_what_it_would_take_names_the_mix_and_rounds_the_count() -> None:
    pairs = [_kratom_attack(d, 0.0 if d < 3 else 5.0) for d in range(0, 27, 3)]  # 1 of 9 pain free
    untreated = [make_attack(40, hours=9.0)]  # 0 of 1
    diary = make_diary(make_days(50), [a for a, _ in pairs] + untreated, [d for _, d in pairs])
    q = _by_id(analyze(diary))["kratom_helps"]
    assert q["status"] == "not_enough_data"
    per_group = attacks_per_group((1 + 1) / (9 + 2), (0 + 1) / (1 + 2))
    assert q["needed"].startswith(f"About {per_group} attacks with kratom and {per_group} without")
    # one untreated attack in ten so far: about ten times the missing untreated ones, said as an estimate
    exact = (per_group - 1) * 10
    assert ", if 1 in 10 stay untreated as so far" in q["needed"]
    rounded = int(q["needed"].split("roughly ")[1].split(" more attacks")[0].replace(",", ""))
    assert rounded % 10 == 0 and abs(rounded - exact) <= exact * 0.05


@pytest.mark.parametrize(
    ("count", "said"),
    [(0, "0"), (7.2, "8"), (99, "99"), (100, "100"), (1291, "1,300"), (12_345.6, "12,000")],
)
def test_counts_below_a_hundred_stay_exact_and_larger_ones_keep_two_significant_figures(
    count: float, said: str
) -> None:
    from relief.analysis.questions import _roughly

    assert _roughly(count) == said
