"""Pages: home in Vietnamese by default, the language switcher, error pages, organisation pages."""

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import totp_code

pytestmark = pytest.mark.django_db


def test_home_is_in_vietnamese_by_default(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response["Content-Language"] == "vi"
    assert '<html lang="vi">' in response.content.decode()
    assert "Nhà cung ứng" in response.content.decode()


def test_an_english_browser_still_gets_vietnamese_pages(client):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "vi"


def test_the_language_switcher_turns_the_site_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    english = client.get(reverse("home"))
    assert english["Content-Language"] == "en"
    assert "Supplier firms" in english.content.decode()
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert client.get(reverse("home"))["Content-Language"] == "vi"


def test_api_clients_may_ask_for_english(client):
    response = client.get("/api/does-not-exist/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "en"


@override_settings(DEBUG=False)
def test_a_missing_page_gets_the_friendly_404_in_vietnamese(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    content = response.content.decode()
    assert 'data-testid="error-page"' in content
    assert "Không tìm thấy trang" in content


@override_settings(DEBUG=False)
def test_the_404_page_follows_the_chosen_language(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Page not found" in client.get("/no-such-page/").content.decode()


def test_the_500_page_renders_without_a_request_context():
    from django.test import RequestFactory
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "error-page" in response.content.decode()


def test_the_login_page_is_translated(client):
    content = client.get(reverse("account_login")).content.decode()
    assert "Đăng nhập" in content
    assert "Mật khẩu" in content


def test_signing_in_with_email_and_password_works(client, bob):
    response = client.post(
        reverse("account_login"), {"login": "bob@donga.vn", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == bob


def test_signing_in_with_an_authenticator_app_takes_its_code_too(client, alice):
    client.post(reverse("account_login"), {"login": "alice@donga.vn", "password": "correct-horse-battery"})
    assert client.get(reverse("home")).context["user"].is_anonymous  # not yet
    assert client.post(reverse("mfa_authenticate"), {"code": totp_code()}).status_code == 302
    assert client.get(reverse("home")).context["user"] == alice


def test_a_wrong_password_shows_a_vietnamese_error_and_keeps_the_email(client, alice):
    response = client.post(reverse("account_login"), {"login": "alice@donga.vn", "password": "wrong-one"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "không đúng" in content
    assert 'value="alice@donga.vn"' in content


def test_password_reset_sends_a_vietnamese_mail(client, alice, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": "alice@donga.vn"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "mật khẩu" in mailoutbox[0].subject.lower()
    assert "/accounts/password/reset/key/" in mailoutbox[0].body


def test_open_signup_is_closed(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "x@example.vn", "password1": "a-long-password-1", "password2": "a-long-password-1"},
    )
    from portal.models import User

    assert not User.objects.filter(email="x@example.vn").exists()
    assert response.status_code in (200, 302)


class TestOrganisationPage:
    """Owner, colleague, outsider, staff, anonymous: who sees an organisation's members."""

    def url(self, firm):
        return reverse("organisation_detail", args=[firm.pk])

    def test_owner_sees_members(self, client, alice, bob, firm):
        client.force_login(alice)
        content = client.get(self.url(firm)).content.decode()
        assert "bob@donga.vn" in content

    def test_colleague_sees_members(self, client, alice, bob, firm):
        client.force_login(bob)
        assert "alice@donga.vn" in client.get(self.url(firm)).content.decode()

    def test_outsider_gets_404(self, client, alice, charlie, firm):
        client.force_login(charlie)
        assert client.get(self.url(firm)).status_code == 404

    def test_staff_see_members(self, client, alice, staff, firm):
        client.force_login(staff)
        assert "alice@donga.vn" in client.get(self.url(firm)).content.decode()

    def test_anonymous_is_sent_to_sign_in(self, client, firm):
        response = client.get(self.url(firm))
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


@override_settings(DEBUG=False)
def test_an_error_shows_the_generic_page_and_no_stack_trace(client, monkeypatch):
    def broken():
        raise RuntimeError("secret detail: connection to db-internal:5432 refused")

    monkeypatch.setattr("portal.selectors.home_stats", broken)
    client.raise_request_exception = False
    response = client.get(reverse("home"))
    content = response.content.decode()
    assert response.status_code == 500 and 'data-testid="error-page"' in content
    assert "Traceback" not in content and "secret detail" not in content and "db-internal" not in content
