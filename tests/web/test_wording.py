"""Small words people notice: no '0.0 hours ago', 'E. coli', no side-effect severity chosen for them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from relief.products.forms import LabReportForm
from relief.safety.rules.special import _ago
from tests.factories import make_user
from tests.web.helpers import signed_in


def test_a_dose_a_moment_ago_is_just_now():
    assert _ago(0.001) == "just now"
    assert _ago(25 / 60) == "25 minutes ago"
    assert _ago(1 / 60) == "1 minute ago"
    assert _ago(2.0) == "2.0 hours ago"


def test_the_lab_report_asks_about_e_coli_by_its_name():
    assert LabReportForm().fields["ecoli_detected"].label == "E. coli found"


@pytest.mark.django_db
def test_a_new_side_effect_has_no_severity_chosen():
    html = signed_in(make_user("ana")).get(reverse("diary:side_effect_new")).content.decode()
    assert (
        'name="severity"' in html
        and "checked" not in html.split('name="severity"', 1)[1].split("</fieldset>", 1)[0]
    )


def _every_form_class() -> list[type]:
    import importlib
    import inspect
    import pkgutil

    from django import forms

    import relief

    found = []
    for module_info in pkgutil.walk_packages(relief.__path__, "relief."):
        if not module_info.name.endswith(".forms"):
            continue
        module = importlib.import_module(module_info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


def test_no_form_field_says_its_label_again_as_its_help_text():
    from difflib import SequenceMatcher

    classes = _every_form_class()
    assert len(classes) > 10  # the walk found the app's forms
    repeated = []
    for cls in classes:
        for name, field in cls.base_fields.items():
            label, help_text = str(field.label or name).lower(), str(field.help_text or "").lower()
            if help_text and SequenceMatcher(None, label, help_text).ratio() > 0.7:
                repeated.append(f"{cls.__name__}.{name}: {label!r} / {help_text!r}")
    assert repeated == []
