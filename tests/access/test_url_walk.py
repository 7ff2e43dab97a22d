"""Walk every URL pattern of the project as a stranger, as a logged-out visitor and as a share.

The walk is generic: it reads ``get_resolver().url_patterns`` and fills each path argument with the
ids of the owner's entries (and a random UUID, the owner's profile id, a date, numbers), so pages
that other parts of the project add later are walked too.  Nothing the owner wrote may appear in a
stranger's or a visitor's response, no request may fail with a 500, and no request by anyone but
the owner may change the owner's data.
"""

import re
import uuid
from collections.abc import Iterator
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

from relief.accounts.sudo import SESSION_KEY
from relief.sharing.services import create_link_share
from tests.access.people import fill_journal, new_marker, profile_id, share_with, snapshot
from tests.factories import make_user

API_WRITES = ("post", "put", "patch", "delete")
PAGE_WRITES = ("post",)  # pages take form posts; other methods end in the same 405
CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def leaf_routes() -> list[str]:
    """Every distinct route of the project, with ``<converter:name>`` placeholders."""
    return list(dict.fromkeys(_leaves(get_resolver().url_patterns, "")))


def _leaves(patterns, prefix: str) -> Iterator[str]:
    for pattern in patterns:
        route = _route_of(pattern.pattern)
        if route is None:
            continue
        if isinstance(pattern, URLResolver):
            yield from _leaves(pattern.url_patterns, prefix + route)
        else:
            yield prefix + route


def reaches(url: str, route: str) -> bool:
    try:
        return resolve(url).route == route
    except Exception:
        return False


def _route_of(pattern) -> str | None:
    if isinstance(pattern, RoutePattern):
        return str(pattern)
    if isinstance(pattern, RegexPattern):
        regex = pattern.regex.pattern.lstrip("^").rstrip("$").replace("\\Z", "")
        if re.search(r"[\\()\[\]*+?|{}]", regex.replace("\\.", "")):
            # A regex with groups: turn named groups into placeholders, give up on anything else.
            regex = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<str:\1>", regex)
            if re.search(r"[()\[\]*+?|{}]", regex.replace("\\.", "")):
                return None
        return regex.replace("\\.", ".").replace("\\/", "/")
    return None


def fillings(owner: User, journal: dict) -> dict[str, list[str]]:
    ids = [str(obj.pk) for obj in journal.values()]
    today = date.today().isoformat()
    return {
        "uuid": [*ids, str(uuid.uuid4())],
        "uuidstr": [*ids, str(uuid.uuid4())],  # django-ninja's own converter
        "str": [*ids, profile_id(owner), today, owner.username, "x"],
        "slug": [owner.username, "kratom", "x"],
        "int": [str(owner.pk), str(date.today().year), "1"],
        "path": [*ids, f"{today}/x"],
    }


def urls_for(route: str, fill: dict[str, list[str]]) -> list[str]:
    """Concrete URLs for a route: one per candidate value, the same value in every placeholder."""
    placeholders = list(CONVERTER.finditer(route))
    if not placeholders:
        return ["/" + route]
    urls = []
    kinds = {m.group("converter") or "str" for m in placeholders}
    candidates = max((fill.get(kind, fill["str"]) for kind in kinds), key=len)
    for index in range(len(candidates)):

        def value(match, index=index):
            options = fill.get(match.group("converter") or "str", fill["str"])
            return options[index % len(options)]

        urls.append("/" + CONVERTER.sub(value, route))
    return urls


def walk(client: Client, routes: list[str], fill, *, writes: bool) -> Iterator:
    for route in routes:
        for url in urls_for(route, fill):
            if not reaches(url, route):
                continue  # an earlier route answers this URL; it is walked on its own
            yield url, "get", client.get(url)
            if not writes:
                continue
            if url.startswith("/api/"):
                for method in API_WRITES:
                    yield (
                        url,
                        method,
                        getattr(client, method)(url, data="{}", content_type="application/json"),
                    )
            else:
                for method in PAGE_WRITES:
                    yield url, method, getattr(client, method)(url)


