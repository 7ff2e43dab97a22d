"""Attack mode (dark, one tap at a time) and the full attack form."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from relief.core import alerts as alert_tools
from relief.core.access import get_owned_or_404, owned
from relief.core.decorators import AuthedRequest, journal_view
from relief.core.timeutil import is_supported_day
from relief.core.web import add_errors, confirm_delete, saved, update
from relief.diary.forms import AttackForm
from relief.diary.models import Attack, PainSample
from relief.diary.services import Pain, add_pain, delete_pain_sample, end_attack, log_attack
from relief.treatments.models import Dose
from relief.treatments.services import doses_before_attack_was_logged, update_dose
from relief.treatments.usual import usual_doses

OFFSETS = (0, 15, 30, 60)
SYMPTOMS = [
    (name, str(getattr(Attack._meta.get_field(name), "verbose_name", name))) for name in Attack.SYMPTOMS
]


UNDO_WINDOW = timedelta(minutes=2)  # the button shows for a few seconds; a slow tap still works


def just_logged(request: AuthedRequest, attack: Attack, dose_id: str) -> Dose | None:
    """The person's dose in this attack logged within ``UNDO_WINDOW`` (for the Undo button), else None."""
    if not dose_id:
        return None
    try:
        dose = owned(Dose, request.user).select_related("substance").get(pk=dose_id, attack=attack)
    except (Dose.DoesNotExist, ValidationError, ValueError):
        return None
    return dose if timezone.now() - dose.created_at <= UNDO_WINDOW else None


def panel_context(
    request: AuthedRequest, attack: Attack, found: Sequence[Any] = (), undo: Dose | None = None
) -> dict[str, Any]:
    samples = list(attack.pain_samples.all())
    return {
        "undo": undo,
        "attack": attack,
        "last_pain": samples[-1] if samples else None,
        "symptoms": [(name, label, getattr(attack, name)) for name, label in SYMPTOMS],
        "bothersome": Attack.Bothersome.choices,
        "usual": usual_doses(request.user, during_attack=True),
        "doses": attack.doses.select_related("substance").order_by("taken_at"),
        "unlinked": doses_before_attack_was_logged(attack),
        "scale": range(11),
        "minutes": int((timezone.now() - attack.started_at).total_seconds() // 60),
        "alerts": alert_tools.mark_seen(request, alert_tools.alert_dicts(found)),
    }


def answer(
    request: AuthedRequest, attack: Attack, found: Sequence[Any] = (), undo: Dose | None = None
) -> HttpResponse:
    """htmx gets the refreshed panel with any alerts in it; a plain form post goes back to the page."""
    if getattr(request, "htmx", False):  # set by django-htmx's middleware
        return render(request, "diary/attack_mode.html#panel", panel_context(request, attack, found, undo))
    alert_tools.remember(request, found)
    page = reverse("diary:attack", args=[attack.pk])
    return HttpResponseRedirect(f"{page}?undo={undo.pk}" if undo is not None else page)


@journal_view
def attack_home(request: AuthedRequest) -> HttpResponse:
    current = owned(Attack, request.user).filter(ended_at__isnull=True).order_by("-started_at").first()
    if current is not None:
        return HttpResponseRedirect(reverse("diary:attack", args=[current.pk]))
    return render(request, "diary/attack_start.html", {"offsets": OFFSETS})


@journal_view
@require_POST
def attack_start(request: AuthedRequest) -> HttpResponse:
    try:
        minutes = max(0, min(int(request.POST.get("ago", "0")), 24 * 60))
    except ValueError:
        minutes = 0
    result = log_attack(request.user, started_at=timezone.now() - timedelta(minutes=minutes))
    alert_tools.remember(request, result.alerts)
    return HttpResponseRedirect(reverse("diary:attack", args=[result.entry.pk]))


@journal_view
def attack_mode(request: AuthedRequest, pk: str) -> HttpResponse:
    attack = get_owned_or_404(Attack, request.user, pk)
    undo = just_logged(request, attack, request.GET.get("undo", ""))
    return render(request, "diary/attack_mode.html", panel_context(request, attack, undo=undo))


@journal_view
@require_POST
def attack_link_dose(request: AuthedRequest, pk: str) -> HttpResponse:
    """One tap: a dose taken before the attack was logged treats it (attack mode asks about each)."""
    attack = get_owned_or_404(Attack, request.user, pk)
    dose = get_owned_or_404(Dose, request.user, request.POST.get("dose", ""))
    if dose not in doses_before_attack_was_logged(attack):
        messages.error(request, "That dose cannot be linked here; open the dose to change its attack.")
        return answer(request, attack)
    update_dose(request.user, dose, attack=attack)
    messages.success(
        request,
        f"{dose.substance.name} at {timezone.localtime(dose.taken_at):%H:%M} now counts for this attack.",
    )
    # The dose's cautions were given when it was logged, and the link changes none of them.
    return answer(request, attack)


@journal_view
@require_POST
def attack_pain(request: AuthedRequest, pk: str) -> HttpResponse:
    attack = get_owned_or_404(Attack, request.user, pk)
    try:
        nrs = int(request.POST.get("nrs", ""))
        moment = min(timezone.now(), attack.ended_at) if attack.ended_at else timezone.now()
        add_pain(request.user, attack, Pain(at=moment, nrs=nrs))
    except (ValueError, ValidationError) as exc:
        messages.error(request, f"Pain not saved: {'; '.join(getattr(exc, 'messages', [str(exc)]))}")
    return answer(request, attack)


@journal_view
@require_POST
def attack_symptom(request: AuthedRequest, pk: str) -> HttpResponse:
    """One tap marks a symptom present; another tap takes it back to 'not noted'."""
    attack = get_owned_or_404(Attack, request.user, pk)
    name = request.POST.get("symptom", "")
    found: list[Any] = []
    if name in Attack.SYMPTOMS:
        found = update(attack, {name: None if getattr(attack, name) else True})
    return answer(request, attack, found)


@journal_view
@require_POST
def attack_bothersome(request: AuthedRequest, pk: str) -> HttpResponse:
    attack = get_owned_or_404(Attack, request.user, pk)
    value = request.POST.get("most_bothersome", "")
    found: list[Any] = []
    if value in Attack.Bothersome.values:
        found = update(attack, {"most_bothersome": "" if attack.most_bothersome == value else value})
    return answer(request, attack, found)


@journal_view
@require_POST
def attack_end(request: AuthedRequest, pk: str) -> HttpResponse:
    attack = get_owned_or_404(Attack, request.user, pk)
    try:
        end_attack(request.user, attack, timezone.now())
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return HttpResponseRedirect(reverse("diary:attack", args=[attack.pk]))
    messages.success(request, "Attack ended. Rest well.")
    return HttpResponseRedirect(reverse("today"))


@journal_view
def attack_new(request: AuthedRequest) -> HttpResponse:
    form = AttackForm(
        request.POST if request.method == "POST" else None,
        initial={"started_at": noon_of(request.GET.get("date", ""))},
    )
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "peak_pain"}
        peak = form.cleaned_data.get("peak_pain")
        pain = [Pain(at=fields["started_at"], nrs=peak)] if peak is not None else []
        try:
            result = log_attack(request.user, pain=pain, **fields)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return saved(request, "Attack saved.", result.alerts, reverse("day", args=[_day(result.entry)]))
    return render(
        request, "diary/attack_form.html", {"form": form, "title": "Log an attack", "submit": "Save attack"}
    )


