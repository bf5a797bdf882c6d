"""A firm's profile page: who sees it, what stays private, certificates, spare capacity, completeness."""

import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone, translation

from portal.models import ProductGroup, Province, Sector, Term
from suppliers.models import (
    Certificate,
    Cluster,
    ClusterMember,
    Document,
    Equipment,
    ProcessCapability,
    Product,
)
from suppliers.selectors import SPARE_CAPACITY_FRESH_DAYS, profile_completeness, profile_detail
from suppliers.services import verification_set


@pytest.fixture(autouse=True)
def english_messages():
    """These tests read messages outside a request (lazy form errors, services): in English."""
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
CERTIFICATE_ADVICE = "Add a certificate that has not expired, such as ISO 9001."
PROCESS_ADVICE = "Add at least one process with its monthly capacity."
SPARE_CAPACITY_ADVICE = "Declare your spare capacity; a declaration older than 90 days no longer counts."


def term(kind: str, code: str) -> Term:
    return Term.objects.get(kind=kind, code=code)


def page(client, profile, user=None):
    if user is not None:
        client.force_login(user)
    client.cookies["django_language"] = "en"
    return client.get(reverse("suppliers:profile_detail", args=[profile.pk]))


def add_document(
    profile, *, title: str, is_private: bool = False, kind: str = Document.Kind.PHOTO
) -> Document:
    document = Document(
        organisation=profile.organisation,
        kind=kind,
        title=title,
        original_name=f"{title}.pdf",
        content_type="application/pdf",
        size=15,
        is_private=is_private,
    )
    document.file.save("x.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    document.save()
    return document


def add_certificate(profile, code: str, expires_on: datetime.date, **fields) -> Certificate:
    return Certificate.objects.create(
        profile=profile, standard=term("certification", code), expires_on=expires_on, **fields
    )


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def full_profile(profile):
    """Alice's firm with every section filled, contacts and customers private."""
    profile.description = "Dập và hàn chi tiết khung xe."
    profile.contact_name = "Nguyễn Văn An"
    profile.contact_email = "an@donga.vn"
    profile.contact_phone = "0235 3567 890"
    profile.contacts_private = True
    profile.main_customers = "THACO Industries"
    profile.export_markets = "Nhật Bản"
    profile.customers_private = True
    profile.employees_band = "50-199"
    profile.founded_year = 2008
    profile.spare_capacity_percent = 30
    profile.spare_capacity_as_of = TODAY - datetime.timedelta(days=42)
    profile.save()
    profile.sectors.add(Sector.objects.get(code="automotive"))
    profile.materials.add(term("material", "sus304"))
    ProcessCapability.objects.create(
        profile=profile, process=term("process", "stamping"), monthly_capacity=50000, best_tolerance_mm="0.05"
    )
    ProcessCapability.objects.create(profile=profile, process=term("process", "mig-mag-welding"))
    Equipment.objects.create(profile=profile, machine_type="Máy dập 200 tấn", count=4)
    Product.objects.create(
        profile=profile, name="Khung ghế", product_group=ProductGroup.objects.get(code="sheet-metal-welded")
    )
    add_certificate(profile, "iso-9001", TODAY + datetime.timedelta(days=300), number="VALID-1")
    add_certificate(profile, "iatf-16949", TODAY - datetime.timedelta(days=1), number="EXPIRED-1")
    add_document(profile, title="Ảnh xưởng dập")
    add_document(profile, title="Bảng giá nội bộ", is_private=True)
    cluster = Cluster.objects.create(name="Cụm CNHT Chu Lai", province=Province.objects.get(code="48"))
    ClusterMember.objects.create(cluster=cluster, organisation=profile.organisation, role="tier2")
    return profile


# --- Who sees the page --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"), [("alice", 200), ("bob", 200), ("buyer", 200), ("staff", 200), ("charlie", 404)]
)
def test_who_sees_the_profile_page(client, request, profile, who, status):
    assert page(client, profile, request.getfixturevalue(who)).status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(client, profile):
    response = page(client, profile)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_unknown_profile_is_a_404(client, alice, profile):
    client.force_login(alice)
    assert client.get(reverse("suppliers:profile_detail", args=[profile.pk + 1000])).status_code == 404


# --- Private parts ------------------------------------------------------------------------------


