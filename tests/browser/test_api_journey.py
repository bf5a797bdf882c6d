"""A firm member makes an API token in Chromium, a program uses it, the docs page works offline,
and signing out ends the token."""

import re

import pytest

from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ME = "/api/v1/suppliers/me/"


def test_a_member_makes_a_token_a_program_uses_it_and_signing_out_ends_it(page, live_server, bob, profile):
    sign_in(page, live_server.url, "bob@donga.vn")
    page.get_by_test_id("language-switcher").get_by_role("button", name="English").click()
    page.get_by_test_id("nav-api-tokens").click()
    page.wait_for_url(re.compile(r"/account/api-tokens/"))
    page.get_by_label("Token name").fill("ERP đồng bộ")
    page.get_by_label("Valid for").select_option("30")
    with page.expect_navigation():
        page.get_by_role("button", name="Make token").click()
    if "/accounts/reauthenticate/" in page.url:  # signed in a while ago: the password again,
        page.fill("[name=password]", TEST_PASSWORD)  # then allauth resumes the form's POST
        page.get_by_test_id("reauthenticate-submit").click()
    secret = page.get_by_test_id("token-secret").inner_text().strip()
    assert secret.startswith("cnht_")
    assert "ERP đồng bộ" in page.get_by_test_id("api-tokens").inner_text()

    # A program: a context of its own (no session cookie), only the token.
    api = page.context.browser.new_context().request
    answer = api.get(live_server.url + ME, headers={"Authorization": f"Token {secret}"})
    assert answer.status == 200 and answer.json()["organisation"]["id"] == profile.organisation_id
    assert api.get(live_server.url + ME).status == 401

    # The API's documentation, with its Swagger UI served by the portal itself under the CSP.
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_server.url + "/api/v1/docs/")
    page.get_by_text("CNHT Connect API").first.wait_for()
    page.locator(".opblock").first.wait_for()
    assert all(url.startswith(live_server.url) for url in requested)

    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Sign out").click()
    assert page.get_by_role("link", name="Sign in").is_visible()
    assert api.get(live_server.url + ME, headers={"Authorization": f"Token {secret}"}).status == 401
