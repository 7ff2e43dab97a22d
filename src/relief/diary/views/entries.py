"""Side effects, the factors a person tracks, and questionnaires."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from relief.core.access import get_owned_or_404, owned
from relief.core.decorators import AuthedRequest, journal_view
from relief.core.web import add_errors, confirm_delete, saved, update
from relief.diary.forms import FactorTagForm, SideEffectForm, questionnaire_form
from relief.diary.models import FactorTag, QuestionnaireResponse, SideEffect
from relief.diary.questionnaire_text import INTROS
from relief.diary.services import log_questionnaire, log_side_effect, tag_for


@journal_view
def side_effects(request: AuthedRequest) -> HttpResponse:
    effects = owned(SideEffect, request.user).select_related("dose__substance").order_by("-occurred_at")[:100]
    return render(request, "diary/side_effects.html", {"effects": effects})


@journal_view
def side_effect_new(request: AuthedRequest) -> HttpResponse:
    initial = {
        "occurred_at": timezone.localtime().replace(second=0, microsecond=0),
        "dose": request.GET.get("dose"),
    }
    form = SideEffectForm(
        request.POST if request.method == "POST" else None, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = log_side_effect(request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return saved(request, "Side effect saved.", result.alerts, reverse("diary:side_effects"))
    return render(request, "core/form_page.html", {"form": form, "title": "Log a side effect"})


@journal_view
def side_effect_edit(request: AuthedRequest, pk: str) -> HttpResponse:
    effect = get_owned_or_404(SideEffect, request.user, pk)
    form = SideEffectForm(
        request.POST if request.method == "POST" else None, instance=effect, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            found = update(effect, form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return saved(request, "Side effect saved.", found, reverse("diary:side_effects"))
    context = {
        "form": form,
        "title": "Side effect",
        "delete_url": reverse("diary:side_effect_delete", args=[effect.pk]),
        "what": "side effect",
    }
    return render(request, "core/form_page.html", context)


@journal_view
def side_effect_delete(request: AuthedRequest, pk: str) -> HttpResponse:
    effect = get_owned_or_404(SideEffect, request.user, pk)
    return confirm_delete(request, effect, what="this side effect", done=reverse("diary:side_effects"))


@journal_view
def factors(request: AuthedRequest) -> HttpResponse:
    form = FactorTagForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            tag = tag_for(request.user, form.cleaned_data["name"])
            update(tag, {"unit": form.cleaned_data["unit"], "tracked": form.cleaned_data["tracked"]})
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return saved(request, f"Now tracking {tag.name}.", [], reverse("diary:factors"))
    tags = owned(FactorTag, request.user)
    return render(request, "diary/factors.html", {"form": form, "tags": tags})


@journal_view
def factor_edit(request: AuthedRequest, pk: str) -> HttpResponse:
    tag = get_owned_or_404(FactorTag, request.user, pk)
    form = FactorTagForm(request.POST if request.method == "POST" else None, instance=tag)
    if request.method == "POST" and form.is_valid():
        try:
            update(tag, form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return saved(request, "Factor saved.", [], reverse("diary:factors"))
    context = {
        "form": form,
        "title": f"Factor: {tag.name}",
        "delete_url": reverse("diary:factor_delete", args=[tag.pk]),
        "what": "factor (and its ticks on every day)",
    }
    return render(request, "core/form_page.html", context)


@journal_view
def factor_delete(request: AuthedRequest, pk: str) -> HttpResponse:
    tag = get_owned_or_404(FactorTag, request.user, pk)
    return confirm_delete(request, tag, what=f"the factor {tag.name}", done=reverse("diary:factors"))


@journal_view
def questionnaires(request: AuthedRequest) -> HttpResponse:
    responses = owned(QuestionnaireResponse, request.user).order_by("-answered_at")[:50]
    choices = QuestionnaireResponse.Instrument.choices
    return render(request, "diary/questionnaires.html", {"responses": responses, "instruments": choices})


@journal_view
def questionnaire_new(request: AuthedRequest, instrument: str) -> HttpResponse:
    if instrument not in QuestionnaireResponse.Instrument.values:
        raise Http404("no such questionnaire")
    form = questionnaire_form(instrument, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        answers = [form.cleaned_data[f"q{n}"] for n in range(1, len(form.fields) + 1)]
        try:
            result = log_questionnaire(request.user, instrument=instrument, answers=answers)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            text = f"Saved. Score: {result.entry.score:g}."
            return saved(request, text, result.alerts, reverse("diary:questionnaires"))
    context = {
        "form": form,
        "title": QuestionnaireResponse.Instrument(instrument).label,
        "intro": INTROS[instrument],
        "submit": "Save answers",
    }
    return render(request, "core/form_page.html", context)


@journal_view
def questionnaire_edit(request: AuthedRequest, pk: str) -> HttpResponse:
    response = get_owned_or_404(QuestionnaireResponse, request.user, pk)
    data = request.POST if request.method == "POST" else None
    form = questionnaire_form(response.instrument, data, initial=response.answers)
    if request.method == "POST" and form.is_valid():
        answers = [form.cleaned_data[f"q{n}"] for n in range(1, len(form.fields) + 1)]
        try:
            found = update(response, {"answers": answers})
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return saved(
                request, f"Saved. Score: {response.score:g}.", found, reverse("diary:questionnaires")
            )
    context = {
        "form": form,
        "title": response.get_instrument_display(),
        "intro": INTROS[response.instrument],
        "submit": "Save answers",
        "delete_url": reverse("diary:questionnaire_delete", args=[response.pk]),
        "what": "set of answers",
    }
    return render(request, "core/form_page.html", context)


@journal_view
def questionnaire_delete(request: AuthedRequest, pk: str) -> HttpResponse:
    response = get_owned_or_404(QuestionnaireResponse, request.user, pk)
    return confirm_delete(request, response, what="these answers", done=reverse("diary:questionnaires"))
