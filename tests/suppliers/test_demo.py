"""Demo supplier firms: deterministic, idempotent, realistic enough to demo search and matching."""

import time
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.utils import timezone

from portal import demo as portal_demo
from portal import reference_data
from portal.models import Organisation
from portal.mst import clean_tax_code
from portal.text import fold
from suppliers import demo, demo_catalogue
from suppliers.models import (
    Certificate,
    Cluster,
    ClusterMember,
    NamePrefix,
    ProcessCapability,
    SupplierProfile,
)
from suppliers.search import name_prefixes


def _load_all():
    portal_demo.load()
    return demo.load()


def _table_counts():
    return (
        Organisation.objects.count(),
        SupplierProfile.objects.count(),
        ProcessCapability.objects.count(),
        Certificate.objects.count(),
        ClusterMember.objects.count(),
        Cluster.objects.count(),
        SupplierProfile.history.count(),
    )


@pytest.fixture
def loaded(db):
    return _load_all()


def test_it_creates_about_two_hundred_firms(loaded):
    assert 180 <= loaded["profiles"] <= 230
    assert loaded["created"] == loaded["profiles"]


def test_loading_twice_creates_nothing_new(loaded):
    before = _table_counts()
    again = demo.load()
    assert _table_counts() == before
    assert again["created"] == 0
    assert {k: v for k, v in again.items() if k != "created"} == {
        k: v for k, v in loaded.items() if k != "created"
    }


def test_the_plan_is_the_same_every_time():
    today = timezone.localdate()
    first, second = demo.build_plan(today), demo.build_plan(today)
    assert [(p.tax_code, p.name, p.processes) for p in first] == [
        (p.tax_code, p.name, p.processes) for p in second
    ]


def test_every_tax_code_is_valid_and_unique(loaded):
    codes = list(SupplierProfile.objects.values_list("organisation__tax_code", flat=True))
    assert all(clean_tax_code(code) == code for code in codes)
    assert len(set(codes)) == len(codes)


def test_most_firms_are_in_da_nang(loaded):
    in_da_nang = SupplierProfile.objects.filter(organisation__province__code="48").count()
    assert in_da_nang >= 0.5 * loaded["profiles"]
    assert SupplierProfile.objects.exclude(organisation__province__code="48").exists()


def test_some_certificates_are_expired_and_most_valid(loaded):
    today = timezone.localdate()
    expired = Certificate.objects.filter(expires_on__lt=today).count()
    assert 0 < expired < Certificate.objects.valid_on(today).count()
    assert Certificate.objects.filter(standard__code="iatf-16949").exists()


def test_verification_is_mostly_verified_with_some_pending_and_suspended(loaded):
    assert loaded["pending"] >= 10
    assert 2 <= loaded["suspended"] <= 3
    assert loaded["verified"] > 0.8 * loaded["profiles"]
    suspended = SupplierProfile.objects.filter(verification_status="suspended")
    assert all(profile.verification_reason for profile in suspended)


def test_thaco_industries_anchors_the_chu_lai_cluster(loaded):
    cluster = Cluster.objects.get(name=demo.CLUSTER_NAME)
    assert cluster.province.code == "48"
    anchor = cluster.members.get(role=ClusterMember.Role.ANCHOR)
    assert anchor.organisation.tax_code == demo.demo_org_tax_code("buyer")
    suppliers = cluster.members.filter(role__in=["tier1", "tier2"])
    assert 30 <= suppliers.count() <= 45


def test_the_demo_login_firm_has_a_full_verified_profile(loaded):
    profile = SupplierProfile.objects.get(organisation__tax_code=demo.demo_org_tax_code("supplier"))
    assert profile.is_verified
    assert profile.processes.count() >= 4
    assert profile.certificates.count() == 3
    assert "tien" in profile.search_document  # profile_changed ran: "Tiện" (turning) is searchable


def test_capabilities_fit_the_trade(loaded):
    die_casters = SupplierProfile.objects.filter(organisation__name__contains="Đúc nhôm")
    plastics = SupplierProfile.objects.filter(organisation__name__contains="Nhựa Kỹ thuật")
    assert die_casters.exists() and plastics.exists()
    for profile in die_casters:
        assert profile.processes.filter(process__code="die-casting").exists()
        assert profile.materials.filter(code="adc12").exists()
    for profile in plastics:
        assert profile.processes.filter(process__code="injection-moulding").exists()
        assert set(profile.materials.values_list("code", flat=True)) >= {"pp", "abs"}


def test_every_profile_is_searchable(loaded):
    assert not SupplierProfile.objects.filter(search_document="").exists()
    profile = SupplierProfile.objects.filter(organisation__name__contains="Cơ khí Dập").first()
    assert fold("Dập") in profile.search_document


def test_every_code_in_the_catalogue_exists_in_the_reference_data():
    terms = {(kind, code) for kind, code, *_rest in reference_data.TERMS}
    sectors = {code for code, *_rest in reference_data.SECTORS}
    groups = {code for code, *_rest in reference_data.PRODUCT_GROUPS}
    vsic = {code for code, *_rest in reference_data.VSIC_CODES}
    for trade in demo_catalogue.TRADES:
        assert all(("process", cap.process) in terms for cap in (*trade.core, *trade.extra)), trade.key
        assert all(("material", code) in terms for code in trade.materials), trade.key
        assert all(("certification", code) in terms for code in trade.certificates), trade.key
        assert set(trade.sectors) <= sectors and trade.vsic in vsic, trade.key
        assert all(group in groups for *_names, group in trade.products), trade.key


def test_it_is_fast(db):
    portal_demo.load()
    started = time.monotonic()
    demo.load()
    assert time.monotonic() - started < 10


def test_the_command_loads_every_app_and_prints_the_supplier_counts(db, capsys):
    call_command("load_demo_data")
    printed = capsys.readouterr().out
    assert "supplier@demo.cnht.vn" in printed
    assert "Demo data (suppliers): profiles" in printed
    assert SupplierProfile.objects.count() >= 180


def test_every_demo_firm_has_its_search_copies(loaded):
    """Search reads the name and province copies and the name prefixes: the demo firms have them."""
    profiles = SupplierProfile.objects.select_related("organisation")
    prefixes = defaultdict(set)
    for profile_id, prefix in NamePrefix.objects.values_list("profile_id", "prefix"):
        prefixes[profile_id].add(prefix)
    assert profiles.count() == loaded["profiles"]
    for profile in profiles:
        organisation = profile.organisation
        assert (profile.name_search_key, profile.search_province_id) == (
            organisation.name_search_key,
            organisation.province_id,
        )
        assert prefixes[profile.pk] == name_prefixes(organisation.name_search_key), organisation.name
