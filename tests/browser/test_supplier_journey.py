"""A new supplier firm, end to end in Chromium, in the default Vietnamese interface:
register → verify the e-mail → fill the profile (a process, a material, a certificate with a
PDF scan) → a Sở Công Thương official verifies the firm in the admin → the profile shows verified.
"""

import re
from urllib.parse import urlsplit

import pytest

from portal.models import Province, Term
from suppliers.models import Certificate, SupplierProfile
from tests.browser.conftest import pass_second_factor, set_up_authenticator
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PASSWORD = "mat-khau-cua-xuong-co-khi"


def submit(page):
    """The form's own submit button (not the navigation's sign-out or language buttons)."""
    page.locator("main form button.btn-primary[type=submit]").first.click()


def test_a_firm_registers_fills_its_profile_and_is_verified_by_staff(
    page, live_server, staff, mailoutbox, tmp_path
):
    url = live_server.url
    page.goto(url + "/suppliers/register/")
    page.fill("[name=tax_code]", "4001234569")
    page.fill("[name=name]", "Công ty TNHH Cơ khí Tam Kỳ")
    page.select_option("[name=province]", str(Province.objects.get(code="48").pk))
    page.fill("[name=first_name]", "Mai")
    page.fill("[name=last_name]", "Phan Thị")
    page.fill("[name=position]", "Giám đốc")
    page.fill("[name=email]", "mai@tamky.vn")
    page.fill("[name=phone]", "0905 123 456")
    page.fill("[name=password1]", PASSWORD)
    page.fill("[name=password2]", PASSWORD)
    submit(page)
    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mailoutbox[-1].body).group(0)
    page.goto(url + urlsplit(link).path)
    submit(page)
    page.goto(url + "/accounts/login/")
    page.fill("[name=login]", "mai@tamky.vn")
    page.fill("[name=password]", PASSWORD)
    submit(page)
    # Mai administers her firm: the portal asks her to set up an authenticator app first.
    set_up_authenticator(page, PASSWORD)
    assert page.get_by_test_id("signed-in-as").inner_text() == "mai@tamky.vn"

    stamping = Term.objects.get(kind="process", code="stamping")
    steel = Term.objects.get(kind="material", code="cold-rolled-steel")
    page.goto(url + "/suppliers/profile/processes/")
    page.select_option("[name=processes-0-process]", str(stamping.pk))
    page.fill("[name=processes-0-monthly_capacity]", "12000")
    page.fill("[name=processes-0-best_tolerance_mm]", "0.05")
    page.check(f"input[name=materials][value='{steel.pk}']")
    submit(page)
    page.wait_for_load_state()

    scan = tmp_path / "iso-9001.pdf"
    scan.write_bytes(PDF)
    page.goto(url + "/suppliers/profile/certificates/")
    page.select_option("[name=certificates-0-standard]", str(Term.objects.get(code="iso-9001").pk))
    page.fill("[name=certificates-0-number]", "VN-QMS-2026-118")
    page.fill("[name=certificates-0-issuing_body]", "QUACERT")
    page.fill("[name=certificates-0-issued_on]", "2025-03-01")
    page.fill("[name=certificates-0-expires_on]", "2028-02-28")
    page.set_input_files("[name=certificates-0-scan]", str(scan))
    submit(page)
    page.wait_for_load_state()

    profile = SupplierProfile.objects.get(organisation__tax_code="4001234569")
    assert profile.processes.get().process == stamping
    assert list(profile.materials.all()) == [steel]
    certificate = Certificate.objects.get(profile=profile)
    assert certificate.document.original_name == "iso-9001.pdf"
    page.goto(url + f"/suppliers/{profile.pk}/")
    assert page.get_by_test_id("verification").get_attribute("data-status") == "pending"

    page.get_by_role("button", name="Đăng xuất").click()
    page.goto(url + "/admin/")  # the admin signs in through the portal's form, with the second factor
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.fill("[name=login]", staff.email)
    page.fill("[name=password]", TEST_PASSWORD)
    submit(page)
    pass_second_factor(page)
    page.wait_for_url(url + "/admin/")
    page.goto(url + "/admin/suppliers/supplierprofile/")
    page.check(f"input[name=_selected_action][value='{profile.pk}']")
    page.select_option("select[name=action]", "mark_verified")
    page.locator("button[name=index]").click()
    page.wait_for_load_state()

    page.goto(url + f"/suppliers/{profile.pk}/")
    assert page.get_by_test_id("verification").get_attribute("data-status") == "verified"
    assert profile.history.first().history_user == staff
