"""The service worker script: served from the root for the whole site, with a cache named for the release."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from relief.offline import views


def test_the_worker_is_served_from_the_root_with_scope_over_the_whole_site():
    response = Client().get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-store" in response["Cache-Control"]  # every update check sees the current release
    first_line = response.content.decode().splitlines()[0]
    config = json.loads(first_line.removeprefix("self.RELIEF = ").removesuffix(";"))
    assert config["cache"] == views.cache_name(views.current_version())
    assert reverse("offline:attack") == config["fallback"]
    assert {"/diary/attack/", "/diary/checkin/", "/treatments/doses/new/", "/"} <= set(config["pages"])
    assert any(asset.endswith("relief/offline.js") for asset in config["assets"])


def test_a_new_release_or_a_changed_asset_gives_a_new_cache_name():
    files = [b"body { color: black }", b"console.log(1)"]
    same = views.release_version(files, "0.1.0")

    assert views.release_version(files, "0.1.0") == same
    assert views.release_version(files, "0.2.0") != same
    assert views.release_version([b"body { color: red }", files[1]], "0.1.0") != same
    assert views.cache_name(same) != views.cache_name(views.release_version(files, "0.2.0"))


@pytest.mark.django_db
def test_the_offline_attack_page_needs_a_sign_in():
    response = Client().get(reverse("offline:attack"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_the_copy_the_worker_keeps_takes_no_one_time_message_from_the_person():
    from tests.factories import ago, make_attack, make_user
    from tests.web.helpers import signed_in

    sam = make_user("sam")
    attack = make_attack(sam, started_at=ago(hours=3))
    client = signed_in(sam)
    client.post(reverse("diary:attack_end", args=[attack.pk]))

    kept = client.get(reverse("today"), headers={"X-Relief-Precache": "1"})
    shown = client.get(reverse("today"))

    assert kept.status_code == 200
    assert "Attack ended. Rest well." not in kept.content.decode()
    assert "Attack ended. Rest well." in shown.content.decode()