def stay_signed_in(client: Client, user: User) -> User:
    """Sign in again after the walk passed through "sign out" (or a new account after "delete my account")."""
    if not User.objects.filter(pk=user.pk).exists():
        user = make_user()
    if client.session.get("_auth_user_id") != str(user.pk):
        client.force_login(user)
        forget_recent_sign_in(client)
    return user


def forget_recent_sign_in(client: Client) -> None:
    """Make the sign-in old, so account-level pages ask to confirm it is you (as after a few minutes)."""
    session = client.session
    session.pop(SESSION_KEY, None)
    session.save()


def _text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode(errors="replace") + response.headers.get("Location", "")


def owner_with_a_full_journal() -> tuple[User, str, dict]:
    owner = make_user()
    marker = new_marker()
    return owner, marker, fill_journal(owner, marker)


@pytest.mark.django_db
def test_the_walk_reaches_every_page_and_api_endpoint():
    owner, _, journal = owner_with_a_full_journal()
    fill = fillings(owner, journal)
    routes = leaf_routes()
    walked = [route for route in routes if any(reaches(url, route) for url in urls_for(route, fill))]

    assert any(route.startswith("api/attacks/<") for route in walked)
    assert any(route.startswith("shared/<str:who>") for route in walked)
    assert any(route.startswith("accounts/") for route in walked)
    assert walked == routes


@pytest.mark.django_db
def test_a_stranger_never_sees_or_changes_anything_of_another_person():
    owner, marker, journal = owner_with_a_full_journal()
    stranger = make_user()
    client = Client()
    client.force_login(stranger)
    before = snapshot(owner)
    seen = 0

    for url, method, response in walk(client, leaf_routes(), fillings(owner, journal), writes=True):
        seen += 1
        assert response.status_code < 500, (method, url)
        assert marker not in _text(response), (method, url)
        stranger = stay_signed_in(client, stranger)

    assert seen > 100
    assert snapshot(owner) == before


@pytest.mark.django_db
def test_a_logged_out_visitor_never_sees_or_changes_anything():
    owner, marker, journal = owner_with_a_full_journal()
    client = Client()
    before = snapshot(owner)

    for url, method, response in walk(client, leaf_routes(), fillings(owner, journal), writes=True):
        assert response.status_code < 500, (method, url)
        assert marker not in _text(response), (method, url)
        if "_auth_user_id" in client.session:
            client.logout()  # a walk through a login link or sign-up logs in; stay a visitor

    assert snapshot(owner) == before


@pytest.mark.django_db
def test_an_invited_account_reads_but_never_changes_anything():
    owner, marker, journal = owner_with_a_full_journal()
    clinician = make_user()
    share_with(owner, clinician)
    client = Client()
    client.force_login(clinician)
    forget_recent_sign_in(client)
    before = snapshot(owner)
    read = 0

    for url, method, response in walk(client, leaf_routes(), fillings(owner, journal), writes=True):
        assert response.status_code < 500, (method, url)
        read += method == "get" and marker in _text(response)
        if not User.objects.filter(pk=clinician.pk).exists():
            clinician = make_user()  # the walk went through "delete my account"
            share_with(owner, clinician)
        stay_signed_in(client, clinician)

    assert read > 0  # the walk did go through the share
    assert snapshot(owner) == before


@pytest.mark.django_db
def test_a_link_visitor_reads_but_never_changes_anything():
    owner, marker, journal = owner_with_a_full_journal()
    _, token = create_link_share(owner, label="Dr Weber")
    fill = fillings(owner, journal)
    fill["str"].append(token)
    client = Client()
    before = snapshot(owner)
    read = 0

    for url, method, response in walk(client, leaf_routes(), fill, writes=True):
        assert response.status_code < 500, (method, url)
        read += method == "get" and marker in _text(response)
        if "_auth_user_id" in client.session:
            client.logout()

    assert read > 0
    assert snapshot(owner) == before
