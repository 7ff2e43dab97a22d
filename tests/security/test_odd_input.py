"""Odd input gets a clear 4xx that names the field, never a 5xx: non-finite numbers, NUL bytes, lone
surrogates, dates at the calendar's edges, hostile PsychonautWiki files."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from relief.diary.models import Attack, DayRecord
from relief.exchange.csvexport import export_csv
from relief.exchange.importers import ImportFormatError, import_text
from relief.exchange.jsonformat import dumps, export_document
from relief.treatments.models import Dose
from relief.treatments.services import log_dose
from tests.access.people import api_client, logged_in, profile_id
from tests.factories import ago, make_attack, make_dose, make_user, substance

NON_FINITE = ["NaN", "Infinity", "-Infinity", "1e400"]


def post_json(client: Client, path: str, text: str):
    return client.post(path, text, content_type="application/json")


def refused_field(response) -> str:
    return response.json()["errors"][0]["field"]


@pytest.mark.django_db
@pytest.mark.parametrize("number", NON_FINITE)
def test_non_finite_numbers_are_refused_by_the_api_naming_the_field(number):
    client = api_client(make_user())
    kratom = substance("kratom").pk

    day = post_json(client, "/api/days", f'{{"date": "2026-11-02", "sleep_hours": {number}}}')
    dose = post_json(
        client,
        "/api/doses",
        f'{{"taken_at": "2026-11-01T08:00:00Z", "substance_id": "{kratom}", "amount": {number}, "unit": "g"}}',
    )
    quoted = post_json(
        client,
        "/api/doses",
        f'{{"taken_at": "2026-11-01T08:00:00Z", "substance_id": "{kratom}", "amount": "{number}", "unit": "g"}}',
    )

    assert (day.status_code, refused_field(day)) == (422, "sleep_hours")
    assert (dose.status_code, refused_field(dose)) == (422, "amount")
    assert (quoted.status_code, refused_field(quoted)) == (422, "amount")
    assert "finite" in dose.json()["detail"]
    assert not DayRecord.objects.exists() and not Dose.objects.exists()


@pytest.mark.django_db
def test_the_services_refuse_non_finite_numbers_too_for_imports_and_the_command_line():
    person = make_user()

    with pytest.raises(ValidationError) as refused:
        log_dose(person, substance=substance("kratom"), amount=math.inf, unit="g", taken_at=ago(hours=1))

    assert "amount" in refused.value.message_dict
    assert not Dose.objects.exists()


@pytest.mark.django_db
def test_a_web_form_refuses_nan():
    person = make_user()

    response = logged_in(person).post("/diary/checkin/", {"date": "2026-11-01", "sleep_hours": "nan"})

    assert response.status_code in {200, 422}
    assert not DayRecord.objects.exists()


@pytest.mark.django_db
def test_exports_never_write_nan_or_infinity_even_for_a_value_stored_before_the_rule(tmp_path):
    person = make_user()
    dose = make_dose(person, "kratom", taken_at=ago(hours=3))
    Dose.objects.filter(pk=dose.pk).update(amount_g=math.inf)  # as an older version could store it

    document = dumps(export_document(person))
    download = logged_in(person).get("/accounts/export/").content.decode()
    fhir = logged_in(person).get("/exchange/export/fhir/").content.decode()
    paths = export_csv(person, Path(tmp_path))

    def strict(text: str):
        return json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in an export"))

    api = api_client(person).get("/api/doses").content.decode()

    strict(document)
    strict(download)
    strict(fhir)
    assert strict(api)["items"][0]["amount_g"] is None
    doses = list(csv.DictReader((tmp_path / "doses.csv").read_text().splitlines()))
    assert doses[0]["amount_g"] == ""
    assert all("inf" not in p.read_text().lower().replace("info", "") for p in paths)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("escape", "what"), [("\\u0000", "NUL"), ("\\ud800", "surrogate"), ("a\\udfffb", "surrogate")]
)
def test_unstorable_text_in_a_json_body_is_a_422_naming_the_field(escape, what):
    client = api_client(make_user())

    response = post_json(
        client, "/api/attacks", f'{{"started_at": "2026-11-01T08:00:00Z", "notes": "{escape}"}}'
    )

    assert response.status_code == 422
    assert refused_field(response) == "notes"
    assert what in response.json()["detail"]
    assert not Attack.objects.exists()


@pytest.mark.django_db
def test_a_nul_byte_in_a_query_string_or_a_form_field_is_a_400_naming_it():
    person = make_user()
    client = logged_in(person)

    query = api_client(person).get("/api/attacks", {"since": "2026-01-01\x00"})
    form = client.post("/diary/checkin/", {"date": "2026-11-01", "notes": "a\x00b"})
    page = client.get(f"/insights/{profile_id(person)}/", {"from": "\x00"})

    path = client.get("/diary/attack/a%00b/")

    assert query.status_code == 400 and query.json()["errors"][0]["field"] == "since"
    assert path.status_code == 400
    assert form.status_code == 400 and "notes" in form.content.decode()
    assert page.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/day/9999-12-31/",
        "/day/0001-01-01/",
        "/diary/checkin/?date=9999-12-31",
        "/diary/checkin/?date=0001-01-01",
        "/diary/attack/new/?date=9999-12-31",
        "/api/attacks?since=9999-12-31T23:59:59-23:59",
        "/api/attacks?since=0001-01-01T00:00:00%2B23:59",
        "/api/doses?since=9999-12-31T23:59:59-23:59",
        "/api/days?until=0001-01-01",
        "/api/days?since=9999-12-31",
        "/insights/?from=9999-12-31",
        "/insights/?to=0001-01-01",
        "/exchange/report/?from=9999-12-30&to=9999-12-31",
        "/diary/history/?until=0001-01-01",
        "/calendar/9999/12/",
    ],
)
def test_dates_at_the_edges_of_the_calendar_are_answered_without_a_server_error(path):
    person = make_user()
    make_attack(person, started_at=ago(days=2))
    client = logged_in(person, raise_request_exception=False)

    response = client.get(path, follow=True)

    assert response.status_code < 500, path


PNW = {
    "experiences": [
        {
            "title": "evening",
            "ingestions": [
                {"substanceName": "Kratom", "time": 1e300, "dose": 2, "units": "g"},
                {"substanceName": "Kratom", "time": -1e300, "dose": 2, "units": "g"},
            ],
        }
    ]
}


@pytest.mark.django_db
def test_psychonautwiki_times_beyond_any_calendar_are_problems_of_their_lines():
    person = make_user()

    report = import_text(person, json.dumps(PNW), "psychonautwiki", dry_run=True)

    assert not report.ok
    assert [p.line for p in report.problems] == [1, 2]
    assert "between the years 1 and 9999" in report.problems[0].message


@pytest.mark.django_db
def test_a_deeply_nested_file_is_refused_with_a_message_not_a_crash():
    person = make_user()
    nested = '{"experiences": [' + '{"a": [' * 50_000 + "]}" * 50_000 + "]}"

    with pytest.raises(ImportFormatError, match="nested too deeply"):
        import_text(person, nested, "psychonautwiki", dry_run=True)


@pytest.mark.django_db
def test_a_file_with_nul_bytes_is_refused_by_every_importer():
    person = make_user()

    with pytest.raises(ImportFormatError, match="NUL"):
        import_text(person, b"time,substance\n2026-01-01 08:00,kra\x00tom\n", "generic", dry_run=True)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/offline/sync/", "/push/subscriptions/", "/api/days"])
def test_a_form_sent_to_a_json_endpoint_is_refused_not_a_server_error(path):
    person = make_user()
    client = logged_in(person, raise_request_exception=False)

    response = client.post(path, {"writes": "x", "date": "2026-11-01"})  # multipart, not JSON

    assert 400 <= response.status_code < 500, (path, response.status_code)
