"""Static files with content hashes in their names, gzip and brotli copies, cached for a year and more.

``relief serve`` runs collectstatic before it starts, which writes the hashed and
compressed files and their manifest; WhiteNoise then serves a hashed name as
immutable (cached ten years) and picks the brotli or gzip copy the browser accepts.
Before collectstatic has run (tests, a management command) a name is used as is.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedCompressedStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:  # not collected yet: the finders serve the plain name
            return name
