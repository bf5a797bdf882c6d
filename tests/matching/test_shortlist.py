"""Shortlists: the buyer keeps ranked suppliers for a request and moves them along the pipeline."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from matching import services
from matching.models import ShortlistEntry
from tests.factories import OrganisationFactory
from tests.matching.test_request_views import make_request, verified_supplier

pytestmark = pytest.mark.django_db


@pytest.fixture
def ranked(buyer):
    """An open request of the buyer's OEM with two ranked suppliers (one eligible)."""
    part_request = make_request(buyer, status="open")
    certified = verified_supplier(
        OrganisationFactory(name="Cơ khí Chuẩn IATF"), certifications=("iatf-16949",)
    )
    plain = verified_supplier(OrganisationFactory(name="Cơ khí Chưa IATF"))
    services.recompute_requests([part_request])
    return part_request, certified, plain


def url(name, part_request, *extra):
    return reverse(f"matching:{name}", args=[part_request.pk, *extra])


def test_the_buyer_shortlists_a_ranked_supplier_from_the_request_page(client, buyer, ranked):
    part_request, certified, _plain = ranked
    client.force_login(buyer)
    assert 'data-testid="shortlist-add"' in client.get(url("request_detail", part_request)).content.decode()
    client.post(url("shortlist_add", part_request), {"supplier": certified.pk})
    client.post(url("shortlist_add", part_request), {"supplier": certified.pk})  # twice: still one entry
    entry = ShortlistEntry.objects.get(request=part_request)
    assert entry.supplier == certified and entry.status == "shortlisted" and entry.added_by == buyer
    page = client.get(url("request_detail", part_request)).content.decode()
    assert page.count('data-testid="on-shortlist"') == 1
    shortlist = client.get(url("shortlist", part_request)).content.decode()
    assert "Cơ khí Chuẩn IATF" in shortlist and 'data-testid="shortlist-entry"' in shortlist


def test_only_a_ranked_supplier_can_be_shortlisted(client, buyer, ranked):
    part_request, _certified, _plain = ranked
    stranger = verified_supplier(OrganisationFactory(name="Cơ khí Chưa Xếp Hạng"))
    client.force_login(buyer)
    client.post(url("shortlist_add", part_request), {"supplier": stranger.pk})
    client.post(url("shortlist_add", part_request), {"supplier": "not-a-number"})
    assert not ShortlistEntry.objects.exists()


def test_the_pipeline_records_who_changed_what(client, buyer, ranked):
    part_request, certified, _plain = ranked
    entry = services.shortlist_add(request=part_request, supplier=certified, by=buyer)
    client.force_login(buyer)
    prefix = f"entry-{entry.pk}"
    client.post(
        url("shortlist_update", part_request, entry.pk),
        {
            f"{prefix}-status": "quotation",
            f"{prefix}-note": "Báo giá 12.500 đ/chiếc",
            f"{prefix}-rejection_reason": "",
        },
    )
    entry.refresh_from_db()
    assert entry.status == "quotation" and entry.note == "Báo giá 12.500 đ/chiếc"
    change = entry.history.order_by("-history_date").first()
    assert change.history_user == buyer and change.status == "quotation"
    assert "Báo giá đã nhận" in client.get(url("shortlist", part_request)).content.decode()


