"""Every entry kind has one write path: the same change through a page, the API and the CLI
leaves the same row and raises the same alerts.

Each interface works on its own person with the same diary, so one person's edit cannot change
what the others' safety checks see.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import time_machine
from click.testing import CliRunner
from django import forms
from django.urls import reverse

from relief.cli import cli
from relief.core.alerts import SESSION_KEY
from relief.diary.forms import AttackForm, CheckinForm, SideEffectForm, questionnaire_form
from relief.diary.models import PainSample
from relief.diary.services import Pain, log_attack, log_questionnaire
from relief.exchange.jsonformat import serialize
from relief.products.forms import BatchForm, LabReportForm, ProductForm
from relief.treatments.forms import DoseForm, MedicationForm, OutcomeForm
from relief.treatments.models import DoseOutcome
from tests.access.people import api_client, logged_in
from tests.factories import (
    ago,
    make_attack,
    make_batch,
    make_day,
    make_dose,
    make_lab_report,
    make_medication,
    make_product,
    make_side_effect,
    make_user,
)

pytestmark = pytest.mark.django_db


def form_data(form: forms.BaseForm) -> dict[str, Any]:
    """What a browser would post back for an unchanged form."""
    data: dict[str, Any] = {}
    for name, bound in form.fields.items():
        value = form[name].value()
        if isinstance(bound, forms.NullBooleanField):
            data[name] = {True: "True", False: "False"}.get(value, "")
        elif isinstance(bound, forms.BooleanField):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif value is None:
            data[name] = ""
        else:
            shown = bound.widget.format_value(value)
            if isinstance(shown, list):  # a select gives its one chosen value as a list
                shown = shown[0] if shown else ""
            data[name] = "" if shown is None else str(shown)
    return data


@dataclass
class Kind:
    """One entry kind: how to make it, and the same change as a page, the API and the CLI send it."""

    cli_kind: str
    make: Callable[[Any], Any]
    page: Callable[[Any], str]
    form: Callable[[Any, Any], forms.BaseForm]
    api: Callable[[Any], tuple[str, str]]
    change: dict[str, Any]  # field -> value as the API sends it
    page_change: dict[str, str] = field(default_factory=dict)  # when a page posts another form
    cli_change: dict[str, str] = field(default_factory=dict)
    page_extra: Callable[[Any], dict[str, str]] = lambda entry: {}
    raises_alerts: bool = False  # the change is one the safety checks speak about


def _outcome(user: Any) -> DoseOutcome:
    dose = make_dose(user, reason="acute", taken_at=ago(hours=3))
    outcome = DoseOutcome(dose=dose, pain_at_dose=7)
    outcome.full_clean()
    outcome.save()
    return outcome


def _questionnaire(user: Any) -> Any:
    return log_questionnaire(user, instrument="hit6", answers=[1] * 6, answered_at=ago(days=1)).entry


def _questionnaire_form(entry: Any, user: Any) -> forms.BaseForm:
    return questionnaire_form(entry.instrument, None, initial=entry.answers)


KINDS = {
    "attack": Kind(
        cli_kind="attacks",
        make=lambda user: make_attack(user, started_at=ago(hours=5)),
        page=lambda e: reverse("diary:attack_edit", args=[e.pk]),
        form=lambda e, user: AttackForm(instance=e),
        api=lambda e: ("patch", f"/api/attacks/{e.pk}"),
        change={"notes": "worse after coffee", "nausea": True},
        page_change={"notes": "worse after coffee", "nausea": "True"},
        cli_change={"notes": "worse after coffee", "nausea": "true"},
    ),
    "day record": Kind(
        cli_kind="days",
        make=lambda user: make_day(user, ago(days=1).date(), worst_pain=3),
        page=lambda e: reverse("diary:checkin"),
        form=lambda e, user: CheckinForm(
            instance=e, tags=[], present={}, track_periods=False, us_units=False
        ),
        api=lambda e: ("patch", f"/api/days/{e.pk}"),
        change={"worst_pain": 6, "alcohol_units": 4.0},
        page_change={"worst_pain": "6", "alcohol_units": "4"},
        cli_change={"worst_pain": "6", "alcohol_units": "4"},
        page_extra=lambda e: {"date": e.date.isoformat(), "period": e.period},
    ),
    "side effect": Kind(
        cli_kind="side-effects",
        make=lambda user: make_side_effect(user, "constipation", occurred_at=ago(hours=4)),
        page=lambda e: reverse("diary:side_effect_edit", args=[e.pk]),
        form=lambda e, user: SideEffectForm(instance=e, user=user),
        api=lambda e: ("patch", f"/api/side-effects/{e.pk}"),
        change={"severity": "severe", "notes": "two days now"},
    ),
    "questionnaire": Kind(
        cli_kind="questionnaires",
        make=_questionnaire,
        page=lambda e: reverse("diary:questionnaire_edit", args=[e.pk]),
        form=_questionnaire_form,
        api=lambda e: ("patch", f"/api/questionnaires/{e.pk}"),
        change={"answers": [4, 3, 4, 3, 4, 3]},
        page_change={f"q{n}": str(4 - (n + 1) % 2) for n in range(1, 7)},
        cli_change={"answers": "[4, 3, 4, 3, 4, 3]"},
    ),
    "dose": Kind(
        cli_kind="doses",
        make=lambda user: make_dose(user, amount=3, taken_at=ago(hours=2)),
        page=lambda e: reverse("treatments:dose_edit", args=[e.pk]),
        form=lambda e, user: DoseForm(instance=e, user=user),
        api=lambda e: ("patch", f"/api/doses/{e.pk}"),
        change={"amount": 14.0, "notes": "a second scoop"},
        raises_alerts=True,
    ),
    "outcome": Kind(
        cli_kind="outcomes",
        make=_outcome,
        page=lambda e: reverse("treatments:outcome", args=[e.dose_id]),
        form=lambda e, user: OutcomeForm(instance=e),
        api=lambda e: ("put", f"/api/doses/{e.dose_id}/outcome"),
        change={"pain_2h": 2},
    ),
    "standing medication": Kind(
        cli_kind="medications",
        make=lambda user: make_medication(user, "tramadol", dose_text="50 mg"),
        page=lambda e: reverse("treatments:medication_edit", args=[e.pk]),
        form=lambda e, user: MedicationForm(instance=e, user=user),
        api=lambda e: ("patch", f"/api/medications/{e.pk}"),
        change={"dose_text": "100 mg at night", "reason": "back pain"},
    ),
    "product": Kind(
        cli_kind="products",
        make=lambda user: make_product(user),
        page=lambda e: reverse("products:edit", args=[e.pk]),
        form=lambda e, user: ProductForm(instance=e, user=user),
        api=lambda e: ("patch", f"/api/products/{e.pk}"),
        change={"vendor": "Another Vendor", "strain": "Red Bali"},
    ),
    "batch": Kind(
        cli_kind="batches",
        make=lambda user: make_batch(make_product(user)),
        page=lambda e: reverse("products:batch_edit", args=[e.pk]),
        form=lambda e, user: BatchForm(instance=e),
        api=lambda e: ("patch", f"/api/batches/{e.pk}"),
        change={"lot_number": "LOT-2", "amount_bought_g": 250.0},
        raises_alerts=True,  # a batch without a lab report is mentioned
    ),
    "lab report": Kind(
        cli_kind="lab-reports",
        make=lambda user: make_lab_report(make_batch(make_product(user)), lab="Acme Labs"),
        page=lambda e: reverse("products:report_edit", args=[e.pk]),
        form=lambda e, user: LabReportForm(instance=e),
        api=lambda e: ("patch", f"/api/lab-reports/{e.pk}"),
        change={"lead_ppm": 3.5, "lab": "Other Labs"},
        raises_alerts=True,
    ),
}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return json.dumps(value)
    return str(value)


def _row(entry: Any) -> dict[str, Any]:
    """The saved row, without what differs between people (ids, owners, when it was written)."""
    entry = type(entry)._default_manager.get(pk=entry.pk)
    row = serialize(entry)
    return {
        k: v
        for k, v in row.items()
        if k not in {"id", "created_at", "updated_at", "user"}
        and not (isinstance(v, str) and len(v) == 36 and v.count("-") == 4)
    }


def _alerts(dicts: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return sorted((a["rule"], a["level"], a["title"]) for a in dicts)


def through_page(kind: Kind, user: Any, entry: Any) -> list[tuple[str, str, str]]:
    client = logged_in(user)
    data = {**form_data(kind.form(entry, user)), **kind.page_extra(entry)}
    data.update(kind.page_change or {k: _text(v) for k, v in kind.change.items()})
    response = client.post(kind.page(entry), data)
    form = response.context and response.context.get("form")
    assert response.status_code == 302, (form.errors if form else response.content[:500], data)
    return _alerts(client.session.get(SESSION_KEY, []))


def through_api(kind: Kind, user: Any, entry: Any) -> list[tuple[str, str, str]]:
    method, url = kind.api(entry)
    response = getattr(api_client(user), method)(
        url, data=json.dumps(kind.change), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return _alerts(response.json()["alerts"])


def through_cli(kind: Kind, user: Any, entry: Any) -> list[tuple[str, str, str]]:
    sets = []
    for name, value in (kind.cli_change or {k: _text(v) for k, v in kind.change.items()}).items():
        sets += ["--set", f"{name}={value}"]
    result = CliRunner().invoke(
        cli, ["--user", user.username, "edit", kind.cli_kind, str(entry.pk), *sets], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return _alerts(json.loads(result.stdout)["alerts"])


NOW = "2026-11-20T12:00:00+00:00"


@pytest.mark.parametrize("name", list(KINDS))
@time_machine.travel(NOW, tick=False)
def test_the_same_change_through_page_api_and_cli_saves_the_same_row_with_the_same_alerts(name):
    kind = KINDS[name]
    results = {}
    for way, change in (("page", through_page), ("api", through_api), ("cli", through_cli)):
        user = make_user(f"{way}-person")
        entry = kind.make(user)
        alerts = change(kind, user, entry)
        results[way] = (_row(entry), alerts)
    page, api, cli_ = results["page"], results["api"], results["cli"]
    assert page[0] == api[0] == cli_[0]
    for field_name in kind.change:
        assert page[0][field_name] == api[0][field_name]
    assert page[0] != _row_before(kind)
    assert page[1] == api[1] == cli_[1]
    assert bool(page[1]) == kind.raises_alerts


def _row_before(kind: Kind) -> dict[str, Any]:
    return _row(kind.make(make_user("unchanged-person")))


def test_a_pain_sample_is_deleted_the_same_way_through_page_api_and_cli():
    remaining = []
    for way in ("page", "api", "cli"):
        user = make_user(f"{way}-person")
        attack = log_attack(
            user, started_at=ago(hours=3), pain=[Pain(at=ago(hours=3), nrs=4), Pain(at=ago(hours=2), nrs=7)]
        ).entry
        sample = attack.pain_samples.get(nrs=7)
        if way == "page":
            response = logged_in(user).post(reverse("diary:pain_delete", args=[sample.pk]))
            assert response.status_code == 302
        elif way == "api":
            response = api_client(user).delete(f"/api/attacks/{attack.pk}/pain/{sample.pk}")
            assert response.status_code == 204
        else:
            result = CliRunner().invoke(
                cli, ["--user", user.username, "delete", "pain-samples", str(sample.pk), "--yes"]
            )
            assert result.exit_code == 0, result.output
        remaining.append(sorted(PainSample.objects.filter(attack=attack).values_list("nrs", flat=True)))
    assert remaining == [[4], [4], [4]]
