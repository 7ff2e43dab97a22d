"""The API's `since` filters read any ISO time without a server error, on SQLite and PostgreSQL."""

import pytest

from tests.access.people import api_client
from tests.factories import ago, at, make_attack, make_dose, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/attacks", "/api/doses"])
def test_an_ancient_time_with_an_odd_offset_means_from_the_start(path):
    person = make_user()
    make_attack(person, started_at=ago(days=3))
    make_dose(person, taken_at=ago(days=2))
    response = api_client(person).get(path, {"since": "0233-12-23T02:44:01+20:48"})
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_a_since_time_without_an_offset_is_the_persons_wall_clock():
    person = make_user(time_zone="Europe/Berlin")
    make_attack(person, started_at=at("2026-01-10T07:30Z"))  # 08:30 in Berlin
    client = api_client(person)
    assert client.get("/api/attacks", {"since": "2026-01-10T08:00"}).json()["count"] == 1
    assert client.get("/api/attacks", {"since": "2026-01-10T09:00"}).json()["count"] == 0