def test_a_rejection_without_reason_is_refused_and_keeps_the_input(client, buyer, ranked):
    part_request, certified, _plain = ranked
    entry = services.shortlist_add(request=part_request, supplier=certified, by=buyer)
    client.force_login(buyer)
    prefix = f"entry-{entry.pk}"
    data = {f"{prefix}-status": "rejected", f"{prefix}-note": "Giá cao", f"{prefix}-rejection_reason": " "}
    response = client.post(url("shortlist_update", part_request, entry.pk), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Giá cao" in page and 'data-testid="field-error"' in page
    entry.refresh_from_db()
    assert entry.status == "shortlisted"
    data[f"{prefix}-rejection_reason"] = "Không đạt PPAP"
    client.post(url("shortlist_update", part_request, entry.pk), data)
    entry.refresh_from_db()
    assert (entry.status, entry.rejection_reason) == ("rejected", "Không đạt PPAP")


def test_the_buyer_removes_a_supplier(client, buyer, ranked):
    part_request, certified, _plain = ranked
    entry = services.shortlist_add(request=part_request, supplier=certified, by=buyer)
    client.force_login(buyer)
    client.post(url("shortlist_remove", part_request, entry.pk))
    assert not ShortlistEntry.objects.exists()
    assert (
        "Cơ khí Chuẩn IATF" in client.get(url("shortlist", part_request)).content.decode()
    )  # in the changes


def test_an_entry_of_another_request_is_not_found_under_this_one(client, buyer, ranked):
    part_request, certified, _plain = ranked
    other = make_request(buyer, status="open")
    services.recompute_requests([other])
    entry = services.shortlist_add(request=other, supplier=certified, by=buyer)
    client.force_login(buyer)
    assert client.post(url("shortlist_remove", part_request, entry.pk)).status_code == 404
    assert ShortlistEntry.objects.filter(pk=entry.pk).exists()


def test_other_buyers_suppliers_and_staff(client, ranked, alice, staff, buyer):
    part_request, certified, _plain = ranked
    entry = services.shortlist_add(request=part_request, supplier=certified, by=buyer)
    rival = OrganisationFactory(name="OEM Đối Thủ", is_supplier=False, is_buyer=True)
    from tests.factories import MembershipFactory

    frank = MembershipFactory(organisation=rival, user__email="frank@rival.vn").user
    for outsider in (frank, alice):  # another buyer; a supplier (even a verified one)
        client.force_login(outsider)
        assert client.get(url("shortlist", part_request)).status_code == 404
        assert client.post(url("shortlist_remove", part_request, entry.pk)).status_code == 404
    client.force_login(staff)
    page = client.get(url("shortlist", part_request))
    assert page.status_code == 200 and 'data-testid="shortlist-save"' not in page.content.decode()
    assert client.post(url("shortlist_remove", part_request, entry.pk)).status_code == 403
    assert ShortlistEntry.objects.filter(pk=entry.pk).exists()


def test_a_draft_cannot_have_a_shortlist_yet(buyer):
    draft = make_request(buyer)
    profile = verified_supplier(OrganisationFactory(name="Cơ khí Sớm"))
    with pytest.raises(ValidationError):
        services.shortlist_add(request=draft, supplier=profile, by=buyer)


# --- Comparison and export ---------------------------------------------------------------------


def test_the_buyer_compares_ranked_suppliers_side_by_side(client, buyer, ranked):
    part_request, certified, plain = ranked
    services.shortlist_add(request=part_request, supplier=certified, by=buyer)
    stranger = verified_supplier(OrganisationFactory(name="Cơ khí Ngoài Danh Sách"))  # not ranked: ignored
    client.force_login(buyer)
    response = client.get(url("compare", part_request), {"supplier": [plain.pk, certified.pk, stranger.pk]})
    assert response.status_code == 200
    assert [row.profile.pk for row in response.context["rows"]] == [certified.pk, plain.pk]  # best first
    page = response.content.decode()
    assert page.count('data-testid="compared"') == 2
    assert "Thiếu IATF 16949" in page  # the near miss's gap, in Vietnamese
    assert "Đã chọn vào danh sách ngắn" in page  # the shortlist status of the certified one


def test_at_most_four_suppliers_are_compared(client, buyer, ranked):
    part_request, *_ = ranked
    extra = [verified_supplier(OrganisationFactory(name=f"Cơ khí So {i}")) for i in range(4)]
    services.recompute_requests([part_request])
    client.force_login(buyer)
    ids = [p.pk for p in extra] + [ranked[1].pk]
    response = client.get(url("compare", part_request), {"supplier": ids})
    assert len(response.context["rows"]) == 4


def test_the_shortlist_exports_to_xlsx_with_vietnamese_headers(client, buyer, ranked):
    import io

    import openpyxl

    part_request, certified, plain = ranked
    services.shortlist_add(request=part_request, supplier=certified, by=buyer)
    services.shortlist_add(request=part_request, supplier=plain, by=buyer)
    client.force_login(buyer)
    response = client.get(url("shortlist_export", part_request, "xlsx"))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Nhà cung ứng" and "Điểm (0–100)" in rows[0]
    assert [r[0] for r in rows[1:]] == ["Cơ khí Chuẩn IATF", "Cơ khí Chưa IATF"]
    assert "IATF 16949" in rows[1][rows[0].index("Chứng nhận còn hiệu lực (hạn)")]


def test_the_comparison_exports_to_csv_that_excel_reads_as_utf8(client, buyer, ranked):
    part_request, certified, plain = ranked
    client.force_login(buyer)
    response = client.get(url("compare_export", part_request, "csv"), {"supplier": [certified.pk, plain.pk]})
    assert response.content.startswith("\ufeff".encode())
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Nhà cung ứng,") and "Cơ khí Chưa IATF" in text
    assert client.get(url("compare_export", part_request, "pdf")).status_code == 404


def test_outsiders_cannot_compare_or_export(client, alice, ranked):
    part_request, certified, _plain = ranked
    client.force_login(alice)
    assert client.get(url("compare", part_request), {"supplier": certified.pk}).status_code == 404
    assert client.get(url("shortlist_export", part_request, "xlsx")).status_code == 404
