"""The strict Content-Security-Policy holds only if no template relies on inline code or styles.

Browsers would silently block them; this scan fails first, naming the file and line.
"""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "relief"
FORBIDDEN = {
    "an inline <script> (move it to a static .js file)": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I),
    "an inline event handler (use addEventListener in a static file)": re.compile(
        r"<[^>]+\son[a-z]+\s*=", re.I
    ),
    "a style attribute (use a class in app.css)": re.compile(r"<[^>]+\sstyle\s*=", re.I),
    "a <style> element (use app.css)": re.compile(r"<style[\s>]", re.I),
    "a javascript: URL": re.compile(r"javascript:", re.I),
    "an hx-on attribute (inline code run by htmx)": re.compile(r"\shx-on", re.I),
}


def templates() -> list[Path]:
    return sorted(p for p in SRC.rglob("templates/**/*") if p.suffix in {".html", ".svg"})


def test_no_template_needs_inline_script_or_style():
    found = []
    for path in templates():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            found += [
                f"{path.relative_to(SRC)}:{number}: {what}"
                for what, rx in FORBIDDEN.items()
                if rx.search(line)
            ]
    assert not found, "\n".join(found)
    assert len(templates()) >= 10, "the scan found no templates; has the folder moved?"


def test_htmx_is_told_not_to_inject_styles_or_evaluate_code():
    base = (SRC / "templates" / "base.html").read_text(encoding="utf-8")
    config = re.search(r'name="htmx-config" content=\'([^\']*)\'', base)
    assert config, "base.html should configure htmx with a <meta name=htmx-config>"
    assert '"includeIndicatorStyles": false' in config.group(1)
    assert '"allowEval": false' in config.group(1)
