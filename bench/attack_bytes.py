"""Bytes of the attack-mode page's first visit, as the real server sends them (issue #18, "a light attack mode").

Usage:  uv run python bench/attack_bytes.py [--port 8731] [--days 60] [--markdown]

In a throwaway data directory it builds a demo diary with an open attack, starts ``relief serve``
(gunicorn, one worker, no background worker), signs in with the one-time link the server prints,
and fetches, with ``Accept-Encoding: gzip, br`` and an empty cache (a first visit):

- the attack-mode page (``/diary/attack/`` redirects to the open attack);
- every stylesheet, script, icon and manifest the page links to, and every font or image the
  stylesheets name with ``url(...)``.

For each it records the body bytes as sent (compressed or not), the bytes once decoded, the
``Content-Encoding`` and ``Cache-Control``, and the response header bytes.  The total is what a
browser transfers on a first visit (bodies plus headers).  The service worker's own cache-filling
after the page has loaded is not counted (it is listed separately when it is linked).

With ``--browser`` it also opens the page in headless Chromium (``/usr/bin/chromium``, phone size,
empty cache) and sums what the browser itself reports for every request of the page load
(encoded body and header bytes, as DevTools' "transferred"): this is the first visit as a phone
makes it (Chromium does not fetch the apple-touch-icon, for instance).

Prints JSON (or a Markdown table with ``--markdown``).  Not a timed test.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import brotli

ACCEPT = "gzip, br"


class Links(HTMLParser):
    """The resources a page links to: stylesheets, scripts, icons, the manifest, images."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "link" and a.get("href"):
            rel = a.get("rel", "")
            if any(
                r in rel.split() for r in ("stylesheet", "icon", "apple-touch-icon", "manifest", "preload")
            ):
                self.found.append((rel, a["href"]))
        elif tag == "script" and a.get("src"):
            self.found.append(("script", a["src"]))
        elif tag == "img" and a.get("src") and not a["src"].startswith("data:"):
            self.found.append(("img", a["src"]))


