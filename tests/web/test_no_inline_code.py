"""Pages are ready for a strict Content-Security-Policy: no inline scripts, no inline styles, no other hosts."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from relief.diary.services import Pain, log_attack
from tests.factories import ago, make_dose, make_user
from tests.web.helpers import signed_in

PAGES = [
    "today",
    "log",
    "calendar",
    "diary:checkin",
    "treatments:dose_new",
    "accounts:settings",
    "diary:questionnaires",
]


@pytest.mark.django_db
def test_no_page_has_inline_scripts_inline_styles_or_third_party_urls():
    alice = make_user("alice")
    attack = log_attack(alice, started_at=ago(hours=1), pain=[Pain(at=ago(minutes=30), nrs=4)]).entry
    make_dose(alice, taken_at=ago(hours=3))
    client = signed_in(alice)
    urls = [reverse(name) for name in PAGES] + [reverse("diary:attack", args=[attack.pk])]
    for url in urls:
        html = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert " style=" not in html, url
        assert not re.search(r"""(src|href)=["']https?://""", html), url


@pytest.mark.django_db
def test_signed_out_pages_have_no_inline_code_either():
    for name in ("accounts:login", "accounts:signup", "accounts:password_reset"):
        html = Client().get(reverse(name)).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", html)
        assert " style=" not in html


def test_the_app_is_installable_with_a_manifest_and_icons():
    import json

    manifest = json.loads(Path(finders.find("relief/manifest.webmanifest")).read_text())
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        assert finders.find(f"relief/{icon['src']}"), icon["src"]
    assert finders.find("vendor/htmx.min.js")


@pytest.mark.django_db
def test_every_htmx_element_also_works_as_a_plain_form_or_link():
    alice = make_user("alice")
    make_dose(alice, taken_at=ago(days=2))
    attack = log_attack(alice, started_at=ago(hours=1)).entry
    html = signed_in(alice).get(reverse("diary:attack", args=[attack.pk])).content.decode()
    tags = re.findall(r"<[a-z]+[^>]*\bhx-(?:post|get)=[^>]*>", html)
    assert len(tags) >= 4
    for tag in tags:
        assert re.search(r'\b(action|href)="/', tag), tag
