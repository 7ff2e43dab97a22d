"""Optional daily weather (pressure, temperature, humidity) for the person's city, from Open-Meteo.

Only the city and country on the profile are sent, never a position: the city is
geocoded (``geocoding-api.open-meteo.com``) and the archive (``archive-api.open-meteo.com``)
gives hourly values that are averaged per local calendar day.  Days are cached in
:class:`~relief.exchange.models.WeatherDay` per place, so a day is fetched once for
everyone in that city.  Weather goes only onto day records that exist (a weather
value never makes a day "recorded"), and never over a value the person typed.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import httpx
from django.contrib.auth.models import User
from django.db import transaction

from relief.accounts.services import get_profile, today_for
from relief.diary.models import DayRecord
from relief.diary.services import log_day
from relief.exchange.models import WeatherDay

GEOCODING_URL = "https://geocoding-api.open-meteo.com/v1/search"
ARCHIVE_URL = "https://archive-api.open-meteo.com/v1/archive"
HOURLY = ("pressure_msl", "temperature_2m", "relative_humidity_2m")
FIELDS = {
    "pressure_msl": "pressure_hpa",
    "temperature_2m": "temperature_c",
    "relative_humidity_2m": "humidity_pct",
}
SOURCE = "open-meteo"


class WeatherError(RuntimeError):
    """The weather service could not be reached or did not know the place; the message says which."""


def place_key(city: str, country: str) -> str:
    return f"{' '.join(city.split())}, {country}".lower().strip(", ")


def _get(client: httpx.Client, url: str, params: dict[str, Any]) -> dict[str, Any]:
    try:
        response = client.get(url, params=params)
        response.raise_for_status()
        return response.json()
    except httpx.HTTPError as exc:
        raise WeatherError(f"the weather service did not answer ({exc.__class__.__name__}: {exc})") from exc


def geocode(client: httpx.Client, city: str, country: str) -> tuple[float, float]:
    """Coordinates of the city centre (the first match in the given country)."""
    params: dict[str, Any] = {"name": city, "count": 10, "language": "en", "format": "json"}
    if country:
        params["countryCode"] = country.upper()
    results = _get(client, GEOCODING_URL, params).get("results") or []
    if country:
        results = [r for r in results if str(r.get("country_code", "")).upper() == country.upper()]
    if not results:
        raise WeatherError(
            f"the weather service does not know the city {city!r} in {country or 'any country'}"
        )
    return float(results[0]["latitude"]), float(results[0]["longitude"])


def daily_means(payload: dict[str, Any]) -> dict[date, dict[str, float]]:
    """Average the hourly values of each local day; days with no values at all are left out."""
    hourly = payload.get("hourly") or {}
    sums: dict[date, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for index, stamp in enumerate(hourly.get("time") or []):
        day = date.fromisoformat(stamp[:10])
        for name in HOURLY:
            values = hourly.get(name) or []
            if index < len(values) and values[index] is not None:
                sums[day][FIELDS[name]].append(float(values[index]))
    return {
        day: {field: round(sum(v) / len(v), 1) for field, v in fields.items() if v}
        for day, fields in sums.items()
        if any(fields.values())
    }


def fill_weather(
    user: User, start: date | None = None, end: date | None = None, client: httpx.Client | None = None
) -> dict[str, Any]:
    """Fetch (or reuse) the daily weather of the person's city and put it on their day records.

    Defaults to the last 30 days up to yesterday.  Returns what happened, for logs and the CLI.
    """
    profile = get_profile(user)
    if not profile.city.strip():
        return {"skipped": "no city on the profile; weather is optional"}
    end = end or today_for(user) - timedelta(days=1)
    start = start or end - timedelta(days=29)
    if end < start:
        raise ValueError(f"the end {end} is before the start {start}")
    place = place_key(profile.city, profile.country)
    cached = {w.date: w for w in WeatherDay.objects.filter(place=place, date__range=(start, end))}
    missing = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    missing = [d for d in missing if d not in cached]
    fetched = 0
    if missing:
        own_client = client is None
        client = client or httpx.Client(timeout=20, headers={"User-Agent": "relief-journal"})
        try:
            fetched = _fetch(client, place, profile, min(missing), max(missing), set(missing))
        finally:
            if own_client:
                client.close()
        cached = {w.date: w for w in WeatherDay.objects.filter(place=place, date__range=(start, end))}
    filled = _apply(user, cached)
    return {
        "place": place,
        "fetched_days": fetched,
        "cached_days": len(cached) - fetched,
        "filled_records": filled,
    }


def _fetch(client: httpx.Client, place: str, profile: Any, first: date, last: date, wanted: set[date]) -> int:
    known = WeatherDay.objects.filter(place=place).first()
    if known is not None:
        latitude, longitude = known.latitude, known.longitude
    else:
        latitude, longitude = geocode(client, profile.city.strip(), profile.country.strip())
    payload = _get(
        client,
        ARCHIVE_URL,
        {
            "latitude": latitude,
            "longitude": longitude,
            "start_date": first.isoformat(),
            "end_date": last.isoformat(),
            "hourly": ",".join(HOURLY),
            "timezone": profile.time_zone,
        },
    )
    rows = []
    for day, values in daily_means(payload).items():
        if day not in wanted:
            continue
        row = WeatherDay(
            place=place, latitude=latitude, longitude=longitude, date=day, source=SOURCE, **values
        )
        row.full_clean(validate_constraints=False)
        rows.append(row)
    with transaction.atomic():
        WeatherDay.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _apply(user: User, weather: dict[date, WeatherDay]) -> int:
    """Put cached weather on existing day records that have no weather of their own."""
    filled = 0
    records = DayRecord.objects.filter(user=user, date__in=list(weather))
    for record in records:
        if record.weather_source == "manual":
            continue
        day = weather[record.date]
        changed = []
        for field in FIELDS.values():
            value = getattr(day, field)
            if value is not None and getattr(record, field) is None:
                setattr(record, field, value)
                changed.append(field)
        if changed:
            values = {field: getattr(record, field) for field in changed}
            log_day(
                user,
                day=record.date,
                period=record.period,
                weather_source=record.weather_source or SOURCE,
                **values,
            )
            filled += 1
    return filled
