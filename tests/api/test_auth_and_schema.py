"""Getting in (tokens for scripts, the session with CSRF for the web app) and the OpenAPI document."""

import json
import re

import pytest
from django.test import Client

from relief.diary.models import Attack
from relief.sharing.models import ApiToken
from relief.sharing.services import create_api_token, hash_secret, revoke_api_token
from tests.access.people import logged_in
from tests.factories import ago, make_user


def attack_body():
    return json.dumps({"started_at": ago(hours=1).isoformat()})


@pytest.mark.django_db
def test_a_call_without_credentials_is_a_401():
    assert Client().get("/api/attacks").status_code == 401
    assert Client().post("/api/attacks", data=attack_body(), content_type="application/json").status_code in (
        401,
        403,
    )
    assert Attack.objects.count() == 0


@pytest.mark.django_db
def test_only_a_hash_of_a_token_is_stored_and_the_token_acts_as_its_owner():
    user = make_user()
    _, plaintext = create_api_token(user, "phone shortcut")

    response = Client(headers={"Authorization": f"Bearer {plaintext}"}).post(
        "/api/attacks", data=attack_body(), content_type="application/json"
    )

    assert response.status_code == 201
    assert Attack.objects.get().user == user
    stored = ApiToken.objects.get()
    assert plaintext not in {stored.token_hash, stored.prefix, stored.name}
    assert stored.token_hash == hash_secret(plaintext)
    assert stored.last_used_at is not None


@pytest.mark.django_db
def test_a_revoked_or_made_up_token_is_refused():
    user = make_user()
    token, plaintext = create_api_token(user, "old laptop")
    revoke_api_token(user, token)

    for value in (plaintext, "rj_made-up", "nonsense"):
        response = Client(headers={"Authorization": f"Bearer {value}"}).get("/api/attacks")
        assert response.status_code == 401


@pytest.mark.django_db
def test_a_session_write_needs_the_csrf_token():
    user = make_user()
    client = logged_in(user, enforce_csrf_checks=True)

    refused = client.post("/api/attacks", data=attack_body(), content_type="application/json")
    client.get("/sharing/")  # any page with a form sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        "/api/attacks", data=attack_body(), content_type="application/json", headers={"X-CSRFToken": token}
    )

    assert refused.status_code == 403
    assert accepted.status_code == 201
    assert Attack.objects.count() == 1


@pytest.mark.django_db
def test_tokens_are_created_and_revoked_from_a_session_but_a_token_cannot_mint_more():
    user = make_user()
    _, plaintext = create_api_token(user, "script")
    session = logged_in(user)
    by_token = Client(headers={"Authorization": f"Bearer {plaintext}"})

    created = session.post("/api/tokens", data=json.dumps({"name": "new"}), content_type="application/json")
    minted = by_token.post("/api/tokens", data=json.dumps({"name": "more"}), content_type="application/json")
    revoked = session.post(f"/api/tokens/{created.json()['id']}/revoke")

    assert created.status_code == 201 and created.json()["token"].startswith("rj_")
    assert minted.status_code in (401, 403)
    assert revoked.json()["revoked_at"] is not None
    assert (
        Client(headers={"Authorization": f"Bearer {created.json()['token']}"}).get("/api/attacks").status_code
        == 401
    )


@pytest.mark.django_db
def test_a_stranger_cannot_see_or_revoke_someone_elses_token():
    owner, stranger = make_user(), make_user()
    token, _ = create_api_token(owner, "private")
    client = logged_in(stranger)

    listed = client.get("/api/tokens").json()
    revoked = client.post(f"/api/tokens/{token.pk}/revoke")

    assert listed == []
    assert revoked.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.django_db
def test_the_openapi_document_is_valid_openapi_3_and_lists_every_resource():
    import schemathesis

    response = Client().get("/api/openapi.json")
    document = response.json()

    assert response.status_code == 200
    assert document["openapi"].startswith("3.")
    schemathesis.openapi.from_dict(document).validate()
    for path in ("/api/attacks", "/api/days", "/api/doses/{dose_id}/outcome", "/api/lab-reports/{report_id}"):
        assert path in document["paths"]
    assert {"TokenAuth", "SessionAuth"} <= set(document["components"]["securitySchemes"])


@pytest.mark.django_db
def test_the_api_docs_page_is_our_own_and_loads_no_asset_from_a_cdn():
    html = Client().get("/api/docs").content.decode()

    assert "swagger-ui" not in html.lower() and "cdn.jsdelivr" not in html
    assert re.findall(r'(?:src|href)="(https?://[^"]+)"', html) == []
