"""Push reminders reach a push service encrypted to the browser's keys, once, and only as allowed."""

from __future__ import annotations

import base64
import json
import os
import threading
import uuid
from datetime import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.urls import reverse

from relief.push import vapid
from relief.push.models import PushPreferences, PushSubscription
from relief.push.services import preferences_of
from relief.push.tasks import push_safety, send_push_reminders
from relief.treatments.models import Dose
from tests.factories import ago, make_attack, make_dose, make_user
from tests.web.helpers import signed_in

pytestmark = pytest.mark.django_db


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class PushService:
    """A stand-in for a browser vendor's push service: records each message, answers with ``status``."""

    def __init__(self, status: int = 201) -> None:
        self.status = status
        self.received: list[tuple[dict[str, str], bytes]] = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                service.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(service.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> PushService:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/push/{uuid.uuid4().hex}"


class Browser:
    """What a browser keeps for one subscription: its P-256 key pair and the auth secret."""

    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)

    def public(self) -> str:
        point = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64(point)

    def subscribe(self, person, endpoint: str) -> PushSubscription:
        return PushSubscription.objects.create(
            user=person, endpoint=endpoint, p256dh=self.public(), auth=b64(self.auth)
        )

    def read(self, body: bytes) -> dict:
        return json.loads(
            http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm")
        )


def an_acute_dose_due_for_its_two_hour_answer(person) -> Dose:
    return make_dose(
        person,
        "ibuprofen",
        amount=400,
        unit="mg",
        taken_at=ago(hours=2, minutes=10),
        reason=Dose.Reason.ACUTE,
    )


def test_the_two_hour_outcome_reaches_the_push_service_encrypted_and_opens_the_prompt():
    sam, browser = make_user("sam"), Browser()
    dose = an_acute_dose_due_for_its_two_hour_answer(sam)
    with PushService() as service:
        browser.subscribe(sam, service.endpoint())
        totals = send_push_reminders()

    assert totals["outcome"] == 1
    ((headers, body),) = service.received
    assert headers["content-encoding"] == "aes128gcm"
    assert (
        headers["authorization"].startswith("vapid t=")
        and f"k={vapid.application_server_key()}" in headers["authorization"]
    )
    assert (
        b"ibuprofen" not in body.lower() and b"outcome" not in body
    )  # the push service sees ciphertext only
    payload = browser.read(body)
    assert payload["kind"] == "outcome"
    assert payload["url"] == f"{reverse('today')}#outcome-{dose.pk}"
    assert "ibuprofen" not in json.dumps(payload).lower()  # no health detail on the lock screen by default


def test_each_reminder_is_pushed_once_however_often_the_worker_looks():
    sam, browser = make_user("sam"), Browser()
    an_acute_dose_due_for_its_two_hour_answer(sam)
    with PushService() as service:
        browser.subscribe(sam, service.endpoint())
        send_push_reminders()
        again = send_push_reminders()

    assert again["outcome"] == 0
    assert len(service.received) == 1


def test_details_appear_only_when_the_person_allowed_them():
    sam, browser = make_user("sam"), Browser()
    an_acute_dose_due_for_its_two_hour_answer(sam)
    PushPreferences.objects.create(user=sam, show_details=True)
    with PushService() as service:
        browser.subscribe(sam, service.endpoint())
        send_push_reminders()

    payload = browser.read(service.received[0][1])
    assert payload["title"] == "How is your head now?"
    assert "Ibuprofen" in payload["body"]


def test_a_push_service_answering_410_removes_the_subscription():
    sam, browser = make_user("sam"), Browser()
    an_acute_dose_due_for_its_two_hour_answer(sam)
    with PushService(status=410) as service:
        browser.subscribe(sam, service.endpoint())
        send_push_reminders()

    assert len(service.received) == 1
    assert not PushSubscription.objects.filter(user=sam).exists()


def test_a_turned_off_kind_and_quiet_hours_hold_reminders_back():
    sam, ada = make_user("sam"), make_user("ada", time_zone="Europe/Berlin")
    an_acute_dose_due_for_its_two_hour_answer(sam)
    an_acute_dose_due_for_its_two_hour_answer(ada)
    PushPreferences.objects.create(user=sam, outcome=False)
    PushPreferences.objects.create(user=ada, quiet_from=time(0, 0), quiet_until=time(23, 59))
    with PushService() as service:
        Browser().subscribe(sam, service.endpoint())
        Browser().subscribe(ada, service.endpoint())
        totals = send_push_reminders()

    assert totals["outcome"] == 0
    assert service.received == []


