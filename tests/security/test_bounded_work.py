"""One request cannot take a worker for long: periods, lists, bodies and uploads are bounded, and the
refusal says the limit."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from relief.accounts.services import today_for
from relief.core.periods import MAX_PERIOD_DAYS, bounded_period
from relief.core.security import MAX_BODY_BYTES, MAX_LIST_ITEMS
from relief.exchange.views import MAX_WEB_IMPORT_ROWS
from tests.access.people import api_client, logged_in, profile_id
from tests.factories import ago, make_attack, make_day, make_user


def period_of(user, query: str):
    return bounded_period(RequestFactory().get(f"/insights/?{query}"), user)


@pytest.mark.django_db
def test_a_period_from_1900_is_cut_to_the_diarys_first_day():
    person = make_user()
    first = today_for(person) - timedelta(days=40)
    make_day(person, first, worst_pain=3)

    start, end, error = period_of(person, "from=1900-01-01&to=2100-12-31")

    assert error == ""
    assert (start, end) == (first, today_for(person))


@pytest.mark.django_db
def test_a_period_longer_than_the_limit_is_refused_with_the_limit_in_the_message():
    person = make_user()
    make_day(person, today_for(person) - timedelta(days=MAX_PERIOD_DAYS + 10), worst_pain=3)
    start = today_for(person) - timedelta(days=MAX_PERIOD_DAYS + 5)

    response = logged_in(person).get(f"/insights/{profile_id(person)}/?from={start}")
    report = logged_in(person).get(f"/exchange/report/{profile_id(person)}/?from={start}")

    assert response.status_code == report.status_code == 400
    assert f"at most {MAX_PERIOD_DAYS} days" in response.content.decode()
    assert f"at most {MAX_PERIOD_DAYS} days" in report.content.decode()


@pytest.mark.django_db
def test_insights_and_the_report_from_1900_on_an_empty_account_analyse_nothing_long():
    person = make_user()
    client = logged_in(person)

    insights = client.get(f"/insights/{profile_id(person)}/?from=1900-01-01&to=2026-11-30")
    report = client.get(f"/exchange/report/{profile_id(person)}/?from=1900-01-01")

    assert insights.status_code == report.status_code == 200
    # the period the worker is asked to analyse was cut to the (empty) diary's days first
    assert report.context["period_form"]["start"] >= today_for(person) - timedelta(days=1)


@pytest.mark.django_db
def test_a_period_in_the_far_future_or_past_is_a_clear_400_not_an_overflow():
    person = make_user()
    make_attack(person, started_at=ago(days=3))
    client = logged_in(person)

    for query in ("from=9999-12-30&to=9999-12-31", "from=0001-01-01", "to=0001-01-01", "from=9999-12-31"):
        response = client.get(f"/exchange/report/{profile_id(person)}/?{query}")
        assert response.status_code == 400, query
        assert "from" in response.content.decode() or "to" in response.content.decode()


@pytest.mark.django_db
def test_ten_thousand_factors_in_one_day_are_refused_with_the_limit():
    person = make_user()
    body = {"date": "2026-11-01", "factors": [{"name": f"f{i}", "amount": 1} for i in range(10_000)]}

    response = api_client(person).post("/api/days", json.dumps(body), content_type="application/json")

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "factors", "message": f"has 10000 items; at most {MAX_LIST_ITEMS} are accepted"}
    ]


@pytest.mark.django_db
def test_a_body_larger_than_the_limit_is_refused_with_413_before_any_view():
    person = make_user()
    body = json.dumps({"date": "2026-11-01", "notes": "x" * (MAX_BODY_BYTES + 10)})

    response = api_client(person).post("/api/days", body, content_type="application/json")

    assert response.status_code == 413
    assert f"at most {MAX_BODY_BYTES // 1024} KB" in response.json()["detail"]


@pytest.mark.django_db
def test_a_sixty_thousand_row_csv_is_refused_by_the_web_import_with_the_row_limit():
    person = make_user()
    rows = "".join(f"2026-01-01 08:{i % 60:02d},kratom,2,g\n" for i in range(60_000))
    upload = SimpleUploadedFile("big.csv", ("time,substance,amount,unit\n" + rows).encode())

    response = logged_in(person).post("/exchange/import/", {"format": "generic", "file": upload})

    assert response.status_code == 413
    assert f"at most {MAX_WEB_IMPORT_ROWS:,}" in response.content.decode()


@pytest.mark.django_db
def test_a_form_with_thousands_of_fields_is_refused_with_a_message():
    person = make_user()
    fields = {f"f{i}": "1" for i in range(1500)}

    response = logged_in(person).post("/diary/checkin/", fields)

    assert response.status_code == 400
    assert "fields" in response.content.decode()
