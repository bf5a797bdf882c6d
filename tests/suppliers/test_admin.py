"""The staff side in the Django admin: firms' list, verification actions, import and export."""

import datetime
import io
from pathlib import Path

import pytest
import tablib
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portal.models import Organisation, Province, Sector, Term
from suppliers.models import (
    Certificate,
    Cluster,
    ClusterMember,
    Document,
    PossibleDuplicate,
    ProcessCapability,
    SupplierProfile,
)
from suppliers.services import profile_changed, supplier_profile_create, verification_set
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
CHANGELIST = "admin:suppliers_supplierprofile_changelist"
IMPORT = "admin:suppliers_supplierprofile_import"


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def make_profile(name: str, *, province: str = "48", processes=(), certificates=(), status=None, **org):
    """A supplier firm with processes (term codes) and certificates ((code, expiry) pairs)."""
    organisation = OrganisationFactory(name=name, province=Province.objects.get(code=province), **org)
    profile = supplier_profile_create(organisation=organisation)
    for code in processes:
        ProcessCapability.objects.create(profile=profile, process=Term.objects.processes().get(code=code))
    for code, expires_on in certificates:
        standard = Term.objects.certifications().get(code=code)
        Certificate.objects.create(profile=profile, standard=standard, expires_on=expires_on)
    if status:
        verification_set(profile=profile, status=status)
    profile_changed(profile)
    return profile


def listed(response) -> set[str]:
    """Names of the firms on a changelist page."""
    return {str(profile) for profile in response.context["cl"].result_list}


def run_action(client, action: str, profiles, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [p.pk for p in profiles], **extra}
    if "apply" not in extra:
        data["index"] = 0
    return client.post(reverse(CHANGELIST), data)


# --- The list of firms -----------------------------------------------------------------------


def test_staff_can_filter_the_firms_by_each_filter(staff_client, profile):
    today = timezone.localdate()
    stamper = make_profile(
        "Công ty TNHH Dập Chu Lai",
        processes=["stamping"],
        certificates=[("iatf-16949", today + datetime.timedelta(days=30))],
        status=SupplierProfile.Verification.VERIFIED,
    )
    expired = make_profile(
        "Công ty TNHH Hà Nội Cũ",
        province="01",
        certificates=[("iatf-16949", today - datetime.timedelta(days=1))],
    )
    stamper.sectors.add(Sector.objects.get(code="automotive"))
    cluster = Cluster.objects.create(name="Cụm CNHT Chu Lai", province=Province.objects.get(code="48"))
    ClusterMember.objects.create(cluster=cluster, organisation=stamper.organisation, role="tier2")
    stamping = Term.objects.processes().get(code="stamping")
    iatf = Term.objects.certifications().get(code="iatf-16949")
    hanoi = Province.objects.get(code="01")
    automotive = Sector.objects.get(code="automotive")

    expectations = {
        f"organisation__province__id__exact={hanoi.pk}": {str(expired)},
        f"sectors__id__exact={automotive.pk}": {str(stamper)},
        f"process={stamping.pk}": {str(stamper)},
        f"certification={iatf.pk}": {str(stamper)},  # the expired IATF certificate does not count
        "verification_status__exact=pending": {str(profile), str(expired)},
        f"cluster={cluster.pk}": {str(stamper)},  # the only cluster: the filter still shows
    }
    for query, expected in expectations.items():
        response = staff_client.get(f"{reverse(CHANGELIST)}?{query}")
        assert response.status_code == 200, query
        assert listed(response) == expected, query


def test_search_ignores_diacritics_and_keeps_the_filters(staff_client, profile):
    verified = make_profile("Công ty Cổ phần Cơ khí Đông Anh", status=SupplierProfile.Verification.VERIFIED)

    response = staff_client.get(reverse(CHANGELIST), {"q": "co khi dong a"})
    assert "Công ty TNHH Cơ khí Đông Á" in response.content.decode()
    assert str(profile) in listed(response)

    response = staff_client.get(
        reverse(CHANGELIST), {"q": "co khi dong", "verification_status__exact": "verified"}
    )
    assert listed(response) == {str(verified)}


def test_search_finds_a_tax_code_typed_with_separators(staff_client):
    branch = make_profile("Chi nhánh Cơ khí Núi Thành", tax_code="4001234569001")
    make_profile("Công ty TNHH Khác", tax_code="0401333334")

    response = staff_client.get(reverse(CHANGELIST), {"q": "4001234569-001"})

    assert listed(response) == {str(branch)}


def test_the_list_of_30_firms_runs_a_bounded_number_of_queries(staff_client, django_assert_max_num_queries):
    for number in range(30):
        make_profile(f"Công ty TNHH Cơ khí Số {number}", processes=["stamping", "welding"])
    staff_client.get(reverse(CHANGELIST))  # warm the session and permission caches

    with django_assert_max_num_queries(18):  # 16 today, whatever the number of firms
        response = staff_client.get(reverse(CHANGELIST))

    assert len(response.context["cl"].result_list) == 30


