"""Share links, sign-in links, reset links and API tokens never reach a log line, gunicorn's included."""

from __future__ import annotations

import io
import logging

import pytest
from django.test import Client

from relief.core.logging import RedactHealthData, gunicorn_logconfig, redact_secrets
from relief.sharing.services import create_api_token, create_link_share
from tests.factories import make_user

SHARE = "rs_Q2xhcmEncyBzZWNyZXQgbGluaw-_x9"
API = "rj_VGhlIHNjcmlwdCdzIHRva2Vu_-42"


@pytest.fixture
def server_log():
    """What the configured console handler of Django's loggers writes (with its filters)."""
    handler = next(h for h in logging.getLogger("django").handlers if h.filters)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_every_kind_of_secret_is_replaced_in_a_line():
    line = (
        f"Method Not Allowed (POST): /shared/{SHARE}/ then /insights/{SHARE}/?from=1900-01-01 "
        f"/accounts/link/AbC-123_xyz/ /accounts/password/reset/MQ/cb3-4f9a2e/ Authorization: Bearer {API}"
    )
    redacted = redact_secrets(line)

    assert SHARE not in redacted and API not in redacted
    assert "AbC-123_xyz" not in redacted and "cb3-4f9a2e" not in redacted
    assert redacted.count("[redacted]") == 5
    assert "/shared/[redacted]/" in redacted


@pytest.mark.django_db
def test_djangos_own_request_lines_do_not_carry_a_live_share_token(server_log):
    owner = make_user()
    _, token = create_link_share(owner, label="Dr Weber")
    client = Client(raise_request_exception=False)

    client.post(f"/shared/{token}/")  # 405, logged as "Method Not Allowed (POST): /shared/rs_…/"
    client.get(f"/insights/{token}x/?from=1900-01-01")  # 404
    client.get("/accounts/link/not-a-real-token-but-secret-looking/")

    text = server_log.getvalue()
    assert "Method Not Allowed" in text
    assert token not in text
    assert "not-a-real-token-but-secret-looking" not in text
    assert "[redacted]" in text


@pytest.mark.django_db
def test_an_api_token_in_a_logged_path_is_redacted(server_log):
    owner = make_user()
    _, token = create_api_token(owner, "script")

    Client().get(f"/api/attacks/{token}")

    assert token not in server_log.getvalue()


def test_a_record_with_an_exception_has_its_traceback_redacted_too():
    try:
        raise NameError(f"name {SHARE} is not defined")  # a code error: its message is kept
    except NameError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed %s", (f"/shared/{SHARE}/",), None)
        import sys

        record.exc_info = sys.exc_info()
    RedactHealthData().filter(record)

    assert SHARE not in record.getMessage()
    assert SHARE not in record.exc_text


def test_gunicorns_error_and_access_logs_are_redacted(capsys):
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    config = Config()
    config.set("logconfig_dict", gunicorn_logconfig(access=True))
    config.set("accesslog", "-")
    logger = Logger(config)

    logger.error("Error handling request %s", f"GET /insights/{SHARE}/?from=1900-01-01")
    atoms = {
        "h": "10.0.0.1", "l": "-", "u": "-", "t": "[01/Dec/2026:10:00:00 +0000]",
        "r": f"GET /shared/{SHARE}/?days=30 HTTP/1.1", "s": "200", "b": "512", "f": "-",
        "a": "Mozilla", "q": "days=30",
    }  # fmt: skip
    logger.access_log.info(config.access_log_format, atoms)

    written = capsys.readouterr()
    both = written.out + written.err
    assert "Error handling request GET /insights/[redacted]/?…" in both
    assert "GET /shared/[redacted]/?… HTTP/1.1" in both
    assert SHARE not in both and "from=1900" not in both


def test_relief_serve_hands_the_redacting_configuration_to_gunicorn():
    config = gunicorn_logconfig(access=False)

    for handler in config["handlers"].values():  # type: ignore[union-attr]
        assert handler["filters"] == ["no_secrets"]
    assert config["loggers"]["gunicorn.access"]["handlers"] == []  # type: ignore[index]
