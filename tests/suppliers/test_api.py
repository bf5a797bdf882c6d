"""The supplier API: who sees which firms, private parts, filters, the firm's own edits, queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.models import Province, Sector, Term
from suppliers.api import private_viewer
from suppliers.models import Certificate, Cluster, ClusterMember, ProcessCapability, SupplierProfile
from suppliers.permissions import can_view_private
from suppliers.services import supplier_profile_create, verification_set
from tests.factories import OrganisationFactory

LIST = reverse("suppliers_api:supplier-list")
ME = reverse("suppliers_api:supplier-me")
TODAY = timezone.localdate()


def detail(profile) -> str:
    return reverse("suppliers_api:supplier-detail", args=[profile.pk])


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def signed_in(client, user):
    client.force_login(user)
    return client


def term(kind: str, code: str) -> Term:
    return Term.objects.get(kind=kind, code=code)


def certify(profile, code: str, *, expires_on, issued_on=None) -> Certificate:
    return Certificate.objects.create(
        profile=profile, standard=term("certification", code), expires_on=expires_on, issued_on=issued_on
    )


def firm_in(province_code: str, name: str) -> SupplierProfile:
    organisation = OrganisationFactory(name=name, province=Province.objects.get(code=province_code))
    return supplier_profile_create(organisation=organisation)


# --- Who sees what ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", [LIST, ME])
def test_it_refuses_anonymous_callers(client, profile, url):
    assert client.get(url).status_code == 401


def test_it_refuses_anonymous_detail(client, profile):
    assert client.get(detail(profile)).status_code == 401


def test_a_buyer_lists_every_firm(client, buyer, profile, other_profile):
    assert ids(signed_in(client, buyer).get(LIST)) == {profile.pk, other_profile.pk}


def test_staff_list_every_firm(client, staff, profile, other_profile):
    assert ids(signed_in(client, staff).get(LIST)) == {profile.pk, other_profile.pk}


def test_a_buyer_and_staff_open_any_firm(client, buyer, staff, profile):
    for user in (buyer, staff):
        response = signed_in(client, user).get(detail(profile))
        assert response.status_code == 200
        assert response.json()["organisation"]["name"] == "Công ty TNHH Cơ khí Đông Á"


def test_a_supplier_lists_only_its_own_firm(client, alice, profile, other_profile):
    assert ids(signed_in(client, alice).get(LIST)) == {profile.pk}


def test_a_supplier_cannot_open_another_firm(client, alice, profile, other_profile):
    client = signed_in(client, alice)
    assert client.get(detail(other_profile)).status_code == 404
    assert client.get(detail(profile)).status_code == 200


def test_me_is_the_callers_own_firm(client, alice, charlie, profile, other_profile):
    assert signed_in(client, alice).get(ME).json()["id"] == profile.pk
    assert signed_in(client, charlie).get(ME).json()["id"] == other_profile.pk


def test_me_is_404_for_someone_without_a_firm_profile(client, buyer, staff, profile):
    assert signed_in(client, buyer).get(ME).status_code == 404
    assert signed_in(client, staff).get(ME).status_code == 404


@pytest.mark.parametrize("who", ["alice", "buyer", "staff"])
def test_there_is_no_write_endpoint_for_a_firm(client, request, profile, who):
    client = signed_in(client, request.getfixturevalue(who))
    response = client.patch(detail(profile), {"description": "x"}, content_type="application/json")
    assert response.status_code == 405
    profile.refresh_from_db()
    assert profile.description == ""


def test_anonymous_callers_cannot_patch_me(client, profile):
    assert client.patch(ME, {"description": "x"}, content_type="application/json").status_code == 401


# --- Private parts ---------------------------------------------------------------------------


@pytest.fixture
def private_profile(profile):
    SupplierProfile.objects.filter(pk=profile.pk).update(
        contact_name="Nguyễn Thị Lan",
        contact_email="lan@donga.vn",
        contacts_private=True,
        main_customers="THACO Industries\nVinFast",
        customers_private=True,
    )
    return profile


def test_private_contacts_and_customers_are_hidden_from_a_buyer(client, buyer, private_profile):
    client = signed_in(client, buyer)
    for row in (client.get(LIST).json()["results"][0], client.get(detail(private_profile)).json()):
        assert row["contacts"] is None
        assert row["main_customers"] is None


@pytest.mark.parametrize("who", ["alice", "bob", "staff"])
def test_private_contacts_are_shown_to_the_firm_and_staff(client, request, private_profile, who):
    client = signed_in(client, request.getfixturevalue(who))
    for row in (client.get(LIST).json()["results"][0], client.get(detail(private_profile)).json()):
        assert row["contacts"]["email"] == "lan@donga.vn"
        assert row["main_customers"] == ["THACO Industries", "VinFast"]


def test_contacts_the_firm_did_not_hide_are_shown_to_a_buyer(client, buyer, profile):
    SupplierProfile.objects.filter(pk=profile.pk).update(contact_email="sales@donga.vn")
    row = signed_in(client, buyer).get(detail(profile)).json()
    assert row["contacts"]["email"] == "sales@donga.vn"
    assert row["main_customers"] == []


@pytest.mark.parametrize("who", ["alice", "bob", "charlie", "buyer", "staff"])
def test_the_per_request_rule_agrees_with_can_view_private(request, profile, other_profile, who):
    user = request.getfixturevalue(who)
    rule = private_viewer(user)
    for firm_profile in (profile, other_profile):
        assert rule(firm_profile) == can_view_private(user, firm_profile)


# --- The representation ----------------------------------------------------------------------


def test_it_shows_capabilities_certificates_and_clusters(client, buyer, profile):
    ProcessCapability.objects.create(
        profile=profile,
        process=term("process", "die-casting"),
        monthly_capacity=20000,
        best_tolerance_mm="0.05",
    )
    profile.materials.add(term("material", "adc12"))
    certify(profile, "iatf-16949", expires_on=TODAY - datetime.timedelta(days=1))
    cluster = Cluster.objects.create(name="Cụm Chu Lai", province=Province.objects.get(code="48"))
    ClusterMember.objects.create(cluster=cluster, organisation=profile.organisation, role="tier2")
    row = signed_in(client, buyer).get(detail(profile)).json()
    assert row["organisation"]["province"]["code"] == "48"
    assert row["processes"][0]["process"] == "die-casting"
    assert row["processes"][0]["capacity_unit"] == "pcs"
    assert row["materials"] == ["adc12"]
    assert row["certificates"][0]["standard"] == "iatf-16949"
    assert row["certificates"][0]["is_valid_today"] is False
    assert row["clusters"] == [
        {"id": cluster.pk, "name": "Cụm Chu Lai", "name_en": "", "role": "tier2", "status": "active"}
    ]


# --- Filters ---------------------------------------------------------------------------------


def test_province_filter_matches_any_of_the_codes(client, buyer, profile):
    hcm = firm_in("79", "Công ty TNHH Nhựa Sài Gòn")
    hanoi = firm_in("01", "Công ty TNHH Điện tử Thăng Long")
    client = signed_in(client, buyer)
    assert ids(client.get(LIST, {"province": "79"})) == {hcm.pk}
    assert ids(client.get(f"{LIST}?province=48&province=79")) == {profile.pk, hcm.pk}
    assert hanoi.pk not in ids(client.get(f"{LIST}?province=48&province=79"))


def test_process_filter_takes_term_codes(client, buyer, profile, other_profile):
    ProcessCapability.objects.create(profile=profile, process=term("process", "die-casting"))
    ProcessCapability.objects.create(profile=other_profile, process=term("process", "stamping"))
    client = signed_in(client, buyer)
    assert ids(client.get(LIST, {"process": "die-casting"})) == {profile.pk}
    assert ids(client.get(f"{LIST}?process=die-casting&process=stamping")) == {profile.pk, other_profile.pk}


def test_material_and_sector_filters(client, buyer, profile, other_profile):
    profile.materials.add(term("material", "adc12"))
    other_profile.sectors.add(Sector.objects.get(code="electronics"))
    client = signed_in(client, buyer)
    assert ids(client.get(LIST, {"material": "adc12"})) == {profile.pk}
    assert ids(client.get(LIST, {"sector": "electronics"})) == {other_profile.pk}


def test_an_expired_certificate_does_not_match_and_a_valid_one_does(client, buyer, profile, other_profile):
    certify(profile, "iatf-16949", expires_on=TODAY - datetime.timedelta(days=1))
    certify(other_profile, "iatf-16949", expires_on=TODAY + datetime.timedelta(days=365))
    client = signed_in(client, buyer)
    assert ids(client.get(LIST, {"certification": "iatf-16949"})) == {other_profile.pk}


def test_certification_is_checked_on_the_valid_on_date(client, buyer, profile, other_profile):
    last_year = TODAY - datetime.timedelta(days=365)
    certify(profile, "iso-9001", issued_on=last_year - datetime.timedelta(days=30), expires_on=TODAY)
    certify(other_profile, "iso-9001", issued_on=TODAY, expires_on=TODAY + datetime.timedelta(days=900))
    client = signed_in(client, buyer)
    on = {"certification": "iso-9001", "valid_on": last_year.isoformat()}
    assert ids(client.get(LIST, on)) == {profile.pk}
    later = {"certification": "iso-9001", "valid_on": (TODAY + datetime.timedelta(days=1)).isoformat()}
    assert ids(client.get(LIST, later)) == {other_profile.pk}


def test_cluster_filter_counts_active_members_only(client, buyer, profile, other_profile):
    cluster = Cluster.objects.create(name="Cụm Chu Lai", province=Province.objects.get(code="48"))
    ClusterMember.objects.create(cluster=cluster, organisation=profile.organisation, role="tier1")
    ClusterMember.objects.create(
        cluster=cluster, organisation=other_profile.organisation, role="tier2", status="left"
    )
    assert ids(signed_in(client, buyer).get(LIST, {"cluster": cluster.pk})) == {profile.pk}


def test_verified_filter(client, buyer, staff, profile, other_profile):
    verification_set(profile=profile, status="verified", by=staff)
    client = signed_in(client, buyer)
    assert ids(client.get(LIST, {"verified": "true"})) == {profile.pk}
    assert ids(client.get(LIST, {"verified": "false"})) == {other_profile.pk}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"valid_on": "31/12/2025", "certification": "iso-9001"}, "valid_on"),
        ({"valid_on": "yesterday"}, "valid_on"),
        ({"verified": "maybe"}, "verified"),
        ({"province": "99"}, "province"),
        ({"process": "no-such-process"}, "process"),
        ({"certification": "iso-9999"}, "certification"),
        ({"cluster": "abc"}, "cluster"),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_the_field(client, buyer, profile, params, field):
    response = signed_in(client, buyer).get(LIST, params)
    assert response.status_code == 400
    assert field in response.json()


def rich_firms(count: int, cluster: Cluster, start: int = 0) -> None:
    """Firms with a row of every kind the list shows, so any N+1 would show up."""
    for n in range(start, start + count):
        profile = firm_in("48", f"Công ty TNHH Cơ khí Số {n}")
        profile.sectors.add(Sector.objects.get(code="mechanical"))
        profile.materials.add(term("material", "adc12"), term("material", "pp"))
        profile.practices.add(term("practice", "5s"))
        ProcessCapability.objects.create(profile=profile, process=term("process", "die-casting"))
        ProcessCapability.objects.create(profile=profile, process=term("process", "cnc-milling"))
        certify(profile, "iso-9001", expires_on=TODAY + datetime.timedelta(days=100))
        profile.products.create(name="Vỏ hộp số")
        ClusterMember.objects.create(cluster=cluster, organisation=profile.organisation, role="tier2")


def test_the_list_runs_a_bounded_number_of_queries(client, buyer, django_assert_max_num_queries):
    cluster = Cluster.objects.create(name="Cụm Chu Lai", province=Province.objects.get(code="48"))
    client = signed_in(client, buyer)
    params = {"province": "48", "certification": "iso-9001"}
    rich_firms(2, cluster)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST, params)
    rich_firms(18, cluster, start=2)
    with django_assert_max_num_queries(16), CaptureQueriesContext(connection) as many:
        response = client.get(LIST, params)
    assert len(response.json()["results"]) == 20
    assert len(many) == len(few)


# --- PATCH /me -------------------------------------------------------------------------------


def patch_me(client, user, body):
    return signed_in(client, user).patch(ME, body, content_type="application/json")


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_any_member_updates_the_firms_profile_and_its_search_document(client, request, profile, who):
    body = {
        "description": "Chế tạo khuôn dập liên hoàn",
        "founded_year": 2008,
        "employees_band": "50-199",
        "main_customers": ["THACO Industries", "VinFast"],
        "materials": ["adc12", "a6061"],
        "sectors": ["mechanical"],
    }
    response = patch_me(client, request.getfixturevalue(who), body)
    assert response.status_code == 200, response.content
    assert response.json()["main_customers"] == ["THACO Industries", "VinFast"]
    profile.refresh_from_db()
    assert profile.founded_year == 2008
    assert profile.main_customers == "THACO Industries\nVinFast"
    assert set(profile.materials.values_list("code", flat=True)) == {"adc12", "a6061"}
    assert "khuon dap lien hoan" in profile.search_document
    assert "adc12" in profile.search_document


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("verification_status", "verified"),
        ("verification_reason", ""),
        ("verified_at", "2025-01-01T00:00:00Z"),
        ("organisation", 1),
        ("tax_code", "4001234569"),
        ("id", 99),
    ],
)
def test_fields_the_firm_may_not_set_are_rejected(client, alice, profile, field, value):
    response = patch_me(client, alice, {field: value, "description": "Cơ khí"})
    assert response.status_code == 400
    assert field in response.json()
    profile.refresh_from_db()
    assert profile.verification_status == SupplierProfile.Verification.PENDING
    assert profile.description == ""


@pytest.mark.parametrize("year", ["abc", 1800, TODAY.year + 1])
def test_a_bad_founded_year_is_a_400(client, alice, profile, year):
    response = patch_me(client, alice, {"founded_year": year})
    assert response.status_code == 400
    assert "founded_year" in response.json()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("employees_band", "lots"),
        ("contact_email", "not-an-address"),
        ("materials", ["no-such-material"]),
        ("materials", ["stamping"]),  # a process, not a material
        ("sectors", ["space"]),
        ("spare_capacity_percent", 150),
        ("main_customers", "THACO"),  # a list is expected
        ("contact_phone", "0" * 31),
    ],
)
def test_bad_values_are_a_400_naming_the_field(client, alice, profile, field, value):
    response = patch_me(client, alice, {field: value})
    assert response.status_code == 400
    assert field in response.json()


def test_a_user_without_a_firm_cannot_patch_me(client, buyer, profile):
    assert patch_me(client, buyer, {"description": "x"}).status_code == 404
