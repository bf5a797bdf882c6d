"""Suppliers see how well they fit open requests and say they are interested; the buyer sees it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from matching import selectors, services
from matching.models import (
    MatchScore,
    PartRequest,
    Quotation,
    QuoteInvitation,
    ShortlistEntry,
    SupplierInterest,
)
from tests.factories import OrganisationFactory
from tests.matching.test_request_views import make_request, verified_supplier

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def open_request(buyer, alices_firm):
    part_request = make_request(buyer, status="open")
    services.recompute_requests([part_request])
    return part_request


def detail(part_request):
    return reverse("matching:request_detail", args=[part_request.pk])


def test_a_supplier_sees_its_own_fit_and_says_it_is_interested(client, alice, alices_firm, open_request):
    client.force_login(alice)
    page = client.get(detail(open_request)).content.decode()
    own = MatchScore.objects.get(request=open_request, supplier=alices_firm)
    assert 'data-testid="own-score"' in page and f"{own.total:.1f}".replace(".", ",") in page
    assert 'data-testid="interest-declared"' not in page
    response = client.post(
        reverse("matching:interest_declare", args=[open_request.pk]), {"note": "Đã làm giá đỡ cho Kia"}
    )
    assert response.status_code == 302
    interest = SupplierInterest.objects.get()
    assert (interest.supplier, interest.note, interest.declared_by) == (
        alices_firm,
        "Đã làm giá đỡ cho Kia",
        alice,
    )
    page = client.get(detail(open_request)).content.decode()
    assert (
        'data-testid="interest-declared"' in page and 'data-testid="interests"' not in page
    )  # not the buyer's list
    client.post(reverse("matching:interest_withdraw", args=[open_request.pk]))
    assert not SupplierInterest.objects.exists()


def test_a_note_too_long_is_refused_and_kept(client, alice, alices_firm, open_request):
    client.force_login(alice)
    note = "Rất quan tâm " * 200  # 2,600 characters
    response = client.post(reverse("matching:interest_declare", args=[open_request.pk]), {"note": note})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="interest-error"' in page and "Rất quan tâm Rất quan tâm" in page
    assert not SupplierInterest.objects.exists()


def test_the_buyer_sees_interested_suppliers_and_shortlists_one_not_ranked(client, buyer, open_request):
    unranked = verified_supplier(
        OrganisationFactory(name="Cơ khí Hàn Chưa Xếp Hạng"), processes=("mig-mag-welding",)
    )
    assert not MatchScore.objects.filter(supplier=unranked).exists()
    with pytest.raises(ValidationError):
        services.shortlist_add(request=open_request, supplier=unranked, by=buyer)
    services.interest_declare(request=open_request, supplier=unranked, note="Xin được báo giá")
    client.force_login(buyer)
    page = client.get(detail(open_request)).content.decode()
    assert (
        'data-testid="interests"' in page
        and "Cơ khí Hàn Chưa Xếp Hạng" in page
        and "Xin được báo giá" in page
    )
    client.post(reverse("matching:shortlist_add", args=[open_request.pk]), {"supplier": unranked.pk})
    assert ShortlistEntry.objects.filter(request=open_request, supplier=unranked).exists()
    # Compared and exported with a score computed on the spot (not stored): it lacks the must-haves.
    [row] = selectors.compared(open_request, [unranked.pk])
    assert row.score._state.adding and not row.score.eligible and row.score.processes_score == 0
    compare = client.get(reverse("matching:compare", args=[open_request.pk]), {"supplier": unranked.pk})
    assert compare.status_code == 200 and "Cơ khí Hàn Chưa Xếp Hạng" in compare.content.decode()
    export = client.get(reverse("matching:shortlist_export", args=[open_request.pk, "csv"]))
    assert "Cơ khí Hàn Chưa Xếp Hạng" in export.content.decode("utf-8-sig")


def test_interest_needs_an_open_request_and_not_ones_own(buyer, alices_firm, open_request):
    own = verified_supplier(open_request.buyer)  # a buyer that is a supplier too
    with pytest.raises(ValidationError):
        services.interest_declare(request=open_request, supplier=own)
    services.part_request_close(request=open_request)
    with pytest.raises(ValidationError):
        services.interest_declare(request=open_request, supplier=alices_firm)


def test_the_list_marks_requests_the_supplier_matches_well(client, alice, buyer, alices_firm, open_request):
    poor = make_request(buyer, status="open", title="Vỏ hộp số đúc nhôm")
    PartRequest.objects.filter(pk=poor.pk).update(title="Vỏ hộp số đúc nhôm")
    services.recompute_requests([poor])
    MatchScore.objects.filter(request=poor).update(total=30.0)  # a poor fit for the filter
    client.force_login(alice)
    page = client.get(reverse("matching:request_list")).content.decode()
    assert page.count('data-testid="offered-row"') == 2 and page.count('data-testid="good-match"') == 1
    good = client.get(reverse("matching:request_list"), {"good": "1"}).content.decode()
    assert good.count('data-testid="offered-row"') == 1 and f'data-request-id="{open_request.pk}"' in good
    services.interest_declare(request=open_request, supplier=alices_firm)
    assert 'data-testid="interested"' in client.get(reverse("matching:request_list")).content.decode()


def test_the_buyer_record_shows_its_response_time_to_quotations(
    client, alice, buyer, alices_firm, open_request
):
    entry = services.shortlist_add(request=open_request, supplier=alices_firm, by=buyer)
    services.quote_invite(request=open_request, suppliers=[alices_firm], by=buyer)
    invitation = QuoteInvitation.objects.get()
    data = {
        "unit_price": 12500,
        "currency": "VND",
        "lead_time_days": 30,
        "valid_until": timezone.localdate() + datetime.timedelta(days=30),
    }
    quotation = services.quotation_submit(invitation=invitation, data=data)
    assert selectors.buyer_record(open_request.buyer).answered == 0
    three_days_ago = timezone.now() - datetime.timedelta(days=3)
    Quotation.objects.filter(pk=quotation.pk).update(submitted_at=three_days_ago)
    entry.refresh_from_db()
    services.shortlist_update(entry=entry, status="quotation", note="")  # not a decision yet
    assert Quotation.objects.get().buyer_answered_at is None
    services.shortlist_update(entry=entry, status="sample", note="Gửi mẫu PPAP")
    record = selectors.buyer_record(open_request.buyer)
    assert record.answered == 1 and 2.9 < record.median_days_to_answer < 3.1
    client.force_login(alice)
    page = client.get(detail(open_request)).content.decode()
    assert 'data-testid="buyer-response-time"' in page and "3,0" in page


def test_closing_a_request_answers_its_open_quotations(buyer, alices_firm, open_request):
    services.shortlist_add(request=open_request, supplier=alices_firm, by=buyer)
    [invitation] = services.quote_invite(request=open_request, suppliers=[alices_firm], by=buyer)
    data = {"unit_price": 1, "currency": "VND", "lead_time_days": 1, "valid_until": timezone.localdate()}
    services.quotation_submit(invitation=invitation, data=data)
    services.part_request_close(request=open_request)
    assert Quotation.objects.get().buyer_answered_at is not None


def test_the_supplier_list_runs_a_bounded_number_of_queries(
    client, alice, buyer, alices_firm, django_assert_max_num_queries
):
    requests = [make_request(buyer, status="open", with_document=False) for _ in range(8)]
    services.recompute_requests(requests)
    for part_request in requests[:4]:
        services.interest_declare(request=part_request, supplier=alices_firm)
    client.force_login(alice)
    with django_assert_max_num_queries(30):  # ≈ 20 counted; a query per row would add 8 or 16
        page = client.get(reverse("matching:request_list")).content.decode()
    assert page.count('data-testid="offered-row"') == 8 and page.count('data-testid="interested"') == 4