def test_a_buyer_does_not_see_private_contacts_customers_or_documents(client, buyer, full_profile):
    content = page(client, full_profile, buyer).content.decode()
    for secret in (
        "an@donga.vn",
        "0235 3567 890",
        "Nguyễn Văn An",
        "THACO Industries",
        "Nhật Bản",
        "Bảng giá nội bộ",
    ):
        assert secret not in content
    assert 'data-testid="contacts-private"' in content
    assert 'data-testid="customers-private"' in content
    assert "Ảnh xưởng dập" in content


@pytest.mark.parametrize("who", ["alice", "bob", "staff"])
def test_the_firm_and_staff_see_private_contacts_customers_and_documents(client, request, full_profile, who):
    content = page(client, full_profile, request.getfixturevalue(who)).content.decode()
    for secret in ("an@donga.vn", "0235 3567 890", "THACO Industries", "Nhật Bản", "Bảng giá nội bộ"):
        assert secret in content


def test_a_buyer_sees_contacts_and_customers_the_firm_did_not_hide(client, buyer, full_profile):
    full_profile.contacts_private = False
    full_profile.customers_private = False
    full_profile.save()
    content = page(client, full_profile, buyer).content.decode()
    assert "an@donga.vn" in content
    assert "THACO Industries" in content


def test_the_suspension_reason_is_shown_only_to_the_firm_and_staff(client, alice, buyer, staff, profile):
    verification_set(profile=profile, status="suspended", reason="Giấy phép kinh doanh đã hết hạn.", by=staff)
    for user, shown in ((alice, True), (staff, True), (buyer, False)):
        content = page(client, profile, user).content.decode()
        assert 'data-status="suspended"' in content
        assert ("Giấy phép kinh doanh đã hết hạn." in content) is shown


def test_the_verification_badge_follows_the_status(client, alice, staff, profile):
    assert 'data-testid="verification" data-status="pending"' in page(client, profile, alice).content.decode()
    verification_set(profile=profile, status="verified", by=staff)
    assert (
        'data-testid="verification" data-status="verified"' in page(client, profile, alice).content.decode()
    )


# --- What the page shows ------------------------------------------------------------------------


def test_the_page_shows_capabilities_grouped_by_process_group(client, buyer, full_profile):
    content = page(client, full_profile, buyer).content.decode()
    assert content.count('data-testid="process-row"') == 2
    assert re.search(r"Stamping</td>\s*<td>50000 pieces</td>\s*<td>± 0.05 mm", content)
    assert "Máy dập 200 tấn" in content
    assert "Khung ghế" in content
    assert ProductGroup.objects.get(code="sheet-metal-welded").name_en in content
    assert "Cụm CNHT Chu Lai — Tier-2 supplier (Active)" in content


def test_an_expired_certificate_is_shown_as_expired_never_as_valid(client, buyer, full_profile):
    content = page(client, full_profile, buyer).content.decode()
    rows = re.findall(r'<tr data-testid="certificate-row">.*?</tr>', content, re.S)
    statuses = {
        re.search(r"EXPIRED-1|VALID-1", row).group(0): re.search(r'data-status="([^"]+)"', row).group(1)
        for row in rows
    }
    assert statuses == {"VALID-1": "valid", "EXPIRED-1": "expired"}


def test_a_certificate_not_yet_issued_is_not_shown_as_valid(client, buyer, profile):
    add_certificate(
        profile,
        "iso-9001",
        TODAY + datetime.timedelta(days=900),
        issued_on=TODAY + datetime.timedelta(days=5),
    )
    assert 'data-status="not-yet-valid"' in page(client, profile, buyer).content.decode()


def test_spare_capacity_shows_its_date_and_age_in_days(client, buyer, full_profile):
    content = page(client, full_profile, buyer).content.decode()
    as_of = full_profile.spare_capacity_as_of.strftime("%d/%m/%Y")
    assert re.search(rf'data-testid="spare-capacity-age">\s*\(as of {as_of}, 42 days ago\)', content)


def test_spare_capacity_declared_today_says_today(client, buyer, profile):
    profile.spare_capacity_percent = 10
    profile.spare_capacity_as_of = TODAY
    profile.save()
    assert f"(as of {TODAY:%d/%m/%Y}, today)" in page(client, profile, buyer).content.decode()


