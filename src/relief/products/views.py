"""Products, their batches and the batches' lab reports."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from relief.core.access import get_owned_or_404, owned
from relief.core.alerts import alert_dicts
from relief.core.decorators import AuthedRequest, journal_view
from relief.core.web import add_errors, confirm_delete, saved, update
from relief.products.forms import BatchForm, LabReportForm, ProductForm
from relief.products.models import Batch, LabReport, Product
from relief.products.services import add_batch, add_lab_report, add_product
from relief.safety.engine import check_batches


def _detail(product: Product) -> str:
    return reverse("products:detail", args=[product.pk])


@journal_view
def product_list(request: AuthedRequest) -> HttpResponse:
    products = owned(Product, request.user).select_related("substance")
    return render(request, "products/list.html", {"products": products})


@journal_view
def product_new(request: AuthedRequest) -> HttpResponse:
    form = ProductForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            result = add_product(request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return saved(request, "Product saved.", result.alerts, _detail(result.entry))
    return render(request, "core/form_page.html", {"form": form, "title": "Add a product"})


@journal_view
def product_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    product = get_owned_or_404(Product, request.user, pk)
    # Each batch with what the safety engine says of it and its latest lab report, where the report is read.
    batches = list(product.batches.prefetch_related("lab_reports"))
    found = check_batches(request.user, batches)
    batches_with_findings = [
        (batch, alert_dicts(a for a in found[str(batch.id)] if a.rule == "product")) for batch in batches
    ]
    return render(request, "products/detail.html", {"product": product, "batches": batches_with_findings})


@journal_view
def product_edit(request: AuthedRequest, pk: str) -> HttpResponse:
    product = get_owned_or_404(Product, request.user, pk)
    form = ProductForm(
        request.POST if request.method == "POST" else None, instance=product, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            found = update(product, form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return saved(request, "Product saved.", found, _detail(product))
    context = {"form": form, "title": str(product), "cancel": _detail(product)}
    return render(request, "core/form_page.html", context)


@journal_view
def product_delete(request: AuthedRequest, pk: str) -> HttpResponse:
    product = get_owned_or_404(Product, request.user, pk)
    return confirm_delete(
        request, product, what=f"{product} with its batches and lab reports", done=reverse("products:list")
    )


@journal_view
def batch_new(request: AuthedRequest, pk: str) -> HttpResponse:
    product = get_owned_or_404(Product, request.user, pk)
    form = BatchForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            result = add_batch(request.user, product, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return saved(request, "Batch saved.", result.alerts, _detail(product))
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": f"New batch of {product}", "cancel": _detail(product)},
    )


@journal_view
def batch_edit(request: AuthedRequest, pk: str) -> HttpResponse:
    batch = get_owned_or_404(Batch, request.user, pk)
    form = BatchForm(request.POST if request.method == "POST" else None, instance=batch)
    if request.method == "POST" and form.is_valid():
        try:
            found = update(batch, form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return saved(request, "Batch saved.", found, _detail(batch.product))
    context = {
        "form": form,
        "title": str(batch),
        "cancel": _detail(batch.product),
        "delete_url": reverse("products:batch_delete", args=[batch.pk]),
        "what": "batch",
    }
    return render(request, "core/form_page.html", context)


@journal_view
def batch_delete(request: AuthedRequest, pk: str) -> HttpResponse:
    batch = get_owned_or_404(Batch, request.user, pk)
    return confirm_delete(request, batch, what=str(batch), done=_detail(batch.product))


@journal_view
def report_new(request: AuthedRequest, pk: str) -> HttpResponse:
    batch = get_owned_or_404(Batch, request.user, pk)
    form = LabReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            result = add_lab_report(request.user, batch, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return saved(request, "Lab report saved.", result.alerts, _detail(batch.product))
    context = {"form": form, "title": f"Lab report for {batch}", "cancel": _detail(batch.product)}
    return render(request, "core/form_page.html", context)


@journal_view
def report_edit(request: AuthedRequest, pk: str) -> HttpResponse:
    report = get_owned_or_404(LabReport, request.user, pk)
    form = LabReportForm(request.POST if request.method == "POST" else None, instance=report)
    product = report.batch.product
    if request.method == "POST" and form.is_valid():
        try:
            found = update(report, form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return saved(request, "Lab report saved.", found, _detail(product))
    context = {
        "form": form,
        "title": str(report),
        "cancel": _detail(product),
        "delete_url": reverse("products:report_delete", args=[report.pk]),
        "what": "lab report",
    }
    return render(request, "core/form_page.html", context)


@journal_view
def report_delete(request: AuthedRequest, pk: str) -> HttpResponse:
    report = get_owned_or_404(LabReport, request.user, pk)
    return confirm_delete(request, report, what=str(report), done=_detail(report.batch.product))
