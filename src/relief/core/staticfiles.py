"""Static files with content hashes in their names, gzip and brotli copies, cached for a year and more.

``relief serve`` runs collectstatic before it starts, which writes the hashed and
compressed files and their manifest; WhiteNoise then serves a hashed name as
immutable (cached ten years) and picks the brotli or gzip copy the browser accepts.
Before collectstatic has run (tests, a management command) a name is used as is.

The project's own scripts and stylesheets are written with comments and indentation for the
people who read them; the collected copies are minified first (rjsmin and rcssmin, which only
drop comments and white space and never rename anything), which takes about a fifth off what a
browser downloads after compression.  Vendored and Django's own files are left as
their authors ship them.
"""

from __future__ import annotations

from typing import Any

import rcssmin
import rjsmin
from django.core.files.base import ContentFile
from whitenoise.storage import CompressedManifestStaticFilesStorage


def minified(name: str, text: str) -> str | None:
    """The file's text without comments and spare white space, or None if it is not ours to minify."""
    if not name.startswith("relief/") or ".min." in name:
        return None
    if name.endswith(".js"):
        return str(rjsmin.jsmin(text, keep_bang_comments=True))
    if name.endswith(".css"):
        return str(rcssmin.cssmin(text, keep_bang_comments=True))
    return None


class HashedCompressedStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def _save(self, name: str, content: Any) -> str:
        if name.endswith((".js", ".css")) and name.startswith("relief/"):
            content.seek(0)  # the hashing step may have read it already
            raw = content.read()
            text = minified(name, raw.decode("utf-8") if isinstance(raw, bytes) else raw)
            content = ContentFile(text.encode("utf-8") if text is not None else raw)
        return super()._save(name, content)

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:  # not collected yet: the finders serve the plain name
            return name
