"""Static files are served under hashed names, compressed (brotli and gzip), and cached for long."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client, override_settings


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    root = tmp_path_factory.mktemp("collected") / "static"
    with override_settings(STATIC_ROOT=root):
        call_command("collectstatic", interactive=False, verbosity=0)  # once: it compresses every file
        yield root


def _get(url: str, encoding: str):
    response = Client().get(url, HTTP_ACCEPT_ENCODING=encoding)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    response.close()  # a file response holds the file open until closed
    return response, body


@pytest.mark.django_db
def test_htmx_is_served_brotli_compressed_under_a_hashed_name_cached_for_years(collected):
    url = static("vendor/htmx.min.js")
    assert url.startswith("/static/vendor/htmx.min.") and url != "/static/vendor/htmx.min.js"
    response, body = _get(url, "gzip, deflate, br")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "br"
    assert "immutable" in response["Cache-Control"] and "max-age=315360000" in response["Cache-Control"]
    plain = (collected / "vendor" / "htmx.min.js").stat().st_size
    assert len(body) < plain / 2


@pytest.mark.django_db
def test_a_browser_without_brotli_gets_gzip(collected):
    response, _ = _get(static("relief/app.css"), "gzip")
    assert response["Content-Encoding"] == "gzip"


@pytest.mark.django_db
def test_pages_link_the_hashed_names(collected):
    html = Client().get("/accounts/login/").content.decode()
    assert static("relief/app.css") in html and "/static/relief/app.css" not in html


@pytest.mark.django_db
def test_an_image_already_compressed_is_sent_as_it_is_not_gzipped_again(collected):
    response, body = _get(static("relief/icon-192.png"), "gzip, br")
    assert "Content-Encoding" not in response
    assert body[:8] == b"\x89PNG\r\n\x1a\n"
    assert "max-age=315360000" in response["Cache-Control"]
