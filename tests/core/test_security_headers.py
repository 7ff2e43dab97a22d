"""Every response carries a strict Content-Security-Policy and refuses framing."""

from __future__ import annotations

import pytest

from relief.core.security import CONTENT_SECURITY_POLICY


@pytest.mark.django_db
def test_a_page_is_sent_with_a_strict_content_security_policy(client):
    response = client.get("/healthz")
    policy = response.headers["Content-Security-Policy"]
    assert policy == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_a_page_refuses_framing_sniffing_and_leaking_referrers(client):
    response = client.get("/healthz")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_redirects_and_not_found_pages_carry_the_policy_too(client):
    assert "Content-Security-Policy" in client.get("/").headers  # login redirect
    assert "Content-Security-Policy" in client.get("/no-such-page/").headers


@pytest.mark.django_db
def test_hsts_is_sent_over_https_when_served_behind_tls(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/healthz", secure=True)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.django_db
def test_the_health_check_answers_ok_and_is_never_cached(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_static_files_are_served_by_whitenoise_with_the_headers_a_file_needs(client):
    response = client.get("/static/relief/app.css")
    body = b"".join(response.streaming_content)
    response.close()
    assert response.status_code == 200
    assert body
    assert response.headers["Content-Type"].startswith("text/css")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_a_stylesheet_or_script_goes_without_the_headers_only_a_document_reads(client):
    for path, kind in (("/static/relief/app.css", "text/css"), ("/static/relief/app.js", "text/javascript")):
        response = client.get(path)
        response.close()
        assert response.headers["Content-Type"].startswith(kind)
        for header in ("Content-Security-Policy", "Permissions-Policy", "Cross-Origin-Opener-Policy"):
            assert header not in response.headers, (path, header)
        assert "Access-Control-Allow-Origin" not in response.headers  # only this site's pages ask
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_an_svg_keeps_its_policy_because_opened_on_its_own_it_is_a_document(client):
    response = client.get("/static/relief/icon.svg")
    response.close()
    assert response.headers["Content-Type"].startswith("image/svg+xml")
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


@pytest.mark.django_db
def test_pages_outside_static_keep_every_header_whatever_their_type(client):
    response = client.get("/healthz")  # JSON, not a document, but not a static file either
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["Permissions-Policy"]
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
