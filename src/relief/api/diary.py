"""Attacks with pain samples, day records with factors, side effects and questionnaires."""

import uuid
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, ModelSchema, Router, Schema, Status
from ninja.pagination import paginate

from relief.api.common import (
    DELETES,
    Pages,
    delete,
    local_times,
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
from relief.diary.models import Attack, DayRecord, PainSample, QuestionnaireResponse, SideEffect
from relief.diary.services import (
    Pain,
    add_pain,
    log_attack,
    log_day,
    log_questionnaire,
    log_side_effect,
)
from relief.treatments.models import Dose

router = Router()
ENTRY = ["id", "user", "created_at"]


# Attacks and pain samples ------------------------------------------------------------------


class PainIn(Schema):
    at: datetime
    nrs: int | None = Field(None, ge=0, le=10)
    four_point: int | None = Field(None, ge=0, le=3, description="0 none, 1 mild, 2 moderate, 3 severe")


class PainOut(ModelSchema):
    class Meta:
        model = PainSample
        fields = ["id", "at", "nrs", "four_point"]


class AttackOut(ModelSchema):
    pain: list[PainOut]

    class Meta:
        model = Attack
        exclude = ["user"]

    @staticmethod
    def resolve_pain(obj: Attack) -> list[PainSample]:
        return list(obj.pain_samples.all())


class AttackPatch(ModelSchema):
    class Meta:
        model = Attack
        exclude = ENTRY
        fields_optional = "__all__"


class AttackIn(AttackPatch):
    started_at: datetime
    pain: list[PainIn] = []


AttackSaved = saved_schema("AttackSaved", AttackOut)


def _pain(user: Any, samples: list[dict[str, Any]]) -> list[Pain]:
    return [Pain(**local_times(user, dict(sample))) for sample in samples]


@router.get("/attacks", response=reads(list[AttackOut]), tags=["attacks"])
@paginate(Pages)
def list_attacks(request: HttpRequest, owner: uuid.UUID | None = None, since: datetime | None = None) -> Any:
    person, share = reader(request, owner)
    rows = readable(Attack, me(request), person, share).prefetch_related("pain_samples")
    since = since_utc(person, since)
    return rows.filter(started_at__gte=since) if since else rows


@router.get("/attacks/{uuid:attack_id}", response=reads(AttackOut), tags=["attacks"])
def get_attack(request: HttpRequest, attack_id: uuid.UUID, owner: uuid.UUID | None = None) -> Any:
    person, share = reader(request, owner)
    return get_readable_or_404(Attack, me(request), person, attack_id, share)


@router.post("/attacks", response=writes(AttackSaved, 201), tags=["attacks"])
def create_attack(request: HttpRequest, body: AttackIn) -> Any:
    data = prepared(me(request), body)
    pain = _pain(me(request), data.pop("pain", []))
    return Status(201, saved_body(log_attack(me(request), pain=pain, **data)))


@router.patch("/attacks/{uuid:attack_id}", response=writes(AttackSaved), tags=["attacks"])
def update_attack(request: HttpRequest, attack_id: uuid.UUID, body: AttackPatch) -> Any:
    attack = get_owned_or_404(Attack, me(request), attack_id)
    data = prepared(me(request), body)
    return saved_body(update(attack, data))


@router.delete("/attacks/{uuid:attack_id}", response=DELETES, tags=["attacks"])
def delete_attack(request: HttpRequest, attack_id: uuid.UUID) -> Any:
    delete(request, get_owned_or_404(Attack, me(request), attack_id))
    return Status(204, None)


@router.post("/attacks/{uuid:attack_id}/pain", response=writes(PainOut, 201), tags=["attacks"])
def add_pain_sample(request: HttpRequest, attack_id: uuid.UUID, body: PainIn) -> Any:
    attack = get_owned_or_404(Attack, me(request), attack_id)
    (sample,) = _pain(me(request), [body.model_dump()])
    return Status(201, add_pain(me(request), attack, sample))


@router.delete("/attacks/{uuid:attack_id}/pain/{uuid:sample_id}", response=DELETES, tags=["attacks"])
def delete_pain_sample(request: HttpRequest, attack_id: uuid.UUID, sample_id: uuid.UUID) -> Any:
    attack = get_owned_or_404(Attack, me(request), attack_id)
    delete(request, get_from_or_404(attack.pain_samples.all(), sample_id))
    return Status(204, None)


# Day records with factors --------------------------------------------------------------------


class FactorOut(Schema):
    tag: str
    amount: float | None


class DayOut(ModelSchema):
    factors: list[FactorOut]

    class Meta:
        model = DayRecord
        exclude = ["user"]

    @staticmethod
    def resolve_factors(obj: DayRecord) -> list[dict[str, Any]]:
        return [{"tag": f.tag.name, "amount": f.amount} for f in obj.factors.select_related("tag")]


class DayPatch(ModelSchema):
    factors: dict[str, float | None] | None = Field(
        None, description="Factor names with an optional amount; given factors are added or updated"
    )

    class Meta:
        model = DayRecord
        exclude = ENTRY
        fields_optional = "__all__"


class DayIn(DayPatch):
    date: date


DaySaved = saved_schema("DaySaved", DayOut)


@router.get("/days", response=reads(list[DayOut]), tags=["days"])
@paginate(Pages)
def list_days(
    request: HttpRequest, owner: uuid.UUID | None = None, since: date | None = None, until: date | None = None
) -> Any:
    person, share = reader(request, owner)
    rows = readable(DayRecord, me(request), person, share)
    rows = rows.filter(date__gte=since) if since else rows
    return rows.filter(date__lte=until) if until else rows


@router.get("/days/{uuid:day_id}", response=reads(DayOut), tags=["days"])
def get_day(request: HttpRequest, day_id: uuid.UUID, owner: uuid.UUID | None = None) -> Any:
    person, share = reader(request, owner)
    return get_readable_or_404(DayRecord, me(request), person, day_id, share)


@router.post("/days", response={200: DaySaved, **writes(DaySaved, 201)}, tags=["days"])
def save_day(request: HttpRequest, body: DayIn) -> Any:
    """Create the record of a day and period, or update it when it exists (given fields overwrite)."""
    data = prepared(me(request), body)
    day = data.pop("date")
    saved = log_day(me(request), day=day, factors=data.pop("factors", None), **data)
    return Status(201 if saved.created else 200, saved_body(saved))


@router.patch("/days/{uuid:day_id}", response=writes(DaySaved), tags=["days"])
def update_day(request: HttpRequest, day_id: uuid.UUID, body: DayPatch) -> Any:
    record = get_owned_or_404(DayRecord, me(request), day_id)
    data = prepared(me(request), body)
    return saved_body(update(record, data))


@router.delete("/days/{uuid:day_id}", response=DELETES, tags=["days"])
def delete_day(request: HttpRequest, day_id: uuid.UUID) -> Any:
    delete(request, get_owned_or_404(DayRecord, me(request), day_id))
    return Status(204, None)


# Side effects -----------------------------------------------------------------------------


class SideEffectOut(ModelSchema):
    class Meta:
        model = SideEffect
        exclude = ["user"]


class SideEffectPatch(ModelSchema):
    class Meta:
        model = SideEffect
        exclude = ENTRY
        fields_optional = "__all__"


class SideEffectIn(SideEffectPatch):
    symptom: str


SideEffectSaved = saved_schema("SideEffectSaved", SideEffectOut)
SIDE_EFFECT_REFS = {"dose": mine(Dose)}


@router.get("/side-effects", response=reads(list[SideEffectOut]), tags=["side effects"])
@paginate(Pages)
def list_side_effects(request: HttpRequest, owner: uuid.UUID | None = None) -> Any:
    person, share = reader(request, owner)
    return readable(SideEffect, me(request), person, share)


@router.get("/side-effects/{uuid:effect_id}", response=reads(SideEffectOut), tags=["side effects"])
def get_side_effect(request: HttpRequest, effect_id: uuid.UUID, owner: uuid.UUID | None = None) -> Any:
    person, share = reader(request, owner)
    return get_readable_or_404(SideEffect, me(request), person, effect_id, share)


@router.post("/side-effects", response=writes(SideEffectSaved, 201), tags=["side effects"])
def create_side_effect(request: HttpRequest, body: SideEffectIn) -> Any:
    data = prepared(me(request), body, SIDE_EFFECT_REFS)
    return Status(201, saved_body(log_side_effect(me(request), **data)))


@router.patch("/side-effects/{uuid:effect_id}", response=writes(SideEffectSaved), tags=["side effects"])
def update_side_effect(request: HttpRequest, effect_id: uuid.UUID, body: SideEffectPatch) -> Any:
    effect = get_owned_or_404(SideEffect, me(request), effect_id)
    return saved_body(update(effect, prepared(me(request), body, SIDE_EFFECT_REFS)))


@router.delete("/side-effects/{uuid:effect_id}", response=DELETES, tags=["side effects"])
def delete_side_effect(request: HttpRequest, effect_id: uuid.UUID) -> Any:
    delete(request, get_owned_or_404(SideEffect, me(request), effect_id))
    return Status(204, None)


# Questionnaires ---------------------------------------------------------------------------


class QuestionnaireIn(Schema):
    instrument: str = Field(description="midas, hit6 or sows")
    answers: list[int] = Field(description="Item answers in questionnaire order")
    answered_at: datetime | None = None


class QuestionnairePatch(Schema):
    answers: list[int] | None = None
    answered_at: datetime | None = None


class QuestionnaireOut(Schema):
    id: uuid.UUID
    created_at: datetime
    instrument: str
    answered_at: datetime
    answers: list[int]
    score: float


QuestionnaireSaved = saved_schema("QuestionnaireSaved", QuestionnaireOut)


@router.get("/questionnaires", response=reads(list[QuestionnaireOut]), tags=["questionnaires"])
@paginate(Pages)
def list_questionnaires(request: HttpRequest, owner: uuid.UUID | None = None) -> Any:
    person, share = reader(request, owner)
    return readable(QuestionnaireResponse, me(request), person, share)


@router.get("/questionnaires/{uuid:response_id}", response=reads(QuestionnaireOut), tags=["questionnaires"])
def get_questionnaire(request: HttpRequest, response_id: uuid.UUID, owner: uuid.UUID | None = None) -> Any:
    person, share = reader(request, owner)
    return get_readable_or_404(QuestionnaireResponse, me(request), person, response_id, share)


@router.post("/questionnaires", response=writes(QuestionnaireSaved, 201), tags=["questionnaires"])
def create_questionnaire(request: HttpRequest, body: QuestionnaireIn) -> Any:
    data = prepared(me(request), body)
    if data.get("answered_at") is None:
        data.pop("answered_at", None)
    return Status(201, saved_body(log_questionnaire(me(request), **data)))


@router.patch(
    "/questionnaires/{uuid:response_id}", response=writes(QuestionnaireSaved), tags=["questionnaires"]
)
def update_questionnaire(request: HttpRequest, response_id: uuid.UUID, body: QuestionnairePatch) -> Any:
    response = get_owned_or_404(QuestionnaireResponse, me(request), response_id)
    return saved_body(update(response, prepared(me(request), body)))


@router.delete("/questionnaires/{uuid:response_id}", response=DELETES, tags=["questionnaires"])
def delete_questionnaire(request: HttpRequest, response_id: uuid.UUID) -> Any:
    delete(request, get_owned_or_404(QuestionnaireResponse, me(request), response_id))
    return Status(204, None)
