"""Products, their batches (lots) and the batches' lab reports."""

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import ModelSchema, Router, Status
from ninja.pagination import paginate

from relief.api.common import (
    DELETES,
    Pages,
    delete,
    me,
    prepared,
    reader,
    reads,
    saved_body,
    saved_schema,
    update,
    writes,
)
from relief.core.access import get_owned_or_404, get_readable_or_404, readable
from relief.products.models import Batch, LabReport, Product
from relief.products.services import add_batch, add_lab_report, add_product
from relief.treatments.services import substances_for

router = Router()
PRODUCT_REFS = {"substance": substances_for}


# Products ---------------------------------------------------------------------------------


class ProductOut(ModelSchema):
    class Meta:
        model = Product
        exclude = ["user"]


class ProductPatch(ModelSchema):
    class Meta:
        model = Product
        exclude = ["id", "user", "created_at"]
        fields_optional = "__all__"


class ProductIn(ProductPatch):
    substance_id: uuid.UUID
    name: str


ProductSaved = saved_schema("ProductSaved", ProductOut)


@router.get("/products", response=reads(list[ProductOut]), tags=["products"])
@paginate(Pages)
def list_products(request: HttpRequest, owner: uuid.UUID | None = None) -> Any:
    person, share = reader(request, owner)
    return readable(Product, me(request), person, share)


@router.get("/products/{uuid:product_id}", response=reads(ProductOut), tags=["products"])
def get_product(request: HttpRequest, product_id: uuid.UUID, owner: uuid.UUID | None = None) -> Any:
    person, share = reader(request, owner)
    return get_readable_or_404(Product, me(request), person, product_id, share)


@router.post("/products", response=writes(ProductSaved, 201), tags=["products"])
def create_product(request: HttpRequest, body: ProductIn) -> Any:
    data = prepared(me(request), body, PRODUCT_REFS)
    return Status(201, saved_body(add_product(me(request), **data)))


@router.patch("/products/{uuid:product_id}", response=writes(ProductSaved), tags=["products"])
def update_product(request: HttpRequest, product_id: uuid.UUID, body: ProductPatch) -> Any:
    product = get_owned_or_404(Product, me(request), product_id)
    return saved_body(update(product, prepared(me(request), body, PRODUCT_REFS)))


@router.delete("/products/{uuid:product_id}", response=DELETES, tags=["products"])
def delete_product(request: HttpRequest, product_id: uuid.UUID) -> Any:
    delete(request, get_owned_or_404(Product, me(request), product_id))
    return Status(204, None)


# Batches ----------------------------------------------------------------------------------


class BatchOut(ModelSchema):
    class Meta:
        model = Batch
        fields = "__all__"


class BatchIn(ModelSchema):
    class Meta:
        model = Batch
        exclude = ["id", "created_at", "product"]
        fields_optional = "__all__"


BatchSaved = saved_schema("BatchSaved", BatchOut)


@router.get("/products/{uuid:product_id}/batches", response=reads(list[BatchOut]), tags=["batches"])
@paginate(Pages)
def list_batches(request: HttpRequest, product_id: uuid.UUID, owner: uuid.UUID | None = None) -> Any:
    person, share = reader(request, owner)
    product = get_readable_or_404(Product, me(request), person, product_id, share)
    return product.batches.all()


@router.post("/products/{uuid:product_id}/batches", response=writes(BatchSaved, 201), tags=["batches"])
def create_batch(request: HttpRequest, product_id: uuid.UUID, body: BatchIn) -> Any:
    product = get_owned_or_404(Product, me(request), product_id)
    return Status(201, saved_body(add_batch(me(request), product, **prepared(me(request), body))))


@router.get("/batches/{uuid:batch_id}", response=reads(BatchOut), tags=["batches"])
def get_batch(request: HttpRequest, batch_id: uuid.UUID, owner: uuid.UUID | None = None) -> Any:
    person, share = reader(request, owner)
    return get_readable_or_404(Batch, me(request), person, batch_id, share)


@router.patch("/batches/{uuid:batch_id}", response=writes(BatchSaved), tags=["batches"])
def update_batch(request: HttpRequest, batch_id: uuid.UUID, body: BatchIn) -> Any:
    batch = get_owned_or_404(Batch, me(request), batch_id)
    return saved_body(update(batch, prepared(me(request), body)))


@router.delete("/batches/{uuid:batch_id}", response=DELETES, tags=["batches"])
def delete_batch(request: HttpRequest, batch_id: uuid.UUID) -> Any:
    delete(request, get_owned_or_404(Batch, me(request), batch_id))
    return Status(204, None)


# Lab reports ------------------------------------------------------------------------------


class LabReportOut(ModelSchema):
    class Meta:
        model = LabReport
        fields = "__all__"


class LabReportIn(ModelSchema):
    class Meta:
        model = LabReport
        exclude = ["id", "created_at", "batch"]
        fields_optional = "__all__"


LabReportSaved = saved_schema("LabReportSaved", LabReportOut)


@router.get("/batches/{uuid:batch_id}/lab-reports", response=reads(list[LabReportOut]), tags=["lab reports"])
@paginate(Pages)
def list_lab_reports(request: HttpRequest, batch_id: uuid.UUID, owner: uuid.UUID | None = None) -> Any:
    person, share = reader(request, owner)
    return get_readable_or_404(Batch, me(request), person, batch_id, share).lab_reports.all()


@router.post(
    "/batches/{uuid:batch_id}/lab-reports", response=writes(LabReportSaved, 201), tags=["lab reports"]
)
def create_lab_report(request: HttpRequest, batch_id: uuid.UUID, body: LabReportIn) -> Any:
    batch = get_owned_or_404(Batch, me(request), batch_id)
    return Status(201, saved_body(add_lab_report(me(request), batch, **prepared(me(request), body))))


@router.get("/lab-reports/{uuid:report_id}", response=reads(LabReportOut), tags=["lab reports"])
def get_lab_report(request: HttpRequest, report_id: uuid.UUID, owner: uuid.UUID | None = None) -> Any:
    person, share = reader(request, owner)
    return get_readable_or_404(LabReport, me(request), person, report_id, share)


@router.patch("/lab-reports/{uuid:report_id}", response=writes(LabReportSaved), tags=["lab reports"])
def update_lab_report(request: HttpRequest, report_id: uuid.UUID, body: LabReportIn) -> Any:
    report = get_owned_or_404(LabReport, me(request), report_id)
    return saved_body(update(report, prepared(me(request), body)))


@router.delete("/lab-reports/{uuid:report_id}", response=DELETES, tags=["lab reports"])
def delete_lab_report(request: HttpRequest, report_id: uuid.UUID) -> Any:
    delete(request, get_owned_or_404(LabReport, me(request), report_id))
    return Status(204, None)
