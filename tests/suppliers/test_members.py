"""The members page: admins invite, change roles and remove; colleagues only look; outsiders see nothing."""

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.models import Membership, User
from suppliers import services
from suppliers.models import Invitation
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "seat covers for the kia line"


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def as_alice(client, alice, profile):
    client.force_login(alice)
    return client


@pytest.fixture
def as_bob(client, bob, alice, profile):
    client.force_login(bob)
    return client


def invite(client, capture, email="dung@donga.vn", role="member"):
    with capture(execute=True):
        return client.post(reverse("suppliers:member_invite"), {"email": email, "role": role})


def accept_path(message) -> str:
    url = re.search(r"https?://\S+/suppliers/invitations/\S+/", message.body).group(0)
    return "/suppliers/" + url.split("/suppliers/", 1)[1]


def make_invitation(alice, *, email="dung@donga.vn", role="member") -> Invitation:
    return services.colleague_invite(
        organisation=alice.memberships.get().organisation, email=email, role=role, invited_by=alice
    )


# --- Seeing the page --------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("suppliers:members"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_anonymous_posts_are_sent_to_sign_in_and_change_nothing(client, alice, bob, profile):
    membership = bob.memberships.get()
    response = client.post(reverse("suppliers:member_remove", args=[membership.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_the_admin_sees_members_and_the_invite_form(as_alice, bob):
    response = as_alice.get(reverse("suppliers:members"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "alice@donga.vn" in content
    assert "bob@donga.vn" in content
    assert 'data-testid="invite-form"' in content
    assert reverse("suppliers:member_remove", args=[bob.memberships.get().pk]) in content


def test_a_colleague_sees_the_list_read_only(as_bob, alice):
    make_invitation(alice)
    content = as_bob.get(reverse("suppliers:members")).content.decode()
    assert "alice@donga.vn" in content
    assert "dung@donga.vn" in content  # pending invitations are listed for everyone in the firm
    assert 'data-testid="invite-form"' not in content
    assert "/remove/" not in content
    assert "/role/" not in content
    assert "/cancel/" not in content


def test_an_outsider_sees_his_own_firm_not_alices(client, alice, bob, profile, charlie, other_profile):
    client.force_login(charlie)
    content = client.get(reverse("suppliers:members")).content.decode()
    assert "charlie@duc.vn" in content
    assert "alice@donga.vn" not in content
    assert "bob@donga.vn" not in content
    assert "Đông Á" not in content


def test_a_user_without_a_supplier_firm_gets_404(client, buyer):
    client.force_login(buyer)
    assert client.get(reverse("suppliers:members")).status_code == 404


def test_the_navigation_shows_members_to_suppliers_only(client, alice, profile, buyer):
    url = reverse("suppliers:members")
    client.force_login(alice)
    assert url in [item["url"] for item in client.get(reverse("home")).context["nav_items"]]
    client.force_login(buyer)
    assert url not in [item["url"] for item in client.get(reverse("home")).context["nav_items"]]


def test_the_members_page_queries_do_not_grow_with_members(as_alice, alice):
    organisation = alice.memberships.get().organisation

    def queries_for_the_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert as_alice.get(reverse("suppliers:members")).status_code == 200
        return len(captured)

    make_invitation(alice, email="first@donga.vn")
    few = queries_for_the_page()
    for n in range(12):
        Membership.objects.create(user=UserFactory(email=f"worker{n}@donga.vn"), organisation=organisation)
        make_invitation(alice, email=f"new{n}@donga.vn")
    assert queries_for_the_page() == few


# --- Inviting ---------------------------------------------------------------------------------


def test_the_admin_invites_a_colleague_who_gets_a_mail_with_an_absolute_link(
    as_alice, alice, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://cnht.example.vn"
    response = invite(as_alice, django_capture_on_commit_callbacks, email="Dung@DongA.vn", role="admin")

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == ("dung@donga.vn", "admin", alice)
    assert invitation.organisation == alice.memberships.get().organisation
    assert len(invitation.token) >= 40
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["dung@donga.vn"]
    assert f"https://cnht.example.vn/suppliers/invitations/{invitation.token}/" in mailoutbox[0].body
    assert "Công ty TNHH Cơ khí Đông Á" in mailoutbox[0].subject


def test_inviting_an_existing_member_is_a_field_error(
    as_alice, bob, mailoutbox, django_capture_on_commit_callbacks
):
    response = invite(as_alice, django_capture_on_commit_callbacks, email="BOB@donga.vn")
    assert response.status_code == 200
    assert list(response.context["invite_form"].errors) == ["email"]
    assert 'value="BOB@donga.vn"' in response.content.decode()
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_an_invalid_email_is_a_field_error(as_alice, django_capture_on_commit_callbacks):
    response = invite(as_alice, django_capture_on_commit_callbacks, email="not-an-address")
    assert response.status_code == 200
    assert "email" in response.context["invite_form"].errors


def test_inviting_again_replaces_the_pending_invitation(as_alice, django_capture_on_commit_callbacks):
    invite(as_alice, django_capture_on_commit_callbacks)
    first = Invitation.objects.get().token
    invite(as_alice, django_capture_on_commit_callbacks)
    assert Invitation.objects.count() == 1
    assert Invitation.objects.get().token != first


def test_the_admin_cancels_an_invitation_and_its_link_stops_working(as_alice, alice):
    invitation = make_invitation(alice)
    response = as_alice.post(reverse("suppliers:invitation_cancel", args=[invitation.pk]))
    assert response.status_code == 302
    assert not Invitation.objects.exists()
    assert as_alice.get(reverse("suppliers:invitation_accept", args=[invitation.token])).status_code == 404


def test_a_colleague_gets_403_on_every_admin_action(as_bob, alice, bob, mailoutbox):
    invitation = make_invitation(alice)
    alice_membership = alice.memberships.get()
    attempts = [
        (reverse("suppliers:member_invite"), {"email": "eve@donga.vn", "role": "admin"}),
        (reverse("suppliers:invitation_cancel", args=[invitation.pk]), {}),
        (reverse("suppliers:member_role", args=[alice_membership.pk]), {"role": "member"}),
        (reverse("suppliers:member_role", args=[bob.memberships.get().pk]), {"role": "admin"}),
        (reverse("suppliers:member_remove", args=[alice_membership.pk]), {}),
    ]
    for url, data in attempts:
        assert as_bob.post(url, data).status_code == 403, url
    assert Invitation.objects.get() == invitation
    assert alice.memberships.get().role == "admin"
    assert bob.memberships.get().role == "member"


def test_an_outsider_admin_gets_404_for_alices_rows(client, alice, bob, profile, charlie, other_profile):
    invitation = make_invitation(alice)
    client.force_login(charlie)
    bob_membership = bob.memberships.get()
    assert client.post(reverse("suppliers:member_remove", args=[bob_membership.pk])).status_code == 404
    assert (
        client.post(reverse("suppliers:member_role", args=[bob_membership.pk]), {"role": "admin"}).status_code
        == 404
    )
    assert client.post(reverse("suppliers:invitation_cancel", args=[invitation.pk])).status_code == 404
    assert Membership.objects.filter(pk=bob_membership.pk, role="member").exists()
    assert Invitation.objects.filter(pk=invitation.pk).exists()


def test_the_members_page_only_answers_get(as_alice):
    assert as_alice.post(reverse("suppliers:members")).status_code == 405


def test_the_invite_endpoint_only_answers_post(as_alice):
    assert as_alice.get(reverse("suppliers:member_invite")).status_code == 405


def test_the_service_refuses_an_inviter_who_is_not_an_admin(bob, alice):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.colleague_invite(
            organisation=bob.memberships.get().organisation, email="eve@x.vn", role="member", invited_by=bob
        )


# --- Roles and removal -------------------------------------------------------------------------


def test_the_admin_promotes_a_colleague(as_alice, bob):
    membership = bob.memberships.get()
    response = as_alice.post(reverse("suppliers:member_role", args=[membership.pk]), {"role": "admin"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == "admin"


def test_an_unknown_role_changes_nothing(as_alice, bob):
    membership = bob.memberships.get()
    as_alice.post(reverse("suppliers:member_role", args=[membership.pk]), {"role": "owner"})
    membership.refresh_from_db()
    assert membership.role == "member"


def test_the_admin_removes_a_colleague_whose_account_stays(as_alice, bob):
    response = as_alice.post(reverse("suppliers:member_remove", args=[bob.memberships.get().pk]))
    assert response.status_code == 302
    assert not bob.memberships.exists()
    assert User.objects.filter(pk=bob.pk).exists()


def test_the_last_admin_cannot_be_removed(english, alice, bob, profile):
    english.force_login(alice)
    membership = alice.memberships.get()
    response = english.post(reverse("suppliers:member_remove", args=[membership.pk]), follow=True)
    assert Membership.objects.filter(pk=membership.pk, role="admin").exists()
    assert "at least one administrator" in response.content.decode()


def test_the_last_admin_cannot_be_demoted(as_alice, alice, bob):
    membership = alice.memberships.get()
    as_alice.post(reverse("suppliers:member_role", args=[membership.pk]), {"role": "member"})
    membership.refresh_from_db()
    assert membership.role == "admin"


def test_an_admin_can_step_down_once_there_is_another(as_alice, alice, bob):
    services.membership_set_role(membership=bob.memberships.get(), role="admin")
    membership = alice.memberships.get()
    as_alice.post(reverse("suppliers:member_role", args=[membership.pk]), {"role": "member"})
    membership.refresh_from_db()
    assert membership.role == "member"


def test_an_admin_can_remove_another_admin(as_alice, bob):
    services.membership_set_role(membership=bob.memberships.get(), role="admin")
    as_alice.post(reverse("suppliers:member_remove", args=[bob.memberships.get().pk]))
    assert not bob.memberships.exists()


# --- Accepting ----------------------------------------------------------------------------------


def test_accepting_as_a_new_person_creates_a_verified_member_who_is_signed_in(
    client, alice, profile, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    invite(client, django_capture_on_commit_callbacks, email="dung@donga.vn", role="member")
    client.logout()
    path = accept_path(mailoutbox[0])

    page = client.get(path)
    assert page.status_code == 200
    assert "password1" in page.context["form"].fields
    response = client.post(
        path,
        {
            "first_name": "Dũng",
            "last_name": "Trần",
            "position": "Kỹ sư QA",
            "phone": "0905 000 111",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("suppliers:members")
    user = User.objects.get(email="dung@donga.vn")
    assert (user.first_name, user.position) == ("Dũng", "Kỹ sư QA")
    assert user.memberships.get().organisation == alice.memberships.get().organisation
    assert user.memberships.get().role == "member"
    address = EmailAddress.objects.get(user=user)
    assert address.verified and address.primary
    assert Invitation.objects.get().accepted_at is not None
    assert client.session["_auth_user_id"] == str(user.pk)
    # A used link is gone.
    assert client.get(path).status_code == 404


def test_the_new_member_can_sign_in_with_the_password_they_chose(client, alice, profile):
    invitation = make_invitation(alice)
    services.invitation_accept_new_user(
        invitation=invitation,
        first_name="Dũng",
        last_name="Trần",
        position="QA",
        phone="0905",
        password=NEW_PASSWORD,
    )
    response = client.post(reverse("account_login"), {"login": "dung@donga.vn", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(User.objects.get(email="dung@donga.vn").pk)


def test_a_weak_password_on_the_accept_form_is_refused_and_keeps_the_names(client, alice, profile):
    invitation = make_invitation(alice)
    path = reverse("suppliers:invitation_accept", args=[invitation.token])
    data = {"first_name": "Dũng", "last_name": "Trần", "position": "QA", "phone": "0905"}
    response = client.post(path, {**data, "password1": "password123", "password2": "password123"})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["password1"]
    assert 'value="Dũng"' in response.content.decode()
    assert not User.objects.filter(email="dung@donga.vn").exists()


def test_an_unknown_token_is_404(client, db):
    assert client.get(reverse("suppliers:invitation_accept", args=["no-such-token"])).status_code == 404


def test_an_expired_invitation_is_refused_with_a_clear_message(english, alice, profile):
    invitation = make_invitation(alice)
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=14, minutes=1)
    )
    path = reverse("suppliers:invitation_accept", args=[invitation.token])
    data = {"first_name": "D", "last_name": "T", "position": "QA", "phone": "1"}

    page = english.get(path)
    assert page.status_code == 410
    assert 'data-testid="invitation-expired"' in page.content.decode()
    assert "expired" in page.content.decode()
    response = english.post(path, {**data, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 410
    assert not User.objects.filter(email="dung@donga.vn").exists()


def test_a_thirteen_day_old_invitation_still_works(client, alice, profile):
    invitation = make_invitation(alice)
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=13)
    )
    assert client.get(reverse("suppliers:invitation_accept", args=[invitation.token])).status_code == 200


def test_an_existing_user_must_sign_in_as_themselves_to_accept(client, alice, profile, charlie):
    invitation = make_invitation(alice, email="charlie@duc.vn")
    path = reverse("suppliers:invitation_accept", args=[invitation.token])

    anonymous = client.get(path)
    assert 'data-testid="sign-in-to-accept"' in anonymous.content.decode()
    assert client.post(path).status_code == 403

    client.force_login(UserFactory(email="mallory@example.vn"))
    assert 'data-testid="wrong-user"' in client.get(path).content.decode()
    assert client.post(path).status_code == 403
    assert not charlie.memberships.filter(organisation=invitation.organisation).exists()

    client.force_login(charlie)
    response = client.post(path)
    assert response.status_code == 302
    assert charlie.memberships.filter(organisation=invitation.organisation, role="member").exists()
    assert charlie.memberships.count() == 2  # he keeps his own firm


def test_accepting_twice_at_once_does_not_make_two_memberships(alice, profile, charlie):
    from django.core.exceptions import ValidationError

    invitation = make_invitation(alice, email="charlie@duc.vn")
    services.invitation_accept(invitation=invitation, user=charlie)
    with pytest.raises(ValidationError):
        services.invitation_accept(invitation=invitation, user=charlie)
    assert charlie.memberships.filter(organisation=invitation.organisation).count() == 1


def test_the_service_refuses_a_user_with_another_address(alice, profile, charlie):
    from django.core.exceptions import PermissionDenied

    invitation = make_invitation(alice, email="someone@else.vn")
    with pytest.raises(PermissionDenied):
        services.invitation_accept(invitation=invitation, user=charlie)


def test_the_seeded_password_still_signs_alice_in(client, alice):
    # Guards the factories the tests above rely on: verified address, known password.
    response = client.post(reverse("account_login"), {"login": "alice@donga.vn", "password": TEST_PASSWORD})
    assert response.status_code == 302
