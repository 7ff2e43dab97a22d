"""Weather from Open-Meteo, tested against stored responses through httpx.MockTransport (never the network).

The fixture files follow the documented response shape of the geocoding and archive APIs
(hourly ``time``/``pressure_msl``/``temperature_2m``/``relative_humidity_2m``); the last day
holds nulls, as the archive does for days it has not processed yet.
"""

import json
from datetime import date
from pathlib import Path

import httpx
import pytest

from relief.diary.models import DayRecord
from relief.exchange.models import WeatherDay
from relief.exchange.weather import WeatherError, fill_weather
from tests.factories import make_day, make_user

FIXTURES = Path(__file__).with_name("fixtures")
pytestmark = pytest.mark.django_db


def recorded_client(calls: list) -> httpx.Client:
    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if request.url.host == "geocoding-api.open-meteo.com":
            return httpx.Response(
                200, json=json.loads((FIXTURES / "open_meteo_geocoding_lyon.json").read_text())
            )
        if request.url.host == "archive-api.open-meteo.com":
            return httpx.Response(
                200, json=json.loads((FIXTURES / "open_meteo_archive_lyon.json").read_text())
            )
        return httpx.Response(404)

    return httpx.Client(transport=httpx.MockTransport(answer))


def lyon_person():
    return make_user(time_zone="Europe/Paris", city="Lyon", country="FR")


def test_it_sends_only_city_and_country_and_fills_existing_day_records_with_daily_means():
    user = lyon_person()
    make_day(user, date(2024, 1, 10), worst_pain=3)
    make_day(user, date(2024, 1, 11))
    calls = []
    result = fill_weather(user, date(2024, 1, 10), date(2024, 1, 12), client=recorded_client(calls))
    geocoding, archive = calls
    assert geocoding.url.params["name"] == "Lyon" and geocoding.url.params["countryCode"] == "FR"
    assert archive.url.params["latitude"] == "45.74846"  # the city centre from the geocoder
    assert archive.url.params["timezone"] == "Europe/Paris"
    assert result["fetched_days"] == 2 and result["filled_records"] == 2
    first = DayRecord.objects.get(user=user, date=date(2024, 1, 10))
    assert first.pressure_hpa == pytest.approx(1012.0, abs=0.1)
    assert first.temperature_c == pytest.approx(4.0, abs=0.1)
    assert first.humidity_pct == pytest.approx(80.0, abs=0.1)
    assert first.weather_source == "open-meteo"


def test_weather_never_creates_day_records_so_no_day_becomes_recorded_by_it():
    user = lyon_person()
    fill_weather(user, date(2024, 1, 10), date(2024, 1, 12), client=recorded_client([]))
    assert DayRecord.objects.filter(user=user).count() == 0
    assert WeatherDay.objects.filter(place="lyon, fr").count() == 2  # the day without data is not cached


def test_pressure_typed_by_hand_is_kept():
    user = lyon_person()
    make_day(user, date(2024, 1, 10), pressure_hpa=999.0, weather_source="manual")
    fill_weather(user, date(2024, 1, 10), date(2024, 1, 11), client=recorded_client([]))
    record = DayRecord.objects.get(user=user, date=date(2024, 1, 10))
    assert (record.pressure_hpa, record.temperature_c, record.weather_source) == (999.0, None, "manual")


def test_cached_days_are_not_fetched_again_even_for_another_person_in_the_same_city():
    fill_weather(lyon_person(), date(2024, 1, 10), date(2024, 1, 11), client=recorded_client([]))
    calls = []
    result = fill_weather(lyon_person(), date(2024, 1, 10), date(2024, 1, 11), client=recorded_client(calls))
    assert calls == []
    assert result["cached_days"] == 2


def test_without_a_city_nothing_is_fetched():
    calls = []
    result = fill_weather(make_user(), date(2024, 1, 10), date(2024, 1, 11), client=recorded_client(calls))
    assert calls == [] and "no city" in result["skipped"]


def test_an_unknown_city_or_a_failing_service_gives_a_clear_error():
    user = make_user(city="Atlantis", country="GR")
    with pytest.raises(WeatherError, match="does not know the city 'Atlantis'"):
        fill_weather(user, date(2024, 1, 10), date(2024, 1, 11), client=recorded_client([]))
    down = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(503)))
    with pytest.raises(WeatherError, match="did not answer"):
        fill_weather(lyon_person(), date(2024, 1, 10), date(2024, 1, 11), client=down)