def fetch(
    port: int, path: str, cookie: str = "", form: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes, int]:
    """One GET (or POST of ``form``): status, headers (lower-case names), body as sent, header bytes."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Accept-Encoding": ACCEPT, "Host": f"127.0.0.1:{port}", "User-Agent": "relief-bench"}
    if cookie:
        headers["Cookie"] = cookie
    if form is None:
        conn.request("GET", path, headers=headers)
    else:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Origin"] = f"http://127.0.0.1:{port}"
        conn.request("POST", path, body=urlencode(form), headers=headers)
    response = conn.getresponse()
    body = response.read()
    got = {k.lower(): v for k, v in response.getheaders()}
    got["set-cookie"] = "; ".join(v for k, v in response.getheaders() if k.lower() == "set-cookie")
    header_bytes = len(f"HTTP/1.1 {response.status} {response.reason}\r\n") + sum(
        len(f"{k}: {v}\r\n") for k, v in response.getheaders()
    )
    conn.close()
    return response.status, got, body, header_bytes + 2


def decoded(body: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "br":
        return brotli.decompress(body)
    return body


def relief(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "relief.cli", *args], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def start_server(env: dict[str, str], port: int) -> tuple[subprocess.Popen[str], str]:
    """``relief serve`` on ``port``; returns the process and the one-time login path it printed."""
    server = subprocess.Popen(
        [sys.executable, "-m", "relief.cli", "serve", "--port", str(port), "--workers", "1", "--no-worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert server.stderr is not None
    link = ""
    deadline = time.time() + 180
    while time.time() < deadline and not link:
        line = server.stderr.readline()
        if not line and server.poll() is not None:
            raise SystemExit("relief serve stopped before printing its login link")
        found = re.search(r"http://127\.0\.0\.1:\d+(/\S+)", line)
        if found and "login" in line.lower():
            link = found.group(1)
    while time.time() < deadline:
        try:
            if fetch(port, "/healthz")[0] == 200:
                return server, link
        except OSError:
            time.sleep(0.3)
    raise SystemExit("relief serve did not answer /healthz")


def relief_link(env: dict[str, str]) -> str:
    """A fresh one-time login path for the demo account (each link signs in once)."""
    script = (
        "import django; django.setup(); from django.contrib.auth.models import User;"
        "from relief.accounts.services_links import create_login_link;"
        "print(create_login_link(User.objects.get(username='demo')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, "DJANGO_SETTINGS_MODULE": "relief.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def cookies(header: str) -> dict[str, str]:
    return dict(re.findall(r"(?:^|,\s*|;\s*)([A-Za-z_][\w-]*)=([^;,\s]*)", header))


def sign_in(port: int, link: str) -> str:
    """Open the one-time link and press its button; the cookies of the signed-in session."""
    _, headers, body, _ = fetch(port, link)
    jar = {k: v for k, v in cookies(headers["set-cookie"]).items() if "csrf" in k.lower()}
    html = decoded(body, headers.get("content-encoding", "")).decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if token is None:
        raise SystemExit("the login link page has no form")
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    status, headers, _, _ = fetch(port, link, cookie, {"csrfmiddlewaretoken": token.group(1)})
    if status != 302:
        raise SystemExit(f"signing in with the link answered {status}")
    jar.update(
        {
            k: v
            for k, v in cookies(headers["set-cookie"]).items()
            if k.lower() not in ("path", "expires", "max-age", "samesite")
        }
    )
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def row(
    kind: str, path: str, status: int, headers: dict[str, str], body: bytes, header_bytes: int
) -> dict[str, Any]:
    encoding = headers.get("content-encoding", "")
    return {
        "kind": kind,
        "path": path,
        "status": status,
        "sent": len(body),
        "decoded": len(decoded(body, encoding)),
        "encoding": encoding or "none",
        "cache_control": headers.get("cache-control", ""),
        "header_bytes": header_bytes,
    }


def measure(port: int, cookie: str) -> dict[str, Any]:
    status, headers, _, _ = fetch(port, "/diary/attack/", cookie)
    page_path = (
        urlsplit(headers.get("location", "/diary/attack/")).path if status in (301, 302) else "/diary/attack/"
    )
    status, headers, body, header_bytes = fetch(port, page_path, cookie)
    if status != 200:
        raise SystemExit(f"the attack-mode page answered {status}")
    rows = [row("html", page_path, status, headers, body, header_bytes)]
    html = decoded(body, headers.get("content-encoding", "")).decode()
    parser = Links()
    parser.feed(html)
    seen = {page_path}
    queue = list(parser.found)
    while queue:
        kind, href = queue.pop(0)
        path = urlsplit(urljoin(page_path, href)).path
        if path in seen or urlsplit(href).netloc not in ("", "127.0.0.1", f"127.0.0.1:{port}"):
            continue
        seen.add(path)
        status, headers, body, header_bytes = fetch(port, path, cookie)
        rows.append(row(kind, path, status, headers, body, header_bytes))
        if path.endswith(".css"):
            text = decoded(body, headers.get("content-encoding", "")).decode(errors="replace")
            for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", text):
                if not ref.startswith("data:"):
                    queue.append(("css url", urljoin(path, ref)))
    bodies = sum(r["sent"] for r in rows)
    head = sum(r["header_bytes"] for r in rows)
    return {
        "page": page_path,
        "resources": rows,
        "body_bytes_sent": bodies,
        "body_bytes_decoded": sum(r["decoded"] for r in rows),
        "header_bytes": head,
        "transferred_bytes": bodies + head,
        "html_bytes_sent": rows[0]["sent"],
        "html_encoding": rows[0]["encoding"],
    }


def in_browser(port: int, cookie: str, page_path: str) -> dict[str, Any]:
    """The first visit as headless Chromium makes it: every request of the page load, transferred bytes."""
    # lazy: Playwright is a test dependency, needed only with --browser
    from playwright.sync_api import sync_playwright

    base = f"http://127.0.0.1:{port}"
    seen: list[dict[str, Any]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"], headless=True
        )
        context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=base)
        context.add_cookies(
            [{"name": k, "value": v, "url": base} for k, v in (c.split("=", 1) for c in cookie.split("; "))]
        )
        page = context.new_page()

        def finished(request: Any) -> None:
            sizes = request.sizes()
            seen.append(
                {
                    "path": urlsplit(request.url).path,
                    "body": sizes["responseBodySize"],
                    "headers": sizes["responseHeadersSize"],
                }
            )

        page.on("requestfinished", finished)
        page.goto(page_path, wait_until="networkidle")
        browser.close()
    return {
        "requests": seen,
        "body_bytes": sum(r["body"] for r in seen),
        "header_bytes": sum(r["headers"] for r in seen),
        "transferred_bytes": sum(r["body"] + r["headers"] for r in seen),
    }


def markdown(result: dict[str, Any]) -> str:
    lines = [
        "| Resource | Sent (bytes) | Decoded (bytes) | Encoding | Cache-Control |",
        "|---|---|---|---|---|",
    ]
    for r in result["resources"]:
        lines.append(
            f"| {r['kind']} `{r['path']}` | {r['sent']:,} | {r['decoded']:,} | {r['encoding']} | {r['cache_control']} |"
        )
    lines.append(
        f"| **total bodies** | **{result['body_bytes_sent']:,}** | {result['body_bytes_decoded']:,} | | |"
    )
    lines.append(f"| headers | {result['header_bytes']:,} | | | |")
    lines.append(f"| **transferred** | **{result['transferred_bytes']:,}** | | | |")
    if "browser" in result:
        b = result["browser"]
        lines.append("")
        lines.append(
            f"Headless Chromium, first visit: {len(b['requests'])} requests, {b['body_bytes']:,} body bytes"
            f" + {b['header_bytes']:,} header bytes = **{b['transferred_bytes']:,} transferred**"
            f" ({', '.join(r['path'].rsplit('/', 1)[-1] or r['path'] for r in b['requests'])})."
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument(
        "--days", type=int, default=60, help="days of demo diary (the usual doses come from it)"
    )
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument(
        "--browser", action="store_true", help="also measure a first visit in headless Chromium"
    )
    args = parser.parse_args()
    data = tempfile.mkdtemp(prefix="relief-attack-bytes-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("RELIEF_")}
    env.update(
        RELIEF_DATA_DIR=data,
        RELIEF_SECRET_KEY="attack-bytes-bench-" + "x" * 50,
        RELIEF_ALLOWED_HOSTS="127.0.0.1",
    )
    relief(env, "demo", "--days", str(args.days), "--seed", "1")
    relief(env, "log", "attack", "--start", "20m ago", "--pain", "6")
    server, link = start_server(env, args.port)
    try:
        result = measure(args.port, sign_in(args.port, link))
        if args.browser:
            result["browser"] = in_browser(args.port, sign_in(args.port, relief_link(env)), result["page"])
    finally:
        server.terminate()
        server.wait(timeout=30)
    result["load_average"] = os.getloadavg()
    result["data_dir"] = str(Path(data))
    print(markdown(result) if args.markdown else json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
