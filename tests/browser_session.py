"""One headless Chromium (Debian's, never downloaded) for the whole test session.

Playwright's sync API runs an event loop in the thread that starts it, so two
instances in one process clash; every browser test shares this one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread

# The sync API keeps an event loop in this thread; the ORM calls the tests make
# between page actions are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class OneRequestAtATime(WSGIServer):
    """The live server without a thread per request, for tests on SQLite.

    On SQLite the test database is in memory, so the live server hands every request the test's own
    connection; with a thread per request, two requests of one page at once (the page and a fetch
    it starts) ran on that one connection together, and one's BEGIN met the other's open
    transaction. Production never shares a connection (one per gunicorn worker), so the tests
    answer one request at a time instead, in the live server's thread, which already has it.
    Django closes each HTTP connection after its answer when the server is not threaded, so no
    browser connection can hold the server.
    """

    def __init__(self, *args: object, connections_override: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


if not os.environ.get("RELIEF_TEST_DATABASE_URL"):  # PostgreSQL: a connection per thread, as in production
    LiveServerThread.server_class = OneRequestAtATime  # type: ignore[assignment]

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
