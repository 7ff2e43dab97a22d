"""The JSON API: one NinjaAPI, a router per domain, mounted at /api/ by relief.urls.

Scripts authenticate with ``Authorization: Bearer <token>`` (see relief.sharing.services.create_api_token);
the web app's own htmx calls use the login session and send the CSRF token.  Writes go through the
same services as the pages; a refused entry is a 422 whose body lists each field with its message.
Reads take an optional ``owner`` (the person's profile id) to read a journal shared with the caller;
writes only ever touch the caller's own entries.  The OpenAPI document is at /api/openapi.json and a
readable page at /api/docs (relief.api.docs; ninja's own page is off because it loads assets from a CDN).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError as RequestValidationError
from ninja.renderers import JSONRenderer

from relief.api import diary, products, safety, tokens, treatments
from relief.api.auth import session_auth, token_auth
from relief.api.common import request_validation_body, validation_body
from relief.core.validation import finite


class FiniteJSONRenderer(JSONRenderer):
    """Answers are strict JSON: a non-finite number (stored by an older version) is sent as null."""

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        return json.dumps(finite(data), cls=self.encoder_class, allow_nan=False)


api = NinjaAPI(
    title="Relief Journal API",
    version="1",
    description=__doc__ or "",
    auth=[token_auth, session_auth],
    docs_url=None,
    urls_namespace="api",
    renderer=FiniteJSONRenderer(),
)
api.add_router("", diary.router)
api.add_router("", treatments.router)
api.add_router("", products.router)
api.add_router("", safety.router)
api.add_router("", tokens.router)


@api.exception_handler(ValidationError)
def refused_entry(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, validation_body(exc), status=422)


@api.exception_handler(RequestValidationError)
def malformed_request(request: HttpRequest, exc: RequestValidationError) -> HttpResponse:
    return api.create_response(request, request_validation_body(exc.errors), status=422)


@api.exception_handler(ProtectedError)
def still_in_use(request: HttpRequest, exc: ProtectedError) -> HttpResponse:
    body = {"detail": "other entries still use this one; change or delete them first", "errors": []}
    return api.create_response(request, body, status=422)
