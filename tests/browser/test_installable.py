"""The app can be installed: Chromium's own installability check, a worker that controls the page, a
versioned cache, and attack mode (not the browser's error page) when the installed app opens offline."""

from __future__ import annotations

import json
import struct

import pytest
from django.contrib.staticfiles import finders
from playwright.sync_api import expect

from relief.offline.views import cache_name, current_version
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def png_size(name: str) -> tuple[int, int]:
    with open(finders.find(name), "rb") as handle:
        header = handle.read(24)
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def test_the_manifest_has_what_an_installable_app_needs():
    with open(finders.find("relief/manifest.webmanifest")) as handle:
        manifest = json.load(handle)
    assert manifest["name"] and manifest["short_name"]
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["display"] in {"standalone", "fullscreen", "minimal-ui"}
    sizes = {icon["sizes"]: icon for icon in manifest["icons"]}
    assert png_size("relief/" + sizes["192x192"]["src"]) == (192, 192)
    assert png_size("relief/" + sizes["512x512"]["src"]) == (512, 512)


def test_chromium_finds_the_app_installable_and_the_worker_controls_it_with_this_releases_cache(phone):
    phone.sign_in(make_user("sam"))
    phone.open("/")
    phone.page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    phone.page.reload()
    phone.page.wait_for_function("() => navigator.serviceWorker.controller !== null")

    worker = phone.page.evaluate(
        "() => navigator.serviceWorker.getRegistration().then(r => ({script: r.active.scriptURL, scope: r.scope}))"
    )
    assert worker["script"].endswith("/sw.js")
    assert worker["scope"] == phone.base_url + "/"
    caches = phone.page.evaluate("() => caches.keys()")
    assert caches == [cache_name(current_version())]

    cdp = phone.context.new_cdp_session(phone.page)
    errors = [e["errorId"] for e in cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]]
    # A test browser context is always incognito-like, which Chromium reports on its own; everything the
    # app provides (manifest, icons, start URL, a worker controlling the start URL) must raise nothing.
    assert [e for e in errors if e != "in-incognito"] == []


def test_the_installed_app_opened_offline_shows_attack_mode(phone):
    phone.sign_in(make_user("sam"))
    phone.open("/")
    phone.page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    phone.page.reload()
    phone.page.wait_for_function("() => navigator.serviceWorker.controller !== null")

    phone.context.set_offline(True)
    phone.open("/")
    expect(phone.page.get_by_role("button", name="Attack started now")).to_be_visible()
    phone.open("/diary/checkin/")
    expect(phone.page.get_by_role("button", name="Save check-in")).to_be_visible()
    phone.open("/calendar/")  # never kept: attack mode instead of the browser's error page
    expect(phone.page.get_by_role("heading", name="When did it start?")).to_be_visible()
    expect(phone.page.get_by_text("Offline.")).to_be_visible()


def test_the_settings_page_says_which_kind_of_reminders_this_device_has(phone):
    phone.sign_in(make_user("sam"))
    phone.open("/accounts/settings/")

    expect(phone.page.locator("#reminder-kind")).to_contain_text("In-page reminders only on this device")
    expect(phone.page.get_by_role("button", name="Turn on push reminders on this device")).to_be_visible()
    expect(phone.page.get_by_role("button", name="Turn off push on this device")).to_be_hidden()
    phone.screenshot("settings-reminders-phone")
    assert phone.serious_accessibility_problems() == []
