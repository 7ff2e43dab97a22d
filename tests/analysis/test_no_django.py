"""relief.analysis stays a pure library: it never imports Django."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import relief.analysis

PACKAGE_DIR = Path(relief.analysis.__file__).parent


def _modules() -> list[str]:
    return sorted(f"relief.analysis.{m.name}" for m in pkgutil.iter_modules([str(PACKAGE_DIR)]))


def test_importing_every_module_leaves_django_unloaded() -> None:
    modules = _modules()
    assert "relief.analysis.triggers" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_no_source_file_mentions_a_django_import() -> None:
    offenders = []
    for path in PACKAGE_DIR.rglob("*.py"):
        for line in path.read_text().splitlines():
            stripped = line.strip()
            if (
                stripped.startswith(("import django", "from django"))
                or 'importlib.import_module("django' in stripped
            ):
                offenders.append(f"{path.name}: {stripped}")
    assert offenders == []
