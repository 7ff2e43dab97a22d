"""Schemathesis drives every operation of the JSON API from its OpenAPI document: no server errors.

Requests carry a valid API token for a person with a few entries, so the
generated data reaches the validation and saving code rather than stopping at
authentication.  Failures print the request that caused them.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from relief.sharing.services import create_api_token
from tests.factories import ago, make_attack, make_day, make_dose, make_user

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture
def test_transaction_survives_requests():
    """Django closes the database connection after each request; here that would end the test's
    transaction (PostgreSQL), so the test client's rule applies: keep the connection during a test."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(db, settings, test_transaction_survives_requests):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    person = make_user()
    attack = make_attack(person, started_at=ago(hours=6))
    make_dose(person, "kratom", attack=attack, taken_at=ago(hours=5))
    make_day(person, ago(hours=6).date(), worst_pain=4)
    return create_api_token(person, "schemathesis")[1]


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_no_api_operation_fails_with_a_server_error(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error])


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/attacks", {"started_at": "2026-01-01T08:00:00Z", "notes": None}),
        ("/api/days", {"date": "2026-01-01", "notes": None}),
    ],
)
def test_a_null_note_is_refused_or_stored_empty_not_a_server_error(client, token, path, body):
    client.raise_request_exception = False
    response = client.post(path, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code < 500
