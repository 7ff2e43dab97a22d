"""Unknown is never relief: attacks without a recorded time or duration are left out, and said so."""

from __future__ import annotations

import numpy as np
import pandas as pd

from relief.analysis import analyze
from relief.analysis.classify import attack_criteria
from relief.analysis.daily import attack_days
from relief.analysis.frequency import MigraineDayDefinition, migraine_attacks
from relief.analysis.treatments import TreatmentAnalysis, untreated_attack_table

from .helpers import attack_frame, make_attack, make_days, make_diary


def _date_only(day: int, **fields):  # type: ignore[no-untyped-def]
    """An imported history row: only the date, stored as noon with the end equal to the start."""
    return make_attack(day, hours=0.0, start_hour=12.0, **fields)


def test_an_untreated_attack_with_only_a_date_is_not_counted_as_pain_free_at_two_hours() -> None:
    diary = make_diary(make_days(30), [_date_only(d) for d in range(1, 20, 2)])
    table = untreated_attack_table(diary)
    assert table["pain_free_2h"].isna().all()
    assert table["sustained_pain_free_24h"].isna().all()


def test_the_untreated_rate_leaves_date_only_attacks_out_and_the_notes_say_how_many() -> None:
    timed = [make_attack(1, hours=1.5), make_attack(3, hours=10.0)]
    dated = [_date_only(d) for d in range(5, 25, 2)]
    analysis = TreatmentAnalysis().fit(make_diary(make_days(30), timed + dated))
    assert analysis.untreated_ is not None
    assert (analysis.untreated_.pain_free_2h.k, analysis.untreated_.pain_free_2h.n) == (1, 2)
    assert any("10 of 12 untreated attacks" in note for note in analysis.notes_)


def test_a_date_only_attack_leaves_the_ichd_duration_criterion_not_evaluable() -> None:
    row = attack_criteria(attack_frame([_date_only(0)])).iloc[0]
    assert row["1.1_B"] == "not_evaluable"
    assert row["2_B"] == "not_evaluable"


def test_an_old_attack_without_an_end_does_not_run_to_the_end_of_the_diary() -> None:
    open_old = make_attack(2, end=pd.NaT, end_date=pd.NaT, duration_h=np.nan)
    later = make_attack(20)
    ad = attack_days(make_diary(make_days(40), [open_old, later]))
    assert not ad.inside[10]
    assert not ad.covered[10]
    assert ad.onset[20] == 1.0


def test_the_latest_attack_still_going_on_covers_the_days_up_to_the_end() -> None:
    ongoing = make_attack(37, end=pd.NaT, end_date=pd.NaT, duration_h=np.nan)
    ad = attack_days(make_diary(make_days(40), [ongoing]))
    assert ad.covered[37:].all()


def test_a_date_only_attack_is_not_a_migraine_day_by_duration_alone_but_not_ruled_out_either() -> None:
    flags, known = migraine_attacks(attack_frame([_date_only(0)]), MigraineDayDefinition(), with_unknown=True)
    assert not flags[0]
    assert not known[0]


def test_the_analysis_document_says_why_attacks_were_left_out() -> None:
    diary = make_diary(make_days(40), [_date_only(d) for d in range(1, 30, 3)])
    doc = analyze(diary)
    assert doc["untreated"]["pain_free_2h"]["n"] == 0
    assert any("only a date" in note for note in doc["notes"])
