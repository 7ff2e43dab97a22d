"""Doses with outcomes, standing medications, custom units, and the substance catalogue (read only)."""

import uuid
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import ModelSchema, Router, Status
from ninja.pagination import paginate

from relief.api.common import (
    DELETES,
    Pages,
    delete,
    me,
    mine,
    prepared,
    reader,
    reads,
    saved_body,
    saved_schema,
    since_utc,
    update,
    writes,
)
from relief.core.access import get_from_or_404, get_owned_or_404, get_readable_or_404, readable
from relief.core.services import Saved
from relief.diary.models import Attack
from relief.products.models import Batch, Product
from relief.treatments.models import CustomUnit, Dose, DoseOutcome, StandingMedication, Substance
from relief.treatments.services import (
    add_custom_unit,
    add_medication,
    early_answers,
    log_dose,
    log_outcome,
    substances_for,
)

router = Router()
ENTRY = ["id", "user", "created_at"]
OWN_SUBSTANCES = substances_for
DOSE_REFS = {
    "substance": OWN_SUBSTANCES,
    "product": mine(Product),
    "batch": mine(Batch),
    "custom_unit": mine(CustomUnit),
    "attack": mine(Attack),
}


# Substances -------------------------------------------------------------------------------


class SubstanceOut(ModelSchema):
    builtin: bool

    class Meta:
        model = Substance
        exclude = ["user"]

    @staticmethod
    def resolve_builtin(obj: Substance) -> bool:
        return obj.user_id is None


@router.get("/substances", response=reads(list[SubstanceOut]), tags=["substances"])
@paginate(Pages)
def list_substances(request: HttpRequest, q: str = "", owner: uuid.UUID | None = None) -> Any:
    """The built-in catalogue and your own substances (or a sharing person's); ``q`` filters by name."""
    person, _ = reader(request, owner)
    rows = substances_for(person)
    return rows.filter(name__icontains=q) if q else rows


@router.get("/substances/{uuid:substance_id}", response=reads(SubstanceOut), tags=["substances"])
def get_substance(request: HttpRequest, substance_id: uuid.UUID, owner: uuid.UUID | None = None) -> Any:
    person, _ = reader(request, owner)
    return get_from_or_404(substances_for(person), substance_id)


# Doses and outcomes -----------------------------------------------------------------------


class OutcomeIn(ModelSchema):
    class Meta:
        model = DoseOutcome
        exclude = ["id", "created_at", "dose"]
        fields_optional = "__all__"


class OutcomeOut(ModelSchema):
    class Meta:
        model = DoseOutcome
        exclude = ["dose"]


class DoseOut(ModelSchema):
    outcome: OutcomeOut | None

    class Meta:
        model = Dose
        exclude = ["user"]

    @staticmethod
    def resolve_outcome(obj: Dose) -> DoseOutcome | None:
        if getattr(obj, "saved_without_outcome", False):  # just created without one: nothing to look up
            return None
        return DoseOutcome.objects.filter(dose=obj).first()


class DosePatch(ModelSchema):
    class Meta:
        model = Dose
        exclude = [*ENTRY, "amount_g"]
        fields_optional = "__all__"


class DoseIn(DosePatch):
    substance_id: uuid.UUID
    outcome: OutcomeIn | None = None


DoseSaved = saved_schema("DoseSaved", DoseOut)
OutcomeSaved = saved_schema("OutcomeSaved", OutcomeOut)


@router.get("/doses", response=reads(list[DoseOut]), tags=["doses"])
@paginate(Pages)
def list_doses(request: HttpRequest, owner: uuid.UUID | None = None, since: datetime | None = None) -> Any:
    person, share = reader(request, owner)
    rows = readable(Dose, me(request), person, share)
    since = since_utc(person, since)
    return rows.filter(taken_at__gte=since) if since else rows


@router.get("/doses/{uuid:dose_id}", response=reads(DoseOut), tags=["doses"])
def get_dose(request: HttpRequest, dose_id: uuid.UUID, owner: uuid.UUID | None = None) -> Any:
    person, share = reader(request, owner)
    return get_readable_or_404(Dose, me(request), person, dose_id, share)


@router.post("/doses", response=writes(DoseSaved, 201), tags=["doses"])
def create_dose(request: HttpRequest, body: DoseIn) -> Any:
    """Log a dose, with its outcome if it is known already; the answer carries the safety alerts.

    ``attack_id`` links the dose to the attack it treats, and only a linked dose counts as treating
    an attack in the analysis. The API never links a dose by itself (the web form and ``relief log
    dose`` offer the attack going on): send the id of the open attack (``GET /api/attacks``)."""
    data = prepared(me(request), body, DOSE_REFS)
    outcome = data.pop("outcome", None)
    saved = log_dose(me(request), outcome=outcome, **data)
    saved.entry.saved_without_outcome = not outcome
    return Status(201, saved_body(saved, [early_answers(saved.entry, outcome or {})]))


@router.patch("/doses/{uuid:dose_id}", response=writes(DoseSaved), tags=["doses"])
def update_dose(request: HttpRequest, dose_id: uuid.UUID, body: DosePatch) -> Any:
    dose = get_owned_or_404(Dose, me(request), dose_id)
    return saved_body(update(dose, prepared(me(request), body, DOSE_REFS)))


