"""docs/configuration.md is generated from the settings registry and settings read nothing else."""

from __future__ import annotations

import ast
from pathlib import Path

import relief.settings
from relief.conf import REGISTRY, configuration_markdown

ROOT = Path(__file__).resolve().parents[2]


def test_the_configuration_page_matches_the_registry():
    page = (ROOT / "docs" / "configuration.md").read_text()
    assert page == configuration_markdown(), (
        "docs/configuration.md is out of date; regenerate it with: "
        "relief docs configuration > docs/configuration.md"
    )


def test_every_registered_setting_is_documented_with_help():
    page = (ROOT / "docs" / "configuration.md").read_text()
    for setting in REGISTRY:
        assert setting.help.strip(), f"{setting.name} has no help text"
        assert f"`{setting.name}`" in page


def test_settings_read_no_environment_variable_directly():
    source = Path(relief.settings.__file__).read_text()
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in {"environ", "getenv", "environb"}:
            raise AssertionError(
                f"settings.py line {node.lineno} reads the environment; use relief.conf.env()"
            )
        if isinstance(node, ast.Name) and node.id in {"environ", "getenv"}:
            raise AssertionError(
                f"settings.py line {node.lineno} reads the environment; use relief.conf.env()"
            )


def test_every_setting_name_settings_asks_for_is_registered():
    names = {s.name for s in REGISTRY}
    tree = ast.parse(Path(relief.settings.__file__).read_text())
    asked = {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in {"env", "env_bool"}
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }
    assert asked, "settings.py should read its settings through relief.conf.env()"
    assert asked <= names, f"unregistered: {sorted(asked - names)}"
