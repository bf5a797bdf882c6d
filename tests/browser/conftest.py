"""Playwright driving Debian's Chromium (never `playwright install`), against pytest-django's live server."""

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, totp_code

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(os.environ.get("CNHT_ARTIFACTS", Path(tempfile.gettempdir()) / "cnht-test-artifacts"))

# The sync Playwright API runs an event loop in this thread; Django's ORM calls are still safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def chromium(live_server):
    """A browser for one test, started after the test database is ready.

    Not session-scoped on purpose: Playwright's sync API keeps an event loop running in this
    thread, and Django's connection handler is context-local, so a loop left running would make
    the next test's database set-up (the serialized rollback) happen on another connection.
    """
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        pytest.fail("Debian's Chromium is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, request):
    """A page that fails its test if the Content-Security-Policy refused anything on the way."""
    context = chromium.new_context(locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / f"{request.node.name}.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"\nscreenshot of the failing page: {shot}")  # noqa: T201
    context.close()
    assert not refused, "the Content-Security-Policy refused:\n" + "\n".join(refused)


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def sign_in(
    page, url: str, email: str, password: str = TEST_PASSWORD, secret: str = TEST_TOTP_SECRET
) -> None:
    """Sign in on the portal's form; when the account has an authenticator app, type its code."""
    page.goto(url + "/accounts/login/")
    page.fill("[name=login]", email)
    page.fill("[name=password]", password)
    page.locator("main form button.btn-primary[type=submit]").first.click()
    page.wait_for_url(lambda address: "/accounts/login/" not in address)  # the answer has arrived
    if "/accounts/2fa/authenticate/" in page.url:
        pass_second_factor(page, secret)


def pass_second_factor(page, secret: str = TEST_TOTP_SECRET) -> None:
    """On the sign-in's second step, type the authenticator app's current code."""
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.fill("[name=code]", totp_code(secret))
    page.get_by_test_id("mfa-submit").click()


def set_up_authenticator(page, password: str = TEST_PASSWORD) -> str:
    """Where a staff member or firm admin is sent to set up an authenticator app: confirm the
    password, read the secret like a phone scanning the QR code, type the app's code; returns the
    secret."""
    page.wait_for_url(re.compile(r"/accounts/reauthenticate/"))
    page.fill("[name=password]", password)
    page.get_by_test_id("reauthenticate-submit").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/"))
    secret = page.get_by_test_id("totp-secret").input_value()
    page.fill("[name=code]", totp_code(secret))
    page.locator("main form button.btn-primary[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/accounts/2fa/(recovery-codes/)?$"))
    return secret