@router.delete("/doses/{uuid:dose_id}", response=DELETES, tags=["doses"])
def delete_dose(request: HttpRequest, dose_id: uuid.UUID) -> Any:
    delete(request, get_owned_or_404(Dose, me(request), dose_id))
    return Status(204, None)


@router.put("/doses/{uuid:dose_id}/outcome", response=writes(OutcomeSaved), tags=["doses"])
def save_outcome(request: HttpRequest, dose_id: uuid.UUID, body: OutcomeIn) -> Any:
    """Record or complete how a dose worked; answers already given stay unless sent again."""
    dose = get_owned_or_404(Dose, me(request), dose_id)
    fields = prepared(me(request), body)
    saved: Saved = log_outcome(me(request), dose, **fields)
    return saved_body(saved, [early_answers(dose, fields)])


# Standing medications ---------------------------------------------------------------------


class MedicationOut(ModelSchema):
    class Meta:
        model = StandingMedication
        exclude = ["user"]


class MedicationPatch(ModelSchema):
    class Meta:
        model = StandingMedication
        exclude = ENTRY
        fields_optional = "__all__"


class MedicationIn(MedicationPatch):
    substance_id: uuid.UUID
    started_on: date


MedicationSaved = saved_schema("MedicationSaved", MedicationOut)
MEDICATION_REFS = {"substance": OWN_SUBSTANCES}


@router.get("/medications", response=reads(list[MedicationOut]), tags=["medications"])
@paginate(Pages)
def list_medications(request: HttpRequest, owner: uuid.UUID | None = None) -> Any:
    person, share = reader(request, owner)
    return readable(StandingMedication, me(request), person, share)


@router.get("/medications/{uuid:medication_id}", response=reads(MedicationOut), tags=["medications"])
def get_medication(request: HttpRequest, medication_id: uuid.UUID, owner: uuid.UUID | None = None) -> Any:
    person, share = reader(request, owner)
    return get_readable_or_404(StandingMedication, me(request), person, medication_id, share)


@router.post("/medications", response=writes(MedicationSaved, 201), tags=["medications"])
def create_medication(request: HttpRequest, body: MedicationIn) -> Any:
    data = prepared(me(request), body, MEDICATION_REFS)
    return Status(201, saved_body(add_medication(me(request), **data)))


@router.patch("/medications/{uuid:medication_id}", response=writes(MedicationSaved), tags=["medications"])
def update_medication(request: HttpRequest, medication_id: uuid.UUID, body: MedicationPatch) -> Any:
    med = get_owned_or_404(StandingMedication, me(request), medication_id)
    return saved_body(update(med, prepared(me(request), body, MEDICATION_REFS)))


@router.delete("/medications/{uuid:medication_id}", response=DELETES, tags=["medications"])
def delete_medication(request: HttpRequest, medication_id: uuid.UUID) -> Any:
    delete(request, get_owned_or_404(StandingMedication, me(request), medication_id))
    return Status(204, None)


# Custom units -----------------------------------------------------------------------------


class UnitOut(ModelSchema):
    class Meta:
        model = CustomUnit
        exclude = ["user"]


class UnitPatch(ModelSchema):
    class Meta:
        model = CustomUnit
        exclude = ENTRY
        fields_optional = "__all__"


class UnitIn(UnitPatch):
    name: str
    grams: float


UnitSaved = saved_schema("UnitSaved", UnitOut)
UNIT_REFS = {"substance": OWN_SUBSTANCES, "product": mine(Product)}


@router.get("/units", response=reads(list[UnitOut]), tags=["units"])
@paginate(Pages)
def list_units(request: HttpRequest, owner: uuid.UUID | None = None) -> Any:
    person, share = reader(request, owner)
    return readable(CustomUnit, me(request), person, share)


@router.get("/units/{uuid:unit_id}", response=reads(UnitOut), tags=["units"])
def get_unit(request: HttpRequest, unit_id: uuid.UUID, owner: uuid.UUID | None = None) -> Any:
    person, share = reader(request, owner)
    return get_readable_or_404(CustomUnit, me(request), person, unit_id, share)


@router.post("/units", response=writes(UnitSaved, 201), tags=["units"])
def create_unit(request: HttpRequest, body: UnitIn) -> Any:
    data = prepared(me(request), body, UNIT_REFS)
    return Status(201, {"entry": add_custom_unit(me(request), **data), "alerts": []})


@router.patch("/units/{uuid:unit_id}", response=writes(UnitSaved), tags=["units"])
def update_unit(request: HttpRequest, unit_id: uuid.UUID, body: UnitPatch) -> Any:
    unit = get_owned_or_404(CustomUnit, me(request), unit_id)
    return saved_body(update(unit, prepared(me(request), body, UNIT_REFS)))


@router.delete("/units/{uuid:unit_id}", response=DELETES, tags=["units"])
def delete_unit(request: HttpRequest, unit_id: uuid.UUID) -> Any:
    delete(request, get_owned_or_404(CustomUnit, me(request), unit_id))
    return Status(204, None)
