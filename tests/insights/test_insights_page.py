"""The insights page shows the person's own analysis: owner, a clinician they share with, a stranger."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User

from relief.core.display import day_text
from relief.diary.demo import create_demo
from relief.diary.services import log_day
from relief.insights.services import refresh_insights
from tests.access.people import logged_in, share_with
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_owner_sees_their_analysis_with_intervals_verdicts_and_charts():
    create_demo("owner", days=200, seed=2)
    owner = User.objects.get(username="owner")
    refresh_insights(owner)  # what the worker does after the writes
    response = logged_in(owner).get("/insights/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "95% CI" in page and "Pain-free at 2 h" in page
    assert "not proof of cause" in page
    assert "red wine" in page and "tag:red wine" not in page  # a human name, whatever its verdict
    # the person's questions come first, each answered in words; the numbers sit behind a disclosure
    answers = page.index("Your questions, answered from your diary")
    assert answers < page.index('<details class="all-details">') < page.index("Odds ratio (95% CI)")
    for question in (
        "Does kratom help my attacks?",
        "At what dose?",
        "Is it working less well than it did?",
        "What seems to come before my attacks?",
        "Am I taking acute medicine too often?",
    ):
        assert question in page
    assert page.count('role="img"') == 4  # inline SVG charts
    assert page.count("The chart's numbers as a table") == 4
    assert "not a diagnosis" in page
    # on a phone the treatment table stacks, each value after its endpoint's name
    assert '<table class="stack" role="table">' in page
    assert page.count('data-label="Pain-free at 2 h"') == page.count('data-label="Attacks"') > 1


def test_a_clinician_with_a_share_and_a_stranger_see_only_their_own_empty_analysis():
    create_demo("owner", days=120, seed=3)
    owner = User.objects.get(username="owner")
    clinician, stranger = make_user("clinician"), make_user("stranger")
    share_with(owner, clinician)
    refresh_insights(owner)
    for person in (clinician, stranger):
        page = logged_in(person).get("/insights/").content.decode()
        assert "red wine" not in page and "Sumatriptan" not in page


def test_a_period_that_ends_before_it_starts_is_a_clear_400():
    response = logged_in(make_user()).get("/insights/?from=2026-05-01&to=2026-04-01")
    assert response.status_code == 400
    assert "before the start" in response.content.decode()


def test_signed_out_visitors_are_sent_to_log_in():
    response = logged_in(make_user()).get("/insights/")
    assert response.status_code == 200
    from django.test import Client

    assert Client().get("/insights/").status_code == 302


def test_the_analysed_period_is_written_the_way_the_app_writes_dates_not_as_iso():
    person = make_user("dates")
    today = date.today()
    for back in range(1, 4):
        log_day(person, day=today - timedelta(days=back), worst_pain=2)
    refresh_insights(person)
    page = logged_in(person).get("/insights/").content.decode()
    first = page.index(" days from ")
    line = page[first : page.index("</p>", first)]
    assert "-" not in line.split(",")[0]  # no 2026-06-02
    assert f"to {day_text(today)}" in line or f"to {day_text(today - timedelta(days=1))}" in line
