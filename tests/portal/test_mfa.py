"""Two-factor sign-in (allauth's TOTP and recovery codes): required for staff and firm admins,
offered to everyone, not bypassed by a password reset; security changes ask for the password."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core import mail
from django.test import Client
from django.urls import reverse

from portal.models import Membership
from tests.factories import (
    TEST_PASSWORD,
    TEST_TOTP_SECRET,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    totp_code,
)

pytestmark = pytest.mark.django_db

SECRET = TEST_TOTP_SECRET


def sign_in(client, email, password=TEST_PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


@pytest.fixture
def firm_admin():
    """A firm administrator without any second factor yet."""
    organisation = OrganisationFactory(name="Công ty TNHH Cơ khí Hai Yếu Tố", is_supplier=True)
    return MembershipFactory(
        organisation=organisation, role=Membership.Role.ADMIN, user__email="admin@haiyeuto.vn", mfa=False
    ).user


@pytest.fixture
def member():
    organisation = OrganisationFactory(name="Công ty TNHH Thành Viên Thường", is_supplier=True)
    return MembershipFactory(
        organisation=organisation, role=Membership.Role.MEMBER, user__email="nv@tvt.vn"
    ).user


def test_a_firm_admin_without_a_second_factor_must_set_one_up(client, firm_admin):
    client.force_login(firm_admin)
    page = client.get(reverse("matching:request_list"))
    assert page.status_code == 302 and page["Location"] == reverse("mfa_activate_totp")
    api = client.get("/api/v1/part-requests/")
    assert api.status_code == 403
    assert client.get(reverse("mfa_index")).status_code in (200, 302)  # the set-up pages stay open
    TOTP.activate(firm_admin, SECRET)
    client.session.pop("security_mfa_ok_until", None)
    assert client.get(reverse("matching:request_list")).status_code == 200


def test_staff_must_set_one_up_too_and_an_ordinary_member_need_not(client, member):
    staff = UserFactory(email="sct@danang.gov.vn", is_staff=True, is_superuser=True)
    client.force_login(staff)
    assert client.get(reverse("programs:dashboard"))["Location"] == reverse("mfa_activate_totp")
    client.force_login(member)
    assert client.get(reverse("matching:request_list")).status_code == 200
    assert client.get(reverse("mfa_activate_totp")).status_code in (200, 302)  # offered to everyone


def test_sign_in_with_an_authenticator_asks_for_its_code(client, firm_admin):
    TOTP.activate(firm_admin, SECRET)
    first = sign_in(client, firm_admin.email)
    assert first.status_code == 302 and first["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # the password alone signs nobody in
    wrong = client.post(
        reverse("mfa_authenticate"), {"code": "000000" if totp_code() != "000000" else "111111"}
    )
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    done = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert done.status_code == 302 and client.session["_auth_user_id"] == str(firm_admin.pk)


def test_a_recovery_code_signs_in_once(client, firm_admin):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    TOTP.activate(firm_admin, SECRET)
    code = RecoveryCodes.activate(firm_admin).get_unused_codes()[0]
    sign_in(client, firm_admin.email)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    again = Client()
    sign_in(again, firm_admin.email)
    assert again.post(reverse("mfa_authenticate"), {"code": code}).status_code == 200  # used up


def test_a_password_reset_does_not_bypass_the_second_factor(
    client, firm_admin, django_capture_on_commit_callbacks
):
    TOTP.activate(firm_admin, SECRET)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": firm_admin.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[-1].body).group(1)
    form_page = client.get(link, follow=True)
    new = "another-long-passphrase-2026"
    client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": new, "password2": new},
    )
    assert "_auth_user_id" not in client.session  # not signed in by the reset
    after = sign_in(client, firm_admin.email, new)
    assert after["Location"] == reverse("mfa_authenticate") and "_auth_user_id" not in client.session


def test_activating_an_authenticator_asks_for_the_password_again(client, member):
    client.force_login(member)  # signed in long ago, as far as allauth knows
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("account_reauthenticate"))
    client.post(page["Location"], {"password": TEST_PASSWORD})
    activate = client.get(reverse("mfa_activate_totp"))
    assert activate.status_code == 200
    secret = activate.context["form"].secret
    done = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert done.status_code == 302
    assert Authenticator.objects.filter(user=member, type=Authenticator.Type.TOTP).exists()


def test_changing_the_email_address_asks_for_the_password_again(client, member):
    client.force_login(member)
    page = client.post(reverse("account_email"), {"action_add": "", "email": "moi@tvt.vn"})
    assert page.status_code == 302 and page["Location"].startswith(reverse("account_reauthenticate"))
    assert not member.emailaddress_set.filter(email="moi@tvt.vn").exists()


def test_the_admin_sign_in_goes_through_the_portal_sign_in(client):
    page = client.get("/admin/login/?next=/admin/")
    assert page.status_code == 302 and page["Location"].startswith(reverse("account_login"))
