"""Start-up checks (``relief doctor``, ``relief serve``, ``manage.py check``): what a server
should not run with, said with the command that fixes it."""

from __future__ import annotations

from typing import Any

from django.core.checks import Tags, Warning, register

from relief.conf import wide_permissions


@register(Tags.security)
def data_directory_is_private(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """The data directory holds the health database, the task queue and keys: owner only."""
    return [
        Warning(
            line,
            hint="The data directory should be mode 700 and every file in it 600.",
            id="relief.W001",
        )
        for line in wide_permissions()
    ]
