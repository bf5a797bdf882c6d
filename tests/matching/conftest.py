"""Fixtures shared by the matching tests: two verified supplier firms (stamping and IATF 16949
holders, so they rank well for ``test_request_views.make_request``'s request) and the small market
of the background-recompute tests."""

import pytest
from django.db import transaction

from tests.matching.helpers import buyer_organisation, make_request, make_supplier
from tests.matching.test_request_views import verified_supplier


@pytest.fixture
def alices_firm(alice, firm):
    return verified_supplier(firm, certifications=("iatf-16949",))


@pytest.fixture
def charlies_firm(charlie):
    return verified_supplier(charlie.memberships.get().organisation, certifications=("iatf-16949",))


@pytest.fixture
def market():
    """A published request and a supplier whose capacity covers only part of its volume."""
    with transaction.atomic():
        supplier = make_supplier("Cơ khí Nền", processes=[("stamping", 1_000)])
        request = make_request(buyer_organisation(), volume=120_000)
    return request, supplier, supplier.processes.get()