def noon_of(text: str) -> datetime | None:
    """Noon of a day given as ?date=YYYY-MM-DD (a form's starting value), else None."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return datetime.combine(day, time(12, 0)) if is_supported_day(day) else None


def _day(attack: Attack) -> str:
    return timezone.localtime(attack.started_at).date().isoformat()


@journal_view
def attack_edit(request: AuthedRequest, pk: str) -> HttpResponse:
    attack = get_owned_or_404(Attack, request.user, pk)
    form = AttackForm(request.POST if request.method == "POST" else None, instance=attack)
    if request.method == "POST" and form.is_valid():
        try:
            found = update(attack, form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return saved(request, "Attack saved.", found, reverse("day", args=[_day(attack)]))
    context = {
        "form": form,
        "samples": attack.pain_samples.all(),
        "title": "Attack details",
        "cancel": reverse("diary:attack", args=[attack.pk]),
        "delete_url": reverse("diary:attack_delete", args=[attack.pk]),
        "what": "attack",
    }
    return render(request, "diary/attack_form.html", context)


@journal_view
@require_POST
def pain_delete(request: AuthedRequest, pk: str) -> HttpResponse:
    sample = get_owned_or_404(PainSample, request.user, pk)
    delete_pain_sample(request.user, sample)
    messages.success(request, "Pain entry deleted.")
    return HttpResponseRedirect(reverse("diary:attack_edit", args=[sample.attack_id]))


@journal_view
def attack_delete(request: AuthedRequest, pk: str) -> HttpResponse:
    attack = get_owned_or_404(Attack, request.user, pk)
    return confirm_delete(request, attack, what="this attack", done=reverse("today"))
