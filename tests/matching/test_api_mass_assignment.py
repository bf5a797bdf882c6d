"""Mass assignment, on every write endpoint of the API: a field the caller may not set (an owner,
an organisation, a status, a verification, an id, a timestamp) is a 400 naming it, and nothing
changes.

The endpoints are read from the OpenAPI schema (/api/v1/schema/): a new write endpoint fails
``test_every_write_endpoint_of_the_schema_is_covered`` until it is added to ``WRITES``, and the
fields each one accepts are those its schema documents, so the test and the documentation cannot
drift apart.
"""

import datetime

import pytest
import yaml
from django.utils import timezone
from rest_framework.test import APIClient

from matching import services
from matching.models import PartRequest, Quotation, QuoteInvitation, ShortlistEntry, SupplierInterest
from portal.models import Organisation
from suppliers.models import SupplierProfile
from tests.matching.test_request_views import make_request

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
SOON = (TODAY + datetime.timedelta(days=30)).isoformat()

# What an attacker would like to set; the values do not matter, the keys must be refused.
FORBIDDEN = {
    "id": 999_999,
    "pk": 999_999,
    "organisation": 1,
    "buyer": 1,
    "owner": 1,
    "user": 1,
    "created_by": 1,
    "invited_by": 1,
    "supplier": 1,
    "request": 1,
    "status": "awarded",
    "verification_status": "verified",
    "verified": True,
    "is_verified": True,
    "awarded_to": 1,
    "published_at": "2026-01-01T00:00:00Z",
    "created_at": "2026-01-01T00:00:00Z",
    "submitted_at": "2026-01-01T00:00:00Z",
    "total": 1.0,
    "eligible": True,
    "expired": False,
}

# (method, schema path) → who calls, which object the path names, a body the endpoint accepts.
WRITES = {
    ("post", "/api/v1/part-requests/"): (
        "buyer",
        None,
        lambda o: {"title": "Khung ghế", "delivery_province": "48"},
    ),
    ("patch", "/api/v1/part-requests/{id}/"): ("buyer", "draft", lambda o: {"title": "Khung ghế sau"}),
    ("post", "/api/v1/part-requests/{id}/publish/"): ("buyer", "draft", lambda o: {}),
    ("post", "/api/v1/part-requests/{id}/close/"): ("buyer", "ranked", lambda o: {}),
    ("post", "/api/v1/part-requests/{id}/interest/"): ("alice", "ranked", lambda o: {"note": "Quan tâm"}),
    ("post", "/api/v1/shortlist-entries/"): (
        "buyer",
        None,
        lambda o: {"request": o["ranked"].pk, "supplier": o["charlies_firm"].pk},
    ),
    ("patch", "/api/v1/shortlist-entries/{id}/"): ("buyer", "entry", lambda o: {"note": "Gọi lại"}),
    ("post", "/api/v1/invitations/"): (
        "buyer",
        None,
        lambda o: {"request": o["ranked"].pk, "suppliers": [o["charlies_firm"].pk]},
    ),
    ("post", "/api/v1/invitations/{id}/answer/"): ("alice", "invitation", lambda o: {"answer": "interested"}),
    ("post", "/api/v1/invitations/{id}/quote/"): (
        "alice",
        "invitation",
        lambda o: {"unit_price": "12500", "currency": "VND", "lead_time_days": 30, "valid_until": SOON},
    ),
    ("patch", "/api/v1/suppliers/me/"): ("alice", None, lambda o: {"description": "Dập và hàn"}),
}
NO_BODY = {("delete", "/api/v1/part-requests/{id}/interest/"), ("delete", "/api/v1/shortlist-entries/{id}/")}
WATCHED = (
    Organisation,
    SupplierProfile,
    PartRequest,
    ShortlistEntry,
    QuoteInvitation,
    Quotation,
    SupplierInterest,
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


@pytest.fixture
def objects(buyer, alice, charlie, alices_firm, charlies_firm) -> dict:
    ranked = make_request(buyer, status="open")
    services.recompute_requests([ranked])
    services.shortlist_add(request=ranked, supplier=charlies_firm, by=buyer)
    entry = services.shortlist_add(request=ranked, supplier=alices_firm, by=buyer)
    [invitation] = services.quote_invite(request=ranked, suppliers=[alices_firm], by=buyer)
    return {
        "buyer": buyer,
        "alice": alice,
        "ranked": ranked,
        "draft": make_request(buyer),
        "entry": entry,
        "invitation": invitation,
        "charlies_firm": charlies_firm,
    }


def snapshot() -> dict:
    return {model: list(model.objects.order_by("pk").values()) for model in WATCHED}


def accepted_fields(schema: dict, method: str, path: str) -> set[str]:
    body = schema["paths"][path][method].get("requestBody")
    if body is None:
        return set()
    reference = body["content"]["application/json"]["schema"]["$ref"]
    return set(schema["components"]["schemas"][reference.rsplit("/", 1)[1]]["properties"])


def test_every_write_endpoint_of_the_schema_is_covered(schema):
    writes = {
        (method, path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in ("post", "put", "patch", "delete")
    }
    assert writes == set(WRITES) | NO_BODY


@pytest.mark.parametrize("method, path", sorted(WRITES), ids=[f"{m} {p}" for m, p in sorted(WRITES)])
def test_fields_the_caller_may_not_set_are_refused_and_change_nothing(schema, objects, method, path):
    who, target, valid = WRITES[(method, path)]
    refused = {
        name: value for name, value in FORBIDDEN.items() if name not in accepted_fields(schema, method, path)
    }
    assert refused, "every endpoint has something it must refuse"
    url = path.replace("{id}", str(objects[target].pk)) if target else path
    client = APIClient()
    client.force_login(objects[who])
    before = snapshot()

    response = getattr(client, method)(url, {**valid(objects), **refused}, format="json")

    assert response.status_code == 400, response.content
    assert set(response.json()) == set(refused)
    assert snapshot() == before
