"""API tokens: created and revoked by their owner from a logged-in session (a token cannot mint tokens)."""

import uuid
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from relief.api.auth import session_auth
from relief.api.common import ErrorOut, me, writes
from relief.core.access import get_owned_or_404, owned
from relief.sharing.models import ApiToken
from relief.sharing.services import create_api_token, revoke_api_token

router = Router(auth=session_auth, tags=["tokens"])


class TokenIn(Schema):
    name: str


class TokenOut(Schema):
    id: uuid.UUID
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class NewTokenOut(TokenOut):
    token: str


@router.get("/tokens", response={200: list[TokenOut], 401: ErrorOut})
def list_tokens(request: HttpRequest) -> Any:
    return owned(ApiToken, me(request))


@router.post("/tokens", response=writes(NewTokenOut, 201))
def create_token(request: HttpRequest, body: TokenIn) -> Any:
    """A new token; its value is in this response only and cannot be shown again."""
    token, plaintext = create_api_token(me(request), body.name)
    return Status(201, {**TokenOut.from_orm(token).model_dump(), "token": plaintext})


@router.post("/tokens/{uuid:token_id}/revoke", response=writes(TokenOut))
def revoke_token(request: HttpRequest, token_id: uuid.UUID) -> Any:
    return revoke_api_token(me(request), get_owned_or_404(ApiToken, me(request), token_id))
