"""`relief serve` runs the app on gunicorn and lets the only person in with a one-time link."""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _relief(env, *args, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "relief.cli.__main__", *args], env=env, cwd=ROOT, **kwargs)


def test_serve_prints_a_one_time_login_link_that_signs_the_person_in(tmp_path):
    env = {
        **os.environ,
        "RELIEF_DATA_DIR": str(tmp_path),
        "RELIEF_DATABASE_URL": f"sqlite:///{tmp_path}/serve.sqlite3",
        "RELIEF_TEST_DATABASE_URL": "",
        "DJANGO_SETTINGS_MODULE": "relief.settings",
    }
    env.pop("RELIEF_HOSTED", None)
    created = subprocess.run(
        [sys.executable, "-m", "relief.cli.__main__", "user", "create", "solo"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert created.returncode == 0, created.stderr
    port = _free_port()
    server = _relief(env, "serve", "--port", str(port), "--workers", "1", stderr=subprocess.PIPE, text=True)
    try:
        link = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and link is None:
            line = server.stderr.readline()
            found = re.search(r"(http://127\.0\.0\.1:\d+/\S+)", line)
            if found and "login" in line.lower():
                link = found.group(1)
        assert link, "no login link printed"
        with httpx.Client(follow_redirects=True, timeout=10) as client:
            for _ in range(100):
                try:
                    first = client.get(link)
                    break
                except httpx.ConnectError:
                    time.sleep(0.2)
            assert first.status_code == 200  # a confirmation page, so link previews cannot use the link up
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', first.text).group(1)
            signed_in = client.post(link, data={"csrfmiddlewaretoken": token}, headers={"Referer": link})
            assert signed_in.status_code == 200
            assert "solo" in signed_in.text and "Sign in" not in signed_in.text
        with httpx.Client(follow_redirects=False, timeout=10) as other:  # a second use is refused
            page = other.get(link)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
            again = other.post(
                link, data={"csrfmiddlewaretoken": token.group(1) if token else ""}, headers={"Referer": link}
            )
            assert "sessionid" not in again.headers.get("set-cookie", "")
        assert server.poll() is None  # still serving
    finally:
        server.terminate()
        server.wait(timeout=20)
        server.stderr.close()
