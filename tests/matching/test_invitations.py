"""Invitations to quote and quotations: the buyer invites from the shortlist, suppliers answer."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from matching import selectors, services
from matching.models import PartRequest, Quotation, QuoteInvitation, ShortlistEntry
from portal.models import Province
from tests.factories import MembershipFactory, OrganisationFactory
from tests.matching.test_request_views import make_request

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def shortlisted(buyer, alices_firm, charlies_firm):
    """An open request (invited suppliers only) with both firms ranked and shortlisted."""
    part_request = make_request(buyer, status="open", visibility="invited")
    services.recompute_requests([part_request])
    for profile in (alices_firm, charlies_firm):
        services.shortlist_add(request=part_request, supplier=profile, by=buyer)
    return part_request


def invite(client, buyer, part_request, *profiles, message="Xin báo giá trước 30/12"):
    client.force_login(buyer)
    return client.post(
        reverse("matching:quote_invite", args=[part_request.pk]),
        {"supplier": [p.pk for p in profiles], "message": message},
    )


def quote_data(**overrides):
    data = {
        "unit_price": "12500",
        "currency": "VND",
        "lead_time_days": "30",
        "valid_until": (TODAY + datetime.timedelta(days=60)).isoformat(),
        "notes": "Giá FOB Chu Lai",
    }
    data.update(overrides)
    return data


def test_the_buyer_invites_shortlisted_suppliers_who_are_mailed(
    client, buyer, shortlisted, alices_firm, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the mail leaves after the commit
        with_mail = invite(client, buyer, shortlisted, alices_firm)
    assert with_mail.status_code == 302
    invitation = QuoteInvitation.objects.get()
    assert invitation.supplier == alices_firm and invitation.message == "Xin báo giá trước 30/12"
    assert ShortlistEntry.objects.get(supplier=alices_firm).status == "contacted"
    [message] = mail.outbox
    assert alice.email in message.to and "Giá đỡ cản trước" in message.subject
    assert reverse("matching:invitation_detail", args=[invitation.pk]) in message.body
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, buyer, shortlisted, alices_firm)  # again: nothing new
    assert QuoteInvitation.objects.count() == 1 and len(mail.outbox) == 1


def test_only_shortlisted_suppliers_of_an_open_request_are_invited(client, buyer, alices_firm):
    part_request = make_request(buyer, status="open")
    invite(client, buyer, part_request, alices_firm)  # not on the shortlist
    assert not QuoteInvitation.objects.exists()


def test_the_invited_supplier_sees_it_unread_then_read_with_the_drawings(
    client, buyer, shortlisted, alices_firm, alice
):
    invite(client, buyer, shortlisted, alices_firm)
    invitation = QuoteInvitation.objects.get()
    client.force_login(alice)
    home = client.get(reverse("home")).content.decode()
    assert "Lời mời báo giá (1)" in home
    inbox = client.get(reverse("matching:invitation_inbox")).content.decode()
    assert 'data-testid="unread"' in inbox
    page = client.get(reverse("matching:invitation_detail", args=[invitation.pk]))
    assert page.status_code == 200 and "Xin báo giá trước 30/12" in page.content.decode()
    invitation.refresh_from_db()
    assert invitation.read_at is not None
    assert "Lời mời báo giá (1)" not in client.get(reverse("home")).content.decode()
    # The invited-only request and its drawing are now open to alice's firm.
    drawing = shortlisted.documents.get()
    assert client.get(reverse("matching:request_detail", args=[shortlisted.pk])).status_code == 200
    assert (
        client.get(reverse("matching:document_download", args=[shortlisted.pk, drawing.pk])).status_code
        == 200
    )
    assert shortlisted in selectors_visible(alice)


def selectors_visible(user):
    from matching.permissions import visible_requests

    return list(visible_requests(user))


def test_a_supplier_not_invited_sees_neither_the_request_nor_the_invitation(
    client, buyer, shortlisted, alices_firm, charlie, charlies_firm
):
    invite(client, buyer, shortlisted, alices_firm)
    invitation = QuoteInvitation.objects.get()
    client.force_login(charlie)
    assert client.get(reverse("matching:invitation_detail", args=[invitation.pk])).status_code == 404
    assert client.get(reverse("matching:request_detail", args=[shortlisted.pk])).status_code == 404
    assert shortlisted not in selectors_visible(charlie)
    post = client.post(reverse("matching:invitation_quote", args=[invitation.pk]), quote_data())
    assert post.status_code == 404 and not Quotation.objects.exists()


def test_declining_needs_a_reason_and_keeps_what_was_typed(client, buyer, shortlisted, alices_firm, alice):
    invite(client, buyer, shortlisted, alices_firm)
    invitation = QuoteInvitation.objects.get()
    client.force_login(alice)
    url = reverse("matching:invitation_answer", args=[invitation.pk])
    refused = client.post(url, {"answer": "declined", "decline_reason": " "})
    assert refused.status_code == 400 and 'data-testid="field-error"' in refused.content.decode()
    client.post(url, {"answer": "declined", "decline_reason": "Hết công suất quý này"})
    invitation.refresh_from_db()
    assert (invitation.answer, invitation.decline_reason) == ("declined", "Hết công suất quý này")


def test_the_supplier_quotes_with_a_file_and_the_buyer_sees_it(
    client, buyer, shortlisted, alices_firm, alice
):
    invite(client, buyer, shortlisted, alices_firm)
    invitation = QuoteInvitation.objects.get()
    client.force_login(alice)
    data = quote_data(files=SimpleUploadedFile("bao-gia.pdf", PDF, content_type="application/pdf"))
    response = client.post(reverse("matching:invitation_quote", args=[invitation.pk]), data)
    assert response.status_code == 302
    quotation = Quotation.objects.get()
    assert quotation.unit_price == 12500 and quotation.documents.count() == 1
    invitation.refresh_from_db()
    assert invitation.answer == "quoted"
    assert ShortlistEntry.objects.get(supplier=alices_firm).status == "quotation"
    client.force_login(buyer)
    page = client.get(reverse("matching:shortlist", args=[shortlisted.pk])).content.decode()
    assert "12500 VND" in page and "bao-gia.pdf" in page
    document = quotation.documents.get()
    download = client.get(reverse("matching:quotation_document", args=[shortlisted.pk, document.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    compared = client.get(reverse("matching:compare", args=[shortlisted.pk]), {"supplier": alices_firm.pk})
    assert "12500 VND" in compared.content.decode()  # the comparison's quotation row
    csv = client.get(reverse("matching:shortlist_export", args=[shortlisted.pk, "csv"])).content.decode(
        "utf-8-sig"
    )
    assert "Đơn giá" in csv.splitlines()[0] and ",12500.00,VND,30," in csv


def test_a_bad_quotation_is_refused_with_its_errors_and_nothing_is_saved(
    client, buyer, shortlisted, alices_firm, alice
):
    invite(client, buyer, shortlisted, alices_firm)
    invitation = QuoteInvitation.objects.get()
    client.force_login(alice)
    url = reverse("matching:invitation_quote", args=[invitation.pk])
    for bad in (
        quote_data(unit_price="0"),
        quote_data(valid_until=(TODAY - datetime.timedelta(days=1)).isoformat()),
        quote_data(files=SimpleUploadedFile("x.pdf", b"not a pdf at all", content_type="application/pdf")),
    ):
        response = client.post(url, bad)
        assert response.status_code == 400
        assert "Giá FOB Chu Lai" in response.content.decode()  # what was typed is still there
    assert not Quotation.objects.exists()


def test_an_expired_quotation_shows_as_expired_to_the_buyer(client, buyer, shortlisted, alices_firm):
    services.quote_invite(request=shortlisted, suppliers=[alices_firm], by=buyer)
    invitation = QuoteInvitation.objects.get()
    services.quotation_submit(
        invitation=invitation,
        data={"unit_price": 9000, "currency": "VND", "lead_time_days": 20, "valid_until": TODAY, "notes": ""},
    )
    Quotation.objects.update(valid_until=TODAY - datetime.timedelta(days=3))
    client.force_login(buyer)
    page = client.get(reverse("matching:shortlist", args=[shortlisted.pk])).content.decode()
    assert 'data-testid="quotation-expired"' in page


def test_other_buyers_and_other_suppliers_never_reach_a_quotation_file(
    client, buyer, shortlisted, alices_firm, charlie
):
    services.quote_invite(request=shortlisted, suppliers=[alices_firm], by=buyer)
    invitation = QuoteInvitation.objects.get()
    services.quotation_submit(
        invitation=invitation,
        data={"unit_price": 1, "currency": "VND", "lead_time_days": 1, "valid_until": TODAY, "notes": ""},
        files=[SimpleUploadedFile("q.pdf", PDF, content_type="application/pdf")],
    )
    document = Quotation.objects.get().documents.get()
    url = reverse("matching:quotation_document", args=[shortlisted.pk, document.pk])
    rival = OrganisationFactory(name="OEM Khác", is_supplier=False, is_buyer=True)
    for outsider in (charlie, MembershipFactory(organisation=rival, user__email="x@rival.vn").user):
        client.force_login(outsider)
        assert client.get(url).status_code == 404


def test_the_buyer_record_counts_awards_and_decision_time(buyer):
    oem = buyer.memberships.get().organisation
    now = timezone.now()
    for status, days in (("awarded", 10), ("closed", 30), ("awarded", 20)):
        PartRequest.objects.create(
            buyer=oem,
            title="x",
            delivery_province=Province.objects.get(code="48"),
            status=status,
            published_at=now - datetime.timedelta(days=days),
            closed_at=now,
        )
    record = selectors.buyer_record(oem)
    assert record.decided == 3 and round(record.award_rate, 3) == 0.667
    assert round(record.median_days_to_decision) == 20


def test_suppliers_see_the_buyers_record_on_its_request_and_buyers_do_not(client, buyer, alice, alices_firm):
    part_request = make_request(buyer, status="open")
    oem = buyer.memberships.get().organisation
    decided = make_request(buyer, status="open")
    services.part_request_award(request=decided, awarded_to=alices_firm.organisation)
    assert selectors.buyer_record(oem).award_rate == 1.0
    client.force_login(alice)
    page = client.get(reverse("matching:request_detail", args=[part_request.pk])).content.decode()
    assert 'data-testid="buyer-record"' in page and "100 %" in page
    client.force_login(buyer)
    own = client.get(reverse("matching:request_detail", args=[part_request.pk])).content.decode()
    assert 'data-testid="buyer-record"' not in own
