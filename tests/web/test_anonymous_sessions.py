"""A visitor who is not signed in gets no session: no database row and no cookie for a link preview."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/link/not-a-real-token/", "/healthz"])
def test_a_page_seen_by_a_visitor_creates_no_session(client, path):
    response = client.get(path)

    assert response.status_code < 500
    assert "sessionid" not in response.cookies
    assert Session.objects.count() == 0
