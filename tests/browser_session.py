"""One headless Chromium (Debian's, never downloaded) for the whole test session.

Playwright's sync API runs an event loop in the thread that starts it, so two
instances in one process clash; every browser test shares this one.
"""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.servers.basehttp import WSGIServer
from django.db import connections
from django.test.testcases import LiveServerThread

# The sync API keeps an event loop in this thread; the ORM calls the tests make
# between page actions are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class OneRequestAtATime(WSGIServer):
    """The live server without a thread per request.

    On SQLite the test database is in memory, so the live server hands every request the test's own
    connection; with a thread per request, two requests of one page at once (the page and a fetch
    it starts) ran on that one connection together, and one's BEGIN met the other's open
    transaction. On PostgreSQL a request still in flight when the test ended (a page's poll) held
    its tables while the test's teardown truncated them, and the two deadlocked. Production never
    shares a connection and never truncates, so the tests answer one request at a time, in the live
    server's thread, and `settle` waits for the last one before the test's data is removed.
    Django closes each HTTP connection after its answer when the server is not threaded, so no
    browser connection can hold the server.
    """

    def __init__(self, *args: object, connections_override: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def close_request(self, request: object) -> None:
        # As Django's threaded server does: no database connection outlives its request (on
        # PostgreSQL one left open keeps the test database from being dropped at the end).
        connections.close_all()
        super().close_request(request)  # type: ignore[arg-type]


LiveServerThread.server_class = OneRequestAtATime  # type: ignore[assignment]


def settle(base_url: str) -> None:
    """After a test's browser has closed: return once the live server has answered every request.

    The server answers in order, one at a time, so the answer to this one comes after all of them.
    """
    with urllib.request.urlopen(f"{base_url}/healthz", timeout=60) as answer:
        answer.read()


CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip("no system Chromium at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()
