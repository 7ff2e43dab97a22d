"""Headless Chromium (the system one, never downloaded) against the live test server.

Every page records the host of every request it makes; the tests check that
nothing leaves the app's own server.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.browser_session import ARGS, CHROMIUM, settle  # noqa: F401  (the shared Chromium lives there)

AXE = Path(__file__).with_name("vendor") / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


class Session:
    """One browser tab for one person, counting taps and recording request hosts."""

    def __init__(self, browser: object, base_url: str, viewport: dict[str, int], **options: object) -> None:
        self.base_url = base_url
        options.setdefault("color_scheme", "light")
        self.context = browser.new_context(
            viewport=viewport, base_url=base_url, reduced_motion="reduce", **options
        )
        self.context.set_default_timeout(10000)
        self.context.set_default_navigation_timeout(60000)
        self.page = self.context.new_page()
        self.hosts: set[str] = set()
        self.taps = 0
        self.page.on("request", lambda request: self.hosts.add(urlparse(request.url).netloc))
        self.csp_violations: list[str] = []
        self.page.on("console", self._console)

    def _console(self, message: object) -> None:
        if "Content Security Policy" in message.text:
            self.csp_violations.append(message.text)

    def sign_in(self, user: object) -> None:
        from django.conf import settings
        from django.test import Client

        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": self.base_url}]
        )

    def open(self, path: str) -> None:
        self.page.goto(path)

    def tap(self, locator: object) -> None:
        self.taps += 1
        locator.click()
        self.page.wait_for_load_state()

    def wait_until_quiet(self) -> None:
        """Wait until no htmx request, swap or settle is in flight, so what is checked is what stays."""
        self.page.wait_for_function(
            "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, [aria-busy=true]')"
        )

    def screenshot(self, name: str) -> Path:
        self.wait_until_quiet()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def serious_accessibility_problems(self, *, wait: bool = True) -> list[str]:
        if wait:
            self.wait_until_quiet()
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            self.page.evaluate(AXE.read_text())
        result = self.page.evaluate("axe.run(document).then(r => r.violations)")
        return [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in result
            if v["impact"] in {"serious", "critical"}
        ]

    def close(self) -> None:
        """Close the tab, then wait until the live server has answered whatever it sent last.

        A request still queued (a poll, the service worker's fetch) would otherwise be answered
        while the test's data is being flushed, and write rows for a person who is gone.
        """
        self.context.close()
        settle(self.base_url)

    def foreign_hosts(self) -> set[str]:
        own = urlparse(self.base_url).netloc
        return {host for host in self.hosts if host and host != own}


@pytest.fixture
def phone(chromium, live_server) -> Iterator[Session]:
    session = Session(chromium, live_server.url, PHONE)
    yield session
    session.close()
    assert session.foreign_hosts() == set()
    assert session.csp_violations == []


@pytest.fixture
def desktop(chromium, live_server) -> Iterator[Session]:
    session = Session(chromium, live_server.url, DESKTOP)
    yield session
    session.close()
    assert session.foreign_hosts() == set()
    assert session.csp_violations == []
