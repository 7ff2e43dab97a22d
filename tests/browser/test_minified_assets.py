"""The scripts and stylesheets a browser downloads are minified copies that still mean the same thing."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from relief.core.staticfiles import minified

pytestmark = pytest.mark.django_db

RULES = (
    "text => { const sheet = new CSSStyleSheet(); sheet.replaceSync(text); return sheet.cssRules.length; }"
)


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    root = tmp_path_factory.mktemp("minified") / "static"
    with override_settings(STATIC_ROOT=root):
        call_command("collectstatic", interactive=False, verbosity=0)
        manifest = json.loads((root / "staticfiles.json").read_text())["paths"]
        yield root, manifest


def _ours(manifest: dict[str, str], suffix: str) -> list[str]:
    return [name for name in manifest if name.startswith("relief/") and name.endswith(suffix)]


def test_our_scripts_still_parse_in_a_browser_after_minifying_and_are_smaller(chromium, collected):
    root, manifest = collected
    source = settings.STATICFILES_DIRS[0]
    page = chromium.new_page()
    scripts = _ours(manifest, ".js")
    assert {"relief/app.js", "relief/offline.js", "relief/queue.js"} <= set(scripts)
    for name in scripts:
        served = (root / manifest[name]).read_text()
        written = (source / name).read_text()
        assert len(served) < len(written), name
        assert "/*" not in served.replace("/*!", ""), name  # the comments are gone
        # new Function() parses the whole text, and throws a SyntaxError if minifying broke it
        page.evaluate("text => { new Function(text); }", served)
    page.close()


def test_a_minified_stylesheet_keeps_every_rule_of_the_one_we_wrote(chromium, collected):
    root, manifest = collected
    source = settings.STATICFILES_DIRS[0]
    page = chromium.new_page()
    sheets = _ours(manifest, ".css")
    assert "relief/app.css" in sheets
    for name in sheets:
        served = (root / manifest[name]).read_text()
        written = (source / name).read_text()
        assert len(served) < len(written), name
        assert page.evaluate(RULES, served) == page.evaluate(RULES, written) > 10, name
    page.close()


def test_only_our_own_scripts_and_stylesheets_are_minified():
    assert minified("vendor/htmx.min.js", "var a = 1; // x") is None
    assert minified("admin/js/core.js", "var a = 1; // x") is None
    assert minified("relief/icon.svg", "<svg/>") is None
    assert minified("relief/app.js", "var a = 1;  // a comment\n") == "var a=1;"
    assert minified("relief/app.css", "a {  color: red; } /* c */") == "a{color:red}"
