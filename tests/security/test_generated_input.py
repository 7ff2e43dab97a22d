"""Generated query strings and bodies sent to every URL pattern and API operation, as the owner: no 5xx.

Every route of the project (pages and the JSON API, found through ``get_resolver`` as in the access
walk) receives, in each example, a GET with a generated query string and a write (a form post for
pages; POST, PUT and PATCH with a generated JSON body for the API).  Values come from a pool of
hostile shapes: dates at the edges of the calendar, odd UTC offsets, NUL bytes, lone surrogates,
NaN, Infinity and 1e300, deep nesting, long lists, very long text.  A 5xx is a failure; a refusal
(4xx) with a message is the expected answer to most of them.

Hypothesis runs with a fixed seed (``derandomize``) and a bounded number of examples, so CI sees
the same requests every time.  The number of requests sent is printed (``-s``) and recorded in
``artifacts/generated-input-requests.txt``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from relief.sharing.services import create_link_share
from tests.access.people import fill_journal, new_marker
from tests.access.test_url_walk import fillings, leaf_routes, reaches, stay_signed_in, urls_for
from tests.factories import make_user

EXAMPLES = 3
SENT = {"requests": 0, "server_errors": 0}

edge_texts = [
    "", "0", "-1", "1e300", "-1e300", "1e309", "NaN", "nan", "Infinity", "-Infinity",
    "0001-01-01", "9999-12-31", "9999-12-30", "1899-12-31", "2026-02-30", "2026-13-01",
    "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59", "2026-03-29T02:30", "2026-11-01T01:30",
    "00000000-0000-0000-0000-000000000000", "a\x00b", "\x00", "x" * 5000, "<script>alert(1)</script>",
    "'; DROP TABLE diary_attack; --", "=HYPERLINK(\"http://x\")", "../../etc/passwd", "%00", "9" * 40,
]  # fmt: skip
query_keys = [
    "from", "to", "since", "until", "date", "day", "days", "page", "kind", "owner", "limit",
    "offset", "q", "period", "next", "format", "year", "month", "who", "instrument",
]  # fmt: skip
body_keys = [
    "started_at", "ended_at", "taken_at", "occurred_at", "at", "date", "day", "notes", "amount",
    "unit", "substance_id", "attack_id", "dose_id", "product_id", "batch_id", "factors", "pain",
    "worst_pain", "sleep_hours", "stress", "nrs", "pain_2h", "answers", "instrument", "name",
    "grams", "label", "days", "username_or_email", "password", "time_zone", "mitragynine_mg_per_g",
]  # fmt: skip

query_values = st.sampled_from(edge_texts) | st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from([*edge_texts, "\ud800", "a\udfffb"])
    | st.text(max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(body_keys), inner, max_size=4)
    ),
    max_leaves=10,
)
queries = st.dictionaries(st.sampled_from(query_keys), query_values, max_size=4)
forms = st.dictionaries(st.sampled_from(body_keys), query_values, max_size=5)


@st.composite
def json_bodies(draw: Any) -> str:
    """A JSON text: usually an object of plausible fields, sometimes deep nesting, a long list or NaN."""
    shape = draw(st.sampled_from(["object", "object", "object", "deep", "long", "raw"]))
    if shape == "deep":
        depth = draw(st.sampled_from([20, 200, 5000]))
        return '{"notes":' * depth + "1" + "}" * depth
    if shape == "long":
        return json.dumps({"date": "2026-11-01", "factors": [{"name": "x", "value": 1}] * 2000})
    if shape == "raw":
        return draw(st.sampled_from(['{"amount": NaN}', '{"sleep_hours": Infinity}', '{"amount": 1e400}', "[", "", "null", '{"notes": "\\u0000"}', '{"notes": "\\ud800"}']))  # fmt: skip
    return json.dumps(draw(st.dictionaries(st.sampled_from(body_keys), json_values, max_size=6)))


def send(client: Client, method: str, url: str, **kwargs: Any):
    response = getattr(client, method)(url, **kwargs)
    SENT["requests"] += 1
    if response.status_code >= 500:
        SENT["server_errors"] += 1
    return response


@pytest.fixture
def owner_journal(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from relief.plans import services as plan_services
    from tests.plans.helpers import acute_trial, kratom_plan

    owner = make_user()
    journal = fill_journal(owner, new_marker())
    fill = fillings(owner, journal)
    plan = kratom_plan(owner)
    trial = plan_services.start_trial(owner, acute_trial(owner), rng=np.random.default_rng(3))
    _, token = create_link_share(owner, label="Dr Weber")
    fill["uuid"][:0] = [str(plan.pk), str(trial.pk)]
    fill["str"].append(token)
    urls = []
    for route in leaf_routes():
        candidates = [url for url in urls_for(route, fill) if reaches(url, route)]
        urls.extend(candidates[:2])  # two fillings per route keep the walk bounded
    return owner, urls


@given(data=st.data())
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # every failing request is listed; no slow shrinking
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_generated_query_strings_and_bodies_never_cause_a_server_error(owner_journal, data):
    owner, urls = owner_journal
    client = Client(raise_request_exception=False)
    client.force_login(owner)
    failed: list[tuple[str, str, Any, int]] = []

    def check(method: str, url: str, sent: Any, response: Any) -> None:
        if response.status_code >= 500:
            failed.append((method, url, str(sent)[:200], response.status_code))

    for url in urls:
        query = data.draw(queries, label=f"query {url}")
        check("GET", url, query, send(client, "get", url, data=query))
        if url.startswith("/api/"):
            for method in ("post", "put", "patch"):
                body = data.draw(json_bodies(), label=f"{method} {url}")
                check(
                    method, url, body, send(client, method, url, data=body, content_type="application/json")
                )
        elif not url.startswith(("/accounts/logout", "/accounts/delete")):
            form = data.draw(forms, label=f"post {url}")
            check("POST", url, form, send(client, "post", url, data=form))
        owner = stay_signed_in(client, owner)
    assert failed == [], "\n".join(map(str, failed))


def teardown_module() -> None:
    line = f"{SENT['requests']} generated requests, {SENT['server_errors']} answered with a 5xx"
    print(f"\n{line}")
    artifacts = Path(__file__).resolve().parents[2] / "artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "generated-input-requests.txt").write_text(line + "\n")
