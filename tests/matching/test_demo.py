"""The demo part requests: one of them is under way, so every buyer page has something to show."""

import pytest
from django.core.management import call_command

from matching.models import Quotation, QuoteInvitation, ShortlistEntry, SupplierInterest

pytestmark = pytest.mark.django_db


def _counts():
    return (
        ShortlistEntry.objects.count(),
        QuoteInvitation.objects.count(),
        Quotation.objects.count(),
        SupplierInterest.objects.count(),
    )


def test_the_demo_has_a_request_under_way_once(capsys):
    call_command("load_demo_data")
    assert _counts() == (3, 2, 1, 1)
    quoted = QuoteInvitation.objects.get(answer="quoted")
    entry = ShortlistEntry.objects.get(supplier=quoted.supplier)
    assert entry.status == "quotation"  # the quotation moved it along the pipeline
    assert not SupplierInterest.objects.filter(supplier__shortlisted_in__isnull=False).exists()
    call_command("load_demo_data")
    assert _counts() == (3, 2, 1, 1)
