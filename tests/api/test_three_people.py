"""Every API resource with three people: the owner, a clinician with a read-only share, a stranger."""

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from relief.sharing.models import ShareAccess
from tests.access.people import (
    api_client,
    fill_journal,
    new_marker,
    profile_id,
    share_with,
    snapshot,
)
from tests.factories import make_user, substance


@dataclass
class Resource:
    entry: str  # key in fill_journal()
    detail: str  # URL with {id}
    collection: str  # list URL, may use {parent}
    parent: str = ""  # key of the entry the collection belongs to
    change: dict[str, Any] = field(default_factory=dict)  # a valid PATCH body
    extra_writes: tuple[tuple[str, str, dict[str, Any]], ...] = ()  # (method, URL with {id}, body)


RESOURCES = [
    Resource(
        "attack",
        "/api/attacks/{id}",
        "/api/attacks",
        change={"notes": "changed"},
        extra_writes=(("post", "/api/attacks/{id}/pain", {"at": "2020-01-01T00:00:00Z", "nrs": 1}),),
    ),
    Resource("day", "/api/days/{id}", "/api/days", change={"notes": "changed", "factors": {"coffee": 2}}),
    Resource(
        "dose",
        "/api/doses/{id}",
        "/api/doses",
        change={"notes": "changed"},
        extra_writes=(("put", "/api/doses/{id}/outcome", {"pain_2h": 0}),),
    ),
    Resource("side_effect", "/api/side-effects/{id}", "/api/side-effects", change={"severity": "severe"}),
    Resource("medication", "/api/medications/{id}", "/api/medications", change={"dose_text": "50 mg"}),
    Resource(
        "product",
        "/api/products/{id}",
        "/api/products",
        change={"strain": "Green"},
        extra_writes=(("post", "/api/products/{id}/batches", {"lot_number": "NEW"}),),
    ),
    Resource(
        "batch",
        "/api/batches/{id}",
        "/api/products/{parent}/batches",
        parent="product",
        change={"lot_number": "L2"},
        extra_writes=(("post", "/api/batches/{id}/lab-reports", {"lab": "X"}),),
    ),
    Resource(
        "lab_report",
        "/api/lab-reports/{id}",
        "/api/batches/{parent}/lab-reports",
        parent="batch",
        change={"lead_ppm": 0.1},
    ),
    Resource("unit", "/api/units/{id}", "/api/units", change={"grams": 0.6}),
    Resource(
        "questionnaire",
        "/api/questionnaires/{id}",
        "/api/questionnaires",
        change={"answers": [0, 0, 0, 0, 0, 0]},
    ),
]
IDS = [r.entry for r in RESOURCES]


def _urls(resource: Resource, journal: dict[str, Any]) -> tuple[str, str]:
    detail = resource.detail.format(id=journal[resource.entry].pk)
    parent = journal[resource.parent].pk if resource.parent else ""
    return detail, resource.collection.format(parent=parent)