def test_a_firm_user_cannot_reach_the_admin(client, alice, profile):
    client.force_login(alice)

    for url in (
        reverse(CHANGELIST),
        reverse(IMPORT),
        reverse("admin:suppliers_supplierprofile_change", args=[profile.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


def test_the_change_page_opens_with_its_inlines_and_read_only_verification(staff_client, profile):
    make_profile("Công ty TNHH Dập", processes=["stamping"])
    response = staff_client.get(reverse("admin:suppliers_supplierprofile_change", args=[profile.pk]))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "verification_status" not in form.fields
    assert "verification_reason" not in form.fields


# --- Verification actions --------------------------------------------------------------------


def test_bulk_verify_sets_the_status_and_records_the_staff_user_in_history(
    staff_client, staff, profile, other_profile
):
    response = run_action(staff_client, "mark_verified", [profile, other_profile])

    assert response.status_code == 302
    for firm_profile in (profile, other_profile):
        firm_profile.refresh_from_db()
        assert firm_profile.verification_status == SupplierProfile.Verification.VERIFIED
        assert firm_profile.verified_at is not None
        latest = firm_profile.history.latest("history_date")
        assert latest.verification_status == SupplierProfile.Verification.VERIFIED
        assert latest.history_user == staff


def test_suspend_asks_for_a_reason_and_stores_it(staff_client, staff, profile):
    page = run_action(staff_client, "suspend", [profile])
    assert page.status_code == 200
    assert "admin/suppliers/supplierprofile/suspend.html" in [t.name for t in page.templates]

    refused = run_action(staff_client, "suspend", [profile], apply="1", reason="   ")
    assert refused.status_code == 200
    assert "reason" in refused.context["form"].errors
    profile.refresh_from_db()
    assert profile.verification_status == SupplierProfile.Verification.PENDING

    done = run_action(staff_client, "suspend", [profile], apply="1", reason="Giấy phép kinh doanh hết hạn.")
    assert done.status_code == 302
    profile.refresh_from_db()
    assert profile.verification_status == SupplierProfile.Verification.SUSPENDED
    assert profile.verification_reason == "Giấy phép kinh doanh hết hạn."
    assert profile.history.latest("history_date").history_user == staff


def test_the_history_page_shows_who_changed_the_verification(client, staff, profile):
    client.force_login(staff)  # in Vietnamese, the default language
    run_action(client, "suspend", [profile], apply="1", reason="Thiếu hồ sơ năng lực.")

    response = client.get(reverse("admin:suppliers_supplierprofile_history", args=[profile.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert staff.email in html or str(staff) in html
    assert "Thiếu hồ sơ năng lực." in html


def test_back_to_pending_clears_the_reason(staff_client, profile):
    verification_set(profile=profile, status=SupplierProfile.Verification.SUSPENDED, reason="Thiếu hồ sơ.")

    run_action(staff_client, "back_to_pending", [profile])

    profile.refresh_from_db()
    assert profile.verification_status == SupplierProfile.Verification.PENDING
    assert profile.verification_reason == ""


def test_staff_without_change_permission_see_no_verification_actions(client, profile):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_supplierprofile"))
    client.force_login(viewer)

    response = client.get(reverse(CHANGELIST))
    choices = {name for name, _label in response.context["action_form"].fields["action"].choices}
    assert "export_xlsx" in choices
    assert not {"mark_verified", "suspend", "back_to_pending"} & choices

    run_action(client, "mark_verified", [profile])
    profile.refresh_from_db()
    assert profile.verification_status == SupplierProfile.Verification.PENDING


# --- Import and export -----------------------------------------------------------------------


def upload(client, path: Path, name: str | None = None):
    content = path.read_bytes()
    return client.post(reverse(IMPORT), {"file": SimpleUploadedFile(name or path.name, content)})


def test_the_changelist_links_to_the_import(staff_client):
    response = staff_client.get(reverse(CHANGELIST))
    assert f'href="{reverse(IMPORT)}"' in response.content.decode()


def test_the_import_preview_lists_every_bad_row_and_offers_no_confirmation(staff_client, media_root):
    before = Organisation.objects.count()

    response = upload(staff_client, DATA / "bad_rows.csv")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="bad-row" data-row="3"' in html
    assert 'data-testid="bad-row" data-row="5"' in html
    assert "Unknown process “xyz”." in html
    assert 'data-testid="confirm-import"' not in html
    assert Organisation.objects.count() == before


def test_the_import_preview_then_confirm_creates_the_firms_and_flags_duplicates(
    staff_client, staff, media_root
):
    existing = OrganisationFactory(name="Công ty TNHH Tên Cũ", tax_code="0401222225")

    preview = upload(staff_client, DATA / "good_firms.csv")
    html = preview.content.decode()
    assert 'data-testid="new-row" data-row="2"' in html
    assert 'data-testid="duplicate-row" data-row="3"' in html
    assert 'data-testid="confirm-import"' in html
    assert not Organisation.objects.filter(tax_code="0401111116").exists()

    confirmed = staff_client.post(reverse(IMPORT), {"confirm": "1"})

    assert confirmed.status_code == 302
    assert confirmed["Location"] == reverse(CHANGELIST)
    created = SupplierProfile.objects.get(organisation__tax_code="0401111116")
    assert created.history.earliest("history_date").history_user == staff
    assert PossibleDuplicate.objects.get().existing == existing
    assert not list(Path(media_root).rglob("*.csv"))  # the waiting upload is removed

    again = staff_client.post(reverse(IMPORT), {"confirm": "1"})  # nothing waits any more
    assert again.status_code == 302
    assert again["Location"] == reverse(IMPORT)
    assert SupplierProfile.objects.filter(organisation__tax_code="0401111116").count() == 1


def test_the_import_page_refuses_other_file_types(staff_client, media_root):
    response = staff_client.post(reverse(IMPORT), {"file": SimpleUploadedFile("firms.pdf", b"%PDF-1.4")})

    assert response.status_code == 200
    assert "file" in response.context["form"].errors


def test_export_follows_the_filters_and_opens_in_excel(staff_client, profile):
    verified = make_profile(
        "Công ty TNHH Dập Chu Lai",
        processes=["stamping"],
        status=SupplierProfile.Verification.VERIFIED,
        tax_code="0401111116",
    )
    url = reverse("admin:suppliers_supplierprofile_export", args=["csv"])

    response = staff_client.get(url, {"verification_status__exact": "verified"})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = tablib.Dataset().load(response.content.decode("utf-8-sig"), format="csv")
    assert rows["Tên doanh nghiệp"] == [str(verified)]
    assert rows["Công nghệ"] == ["Dập"]


def test_the_export_action_exports_the_selected_firms_as_xlsx(staff_client, profile, other_profile):
    response = run_action(staff_client, "export_xlsx", [other_profile])

    assert response.status_code == 200
    rows = tablib.Dataset().load(io.BytesIO(response.content), format="xlsx")
    assert rows["Tên doanh nghiệp"] == [str(other_profile)]


def test_an_unknown_export_format_is_not_found(staff_client):
    url = reverse("admin:suppliers_supplierprofile_export", args=["pdf"])
    assert staff_client.get(url).status_code == 404


# --- The other admin pages -------------------------------------------------------------------


def test_the_certificate_list_filters_expired_certificates(staff_client):
    today = timezone.localdate()
    make_profile(
        "Công ty TNHH Chứng Nhận",
        certificates=[("iso-9001", today - datetime.timedelta(days=1)), ("iatf-16949", today)],
    )
    url = reverse("admin:suppliers_certificate_changelist")

    expired = staff_client.get(url, {"expired": "yes"}).context["cl"].result_list
    current = staff_client.get(url, {"expired": "no"}).context["cl"].result_list

    assert [c.standard.code for c in expired] == ["iso-9001"]
    assert [c.standard.code for c in current] == ["iatf-16949"]


def test_the_cluster_page_shows_its_members_inline(staff_client, firm):
    cluster = Cluster.objects.create(name="Cụm CNHT Chu Lai", province=Province.objects.get(code="48"))
    ClusterMember.objects.create(cluster=cluster, organisation=firm, role="tier1", tier=1)

    response = staff_client.get(reverse("admin:suppliers_cluster_change", args=[cluster.pk]))

    assert response.status_code == 200
    assert firm.name in response.content.decode()
    assert staff_client.get(reverse("admin:suppliers_clustermember_changelist")).status_code == 200


def test_the_document_page_links_only_to_the_checked_download(staff_client, firm, media_root):
    document = Document(organisation=firm, original_name="iso.pdf", content_type="application/pdf", size=8)
    document.file.save("iso.pdf", SimpleUploadedFile("iso.pdf", b"%PDF-1.4"), save=False)
    document.save()

    response = staff_client.get(reverse("admin:suppliers_document_change", args=[document.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert document.file.name not in html  # no direct file URL
    assert reverse("suppliers:document_download", args=[document.pk]) in html


def test_possible_duplicates_can_be_filtered_and_marked_resolved(staff_client, firm):
    flagged = PossibleDuplicate.objects.create(
        existing=firm, reason=PossibleDuplicate.Reason.SAME_NAME_PROVINCE, row={"name": "CO KHI DONG A"}
    )
    url = reverse("admin:suppliers_possibleduplicate_changelist")
    assert list(staff_client.get(url, {"resolved__exact": "0"}).context["cl"].result_list) == [flagged]

    staff_client.post(url, {"action": "mark_resolved", ACTION_CHECKBOX_NAME: [flagged.pk], "index": 0})

    flagged.refresh_from_db()
    assert flagged.resolved
    assert list(staff_client.get(url, {"resolved__exact": "0"}).context["cl"].result_list) == []


def test_invitations_are_read_only_for_staff(staff_client, alice, firm):
    from suppliers.models import Invitation

    invitation = Invitation.objects.create(
        organisation=firm, email="new@donga.vn", token="t" * 40, invited_by=alice
    )

    response = staff_client.get(reverse("admin:suppliers_invitation_change", args=[invitation.pk]))

    assert response.status_code == 200
    assert "t" * 40 not in response.content.decode()  # the token is a secret
    assert not response.context["has_change_permission"]
