"""The part-request API: the same who-sees-what matrix as the pages, codes in, 400s not 500s."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from matching import services
from matching.models import PartRequest, RecomputeMark
from portal.models import ProductGroup
from tests.factories import OrganisationFactory
from tests.matching.test_request_views import (
    TODAY,
    make_request,
    new_buyer,
    other_member_of,
    verified_supplier,
)

pytestmark = pytest.mark.django_db

LIST = reverse("matching_api:part-request-list")


def item(part_request) -> str:
    return reverse("matching_api:part-request-detail", args=[part_request.pk])


def action(name: str, part_request) -> str:
    return reverse(f"matching_api:part-request-{name}", args=[part_request.pk])


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def api():
    return APIClient()


def signed_in(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def colleague(buyer):
    return other_member_of(buyer, "linh@vinfast.vn")


@pytest.fixture
def other_buyer(db):
    return new_buyer()


@pytest.fixture
def verified(alice, firm):
    return verified_supplier(firm, certifications=("iatf-16949",))


@pytest.fixture
def unverified(charlie):
    return verified_supplier(charlie.memberships.get().organisation, verified=False)


@pytest.fixture
def requests_of_buyer(buyer):
    """A draft, an open request for verified suppliers, and an open invited-only one."""
    return {
        "draft": make_request(buyer),
        "open": make_request(buyer, status="open"),
        "invited": make_request(buyer, status="open", visibility="invited"),
    }


def body(**overrides) -> dict:
    data = {
        "title": "Khung ghế sau",
        "title_en": "Rear seat frame",
        "required_processes": ["stamping", "mig-mag-welding"],
        "optional_processes": ["painting"],
        "required_certifications": ["iatf-16949"],
        "product_group": "sheet-metal-welded",
        "annual_volume": "24000",
        "delivery_province": "48",
        "response_deadline": (TODAY + datetime.timedelta(days=20)).isoformat(),
        "needed_by": (TODAY + datetime.timedelta(days=90)).isoformat(),
    }
    data.update(overrides)
    return data


# --- Who sees what ------------------------------------------------------------------------------


def test_anonymous_callers_get_401_with_the_token_scheme(api, requests_of_buyer):
    for response in (
        api.get(LIST),
        api.get(item(requests_of_buyer["open"])),
        api.post(LIST, body(), format="json"),
        api.get(action("matches", requests_of_buyer["open"])),
    ):
        assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


def test_the_buyers_members_list_all_their_requests_with_the_buyer_side(buyer, colleague, requests_of_buyer):
    every = {r.pk for r in requests_of_buyer.values()}
    for user in (buyer, colleague):
        response = signed_in(user).get(LIST)
        assert response.status_code == 200
        assert ids(response) == every
    row = signed_in(buyer).get(item(requests_of_buyer["draft"])).json()
    assert row["required_processes"] == ["stamping"]
    assert row["required_certifications"] == ["iatf-16949"]
    assert row["delivery_province"] == "48"
    assert row["buyer"]["id"] == buyer.memberships.get().organisation_id
    assert [d["original_name"] for d in row["documents"]] == ["drawing-A12.pdf"]
    assert row["eligible_count"] == 0


def test_another_buyer_sees_none_of_them(other_buyer, requests_of_buyer):
    client = signed_in(other_buyer)
    assert ids(client.get(LIST)) == set()
    for part_request in requests_of_buyer.values():
        assert client.get(item(part_request)).status_code == 404
        assert client.patch(item(part_request), {"title": "x"}, format="json").status_code == 404
        assert client.post(action("publish", part_request)).status_code == 404
        assert client.post(action("close", part_request)).status_code == 404
        assert client.get(action("matches", part_request)).status_code == 404


def test_a_verified_supplier_sees_open_verified_requests_without_documents_or_matches(
    alice, verified, requests_of_buyer
):
    client = signed_in(alice)
    assert ids(client.get(LIST)) == {requests_of_buyer["open"].pk}
    row = client.get(item(requests_of_buyer["open"])).json()
    assert row["documents"] is None
    assert row["eligible_count"] is None
    assert row["matches_computed_at"] is None
    assert client.get(item(requests_of_buyer["draft"])).status_code == 404
    assert client.get(item(requests_of_buyer["invited"])).status_code == 404
    assert client.get(action("matches", requests_of_buyer["open"])).status_code == 403
    assert client.patch(item(requests_of_buyer["open"]), {"title": "x"}, format="json").status_code == 403
    assert client.post(action("close", requests_of_buyer["open"])).status_code == 403


def test_an_unverified_supplier_sees_nothing(charlie, unverified, requests_of_buyer):
    client = signed_in(charlie)
    assert ids(client.get(LIST)) == set()
    assert client.get(item(requests_of_buyer["open"])).status_code == 404


def test_staff_see_everything_but_change_nothing(staff, requests_of_buyer):
    client = signed_in(staff)
    assert ids(client.get(LIST)) == {r.pk for r in requests_of_buyer.values()}
    assert client.get(item(requests_of_buyer["draft"])).json()["documents"] is not None
    assert client.get(action("matches", requests_of_buyer["open"])).status_code == 200
    assert client.patch(item(requests_of_buyer["draft"]), {"title": "x"}, format="json").status_code == 403
    assert client.post(action("publish", requests_of_buyer["draft"])).status_code == 403
    assert client.post(LIST, body(), format="json").status_code == 403


# --- Creating and changing ----------------------------------------------------------------------


def test_a_buyer_member_creates_a_draft_with_codes(buyer):
    response = signed_in(buyer).post(LIST, body(), format="json")
    assert response.status_code == 201, response.json()
    created = PartRequest.objects.get()
    data = response.json()
    assert data["id"] == created.pk
    assert data["status"] == "draft"
    assert sorted(data["required_processes"]) == ["mig-mag-welding", "stamping"]
    assert data["product_group"] == "sheet-metal-welded"
    assert created.buyer == buyer.memberships.get().organisation
    assert created.created_by == buyer
    assert created.product_group == ProductGroup.objects.get(code="sheet-metal-welded")
    assert {t.code for t in created.required_certifications.all()} == {"iatf-16949"}


def test_an_unknown_process_code_is_a_400_naming_the_field(buyer):
    response = signed_in(buyer).post(
        LIST, body(required_processes=["stamping", "teleportation"]), format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["required_processes"]
    assert "teleportation" in response.json()["required_processes"][0]
    assert not PartRequest.objects.exists()


def test_an_unknown_province_code_is_a_400_naming_the_field(buyer):
    response = signed_in(buyer).post(LIST, body(delivery_province="99"), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["delivery_province"]


@pytest.mark.parametrize(
    "refused",
    [{"status": "open"}, {"buyer": 1}, {"created_by": 1}, {"awarded_to": 1}, {"published_at": None}],
)
def test_fields_a_caller_may_not_set_are_a_400_naming_them(buyer, refused):
    response = signed_in(buyer).post(LIST, body(**refused), format="json")
    assert response.status_code == 400
    assert list(response.json()) == list(refused)
    assert not PartRequest.objects.exists()


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"needed_by": (TODAY - datetime.timedelta(days=1)).isoformat()}, "needed_by"),
        ({"response_deadline": (TODAY + datetime.timedelta(days=200)).isoformat()}, "response_deadline"),
        ({"optional_processes": ["stamping"]}, "optional_processes"),
        ({"annual_volume": "a lot"}, "annual_volume"),
        ({"annual_volume": "-5"}, "annual_volume"),
        ({"needed_by": "next tuesday"}, "needed_by"),
        ({"title": ""}, "title"),
        ({"visibility": "everyone"}, "visibility"),
        ({"required_processes": "stamping"}, "required_processes"),
    ],
)
def test_bad_input_is_a_400_with_the_fields_errors(buyer, bad, field):
    response = signed_in(buyer).post(LIST, body(**bad), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not PartRequest.objects.exists()


def test_a_body_that_is_not_an_object_is_a_400(buyer):
    assert signed_in(buyer).post(LIST, ["stamping"], format="json").status_code == 400


def test_a_supplier_cannot_create_requests(alice, verified):
    assert signed_in(alice).post(LIST, body(), format="json").status_code == 403
    assert not PartRequest.objects.exists()


def test_a_colleague_patches_only_what_is_sent(colleague, requests_of_buyer):
    draft = requests_of_buyer["draft"]
    response = signed_in(colleague).patch(
        item(draft), {"title": "Giá đỡ cản sau", "optional_processes": ["painting"]}, format="json"
    )
    draft.refresh_from_db()
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "Giá đỡ cản sau"
    assert draft.title == "Giá đỡ cản sau"
    assert [t.code for t in draft.optional_processes.all()] == ["painting"]
    assert [t.code for t in draft.required_processes.all()] == ["stamping"]  # untouched
    assert draft.title_en == "Front bumper bracket"


def test_a_patch_checks_the_rules_against_the_stored_values(buyer, requests_of_buyer):
    draft = requests_of_buyer["draft"]  # requires stamping
    response = signed_in(buyer).patch(item(draft), {"optional_processes": ["stamping"]}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["optional_processes"]


def test_patching_the_status_is_refused(buyer, requests_of_buyer):
    draft = requests_of_buyer["draft"]
    response = signed_in(buyer).patch(item(draft), {"status": "open"}, format="json")
    draft.refresh_from_db()
    assert response.status_code == 400
    assert list(response.json()) == ["status"]
    assert draft.status == "draft"


def test_patching_an_open_request_marks_it_for_recompute(buyer, requests_of_buyer):
    open_request = requests_of_buyer["open"]
    RecomputeMark.objects.all().delete()
    response = signed_in(buyer).patch(item(open_request), {"annual_volume": "50000"}, format="json")
    assert response.status_code == 200
    assert services.pending_marks(request_id=open_request.pk)


def test_a_closed_request_cannot_be_patched(buyer):
    closed = make_request(buyer, status="closed")
    response = signed_in(buyer).patch(item(closed), {"title": "Changed"}, format="json")
    closed.refresh_from_db()
    assert response.status_code == 400
    assert closed.title == "Giá đỡ cản trước"


def test_put_and_delete_are_not_offered(buyer, requests_of_buyer):
    client = signed_in(buyer)
    assert client.put(item(requests_of_buyer["draft"]), body(), format="json").status_code == 405
    assert client.delete(item(requests_of_buyer["draft"])).status_code == 405


# --- Publishing, closing, awarding --------------------------------------------------------------


def test_publishing_opens_the_draft_and_marks_it(colleague, requests_of_buyer):
    draft = requests_of_buyer["draft"]
    response = signed_in(colleague).post(action("publish", draft))
    assert response.status_code == 200
    assert response.json()["status"] == "open"
    assert response.json()["published_at"] is not None
    assert services.pending_marks(request_id=draft.pk)


def test_publishing_twice_is_a_400(buyer, requests_of_buyer):
    response = signed_in(buyer).post(action("publish", requests_of_buyer["open"]))
    assert response.status_code == 400
    assert list(response.json()) == ["status"]


def test_closing_without_an_award(buyer, requests_of_buyer):
    response = signed_in(buyer).post(action("close", requests_of_buyer["open"]), {}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "closed"
    assert response.json()["awarded_to"] is None


def test_closing_with_an_award_to_a_supplier_organisation(buyer, verified, requests_of_buyer):
    open_request = requests_of_buyer["open"]
    response = signed_in(buyer).post(
        action("close", open_request), {"awarded_to": verified.organisation_id}, format="json"
    )
    open_request.refresh_from_db()
    assert response.status_code == 200
    assert response.json()["status"] == "awarded"
    assert response.json()["awarded_to"]["id"] == verified.organisation_id
    assert open_request.awarded_to_id == verified.organisation_id


@pytest.mark.parametrize("awarded_to", ["not-a-number", 999_999, "buyer-itself", "not-a-supplier"])
def test_awarding_to_anything_but_a_supplier_organisation_is_a_400(buyer, requests_of_buyer, awarded_to):
    open_request = requests_of_buyer["open"]
    if awarded_to == "buyer-itself":
        awarded_to = open_request.buyer_id
    elif awarded_to == "not-a-supplier":
        awarded_to = OrganisationFactory(is_supplier=False, is_agency=True).pk
    response = signed_in(buyer).post(action("close", open_request), {"awarded_to": awarded_to}, format="json")
    open_request.refresh_from_db()
    assert response.status_code == 400
    assert list(response.json()) == ["awarded_to"]
    assert open_request.status == "open"


# --- Matches ------------------------------------------------------------------------------------


def test_the_buyer_reads_the_ranked_matches_with_breakdown_and_gaps_in_words(buyer, verified, charlie):
    near_miss = verified_supplier(charlie.memberships.get().organisation)  # no IATF 16949
    open_request = make_request(buyer, status="open")
    services.recompute_requests([open_request])
    response = signed_in(buyer).get(action("matches", open_request), HTTP_ACCEPT_LANGUAGE="en")
    data = response.json()
    assert response.status_code == 200
    assert data["computed_at"] is not None
    assert data["recompute_pending"] is True  # marked on publish; nothing has served the mark
    assert data["count"] == 2
    first, second = data["results"]
    assert (first["supplier"]["id"], first["eligible"]) == (verified.pk, True)
    assert (second["supplier"]["id"], second["eligible"]) == (near_miss.pk, False)
    assert first["total"] > second["total"]
    assert [c["criterion"] for c in first["breakdown"]][:2] == ["processes", "optional"]
    assert {"label", "weight_percent", "score", "points"} <= set(first["breakdown"][0])
    gap = next(g for g in second["gaps"] if g["code"] == "certification")
    assert gap["hard"] is True
    assert gap["text"].startswith("Missing IATF 16949")


def test_recompute_pending_turns_false_once_served(buyer, requests_of_buyer):
    open_request = requests_of_buyer["open"]
    services.recompute_marked_until_done(quiet=datetime.timedelta(0))
    data = signed_in(buyer).get(action("matches", open_request)).json()
    assert data["recompute_pending"] is False


# --- Filters and queries ------------------------------------------------------------------------


def test_filters_by_status_province_and_product_group(buyer, requests_of_buyer):
    client = signed_in(buyer)
    grouped = make_request(buyer, product_group=ProductGroup.objects.get(code="fasteners"))
    assert ids(client.get(LIST, {"status": "draft"})) == {requests_of_buyer["draft"].pk, grouped.pk}
    both = {"status": ["open", "draft"]}
    assert ids(client.get(LIST, both)) == {r.pk for r in requests_of_buyer.values()} | {grouped.pk}
    assert ids(client.get(LIST, {"product_group": "fasteners"})) == {grouped.pk}
    assert len(ids(client.get(LIST, {"delivery_province": "48"}))) == 4
    assert ids(client.get(LIST, {"delivery_province": "79"})) == set()


@pytest.mark.parametrize(
    "query, field",
    [
        ({"status": "pending"}, "status"),
        ({"delivery_province": "99"}, "delivery_province"),
        ({"product_group": "x"}, "product_group"),
    ],
)
def test_unknown_filter_values_are_a_400(buyer, query, field):
    response = signed_in(buyer).get(LIST, query)
    assert response.status_code == 400
    assert field in response.json()


def list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST).status_code == 200
    return len(queries)


def test_the_list_runs_the_same_number_of_queries_for_two_or_ten_requests(buyer):
    client = signed_in(buyer)
    list_queries(client)  # the session's first request also records its security checks
    for _ in range(2):
        make_request(buyer, status="open")
    few = list_queries(client)
    for _ in range(8):
        make_request(buyer, status="open")
    assert list_queries(client) == few
