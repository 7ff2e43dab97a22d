"""SQL injection through every query parameter of the API and of the pages.

The API's parameters come from its own OpenAPI document; the pages' come from
the source (a test fails when a page reads a parameter this file does not
know).  Every parameter gets classic injection strings; no request may fail
with a server error, reveal another person's data, or change any table.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps

from relief.diary.models import Attack
from tests.factories import ago, make_attack, make_dose, make_user
from tests.security.test_xss import every_page, fill

PAYLOADS = [
    "' OR '1'='1",
    "1 OR 1=1",
    "'; DROP TABLE diary_attack; --",
    '" OR ""="',
    "1' UNION SELECT username, password FROM auth_user --",
    "%' OR 1=1 --",
    "2026-01-01' OR '1'='1",
    "00000000-0000-0000-0000-000000000000' OR '1'='1",
    "\\x00",
    "-1",
    "9" * 400,
]
STRANGER_SECRET = "stranger-secret-7f3a"
PAGE_PARAMETERS = {
    "attack",
    "date",
    "days",
    "dose",
    "kind",
    "next",
    "page",
    "period",
    "plan",
    "product",
    "until",
    "from",
    "to",
    "shown",
    "undo",
}
SRC = Path(__file__).resolve().parents[2] / "src" / "relief"


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def two_people():
    me = make_user("ada")
    make_attack(me, started_at=ago(hours=5), notes="mine")
    make_dose(me, "kratom", taken_at=ago(hours=4))
    stranger = make_user("mallory")
    make_attack(stranger, started_at=ago(hours=6), notes=STRANGER_SECRET)
    make_dose(stranger, "kratom", taken_at=ago(hours=6), notes=STRANGER_SECRET)
    return me, stranger


# Caches, not entries: a GET of the insights page stores the owner's computed analysis, and the
# first page a person opens after writes that went around the services (an import, the demo diary)
# stores their running summary again (safety.DiarySummary, rebuilt from the rows).
CACHES = {"insights.StoredInsights", "safety.DiarySummary"}


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.label not in CACHES
    }


def check(response, path: str, problems: list[str]) -> None:
    body = response.content.decode(errors="replace")
    if response.status_code >= 500:
        problems.append(f"{response.status_code} {path}")
    if STRANGER_SECRET in body or "md5$" in body:
        problems.append(f"leak {path}")


def api_query_parameters(client) -> list[tuple[str, str]]:
    document = client.get("/api/openapi.json").json()
    found = []
    for route, operations in document["paths"].items():
        get = operations.get("get")
        if not get or "{" in route:
            continue
        for parameter in get.get("parameters", []):
            if parameter["in"] == "query":
                found.append((route, parameter["name"]))
    return found


@pytest.mark.django_db
def test_every_api_filter_parameter_resists_injection(client):
    me, _ = two_people()
    client.force_login(me)
    client.raise_request_exception = False
    parameters = api_query_parameters(client)
    assert len(parameters) >= 5, parameters
    before = row_counts()

    problems: list[str] = []
    for route, name in parameters:
        for payload in PAYLOADS:
            response = client.get(route, {name: payload})
            check(response, f"{route}?{name}={payload[:40]}", problems)

    assert not problems, "\n".join(problems)
    assert row_counts() == before
    assert Attack.objects.filter(notes=STRANGER_SECRET).exists()


@pytest.mark.django_db
def test_api_ids_in_the_path_resist_injection(client):
    me, stranger = two_people()
    client.force_login(me)
    client.raise_request_exception = False
    theirs = Attack.objects.get(user=stranger)

    problems: list[str] = []
    for payload in [*PAYLOADS, str(theirs.pk), f"{theirs.pk}' OR '1'='1"]:
        response = client.get(f"/api/attacks/{payload}")
        check(response, f"/api/attacks/{payload[:40]}", problems)
        assert response.status_code in {404, 422}, (payload, response.status_code)

    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_every_page_query_parameter_resists_injection(client):
    me, _ = two_people()
    client.force_login(me)
    client.raise_request_exception = False
    before = row_counts()
    today = ago(hours=0).date()
    my_ids = [str(Attack.objects.get(user=me).pk)]

    problems: list[str] = []
    for route, pattern in every_page():
        if route.startswith(("api/", "static/")) or pattern.name in {"logout"}:
            continue
        for path in fill(route, my_ids, today):
            names = sorted(PAGE_PARAMETERS)
            # Every parameter at once with each payload, then each parameter alone (so that one
            # refused parameter cannot hide how another is handled).
            for payload in PAYLOADS[:8]:
                check(client.get(path, dict.fromkeys(names, payload)), f"{path}?*={payload[:30]}", problems)
            for name in names:
                check(client.get(path, {name: PAYLOADS[0]}), f"{path}?{name}={PAYLOADS[0]}", problems)

    assert not problems, "\n".join(sorted(set(problems)))
    assert row_counts() == before


DIRECT_READ = re.compile(r"request\.GET(?:\.get|\.getlist)?[\(\[]\"(\w+)\"")
LOOPED_READ = re.compile(r"for name in \(([^)]*)\):\s*\n\s*text = request\.GET")


def test_this_file_knows_every_query_parameter_the_pages_read():
    read: set[str] = set()
    for source in SRC.rglob("*.py"):
        if "api" in source.parts:
            continue  # the API's parameters come from its OpenAPI document
        text = source.read_text()
        read |= set(DIRECT_READ.findall(text))
        for names in LOOPED_READ.findall(text):
            read |= set(re.findall(r'"(\w+)"', names))
    assert {"from", "to"} <= read, "the scan no longer sees the report's period parameters"
    assert read <= PAGE_PARAMETERS, f"add these to PAGE_PARAMETERS: {sorted(read - PAGE_PARAMETERS)}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["limit", "offset"])
def test_a_huge_page_size_or_offset_is_refused_not_a_server_error(client, name):
    me, _ = two_people()
    client.force_login(me)
    client.raise_request_exception = False
    assert client.get("/api/attacks", {name: "9" * 40}).status_code < 500


@pytest.mark.django_db
def test_the_new_dose_page_ignores_a_malformed_attack_id(client):
    me, _ = two_people()
    client.force_login(me)
    client.raise_request_exception = False
    assert client.get("/treatments/doses/new/", {"attack": "' OR '1'='1"}).status_code < 500