def _writes(resource: Resource, journal: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    detail, _ = _urls(resource, journal)
    entry_id = journal[resource.entry].pk
    writes = [("patch", detail, resource.change or {"answers": []}), ("delete", detail, {})]
    writes += [(m, url.format(id=entry_id), body) for m, url, body in resource.extra_writes]
    return writes


def _send(client, method: str, url: str, body: dict[str, Any]):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


@pytest.mark.django_db
@pytest.mark.parametrize("resource", RESOURCES, ids=IDS)
def test_the_owner_reads_an_entry_and_finds_it_in_the_list(resource):
    owner = make_user()
    marker = new_marker()
    journal = fill_journal(owner, marker)
    detail, collection = _urls(resource, journal)
    client = api_client(owner)

    assert client.get(detail).json()["id"] == str(journal[resource.entry].pk)
    listed = client.get(collection).json()
    assert str(journal[resource.entry].pk) in [item["id"] for item in listed["items"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "resource", [r for r in RESOURCES if r.change], ids=[r.entry for r in RESOURCES if r.change]
)
def test_the_owner_changes_and_deletes_an_entry(resource):
    owner = make_user()
    journal = fill_journal(owner, new_marker())
    detail, _ = _urls(resource, journal)
    client = api_client(owner)

    changed = _send(client, "patch", detail, resource.change)
    assert changed.status_code == 200, changed.content
    for name, value in resource.change.items():
        if name != "factors":
            assert changed.json()["entry"][name] == value
    assert client.delete(detail).status_code == 204
    assert client.get(detail).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("resource", RESOURCES, ids=IDS)
def test_a_stranger_gets_404_for_every_method_and_nothing_changes(resource):
    owner, stranger = make_user(), make_user()
    marker = new_marker()
    journal = fill_journal(owner, marker)
    detail, collection = _urls(resource, journal)
    client = api_client(stranger)
    before = snapshot(owner)

    assert client.get(detail).status_code == 404
    assert client.get(detail, {"owner": profile_id(owner)}).status_code == 404
    assert client.get(collection, {"owner": profile_id(owner)}).status_code == 404
    own_list = client.get(collection)
    assert own_list.status_code in (200, 404)  # nested lists 404: the parent is not theirs
    assert marker not in own_list.content.decode()
    for method, url, body in _writes(resource, journal):
        response = _send(client, method, url, body)
        assert response.status_code == 404, (method, url, response.content)
        assert marker not in response.content.decode()
    assert snapshot(owner) == before


@pytest.mark.django_db
@pytest.mark.parametrize("resource", RESOURCES, ids=IDS)
def test_a_share_reads_an_entry_and_the_read_is_logged(resource):
    owner, clinician = make_user(), make_user()
    journal = fill_journal(owner, new_marker())
    share = share_with(owner, clinician)
    detail, collection = _urls(resource, journal)
    client = api_client(clinician)

    response = client.get(detail, {"owner": profile_id(owner)})
    assert response.status_code == 200
    assert response.json()["id"] == str(journal[resource.entry].pk)
    listed = client.get(collection, {"owner": profile_id(owner)})
    assert str(journal[resource.entry].pk) in [item["id"] for item in listed.json()["items"]]
    assert ShareAccess.objects.filter(share=share).count() == 2
    assert ShareAccess.objects.filter(share=share, viewer=clinician, path=detail).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("resource", RESOURCES, ids=IDS)
def test_a_share_never_changes_anything(resource):
    owner, clinician = make_user(), make_user()
    journal = fill_journal(owner, new_marker())
    share_with(owner, clinician)
    client = api_client(clinician)
    before = snapshot(owner)

    for method, url, body in _writes(resource, journal):
        for target in (url, f"{url}?owner={profile_id(owner)}"):
            response = _send(client, method, target, body)
            assert response.status_code in (403, 404), (method, target, response.content)
    assert snapshot(owner) == before


@pytest.mark.django_db
def test_a_share_cannot_create_entries_in_the_owners_journal():
    owner, clinician = make_user(), make_user()
    share_with(owner, clinician)
    client = api_client(clinician)
    before = snapshot(owner)

    response = client.post(
        f"/api/attacks?owner={profile_id(owner)}",
        data={"started_at": "2020-01-01T10:00:00Z"},
        content_type="application/json",
    )

    assert response.status_code == 201  # ``owner`` means nothing to a write: it lands in their own journal
    assert response.json()["entry"]["id"]
    assert snapshot(owner) == before


@pytest.mark.django_db
def test_a_revoked_share_reads_nothing_and_its_reader_is_a_stranger_again():
    from relief.sharing.services import revoke_share

    owner, clinician = make_user(), make_user()
    journal = fill_journal(owner, new_marker())
    share = share_with(owner, clinician)
    client = api_client(clinician)
    revoke_share(owner, share)

    response = client.get(f"/api/attacks/{journal['attack'].pk}", {"owner": profile_id(owner)})

    assert response.status_code == 404
    assert not ShareAccess.objects.filter(share=share).exists()


@pytest.mark.django_db
def test_the_catalogue_is_readable_by_everyone_signed_in_but_own_substances_stay_private():
    from relief.treatments.services import add_substance

    owner, stranger = make_user(), make_user()
    own = add_substance(owner, name="Grandma's tea")
    client = api_client(stranger)

    builtin = client.get(f"/api/substances/{substance('kratom').pk}")
    private = client.get(f"/api/substances/{own.pk}")
    listed = client.get("/api/substances", {"q": "tea", "limit": 500}).json()["items"]

    assert builtin.status_code == 200 and builtin.json()["builtin"] is True
    assert private.status_code == 404
    assert str(own.pk) not in [s["id"] for s in listed]
    assert api_client(owner).get(f"/api/substances/{own.pk}").json()["name"] == "Grandma's tea"
    assert (
        private.status_code
        == client.get(f"/api/substances/{own.pk}", {"owner": profile_id(owner)}).status_code
    )


@pytest.mark.django_db
def test_a_share_reads_the_owners_own_substances_so_their_doses_have_names():
    from relief.treatments.services import add_substance

    owner, clinician = make_user(), make_user()
    own = add_substance(owner, name="Grandma's tea")
    share_with(owner, clinician)

    response = api_client(clinician).get(f"/api/substances/{own.pk}", {"owner": profile_id(owner)})

    assert response.status_code == 200 and response.json()["name"] == "Grandma's tea"
