"""A first visit in a real browser: Vietnamese home, English on request, sign in, sign out."""

import pytest

from tests.browser.conftest import pass_second_factor
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_visitor_reads_vietnamese_switches_to_english_and_signs_in(page, live_server, alice, firm):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Nhà cung ứng")

    page.get_by_test_id("language-switcher").get_by_role("button", name="English").click()
    page.wait_for_url(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "en"

    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill("alice@donga.vn")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    pass_second_factor(page)  # alice administers her firm: her authenticator app's code
    assert page.get_by_test_id("signed-in-as").inner_text() == "alice@donga.vn"
    assert page.get_by_test_id("nav-items").get_by_role("link", name=firm.name).is_visible()

    page.get_by_role("button", name="Sign out").click()
    assert page.get_by_role("link", name="Sign in").is_visible()


def test_static_files_come_from_the_portal_itself(page, live_server):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_server.url + "/")
    assert any(url.endswith("bootstrap.min.css") for url in requested)
    assert all(url.startswith(live_server.url) for url in requested)
