"""The Django admin for Sở Công Thương staff."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_staff_can_open_the_admin_and_edit_reference_data(client, staff):
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:portal_term_changelist")).status_code == 200
    assert client.get(reverse("admin:portal_organisation_changelist")).status_code == 200


def test_firm_users_cannot_open_the_admin(client, alice):
    client.force_login(alice)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_admin_search_ignores_diacritics(client, staff, firm):
    client.force_login(staff)
    response = client.get(reverse("admin:portal_organisation_changelist"), {"q": "co khi dong a"})
    assert firm.name in response.content.decode()


def test_admin_term_search_finds_synonyms_without_diacritics(client, staff):
    client.force_login(staff)
    response = client.get(reverse("admin:portal_term_changelist"), {"q": "ep nhua"})
    assert "Ép phun" in response.content.decode()
