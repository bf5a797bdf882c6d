"""Personal API tokens (django-rest-knox): made behind the password, shown once, stored hashed,
expiring, revocable by their owner only, and ended by sign-out, password change and deactivation."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.models import ApiToken
from portal.tokens import create_token
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

ME = "/api/v1/suppliers/me/"


def token_client(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {secret}")


def signed_in(client, user) -> Client:
    """Signed in, and the password just given again (as the token page asks)."""
    client.force_login(user)
    response = client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def make_token_on_the_page(client, name="ERP sync", days=30) -> str:
    response = client.post(reverse("api_tokens"), {"name": name, "days": days})
    assert response.status_code == 200
    return response.context["secret"]


def test_a_token_is_shown_once_stored_only_as_a_digest_and_works(client, bob, profile):
    secret = make_token_on_the_page(signed_in(client, bob))
    assert secret.startswith("cnht_")
    token = ApiToken.objects.get(user=bob)
    assert token.name == "ERP sync" and secret not in (token.digest, token.token_key)
    assert secret.startswith(token.token_key)
    assert (
        timezone.now() + datetime.timedelta(days=29)
        < token.expiry
        <= timezone.now() + datetime.timedelta(days=30)
    )

    response = token_client(secret).get(ME)
    assert response.status_code == 200 and response.json()["organisation"]["id"] == profile.organisation_id
    token.refresh_from_db()
    assert token.last_used is not None

    page = client.get(reverse("api_tokens"))
    assert secret not in page.content.decode() and token.token_key in page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0")


def test_making_a_token_asks_for_the_password_again(client, bob):
    client.force_login(bob)  # signed in long ago, as far as allauth knows
    response = client.post(reverse("api_tokens"), {"name": "ERP", "days": 30})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))
    assert not ApiToken.objects.exists()


def test_a_bad_form_keeps_what_was_typed_and_the_limit_is_explained(client, bob, settings):
    signed_in(client, bob)
    response = client.post(reverse("api_tokens"), {"name": "ERP", "days": 7})
    assert response.status_code == 200 and response.context["form"].errors["days"]
    assert 'value="ERP"' in response.content.decode()

    settings.API_TOKEN_LIMIT_PER_USER = 2
    make_token_on_the_page(client, "one")
    make_token_on_the_page(client, "two")
    refused = client.post(reverse("api_tokens"), {"name": "three", "days": 30})
    assert refused.context["secret"] is None and refused.context["form"].non_field_errors()
    assert 'value="three"' in refused.content.decode()
    assert ApiToken.objects.filter(user=bob).count() == 2


def test_an_expired_or_unknown_token_is_refused(bob, profile):
    token, secret = create_token(bob, name="old", days=30)
    assert token_client(secret).get(ME).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - datetime.timedelta(seconds=1))
    assert token_client(secret).get(ME).status_code == 401
    assert not ApiToken.objects.exists()  # knox deletes an expired token when it is presented
    assert token_client("cnht_" + "0" * 64).get(ME).status_code == 401


def test_only_the_owner_revokes_a_token(client, alice, bob, profile):
    token, secret = create_token(alice, name="ERP", days=30)
    revoke = reverse("api_token_revoke", args=[token.token_key])

    client.force_login(bob)  # her colleague
    assert client.post(revoke).status_code == 404
    assert token_client(secret).get(ME).status_code == 200

    client.force_login(alice)
    assert client.post(revoke).status_code == 302
    assert token_client(secret).get(ME).status_code == 401


def test_signing_out_ends_the_session_and_every_token(client, bob, profile):
    secret = make_token_on_the_page(signed_in(client, bob))
    other_secret = create_token(bob, name="macro", days=90)[1]
    client.post(reverse("account_logout"))
    assert token_client(secret).get(ME).status_code == 401
    assert token_client(other_secret).get(ME).status_code == 401
    assert client.get(ME).status_code == 401  # the session is gone too


def test_a_password_change_ends_every_token_and_other_sessions(client, bob, profile):
    secret = create_token(bob, name="ERP", days=30)[1]
    other_browser = Client()
    other_browser.force_login(bob)
    signed_in(client, bob)
    changed = client.post(
        reverse("account_change_password"),
        {"oldpassword": TEST_PASSWORD, "password1": "Mật-khẩu-mới-2026!", "password2": "Mật-khẩu-mới-2026!"},
    )
    assert changed.status_code == 302
    assert token_client(secret).get(ME).status_code == 401
    assert other_browser.get(ME).status_code == 401
    assert client.get(ME).status_code == 200  # the browser that changed it stays signed in


def test_deactivating_an_account_ends_its_tokens_and_sessions(client, bob, profile):
    secret = create_token(bob, name="ERP", days=30)[1]
    client.force_login(bob)
    bob.is_active = False
    bob.save()
    assert token_client(secret).get(ME).status_code == 401
    assert client.get(ME).status_code == 401
    assert not ApiToken.objects.filter(user=bob).exists()


def test_saving_other_fields_keeps_the_tokens(bob, profile):
    secret = create_token(bob, name="ERP", days=30)[1]
    bob.first_name = "Bảo"
    bob.save()
    bob.last_login = timezone.now()
    bob.save(update_fields=["last_login"])
    assert token_client(secret).get(ME).status_code == 200


def test_a_token_sees_only_what_its_owner_sees(charlie, bob, other_profile, profile):
    secret = create_token(charlie, name="ERP", days=30)[1]
    response = token_client(secret).get(ME)
    assert response.json()["organisation"]["id"] == other_profile.organisation_id
    assert token_client(secret).get(
        reverse("suppliers_api:supplier-detail", args=[profile.pk])
    ).status_code in (
        403,
        404,
    )


def test_session_writes_keep_their_csrf_check_and_token_writes_need_none(bob, buyer):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(buyer)
    body = {"title_vi": "Giá đỡ", "annual_volume": 1000}
    assert browser.post("/api/v1/part-requests/", body, content_type="application/json").status_code == 403

    secret = create_token(buyer, name="ERP", days=30)[1]
    response = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Token {secret}").post(
        "/api/v1/part-requests/", body, content_type="application/json"
    )
    assert response.status_code != 403, response.content
