"""A minimal endpoint for load balancers and for measuring the stack's floor.

It touches the database with the cheapest query there is, so "up" means the
app can answer and reach its data, and a load test can compare the app's pages
against what the same server, middleware and database cost on their own.
"""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok"})
