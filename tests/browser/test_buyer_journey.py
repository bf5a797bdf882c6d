"""An OEM buyer's day, end to end in Chromium, in the default Vietnamese interface:
sign in → create and publish a request with a drawing → see ranked suppliers with reasons →
shortlist three → compare them → invite two to quote → one supplier signs in, opens the
invitation and quotes → the buyer sees the quotation and exports the comparison.

The ranking is computed by the recompute the publish marks: eagerly in the embedded run; in the
services run a real worker is not started here, so the test serves the marks itself (the same
service the worker task calls), which keeps the journey about the pages, not the queue.
"""

import datetime
import io
import re

import openpyxl
import pytest
from django.utils import timezone

from matching import services
from matching.models import PartRequest, Quotation, QuoteInvitation
from portal.models import Province, Term
from tests.browser.conftest import sign_in as sign_in_with_code
from tests.factories import OrganisationFactory
from tests.matching.test_request_views import verified_supplier

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def sign_in(page, url: str, email: str) -> None:
    sign_in_with_code(page, url, email)
    assert page.get_by_test_id("signed-in-as").inner_text() == email


def test_a_buyer_sources_a_part_and_a_supplier_quotes(
    page, chromium, live_server, buyer, alice, firm, tmp_path
):
    url = live_server.url
    alices = verified_supplier(firm, certifications=("iatf-16949",))
    others = [
        verified_supplier(OrganisationFactory(name=name), certifications=("iatf-16949",))
        for name in ("Công ty TNHH Dập Chu Lai", "Công ty CP Cơ khí Tam Hiệp")
    ]
    drawing = tmp_path / "ban-ve-gia-do.pdf"
    drawing.write_bytes(PDF)

    # The buyer creates and publishes a request with a drawing.
    sign_in(page, url, buyer.email)
    page.goto(url + "/requests/new/")
    page.fill("[name=title]", "Giá đỡ ắc quy xe tải")
    page.select_option("[name=required_processes]", str(Term.objects.get(kind="process", code="stamping").pk))
    page.check(f"[name=required_certifications][value='{Term.objects.get(code='iatf-16949').pk}']")
    page.fill("[name=annual_volume]", "24000")
    page.select_option("[name=delivery_province]", str(Province.objects.get(code="48").pk))
    page.fill("[name=needed_by]", (timezone.localdate() + datetime.timedelta(days=90)).isoformat())
    page.set_input_files("[name=documents]", str(drawing))
    page.locator("main form button.btn-primary[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/requests/\d+/$"))
    part_request = PartRequest.objects.get(title="Giá đỡ ắc quy xe tải")
    assert part_request.documents.get().original_name == "ban-ve-gia-do.pdf"
    page.get_by_test_id("publish").click()
    page.wait_for_load_state()
    services.recompute_marked_until_done(quiet=datetime.timedelta(0))

    # Ranked suppliers with their reasons; shortlist all three.
    page.reload()
    assert page.get_by_test_id("match").count() == 3
    assert page.get_by_test_id("reason").count() == 3 * 9
    for _ in range(3):
        page.get_by_test_id("shortlist-add").first.click()
        page.wait_for_load_state()
    assert page.get_by_test_id("on-shortlist").count() == 3

    # Compare them, then invite two to quote.
    page.get_by_test_id("shortlist-link").click()
    for check in page.get_by_test_id("compare-check").all():
        check.check()
    page.get_by_test_id("compare-selected").click()
    page.wait_for_url(re.compile(r"/compare/"))
    assert page.get_by_test_id("compared").count() == 3
    page.go_back()
    page.wait_for_load_state()
    for profile in (alices, others[0]):
        page.locator(f"[data-testid=invite-check][value='{profile.pk}']").check()
    page.fill("#invite-message", "Xin báo giá trước cuối tháng")
    page.get_by_test_id("invite-selected").click()
    page.wait_for_load_state()
    assert QuoteInvitation.objects.filter(request=part_request).count() == 2

    # Alice's firm sees the invitation, opens the drawing's request and quotes.
    supplier_page = chromium.new_context(locale="en-US").new_page()
    supplier_page.set_default_timeout(15_000)
    sign_in(supplier_page, url, alice.email)
    assert "Lời mời báo giá (1)" in supplier_page.get_by_test_id("nav-items").inner_text()
    supplier_page.goto(url + "/requests/invitations/")
    supplier_page.get_by_test_id("inbox-item").first.click()
    assert "Xin báo giá trước cuối tháng" in supplier_page.content()
    supplier_page.fill("[name=unit_price]", "18500")
    supplier_page.fill("[name=lead_time_days]", "21")
    supplier_page.fill("[name=valid_until]", (timezone.localdate() + datetime.timedelta(days=45)).isoformat())
    supplier_page.get_by_test_id("send-quotation").click()
    supplier_page.wait_for_load_state()
    assert Quotation.objects.get().unit_price == 18500
    supplier_page.context.close()

    # The buyer sees the quotation and exports the comparison.
    page.reload()
    assert "18500 VND" in page.get_by_test_id("quotation").first.inner_text()
    for check in page.get_by_test_id("compare-check").all():
        check.check()
    page.get_by_test_id("compare-selected").click()
    page.wait_for_url(re.compile(r"/compare/"))
    with page.expect_download() as download_info:
        page.get_by_test_id("compare-xlsx").click()
    with open(download_info.value.path(), "rb") as downloaded:  # a temporary name without ".xlsx"
        workbook = openpyxl.load_workbook(io.BytesIO(downloaded.read()))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert len(rows) == 4 and "Đơn giá" in rows[0]
    prices = [row[rows[0].index("Đơn giá")] for row in rows[1:]]
    assert 18500 in [float(p) for p in prices if p not in (None, "")]
