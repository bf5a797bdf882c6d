"""Firm registration: one firm, one administrator, an unverified address until the mailed link is followed."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from portal.models import Membership, Organisation, Province, User
from suppliers.models import SupplierProfile

pytestmark = pytest.mark.django_db

PASSWORD = "tam-ky-chu-lai-stamping"
PASSPHRASE_70 = "the old press at chu lai stamps leaf springs for the trucks each night"
assert len(PASSPHRASE_70) == 70


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def registration(**overrides) -> dict:
    data = {
        "tax_code": "0402468133",
        "name": "Công ty TNHH Cơ khí Chính xác Núi Thành",
        "province": Province.objects.get(code="48").pk,
        "first_name": "Lan",
        "last_name": "Nguyễn Thị",
        "position": "Giám đốc",
        "email": "lan@nuithanh.vn",
        "phone": "0905 123 456",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    return {**data, **overrides}


def post_registration(client, capture, **overrides):
    with capture(execute=True):
        return client.post(reverse("suppliers:register"), registration(**overrides))


def confirmation_link(message) -> str:
    return re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", message.body).group(0)


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_the_registration_page_is_public(client):
    response = client.get(reverse("suppliers:register"))
    assert response.status_code == 200
    assert set(response.context["form"].fields) >= {"tax_code", "name", "province", "email", "password1"}


def test_the_province_list_is_the_34_current_units(client):
    form = client.get(reverse("suppliers:register")).context["form"]
    assert form.fields["province"].queryset.count() == 34


def test_registering_creates_one_firm_profile_and_admin_who_is_unverified(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    response = post_registration(client, django_capture_on_commit_callbacks, tax_code="4001234569-001")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    organisation = Organisation.objects.get()
    assert organisation.tax_code == "4001234569001"
    assert organisation.is_supplier
    assert organisation.province.code == "48"
    profile = SupplierProfile.objects.get()
    assert profile.organisation == organisation
    assert profile.legal_form == SupplierProfile.LegalForm.TNHH
    assert profile.verification_status == SupplierProfile.Verification.PENDING
    user = User.objects.get()
    assert (user.email, user.first_name, user.position) == ("lan@nuithanh.vn", "Lan", "Giám đốc")
    assert user.check_password(PASSWORD)
    membership = Membership.objects.get()
    assert (membership.user, membership.organisation, membership.role) == (user, organisation, "admin")
    address = EmailAddress.objects.get()
    assert (address.user, address.verified, address.primary) == (user, False, True)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["lan@nuithanh.vn"]
    assert "/accounts/confirm-email/" in mailoutbox[0].body
    assert signed_in_user_id(client) is None


def test_a_joint_stock_name_gives_the_joint_stock_legal_form(client, django_capture_on_commit_callbacks):
    post_registration(client, django_capture_on_commit_callbacks, name="Công ty Cổ phần Nhựa Chu Lai")
    assert SupplierProfile.objects.get().legal_form == SupplierProfile.LegalForm.CP


def test_a_name_without_a_legal_form_leaves_it_blank(client, django_capture_on_commit_callbacks):
    post_registration(client, django_capture_on_commit_callbacks, name="Cơ khí Tam Hiệp")
    assert SupplierProfile.objects.get().legal_form == ""


def test_the_confirmation_mail_is_sent_only_after_the_commit(client, mailoutbox):
    # Without running on-commit callbacks (the test's transaction never commits) nothing is sent.
    client.post(reverse("suppliers:register"), registration())
    assert User.objects.count() == 1
    assert mailoutbox == []


def test_an_already_registered_tax_code_names_the_firm_and_its_masked_admin(
    english, alice, mailoutbox, django_capture_on_commit_callbacks
):
    alice_firm = alice.memberships.get().organisation
    alice_firm.tax_code = "0402468133"
    alice_firm.save()

    response = post_registration(english, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    errors = response.context["form"].errors["tax_code"]
    assert len(errors) == 1
    assert "Công ty TNHH Cơ khí Đông Á" in errors[0]
    assert "a***@donga.vn" in errors[0]
    assert "alice@donga.vn" not in response.content.decode()
    assert "Sở Công Thương" in errors[0]
    assert Organisation.objects.count() == 1
    assert not User.objects.filter(email="lan@nuithanh.vn").exists()
    assert mailoutbox == []


def test_a_tax_code_typed_with_a_branch_dash_is_compared_compact(
    english, alice, django_capture_on_commit_callbacks
):
    alice_firm = alice.memberships.get().organisation
    alice_firm.tax_code = "4001234569001"
    alice_firm.save()
    response = post_registration(english, django_capture_on_commit_callbacks, tax_code="4001234569-001")
    assert "tax_code" in response.context["form"].errors
    assert Organisation.objects.count() == 1


def test_a_registered_firm_without_an_admin_points_to_the_department(
    english, django_capture_on_commit_callbacks
):
    Organisation.objects.create(name="Công ty TNHH Khuôn mẫu Kỳ Hà", tax_code="0402468133")
    response = post_registration(english, django_capture_on_commit_callbacks)
    error = response.context["form"].errors["tax_code"][0]
    assert "Khuôn mẫu Kỳ Hà" in error
    assert "Sở Công Thương" in error
    assert "***" not in error


def test_an_email_already_used_is_a_field_error(english, alice, django_capture_on_commit_callbacks):
    response = post_registration(english, django_capture_on_commit_callbacks, email="Alice@DongA.vn")
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["email"]
    assert Organisation.objects.count() == 1  # alice's only


def test_an_invalid_tax_code_is_an_error_on_its_field_and_the_typed_values_stay(
    english, django_capture_on_commit_callbacks
):
    response = post_registration(english, django_capture_on_commit_callbacks, tax_code="4001234568")

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["tax_code"]
    assert form.errors.as_data()["tax_code"][0].code == "check_digit"
    content = response.content.decode()
    assert 'value="4001234568"' in content
    assert 'value="Công ty TNHH Cơ khí Chính xác Núi Thành"' in content
    assert 'value="lan@nuithanh.vn"' in content
    assert 'value="0905 123 456"' in content
    assert f'<option value="{Province.objects.get(code="48").pk}" selected>' in content
    assert 'aria-invalid="true"' in content
    assert PASSWORD not in content  # passwords are never echoed back
    assert not Organisation.objects.exists()


def test_a_missing_field_is_refused_without_creating_anything(client, django_capture_on_commit_callbacks):
    response = post_registration(client, django_capture_on_commit_callbacks, name="")
    assert list(response.context["form"].errors) == ["name"]
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "password",
    [
        pytest.param("Xk9#mQ2", id="seven-characters"),
        pytest.param("password123", id="common"),
    ],
)
def test_weak_passwords_are_refused(client, django_capture_on_commit_callbacks, password):
    response = post_registration(
        client, django_capture_on_commit_callbacks, password1=password, password2=password
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["password1"]
    assert not User.objects.exists()


def test_a_password_like_the_email_is_refused(client, django_capture_on_commit_callbacks):
    response = post_registration(
        client, django_capture_on_commit_callbacks, password1="lan@nuithanh.vn", password2="lan@nuithanh.vn"
    )
    assert "password1" in response.context["form"].errors


def test_different_passwords_are_refused(client, django_capture_on_commit_callbacks):
    response = post_registration(client, django_capture_on_commit_callbacks, password2=PASSWORD + "x")
    assert list(response.context["form"].errors) == ["password2"]


@pytest.mark.parametrize(
    "password",
    [
        pytest.param(PASSPHRASE_70, id="70-character-passphrase"),
        pytest.param("leaf springs and bumpers", id="all-lowercase-no-digits"),
    ],
)
def test_long_passphrases_are_accepted_without_composition_rules(
    client, django_capture_on_commit_callbacks, password
):
    assert len(password) >= 20
    response = post_registration(
        client, django_capture_on_commit_callbacks, password1=password, password2=password
    )
    assert response.status_code == 302
    assert User.objects.get().check_password(password)


def test_the_account_cannot_sign_in_until_the_mailed_link_is_followed(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    post_registration(client, django_capture_on_commit_callbacks)
    link = confirmation_link(mailoutbox[0])
    user = User.objects.get()

    # The right password is not enough while the address is unverified.
    response = client.post(reverse("account_login"), {"login": "lan@nuithanh.vn", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert signed_in_user_id(client) is None
    assert client.get(reverse("suppliers:members")).status_code == 302  # sent to sign in

    path = link.split("testserver", 1)[1]
    assert client.get(path).status_code == 200
    assert not EmailAddress.objects.get(user=user).verified
    client.post(path)
    assert EmailAddress.objects.get(user=user).verified

    response = client.post(reverse("account_login"), {"login": "lan@nuithanh.vn", "password": PASSWORD})
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(user.pk)
    # She administers the new firm: before anything else she sets up a second factor.
    assert client.get(reverse("suppliers:members"))["Location"] == reverse("mfa_activate_totp")


def test_allauths_own_signup_stays_closed(client):
    response = client.post(
        reverse("account_signup"), {"email": "x@example.vn", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert not User.objects.exists()
    assert response.status_code in (200, 302)


def test_anonymous_visitors_find_the_registration_link_on_home_and_login(client):
    url = reverse("suppliers:register")
    for page in ("home", "account_login"):
        content = client.get(reverse(page)).content.decode()
        assert f'href="{url}"' in content, page


def test_signed_in_users_do_not_see_the_registration_link_on_home(client, alice):
    client.force_login(alice)
    assert reverse("suppliers:register") not in client.get(reverse("home")).content.decode()
