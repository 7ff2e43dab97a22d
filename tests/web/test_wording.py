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