def test_an_attack_still_open_after_the_chosen_hours_is_pushed():
    sam, browser = make_user("sam"), Browser()
    attack = make_attack(sam, started_at=ago(hours=7))
    preferences = preferences_of(sam)
    preferences.open_attack_hours = 6
    preferences.save()
    with PushService() as service:
        browser.subscribe(sam, service.endpoint())
        send_push_reminders()

    payload = browser.read(service.received[0][1])
    assert (payload["kind"], payload["url"]) == ("open_attack", reverse("diary:attack", args=[attack.pk]))


def test_a_dangerous_alert_from_a_later_synced_dose_is_pushed_without_detail():
    sam, browser = make_user("sam"), Browser()
    with PushService() as service:
        browser.subscribe(sam, service.endpoint())
        push_safety(sam.pk, ["Combination to check: kratom and tramadol"])

    payload = browser.read(service.received[0][1])
    assert payload["kind"] == "safety"
    assert "tramadol" not in json.dumps(payload)


def test_the_vapid_key_is_made_once_and_readable_by_its_owner_only():
    first = vapid.application_server_key()
    assert vapid.application_server_key() == first
    assert oct(vapid.key_path().stat().st_mode & 0o777) == "0o600"
    assert len(base64.urlsafe_b64decode(first + "==")) == 65  # an uncompressed P-256 point


def test_a_browser_subscribes_and_only_its_owner_can_remove_it():
    sam, stranger = make_user("sam"), make_user("stranger")
    body = {
        "endpoint": "https://push.example.org/send/abc",
        "keys": {"p256dh": Browser().public(), "auth": b64(os.urandom(16))},
        "device": "Firefox on Android",
    }

    added = signed_in(sam).post(reverse("push:subscribe"), json.dumps(body), content_type="application/json")
    removed_by_stranger = signed_in(stranger).post(
        reverse("push:unsubscribe"),
        json.dumps({"endpoint": body["endpoint"]}),
        content_type="application/json",
    )

    assert added.status_code == 201
    assert removed_by_stranger.json() == {"removed": 0}
    assert PushSubscription.objects.get(endpoint=body["endpoint"]).user == sam
    assert signed_in(sam).post(
        reverse("push:unsubscribe"),
        json.dumps({"endpoint": body["endpoint"]}),
        content_type="application/json",
    ).json() == {"removed": 1}


def test_push_turned_off_on_the_server_refuses_subscriptions_and_sends_nothing(monkeypatch):
    monkeypatch.setenv("RELIEF_PUSH_ENABLED", "false")
    sam = make_user("sam")
    an_acute_dose_due_for_its_two_hour_answer(sam)
    body = {"endpoint": "https://push.example.org/send/abc", "keys": {"p256dh": "x", "auth": "y"}}

    answer = signed_in(sam).post(reverse("push:subscribe"), json.dumps(body), content_type="application/json")

    assert answer.status_code == 422
    assert send_push_reminders()["outcome"] == 0
    assert "push is turned off" in signed_in(sam).get(reverse("accounts:settings")).content.decode()


def test_the_settings_page_saves_the_reminder_choices():
    sam = make_user("sam")
    client = signed_in(sam)
    page = client.get(reverse("accounts:settings")).content.decode()
    assert "Turn on push reminders on this device" in page

    client.post(
        reverse("push:preferences"),
        {
            "push-checkin": "on",
            "push-open_attack_hours": "8",
            "push-quiet_from": "22:00",
            "push-quiet_until": "07:00",
        },
    )

    preferences = PushPreferences.objects.get(user=sam)
    assert (preferences.outcome, preferences.checkin, preferences.open_attack_hours) == (False, True, 8)
    assert (
        preferences.is_quiet(time(23, 30))
        and preferences.is_quiet(time(6, 0))
        and not preferences.is_quiet(time(12, 0))
    )


def test_a_taper_step_starting_today_is_pushed_without_its_amount():
    from relief.plans.models import Taper, TaperStep
    from tests.factories import substance

    sam, browser = make_user("sam"), Browser()
    taper = Taper.objects.create(user=sam, substance=substance("kratom"), started_on=ago(days=14).date())
    TaperStep.objects.create(taper=taper, starts_on=ago(days=0).date(), amount=2, unit="g")
    with PushService() as service:
        browser.subscribe(sam, service.endpoint())
        totals = send_push_reminders()

    assert totals["plan_steps"] == 1
    payload = browser.read(service.received[0][1])
    assert payload["url"] == reverse("plans:taper", args=[taper.pk])
    assert "2 g" not in payload["body"]
