"""Pages for plans, reassessments, personal trials and tapers; every object is the owner's only (404 otherwise)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from relief.accounts.services import time_zone_of, today_for
from relief.core.access import get_owned_or_404, get_readable_or_404, owned, read_view
from relief.core.decorators import journal_view
from relief.core.services import error_lines
from relief.core.timeutil import TimeInputError, parse_when
from relief.core.types import AuthedRequest
from relief.diary.models import Attack
from relief.plans import services
from relief.plans.forms import DecisionForm, LimitsForm, PlanForm, SowsForm, TrialForm
from relief.plans.models import Plan, PlanStep, Taper, Trial


def _errors(exc: ValidationError) -> list[str]:
    return error_lines(exc)


@journal_view
@require_GET
def index(request: AuthedRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "plans/index.html",
        {
            "plans": owned(Plan, user).select_related("substance"),
            "trials": owned(Trial, user),
            "tapers": owned(Taper, user).select_related("substance"),
            "due": services.due_reassessments(user),
        },
    )


@journal_view
@require_http_methods(["GET", "POST"])
def new_plan(request: AuthedRequest) -> HttpResponse:
    form = PlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items()}
        plan = services.start_plan(request.user, **data)
        return redirect("plans:detail", plan.pk)
    return render(request, "plans/new.html", {"form": form}, status=422 if form.errors else 200)


def _plan_page(request: AuthedRequest, plan: Plan, **extra: Any) -> HttpResponse:
    context = {
        "plan": plan,
        "steps": services.steps_of(plan),
        "states": PlanStep.State.choices,
        "limits_form": extra.pop("limits_form", None) or LimitsForm(instance=plan),
        "screen": services.interaction_screen(plan),
        "decisions": plan.decisions.all(),
        "tapers": plan.tapers.all(),
        "due": plan.reassess_on <= today_for(request.user),
        **extra,
    }
    return render(request, "plans/detail.html", context, status=422 if extra.get("errors") else 200)


@journal_view
@require_GET
def detail(request: AuthedRequest, plan_id: str) -> HttpResponse:
    plan = get_owned_or_404(Plan, request.user, plan_id)
    services.refresh_steps(plan)
    return _plan_page(request, plan)


@journal_view
@require_POST
def set_step(request: AuthedRequest, plan_id: str, key: str) -> HttpResponse:
    plan = get_owned_or_404(Plan, request.user, plan_id)
    try:
        services.set_step(request.user, plan, key, request.POST.get("state", ""), request.POST.get("note"))
    except (ValidationError, PlanStep.DoesNotExist) as exc:
        errors = _errors(exc) if isinstance(exc, ValidationError) else [f"no step {key!r}"]
        return _plan_page(request, plan, errors=errors)
    return redirect("plans:detail", plan.pk)


@journal_view
@require_POST
def set_limits(request: AuthedRequest, plan_id: str) -> HttpResponse:
    plan = get_owned_or_404(Plan, request.user, plan_id)
    form = LimitsForm(request.POST, instance=plan)
    if not form.is_valid():
        return _plan_page(request, plan, limits_form=form, errors=["check your limits below"])
    form.save()
    services.refresh_steps(plan)
    return redirect("plans:detail", plan.pk)


@journal_view
@require_GET
def questions(request: AuthedRequest, plan_id: str) -> HttpResponse:
    plan = get_owned_or_404(Plan, request.user, plan_id)
    return render(request, "plans/questions.html", {"plan": plan, "sheet": services.clinician_sheet(plan)})


@journal_view
@require_http_methods(["GET", "POST"])
def reassess(request: AuthedRequest, plan_id: str) -> HttpResponse:
    plan = get_owned_or_404(Plan, request.user, plan_id)
    review = services.benefit_risk_review(plan)
    form = DecisionForm(request.POST or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.record_decision(request.user, plan, review=review, **form.cleaned_data)
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            return redirect("plans:decisions")
    context = {"plan": plan, "review": review, "form": form, "errors": errors}
    return render(request, "plans/reassess.html", context, status=422 if (form.errors or errors) else 200)


@journal_view
@require_GET
def decisions(request: AuthedRequest) -> HttpResponse:
    return render(request, "plans/decisions.html", {"history": services.decision_history(request.user)})


# ------------------------------------------------------------------ trials


@journal_view
@require_http_methods(["GET", "POST"])
def new_trial(request: AuthedRequest) -> HttpResponse:
    form = TrialForm(request.POST or None, user=request.user)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        protocol = {k: v for k, v in form.cleaned_data.items() if not k.startswith("option_")}
        plan_id = request.GET.get("plan")
        plan = get_owned_or_404(Plan, request.user, plan_id) if plan_id else None
        try:
            trial = services.create_trial(request.user, options=form.options(), plan=plan, **protocol)
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            return redirect("plans:trial", trial.pk)
    status = 422 if (form.errors or errors) else 200
    return render(request, "plans/trial_new.html", {"form": form, "errors": errors}, status=status)


def _trial_page(request: AuthedRequest, trial: Trial, **extra: Any) -> HttpResponse:
    if trial.design == Trial.Design.PERIOD and trial.status == Trial.Status.RUNNING:
        services.reveal_due_periods(request.user, trial)
    slots = services.slots(trial)
    with_outcome = {r.position for r in services.attack_records(trial) if r.taken is not None}
    context = {
        "trial": trial,
        "options": trial.options.order_by("position"),
        "slots": slots,
        "open_slots": [s for s in slots if s.revealed and s.attack_id and s.position not in with_outcome],
        "revealed": sum(1 for s in slots if s.revealed),
        "all_revealed": bool(slots) and all(s.revealed for s in slots),
        "waiting_attacks": services.unallocated_attacks(trial),
        "amendments": trial.amendments.all(),
        "protocol_fields": [(f, getattr(trial, f)) for f in Trial.PROTOCOL_FIELDS],
        **extra,
    }
    return render(request, "plans/trial.html", context, status=422 if extra.get("errors") else 200)


@journal_view
@require_GET
def trial(request: AuthedRequest, trial_id: str) -> HttpResponse:
    return _trial_page(request, get_owned_or_404(Trial, request.user, trial_id))


@journal_view
@require_POST
def start_trial(request: AuthedRequest, trial_id: str) -> HttpResponse:
    trial = get_owned_or_404(Trial, request.user, trial_id)
    try:
        services.start_trial(request.user, trial)
    except ValidationError as exc:
        return _trial_page(request, trial, errors=_errors(exc))
    return redirect("plans:trial", trial.pk)


@journal_view
@require_POST
def reveal(request: AuthedRequest, trial_id: str) -> HttpResponse:
    """Reveal the option for an attack already in the diary, or log one now (or at the given time) first."""
    trial = get_owned_or_404(Trial, request.user, trial_id)
    try:
        if request.POST.get("attack"):
            attack = get_owned_or_404(Attack, request.user, request.POST["attack"])
            services.reveal_for_attack(request.user, trial, attack)
        else:
            started = parse_when(request.POST.get("started_at", "now"), time_zone_of(request.user))
            services.log_attack_and_reveal(request.user, trial, started_at=started)
    except (ValidationError, TimeInputError) as exc:
        return _trial_page(
            request, trial, errors=_errors(exc) if isinstance(exc, ValidationError) else [str(exc)]
        )
    return redirect("plans:trial", trial.pk)


def _int(value: str | None) -> int | None:
    return int(value) if value not in (None, "") else None


def _bool(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


@journal_view
@require_POST
def record_outcome(request: AuthedRequest, trial_id: str, position: int) -> HttpResponse:
    trial = get_owned_or_404(Trial, request.user, trial_id)
    allocation = trial.allocations.filter(position=position).first()
    if allocation is None:
        return _trial_page(request, trial, errors=[f"no attack {position} in this trial"])
    taken_id = request.POST.get("taken", "")
    taken = trial.options.filter(pk=taken_id).first() if taken_id not in ("", "none") else None
    try:
        services.record_attack_outcome(
            request.user,
            allocation,
            taken=taken,
            pain_at_dose=_int(request.POST.get("pain_at_dose")),
            pain_2h=_int(request.POST.get("pain_2h")),
            pain_24h=_int(request.POST.get("pain_24h")),
            mbs_gone_2h=_bool(request.POST.get("mbs_gone_2h")),
            rescue_taken=_bool(request.POST.get("rescue_taken")),
            rescue_after_min=_int(request.POST.get("rescue_after_min")),
            returned_24h=_bool(request.POST.get("returned_24h")),
        )
    except (ValidationError, ValueError) as exc:
        return _trial_page(
            request, trial, errors=_errors(exc) if isinstance(exc, ValidationError) else [str(exc)]
        )
    return redirect("plans:trial", trial.pk)


@journal_view
@require_POST
def amend(request: AuthedRequest, trial_id: str) -> HttpResponse:
    trial = get_owned_or_404(Trial, request.user, trial_id)
    field = request.POST.get("field", "")
    raw = request.POST.get("value", "")
    try:
        if field not in Trial.PROTOCOL_FIELDS:
            raise ValidationError({"field": "choose a protocol field"})
        value: Any = Trial._meta.get_field(field).to_python(raw)  # type: ignore[union-attr]
        services.amend_protocol(request.user, trial, reason=request.POST.get("reason", ""), **{field: value})
    except ValidationError as exc:
        return _trial_page(request, trial, errors=_errors(exc))
    return redirect("plans:trial", trial.pk)


@journal_view
@require_GET
def trial_result(request: AuthedRequest, trial_id: str) -> HttpResponse:
    trial = get_owned_or_404(Trial, request.user, trial_id)
    result = services.analyse_trial(trial)
    return render(request, "plans/trial_result.html", {"trial": trial, "result": result})


# ------------------------------------------------------------------ tapers


@journal_view
@require_POST
def new_taper(request: AuthedRequest, plan_id: str) -> HttpResponse:
    plan = get_owned_or_404(Plan, request.user, plan_id)
    taper = services.start_taper(
        request.user, substance=plan.substance, started_on=today_for(request.user), plan=plan
    )
    return redirect("plans:taper", taper.pk)


def _taper_page(request: AuthedRequest, taper: Taper, **extra: Any) -> HttpResponse:
    today = today_for(request.user)
    context = {
        "taper": taper,
        "steps": taper.steps.all(),
        "current": services.current_step(taper, today),
        "sows": services.sows_history(taper),
        "window": services.withdrawal_window(taper),
        "sows_form": extra.pop("sows_form", None) or SowsForm(),
        "today": today,
        **extra,
    }
    return render(request, "plans/taper.html", context, status=422 if extra.get("errors") else 200)


@journal_view
@require_GET
def taper(request: AuthedRequest, taper_id: str) -> HttpResponse:
    return _taper_page(request, get_owned_or_404(Taper, request.user, taper_id))


@journal_view
@require_POST
def taper_step(request: AuthedRequest, taper_id: str) -> HttpResponse:
    taper = get_owned_or_404(Taper, request.user, taper_id)
    try:
        starts_on = date.fromisoformat(request.POST.get("starts_on", ""))
        amount = float(request.POST["amount"]) if request.POST.get("amount") else None
        services.add_taper_step(
            request.user, taper, starts_on, amount, request.POST.get("unit", ""), request.POST.get("note", "")
        )
    except ValueError:
        return _taper_page(request, taper, errors=["give the day as YYYY-MM-DD and the amount as a number"])
    except ValidationError as exc:
        return _taper_page(request, taper, errors=_errors(exc))
    return redirect("plans:taper", taper.pk)


@journal_view
@require_POST
def taper_sows(request: AuthedRequest, taper_id: str) -> HttpResponse:
    taper = get_owned_or_404(Taper, request.user, taper_id)
    form = SowsForm(request.POST)
    if not form.is_valid():
        return _taper_page(request, taper, sows_form=form, errors=["answer every item"])
    services.sows_checkin(request.user, taper, form.answers())
    return redirect("plans:taper", taper.pk)


@journal_view
@require_POST
def taper_last_intake(request: AuthedRequest, taper_id: str) -> HttpResponse:
    taper = get_owned_or_404(Taper, request.user, taper_id)
    try:
        raw = request.POST.get("at", "")
        at = parse_when(raw, time_zone_of(request.user)) if raw else None
        services.record_last_intake(request.user, taper, at)
    except TimeInputError as exc:
        return _taper_page(request, taper, errors=[str(exc)])
    except ValidationError as exc:
        return _taper_page(request, taper, errors=_errors(exc))
    return redirect("plans:taper", taper.pk)


# ------------------------------------------------------------------ read-only pages a share (a clinician) may see


@read_view
@require_GET
def shared_decisions(request: HttpRequest, owner: Any, share: Any) -> HttpResponse:
    context = {"history": services.decision_history(owner), "shared": share is not None}
    return render(request, "plans/decisions.html", context)


@read_view
@require_GET
def shared_trial_result(request: HttpRequest, owner: Any, share: Any, trial_id: str) -> HttpResponse:
    trial = get_readable_or_404(Trial, request.user, owner, trial_id, share)
    context = {"trial": trial, "result": services.analyse_trial(trial), "shared": share is not None}
    return render(request, "plans/trial_result.html", context)
