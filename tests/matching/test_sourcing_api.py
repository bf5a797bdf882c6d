"""The sourcing API: shortlists, invitations, quotations and interests, each scoped to the caller."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from matching import services
from matching.models import QuoteInvitation, ShortlistEntry, SupplierInterest
from portal.models import Membership
from tests.factories import MembershipFactory, OrganisationFactory
from tests.matching.test_request_views import make_request, verified_supplier

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def ranked(buyer, alices_firm, charlies_firm):
    part_request = make_request(buyer, status="open")
    services.recompute_requests([part_request])
    return part_request


@pytest.fixture
def colleague(buyer):
    oem = buyer.memberships.get().organisation
    return MembershipFactory(organisation=oem, role=Membership.Role.MEMBER, user__email="erin@oem.vn").user


@pytest.fixture
def rival():
    oem = OrganisationFactory(name="Ô tô Đối Thủ", is_supplier=False, is_buyer=True)
    return MembershipFactory(organisation=oem, role=Membership.Role.ADMIN, user__email="frank@rival.vn").user


def api(name, *args):
    return reverse(f"matching_api:{name}", args=args)


def ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def test_the_buyer_shortlists_moves_and_removes_through_the_api(
    client, buyer, colleague, ranked, alices_firm
):
    client.force_login(buyer)
    created = client.post(
        api("shortlist-entry-list"),
        {"request": ranked.pk, "supplier": alices_firm.pk},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    entry = created.json()
    assert entry["supplier"] == {"id": alices_firm.pk, "name": alices_firm.organisation.name}
    client.force_login(colleague)  # a colleague works on the same shortlist
    moved = client.patch(
        api("shortlist-entry-detail", entry["id"]),
        {"status": "rejected", "rejection_reason": ""},
        content_type="application/json",
    )
    assert moved.status_code == 400 and "rejection_reason" in moved.json()
    moved = client.patch(
        api("shortlist-entry-detail", entry["id"]),
        {"status": "rejected", "rejection_reason": "Giá cao"},
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["status"] == "rejected"
    assert ids(client.get(api("shortlist-entry-list"), {"request": ranked.pk})) == [entry["id"]]
    assert client.delete(api("shortlist-entry-detail", entry["id"])).status_code == 204
    assert not ShortlistEntry.objects.exists()


def test_shortlist_input_errors_are_400_naming_the_field(client, buyer, ranked, alices_firm):
    client.force_login(buyer)
    unknown = client.post(
        api("shortlist-entry-list"),
        {"request": ranked.pk, "supplier": 999999},
        content_type="application/json",
    )
    assert unknown.status_code == 400 and "supplier" in unknown.json()
    extra = client.post(
        api("shortlist-entry-list"),
        {"request": ranked.pk, "supplier": alices_firm.pk, "status": "approved"},
        content_type="application/json",
    )
    assert extra.status_code == 400 and "status" in extra.json()
    stranger = verified_supplier(OrganisationFactory(name="Cơ khí Lạ"), processes=("mig-mag-welding",))
    unranked = client.post(
        api("shortlist-entry-list"),
        {"request": ranked.pk, "supplier": stranger.pk},
        content_type="application/json",
    )
    assert unranked.status_code == 400 and "non_field_errors" in unranked.json()


def test_other_buyers_staff_and_suppliers_cannot_touch_a_shortlist(
    client, buyer, rival, staff, alice, ranked, alices_firm
):
    entry = services.shortlist_add(request=ranked, supplier=alices_firm, by=buyer)
    client.force_login(rival)
    assert ids(client.get(api("shortlist-entry-list"))) == []
    assert (
        client.patch(
            api("shortlist-entry-detail", entry.pk), {"note": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.delete(api("shortlist-entry-detail", entry.pk)).status_code == 404
    other = client.post(
        api("shortlist-entry-list"),
        {"request": ranked.pk, "supplier": alices_firm.pk},
        content_type="application/json",
    )
    assert other.status_code == 400 and "request" in other.json()  # an unknown id: nothing confirmed
    client.force_login(staff)
    assert ids(client.get(api("shortlist-entry-list"))) == [entry.pk]  # staff read
    assert client.delete(api("shortlist-entry-detail", entry.pk)).status_code == 403  # and change nothing
    client.force_login(alice)  # the shortlisted supplier itself never sees the shortlist
    assert ids(client.get(api("shortlist-entry-list"))) == []
    assert client.get(api("shortlist-entry-detail", entry.pk)).status_code == 404
    client.logout()
    assert client.get(api("shortlist-entry-list")).status_code == 401
    assert ShortlistEntry.objects.get().note == ""


def test_invite_answer_and_quote_through_the_api(
    client, buyer, alice, charlie, ranked, alices_firm, charlies_firm
):
    for profile in (alices_firm, charlies_firm):
        services.shortlist_add(request=ranked, supplier=profile, by=buyer)
    client.force_login(buyer)
    invited = client.post(
        api("invitation-list"),
        {"request": ranked.pk, "suppliers": [alices_firm.pk, charlies_firm.pk], "message": "Xin báo giá"},
        content_type="application/json",
    )
    assert invited.status_code == 201 and len(invited.json()) == 2
    alices = QuoteInvitation.objects.get(supplier=alices_firm)
    charlies = QuoteInvitation.objects.get(supplier=charlies_firm)

    client.force_login(alice)
    assert ids(client.get(api("invitation-list"))) == [alices.pk]  # never charlie's
    assert client.get(api("invitation-detail", charlies.pk)).status_code == 404
    assert (
        client.post(api("invitation-quote", charlies.pk), {}, content_type="application/json").status_code
        == 404
    )
    bad = client.post(
        api("invitation-quote", alices.pk),
        {"unit_price": "-1", "currency": "XXX", "lead_time_days": 5, "valid_until": "2020-01-01"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and {"unit_price", "currency"} <= set(bad.json())
    past = client.post(
        api("invitation-quote", alices.pk),
        {"unit_price": "12500", "currency": "VND", "lead_time_days": 30, "valid_until": "2020-01-01"},
        content_type="application/json",
    )
    assert past.status_code == 400 and "valid_until" in past.json()
    valid_until = (TODAY + datetime.timedelta(days=45)).isoformat()
    quoted = client.post(
        api("invitation-quote", alices.pk),
        {"unit_price": "12500", "currency": "VND", "lead_time_days": 30, "valid_until": valid_until},
        content_type="application/json",
    )
    assert quoted.status_code == 200 and quoted.json()["answer"] == "quoted"
    assert quoted.json()["quotation"]["unit_price"] == "12500.00"

    client.force_login(charlie)
    declined = client.post(
        api("invitation-answer", charlies.pk), {"answer": "declined"}, content_type="application/json"
    )
    assert declined.status_code == 400 and "decline_reason" in declined.json()
    declined = client.post(
        api("invitation-answer", charlies.pk),
        {"answer": "declined", "decline_reason": "Hết công suất"},
        content_type="application/json",
    )
    assert declined.status_code == 200 and declined.json()["answer"] == "declined"
    assert ids(client.get(api("quotation-list"))) == []  # charlie never sees alice's price

    client.force_login(buyer)
    [quotation] = client.get(api("quotation-list"), {"request": ranked.pk}).json()["results"]
    assert quotation["supplier"]["id"] == alices_firm.pk and quotation["expired"] is False
    assert (
        client.post(
            api("invitation-answer", alices.pk), {"answer": "interested"}, content_type="application/json"
        ).status_code
        == 403
    )


def test_a_rival_buyer_sees_no_invitation_or_quotation(client, buyer, rival, ranked, alices_firm):
    services.shortlist_add(request=ranked, supplier=alices_firm, by=buyer)
    [invitation] = services.quote_invite(request=ranked, suppliers=[alices_firm], by=buyer)
    data = {"unit_price": 1, "currency": "VND", "lead_time_days": 1, "valid_until": TODAY}
    quotation = services.quotation_submit(invitation=invitation, data=data)
    client.force_login(rival)
    assert ids(client.get(api("invitation-list"))) == [] and ids(client.get(api("quotation-list"))) == []
    assert client.get(api("quotation-detail", quotation.pk)).status_code == 404
    refused = client.post(
        api("invitation-list"),
        {"request": ranked.pk, "suppliers": [alices_firm.pk]},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "request" in refused.json()


def test_a_supplier_says_it_is_interested_through_the_api(client, alice, buyer, charlie, ranked, alices_firm):
    client.force_login(alice)
    response = client.post(
        api("part-request-interest", ranked.pk), {"note": "Quan tâm"}, content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["note"] == "Quan tâm"
    assert (
        client.get(api("part-request-interests", ranked.pk)).status_code == 403
    )  # not the competitors' list
    client.force_login(buyer)
    [row] = client.get(api("part-request-interests", ranked.pk)).json()
    assert row["supplier"]["id"] == alices_firm.pk
    client.force_login(alice)
    assert client.delete(api("part-request-interest", ranked.pk)).status_code == 204
    assert not SupplierInterest.objects.exists()


def test_the_schema_describes_the_interests_list_as_the_plain_list_it_is():
    """Schemathesis once found the schema promising a paginated page here (the action paginates not)."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    answer = schema["paths"]["/api/v1/part-requests/{id}/interests/"]["get"]["responses"]["200"]
    assert answer["content"]["application/json"]["schema"]["type"] == "array"


def test_the_lists_run_a_bounded_number_of_queries(
    client, buyer, ranked, alices_firm, charlies_firm, django_assert_max_num_queries
):
    for profile in (alices_firm, charlies_firm):
        services.shortlist_add(request=ranked, supplier=profile, by=buyer)
    for invitation in services.quote_invite(request=ranked, suppliers=[alices_firm, charlies_firm], by=buyer):
        data = {"unit_price": 1, "currency": "VND", "lead_time_days": 1, "valid_until": TODAY}
        services.quotation_submit(invitation=invitation, data=data)
    client.force_login(buyer)
    for name in ("shortlist-entry-list", "invitation-list", "quotation-list"):
        with django_assert_max_num_queries(12):  # a query per row would grow with the rows
            assert len(ids(client.get(api(name)))) == 2


@pytest.mark.parametrize("value", ["99999999999999999999", "-4.2e+203", "1.5"])
def test_an_impossible_request_id_in_a_filter_is_a_400_or_nothing_never_a_500(client, buyer, value):
    client.force_login(buyer)
    for name in ("shortlist-entry-list", "invitation-list", "quotation-list"):
        response = client.get(api(name), {"request": value})
        assert response.status_code in (200, 400)
        assert response.status_code == 400 or response.json()["results"] == []
