"""Environment for the test run, set before Django reads its settings.

Loaded with ``-p tests.testenv`` (see pyproject.toml) so that it runs before
pytest-django imports ``relief.settings``; a conftest would be too late.
The database is PostgreSQL when RELIEF_TEST_DATABASE_URL is set, else a
temporary SQLite file.
"""

from __future__ import annotations

import os
import tempfile

_tmp = tempfile.mkdtemp(prefix="relief-test-")
os.environ["RELIEF_DATA_DIR"] = _tmp
os.environ["RELIEF_DATABASE_URL"] = (
    os.environ.get("RELIEF_TEST_DATABASE_URL") or f"sqlite:///{_tmp}/test.sqlite3"
)
os.environ.setdefault("RELIEF_SECRET_KEY", "test-secret-key-not-for-production-" + "x" * 30)
os.environ.setdefault("RELIEF_TIME_ZONE", "UTC")
os.environ.pop("RELIEF_HOSTED", None)
# A new database connection per request in the test process: threads of the tests (the live
# server's, test clients run in threads) would otherwise keep theirs open, and PostgreSQL refuses to
# drop a test database someone is still connected to.  The real servers that tests/faults starts
# keep their connections, as production does (600 s).
os.environ["RELIEF_DATABASE_CONN_MAX_AGE"] = "0"
