"""No page that shows someone's journal may stay in a browser's or a proxy's cache: the walk goes
through every URL pattern as the owner, as an invited account and as a link visitor."""

from __future__ import annotations

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse

from relief.plans import services as plan_services
from relief.sharing.services import create_link_share
from tests.access.people import fill_journal, new_marker, profile_id, share_with
from tests.access.test_url_walk import fillings, leaf_routes, stay_signed_in, walk
from tests.factories import make_user
from tests.plans.helpers import acute_trial, kratom_plan


@pytest.fixture
def journal(db):
    owner = make_user()
    fill = fillings(owner, fill_journal(owner, new_marker()))
    plan = kratom_plan(owner)
    trial = plan_services.start_trial(owner, acute_trial(owner), rng=np.random.default_rng(3))
    plan_services.record_decision(owner, plan, choice="stop", reasons="drowsy", review={})
    fill["uuid"][:0] = [str(trial.pk), str(plan.pk)]
    fill["trial"] = str(trial.pk)
    return owner, fill


def pages_answered(client: Client, fill, signed_in=None):
    for url, _, response in walk(client, leaf_routes(), fill, writes=False):
        if signed_in is not None:
            stay_signed_in(client, signed_in)
        if response.status_code < 300:
            yield url, response


def test_every_page_the_owner_sees_is_sent_with_no_store(journal):
    owner, fill = journal
    client = Client()
    client.force_login(owner)

    answered = list(pages_answered(client, fill, signed_in=owner))

    assert len(answered) > 60
    assert [url for url, r in answered if "no-store" not in r.headers.get("Cache-Control", "")] == []


def test_every_shared_page_is_sent_with_no_store_to_an_invited_account_and_a_link(journal):
    owner, fill = journal
    clinician = make_user()
    share_with(owner, clinician)
    _, token = create_link_share(owner, label="Dr Weber")
    fill["str"].append(token)
    reader = Client()
    reader.force_login(clinician)

    answered = [*pages_answered(reader, fill, signed_in=clinician), *pages_answered(Client(), fill)]
    for who, client in ((profile_id(owner), reader), (token, Client())):
        url = reverse("plans:shared_trial_result", args=[who, fill["trial"]])
        answered.append((url, client.get(url)))
        assert answered[-1][1].status_code == 200, url

    assert any("/plans/shared/" in url and "/decisions/" in url for url, _ in answered)
    assert [url for url, r in answered if "no-store" not in r.headers.get("Cache-Control", "")] == []


@pytest.mark.django_db  # closing the response ends the request, which looks at the connection
def test_static_files_keep_their_own_caching(client):
    response = client.get("/static/relief/app.css")
    response.close()  # a file response holds the file open until closed

    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
