"""Stored XSS: script in any text a person typed is shown as text on every page, never run.

A journal is filled with entries whose every free-text field holds an HTML
payload; then every page the URL configuration offers is opened (with the ids
of those entries where a page needs one) and no response may contain the
payload as live HTML.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from relief.accounts.services import get_profile
from relief.diary.services import log_day
from relief.sharing.services import create_api_token
from relief.treatments.services import add_custom_unit, add_medication, add_substance
from tests.factories import (
    ago,
    make_attack,
    make_batch,
    make_dose,
    make_lab_report,
    make_product,
    make_side_effect,
    make_user,
    substance,
)

SCRIPT = '<script>alert("xss")</script>'
IMAGE = '"><img src=x onerror=alert(1)>'
LIVE = [re.compile(r"<script>alert\(", re.I), re.compile(r"<img src=x onerror", re.I)]
NOT_FREE_TEXT = {
    "unit",
    "default_unit",
    "substance_class",
    "weather_source",
    "token_hash",
    "prefix",
    "key",
    "unii",
}


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def poison(obj: models.Model) -> models.Model:
    """Put a payload in every free-text field the model's own rules accept it in."""
    for n, field in enumerate(obj._meta.concrete_fields):
        if not isinstance(field, models.CharField | models.TextField) or field.choices:
            continue
        if field.name in NOT_FREE_TEXT or not field.editable:
            continue
        payload = (SCRIPT if n % 2 else IMAGE)[: field.max_length or None]
        old = getattr(obj, field.attname)
        setattr(obj, field.attname, payload)
        try:
            obj.full_clean()
        except ValidationError as exc:
            if field.name in exc.message_dict:
                setattr(obj, field.attname, old)
    obj.full_clean()
    obj.save()
    return obj


def a_poisoned_journal(person) -> list[models.Model]:
    own = add_substance(person, name=SCRIPT, substance_class="other")
    attack = poison(make_attack(person, started_at=ago(hours=5)))
    product = poison(make_product(person))
    batch = poison(make_batch(product))
    entries = [
        own,
        attack,
        poison(make_dose(person, "kratom", attack=attack, taken_at=ago(hours=4))),
        poison(make_dose(person, "ibuprofen", amount=400, unit="mg", taken_at=ago(hours=3))),
        poison(make_side_effect(person)),
        product,
        batch,
        poison(make_lab_report(batch)),
        poison(add_medication(person, substance=substance("sertraline"), started_on=date(2026, 1, 1)).entry),
        add_custom_unit(person, name=IMAGE[:40], grams=0.5),
        create_api_token(person, SCRIPT)[0],
    ]
    day = log_day(person, day=ago(hours=5).date(), worst_pain=5, notes=SCRIPT, factors={IMAGE: None}).entry
    entries.append(day)
    return entries


def every_page(patterns=None, prefix: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            found += every_page(entry.url_patterns, prefix + str(entry.pattern))
        else:
            found.append((prefix + str(entry.pattern), entry))
    return found


def fill(route: str, ids: list[str], today: date) -> list[str]:
    """Concrete paths for a route: its parameters filled with the journal's ids, today's date, this month."""
    values = {
        "day": [today.isoformat()],
        "year": [str(today.year)],
        "month": [str(today.month)],
    }
    names = re.findall(r"<(?:\w+:)?(\w+)>", route)
    paths = [route]
    for name in names:
        options = values.get(name, ids)
        paths = [re.sub(rf"<(?:\w+:)?{name}>", option, p, count=1) for p in paths for option in options]
    return ["/" + p for p in paths]


@pytest.mark.django_db
def test_no_page_shows_a_typed_script_as_live_html(client):
    person = make_user("ada")
    entries = a_poisoned_journal(person)
    client.force_login(person)
    client.raise_request_exception = False
    ids = [str(e.pk) for e in entries] + [str(get_profile(person).pk)]  # pages addressed by whose journal
    today = ago(hours=0).date()

    opened, escaped_seen, offenders, server_errors = 0, False, [], set()
    for route, pattern in every_page():
        if route.startswith(("api/", "static/")) or pattern.name in {"logout", "login_link"}:
            continue
        for path in fill(route, ids, today):
            response = client.get(path)
            if response.status_code >= 500:
                server_errors.add(route)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            opened += 1
            body = response.content.decode()
            escaped_seen = escaped_seen or "&lt;script&gt;alert(" in body
            offenders += [f"{path}: {rx.pattern}" for rx in LIVE if rx.search(body)]

    assert not offenders, "payload rendered as live HTML:\n" + "\n".join(offenders)
    assert opened >= 20, f"only {opened} pages opened; the crawl is not reaching the app"
    assert escaped_seen, "no page showed the typed text at all; the test proves nothing"
    assert not server_errors, f"pages that failed with a server error: {sorted(server_errors)}"


@pytest.mark.django_db
def test_the_json_api_returns_typed_markup_as_inert_json(client):
    person = make_user("ada")
    a_poisoned_journal(person)
    client.force_login(person)
    response = client.get("/api/attacks")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_the_pdf_report_prints_typed_markup_as_plain_text(client, monkeypatch):
    import io

    from pypdf import PdfReader

    from relief.exchange import tasks

    person = make_user("ada")
    a_poisoned_journal(person)
    client.force_login(person)
    today = ago(hours=0).date()

    period = {"from": date(today.year, 1, 1).isoformat(), "to": today.isoformat()}
    pdf = reverse("exchange:report_pdf", args=[str(get_profile(person).pk)])
    queued: list[tuple[int, str]] = []
    monkeypatch.setattr(tasks, "queue_report_pdf", lambda *job: queued.append(job))
    assert client.get(pdf, period).status_code == 202  # being prepared
    tasks.build_report_pdf(*queued[0])  # what the worker does with the queued job
    response = client.get(pdf, period)

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(response.content)).pages)
    assert text.strip(), "the report has no text"
    assert "&lt;" not in text, "markup is double-escaped into the PDF instead of printed as typed"
