"""Roles, the staff group and the navigation each role sees."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from portal.models import Membership
from portal.roles import STAFF_GROUP, is_staff_member, organisations_of, sync_staff_group, user_roles
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_staff_group_exists_after_migrate_with_model_permissions_but_no_user_deletion():
    group = Group.objects.get(name=STAFF_GROUP)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"change_organisation", "add_term", "delete_province", "view_user", "change_user"} <= codenames
    assert "delete_user" not in codenames
    assert "add_user" not in codenames


def test_syncing_the_staff_group_is_idempotent():
    before = set(Group.objects.get(name=STAFF_GROUP).permissions.values_list("pk", flat=True))
    sync_staff_group()
    assert set(Group.objects.get(name=STAFF_GROUP).permissions.values_list("pk", flat=True)) == before


def test_staff_are_not_superusers_but_have_admin_model_permissions(staff):
    assert not staff.is_superuser
    assert is_staff_member(staff)
    assert staff.has_perm("portal.change_organisation")
    assert not staff.has_perm("portal.delete_user")


def test_is_staff_alone_is_not_enough_to_be_staff():
    user = UserFactory(is_staff=True)
    assert not is_staff_member(user)


def test_a_firm_can_be_supplier_and_buyer_at_once():
    firm = OrganisationFactory(is_supplier=True, is_buyer=True)
    user = MembershipFactory(organisation=firm).user
    assert user_roles(user) == {"supplier", "buyer"}


def test_organisations_of_filters_by_role(alice, bob, firm):
    assert list(organisations_of(alice, role=Membership.Role.ADMIN)) == [firm]
    assert list(organisations_of(bob, role=Membership.Role.ADMIN)) == []
    assert list(organisations_of(bob)) == [firm]


def nav_labels(client) -> list[str]:
    response = client.get(reverse("home"))
    return [item["label"] for item in response.context["nav_items"]]


def test_anonymous_visitors_see_home_and_sign_in(client):
    response = client.get(reverse("home"))
    assert [i["label"] for i in response.context["nav_items"]] == ["Trang chủ"]
    assert reverse("account_login") in response.content.decode()


def test_staff_see_the_administration_link(client, staff):
    client.force_login(staff)
    assert "Quản trị" in nav_labels(client)


def test_firm_members_see_their_organisation_and_not_administration(client, alice, firm):
    client.force_login(alice)
    labels = nav_labels(client)
    assert firm.name in labels
    assert "Quản trị" not in labels
