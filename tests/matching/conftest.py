"""Supplier firms shared by the sourcing tests: both verified, stamping and IATF 16949 holders,
so they rank well for ``test_request_views.make_request``'s request."""

import pytest

from tests.matching.test_request_views import verified_supplier


@pytest.fixture
def alices_firm(alice, firm):
    return verified_supplier(firm, certifications=("iatf-16949",))


@pytest.fixture
def charlies_firm(charlie):
    return verified_supplier(charlie.memberships.get().organisation, certifications=("iatf-16949",))