def test_documents_link_to_the_download_view(client, buyer, full_profile):
    content = page(client, full_profile, buyer).content.decode()
    public = Document.objects.get(title="Ảnh xưởng dập")
    private = Document.objects.get(title="Bảng giá nội bộ")
    assert reverse("suppliers:document_download", args=[public.pk]) in content
    assert reverse("suppliers:document_download", args=[private.pk]) not in content


def test_the_page_runs_a_bounded_number_of_queries(
    client, buyer, full_profile, django_assert_max_num_queries
):
    page(client, full_profile, buyer)  # signs in: the login's own queries are not the page's
    with django_assert_max_num_queries(25) as small:
        page(client, full_profile)
    # Ten times the rows: still the same bound.
    for code in ("laser-cutting", "press-brake-bending", "rolling", "boring", "wire-edm", "plasma-cutting"):
        ProcessCapability.objects.create(
            profile=full_profile, process=term("process", code), monthly_capacity=1
        )
    for index in range(10):
        Product.objects.create(profile=full_profile, name=f"Chi tiết {index}")
        Equipment.objects.create(profile=full_profile, machine_type=f"Máy {index}")
        add_certificate(full_profile, "iso-14001", TODAY + datetime.timedelta(days=index), number=f"N{index}")
        add_document(full_profile, title=f"Tài liệu {index}")
    with django_assert_max_num_queries(25) as large:
        response = page(client, full_profile)
    assert response.content.decode().count('data-testid="certificate-row"') == 12
    assert len(large) == len(small)


# --- Completeness -------------------------------------------------------------------------------


def test_the_firms_own_members_see_completeness_and_what_to_add(client, alice, bob, buyer, profile):
    for member in (alice, bob):
        content = page(client, profile, member).content.decode()
        assert 'data-testid="completeness"' in content
        assert PROCESS_ADVICE in content
    assert 'data-testid="completeness"' not in page(client, profile, buyer).content.decode()


def test_an_empty_profile_is_0_percent_with_every_advice(profile):
    completeness = profile_completeness(profile_detail(profile.pk))
    assert completeness.percent == 0
    assert len(completeness.missing) == 12
    assert PROCESS_ADVICE in completeness.missing


def test_everything_filled_in_is_100_percent(full_profile):
    assert profile_completeness(profile_detail(full_profile.pk)) == profile_completeness(full_profile)
    assert profile_completeness(full_profile).percent == 100
    assert profile_completeness(full_profile).missing == []


def test_an_expired_certificate_does_not_count_towards_completeness(profile):
    add_certificate(profile, "iso-9001", TODAY - datetime.timedelta(days=1))
    assert CERTIFICATE_ADVICE in profile_completeness(profile).missing
    add_certificate(profile, "iso-14001", TODAY)
    assert CERTIFICATE_ADVICE not in profile_completeness(profile).missing


def test_a_process_without_capacity_does_not_count(profile):
    ProcessCapability.objects.create(profile=profile, process=term("process", "stamping"))
    assert PROCESS_ADVICE in profile_completeness(profile).missing


def test_spare_capacity_counts_for_90_days(profile):
    profile.spare_capacity_percent = 20
    profile.spare_capacity_as_of = TODAY - datetime.timedelta(days=SPARE_CAPACITY_FRESH_DAYS)
    assert SPARE_CAPACITY_ADVICE not in profile_completeness(profile, today=TODAY).missing
    later = TODAY + datetime.timedelta(days=1)
    assert SPARE_CAPACITY_ADVICE in profile_completeness(profile, today=later).missing


def test_a_certificate_scan_alone_is_not_the_photo_or_document_asked_for(profile):
    advice = "Upload a photo of your workshop, a brochure or another document."
    add_document(profile, title="scan", kind=Document.Kind.CERTIFICATE)
    assert advice in profile_completeness(profile).missing
    add_document(profile, title="brochure", kind=Document.Kind.BROCHURE)
    assert advice not in profile_completeness(profile).missing


def test_completeness_adds_no_query_to_a_prefetched_profile(full_profile, django_assert_num_queries):
    detailed = profile_detail(full_profile.pk)
    with django_assert_num_queries(0):
        profile_completeness(detailed)
