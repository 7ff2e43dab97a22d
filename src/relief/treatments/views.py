"""Doses (with one-tap repeats of the usual ones), outcomes, standing medications and units."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from relief.core.access import get_owned_or_404, owned
from relief.core.decorators import AuthedRequest, journal_view
from relief.core.display import elapsed_text
from relief.core.web import add_errors, confirm_delete, next_url, saved, update
from relief.diary.models import Attack
from relief.diary.views.attacks import answer, just_logged, noon_of
from relief.treatments.forms import CustomUnitForm, DoseForm, MedicationForm, OutcomeForm
from relief.treatments.models import CustomUnit, Dose, DoseOutcome, StandingMedication
from relief.treatments.services import (
    add_custom_unit,
    add_medication,
    early_answers,
    find_substance,
    log_dose,
    log_outcome,
    ongoing_attack,
    resolve_dose_refs,
)
from relief.treatments.usual import usual_doses

COPIED = ("substance", "product", "batch", "amount", "unit", "custom_unit", "route", "stomach", "reason")


def _day_of(dose: Dose) -> str:
    return timezone.localtime(dose.taken_at).date().isoformat()


def _dose_initial(request: AuthedRequest) -> dict[str, Any]:
    last = owned(Dose, request.user).order_by("-taken_at").first()
    initial: dict[str, Any] = {"taken_at": timezone.localtime().replace(second=0, microsecond=0)}
    if last is not None:
        amount = f"{last.amount:g}" if last.amount is not None else None
        initial.update(substance=last.substance_id, amount=amount, unit=last.unit, product=last.product_id)
    else:
        kratom = find_substance(request.user, "kratom")
        initial.update(substance=kratom.pk if kratom else None, unit="g")
    refs = resolve_dose_refs(
        request.user,
        product=request.GET.get("product", ""),
        attack=request.GET.get("attack", ""),
        strict=False,
    )
    attack, product = refs.attack, refs.product
    if attack is None and not request.GET.get("date"):
        attack = ongoing_attack(request.user)
    if attack is not None:
        initial.update(attack=attack.pk, reason=Dose.Reason.ACUTE)
    if product is not None:
        initial.update(product=product.pk, substance=product.substance_id, batch=None)
        latest = product.batches.order_by("-purchase_date", "-id").first()
        initial["batch"] = latest.pk if latest else None
    if noon_of(request.GET.get("date", "")):
        initial["taken_at"] = noon_of(request.GET["date"])
    return initial


@journal_view
def dose_new(request: AuthedRequest) -> HttpResponse:
    form = DoseForm(
        request.POST if request.method == "POST" else None, user=request.user, initial=_dose_initial(request)
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = log_dose(request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            dose = result.entry
            to = (
                reverse("diary:attack", args=[dose.attack_id])
                if dose.attack_id
                else reverse("day", args=[_day_of(dose)])
            )
            return saved(request, f"Saved: {dose.substance.name}.", result.alerts, next_url(request, to))
    # Opened from attack mode ("Something else"); an ongoing attack preselected on the ordinary form
    # leaves the page as it is.
    attack_id = form.initial.get("attack") if request.GET.get("attack") else None
    context = {
        "form": form,
        "title": "Something else" if attack_id else "Log a dose",
        "usual": usual_doses(request.user, during_attack=bool(attack_id)),
        "attack": attack_id or "",
        "attack_mode": bool(attack_id),
        "ongoing": form.initial.get("attack") or "",  # the one-tap usual doses belong to it too
    }
    return render(request, "treatments/dose_form.html", context)


@journal_view
def dose_edit(request: AuthedRequest, pk: str) -> HttpResponse:
    dose = get_owned_or_404(Dose, request.user, pk)
    form = DoseForm(request.POST if request.method == "POST" else None, instance=dose, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            found = update(dose, form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return saved(request, "Dose saved.", found, reverse("day", args=[_day_of(dose)]))
    context = {
        "form": form,
        "title": "Dose",
        "dose": dose,
        "delete_url": reverse("treatments:dose_delete", args=[dose.pk]),
    }
    return render(request, "treatments/dose_form.html", context)


@journal_view
def dose_delete(request: AuthedRequest, pk: str) -> HttpResponse:
    dose = get_owned_or_404(Dose, request.user, pk)
    return confirm_delete(request, dose, what=f"this dose of {dose.substance.name}", done=reverse("today"))


@journal_view
@require_POST
def dose_repeat(request: AuthedRequest) -> HttpResponse:
    """One tap: the same as a usual dose, taken now (during the attack, when one is given)."""
    template = get_owned_or_404(Dose, request.user, request.POST.get("template"))
    attack = None
    if request.POST.get("attack"):
        attack = get_owned_or_404(Attack, request.user, request.POST["attack"])
    fields = {name: getattr(template, name) for name in COPIED}
    outcome = None
    if attack is not None:
        fields.update(attack=attack, reason=Dose.Reason.ACUTE)
        last = attack.pain_samples.exclude(nrs=None).order_by("-at").first()
        outcome = {"pain_at_dose": last.nrs} if last else None
    result = log_dose(request.user, taken_at=timezone.now(), outcome=outcome, **fields)
    if attack is not None:
        return answer(request, attack, result.alerts, undo=result.entry)
    return saved(request, f"Saved: {template.substance.name}.", result.alerts, reverse("today"))


@journal_view
@require_POST
def dose_undo(request: AuthedRequest, pk: str) -> HttpResponse:
    """Take back a one-tap dose in attack mode within a short while; later, the dose page deletes it."""
    dose = get_owned_or_404(Dose, request.user, pk)
    attack = dose.attack
    if attack is None or just_logged(request, attack, str(dose.pk)) is None:
        messages.error(request, "Too late to undo here; open the dose to change or delete it.")
        target = reverse("treatments:dose_edit", args=[dose.pk])
        return HttpResponseRedirect(target) if attack is None else answer(request, attack)
    name = dose.substance.name
    dose.delete()
    messages.success(request, f"Removed: {name}.")
    return answer(request, attack)


@journal_view
def outcome(request: AuthedRequest, pk: str) -> HttpResponse:
    dose = get_owned_or_404(Dose, request.user, pk)
    existing = DoseOutcome.objects.filter(dose=dose).first()
    form = OutcomeForm(
        request.POST if request.method == "POST" else None, instance=existing or DoseOutcome(dose=dose)
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = log_outcome(request.user, dose, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if note := early_answers(dose, form.cleaned_data):
                messages.warning(request, note)
            return saved(
                request, "Thank you, outcome saved.", result.alerts, next_url(request, reverse("today"))
            )
    taken = timezone.localtime(dose.taken_at)
    context = {
        "form": form,
        "title": f"How did {dose.substance.name} at {taken:%H:%M} work?",
        "submit": "Save outcome",
        # a dose taken a moment ago: say which answers can be given yet
        "intro": (
            f"Taken {elapsed_text(timezone.now() - dose.taken_at)} ago. Answer for the times that have "
            "passed; the Today page asks for the pain at 2 hours once two hours are up."
            if early_answers(dose, {"pain_2h": 0})  # the same rule as the note after saving
            else ""
        ),
    }
    return render(request, "core/form_page.html", context)


@journal_view
@require_POST
def outcome_quick(request: AuthedRequest, pk: str) -> HttpResponse:
    """One tap from a prompt on the Today page: pain at 2 hours, or whether it came back within 24 hours."""
    dose = get_owned_or_404(Dose, request.user, pk)
    try:
        fields: dict[str, Any]
        if "returned_24h" in request.POST:
            fields = {"returned_24h": request.POST["returned_24h"] == "yes"}
        else:
            fields = {"pain_2h": int(request.POST.get("pain_2h", ""))}
        result = log_outcome(request.user, dose, **fields)
    except (ValueError, ValidationError):
        return HttpResponseRedirect(reverse("treatments:outcome", args=[dose.pk]))
    return saved(request, "Thank you, saved.", result.alerts, next_url(request, reverse("today")))


def followups(user: Any) -> list[Dose]:
    """Acute doses of one to three days ago with a 2-hour answer but none yet about the next 24 hours."""
    now = timezone.now()
    return list(
        owned(Dose, user)
        .filter(
            reason=Dose.Reason.ACUTE, taken_at__range=(now - timedelta(hours=72), now - timedelta(hours=24))
        )
        .filter(outcome__pain_2h__isnull=False, outcome__returned_24h__isnull=True)
        .select_related("substance")
        .order_by("-taken_at")[:5]
    )


@journal_view
def medications(request: AuthedRequest) -> HttpResponse:
    meds = (
        owned(StandingMedication, request.user)
        .select_related("substance")
        .order_by("stopped_on", "-started_on")
    )
    return render(request, "treatments/medications.html", {"medications": meds})


@journal_view
def medication_new(request: AuthedRequest) -> HttpResponse:
    form = MedicationForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        initial={"started_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = add_medication(request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return saved(request, "Medication saved.", result.alerts, reverse("treatments:medications"))
    return render(request, "core/form_page.html", {"form": form, "title": "Add a standing medication"})


@journal_view
def medication_edit(request: AuthedRequest, pk: str) -> HttpResponse:
    med = get_owned_or_404(StandingMedication, request.user, pk)
    form = MedicationForm(request.POST if request.method == "POST" else None, instance=med, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            found = update(med, form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return saved(request, "Medication saved.", found, reverse("treatments:medications"))
    context = {
        "form": form,
        "title": str(med.substance),
        "delete_url": reverse("treatments:medication_delete", args=[med.pk]),
        "what": "medication",
    }
    return render(request, "core/form_page.html", context)


@journal_view
def medication_delete(request: AuthedRequest, pk: str) -> HttpResponse:
    med = get_owned_or_404(StandingMedication, request.user, pk)
    return confirm_delete(request, med, what=str(med.substance), done=reverse("treatments:medications"))


@journal_view
def units(request: AuthedRequest) -> HttpResponse:
    form = CustomUnitForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            unit = add_custom_unit(request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return saved(request, f"Added {unit}.", [], reverse("treatments:units"))
    listed = owned(CustomUnit, request.user).select_related("product")
    return render(request, "treatments/units.html", {"form": form, "units": listed})


@journal_view
def unit_delete(request: AuthedRequest, pk: str) -> HttpResponse:
    unit = get_owned_or_404(CustomUnit, request.user, pk)
    if Dose.objects.filter(custom_unit=unit).exists() and request.method == "POST":
        return saved(request, f"{unit.name} is used by doses; it stays.", [], reverse("treatments:units"))
    return confirm_delete(request, unit, what=f"the unit {unit.name}", done=reverse("treatments:units"))
