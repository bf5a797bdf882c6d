"""Part-request pages: a buyer's members post, publish and award; who else sees what.

People: ``buyer`` (dan, member of the OEM), ``colleague`` (another member of the same OEM),
``other_buyer`` (a member of another OEM), ``alice`` (verified supplier), ``charlie`` (supplier
whose profile is still pending), ``staff`` and anonymous visitors.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from matching import services
from matching.models import MatchScore, PartRequest, RequestDocument
from portal.models import Membership, Province, Term
from suppliers.models import Certificate, ProcessCapability
from suppliers.services import profile_changed, supplier_profile_create, verification_set
from tests.conftest import wait_until
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


# --- Helpers (also used by test_request_api.py) -------------------------------------------------


def term(kind: str, code: str) -> Term:
    return Term.objects.get(kind=kind, code=code)


def pdf(name: str = "drawing-A12.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def verified_supplier(organisation, *, processes=("stamping",), certifications=(), verified=True):
    """A supplier profile with process capabilities and certificates, verified by staff."""
    profile = supplier_profile_create(organisation=organisation)
    if verified:
        verification_set(profile=profile, status="verified")
    for code in processes:
        ProcessCapability.objects.create(
            profile=profile, process=term("process", code), monthly_capacity=10_000, best_tolerance_mm=0.05
        )
    for code in certifications:
        Certificate.objects.create(
            profile=profile,
            standard=term("certification", code),
            issued_on=TODAY - datetime.timedelta(days=30),
            expires_on=TODAY + datetime.timedelta(days=700),
        )
    profile_changed(profile)
    return profile


def make_request(buyer_user, *, status="draft", visibility="verified", with_document=True, **fields):
    """A request of ``buyer_user``'s organisation, needing stamping and IATF 16949, with a drawing."""
    organisation = buyer_user.memberships.get().organisation
    values = {
        "title": "Giá đỡ cản trước",
        "title_en": "Front bumper bracket",
        "delivery_province": Province.objects.get(code="48"),
        "needed_by": TODAY + datetime.timedelta(days=120),
        "annual_volume": 24_000,
        "visibility": visibility,
        **fields,
    }
    part_request = PartRequest(buyer=organisation, **values)
    files = [pdf()] if with_document else []
    m2m = {
        "required_processes": [term("process", "stamping")],
        "required_certifications": [term("certification", "iatf-16949")],
    }
    services.part_request_submit(request=part_request, m2m=m2m, files=files, by=buyer_user)
    if status in ("open", "closed", "awarded"):
        services.part_request_publish(request=part_request)
    if status == "closed":
        services.part_request_close(request=part_request)
    return part_request


def other_member_of(user, email: str):
    organisation = user.memberships.get().organisation
    return MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER, user__email=email).user


def new_buyer(email: str = "eve@samsung.vn"):
    oem = OrganisationFactory(name="Samsung Electronics Việt Nam", is_supplier=False, is_buyer=True)
    return MembershipFactory(organisation=oem, role=Membership.Role.MEMBER, user__email=email).user


# --- Fixtures -----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def colleague(buyer):
    return other_member_of(buyer, "linh@vinfast.vn")


@pytest.fixture
def other_buyer(db):
    return new_buyer()


@pytest.fixture
def verified(alice, firm):
    """Alice's firm: verified, stamps and holds IATF 16949."""
    return verified_supplier(firm, certifications=("iatf-16949",))


@pytest.fixture
def unverified(charlie):
    return verified_supplier(charlie.memberships.get().organisation, verified=False)


@pytest.fixture
def draft(buyer):
    return make_request(buyer)


@pytest.fixture
def open_request(buyer):
    return make_request(buyer, status="open")


def detail(part_request) -> str:
    return reverse("matching:request_detail", args=[part_request.pk])


def document_url(part_request) -> str:
    document = part_request.documents.get()
    return reverse("matching:document_download", args=[part_request.pk, document.pk])


def form_data(**overrides) -> dict:
    data = {
        "title": "Khung ghế sau",
        "title_en": "Rear seat frame",
        "description": "Khung ghế hàn từ thép ống.",
        "required_processes": [term("process", "stamping").pk, term("process", "mig-mag-welding").pk],
        "optional_processes": [term("process", "painting").pk],
        "required_certifications": [term("certification", "iatf-16949").pk],
        "annual_volume": "24000",
        "volume_unit": "pcs",
        "tolerance_mm": "0.1",
        "delivery_province": Province.objects.get(code="48").pk,
        "response_deadline": (TODAY + datetime.timedelta(days=20)).isoformat(),
        "needed_by": (TODAY + datetime.timedelta(days=90)).isoformat(),
        "visibility": "verified",
    }
    data.update(overrides)
    return data


# --- Creating and editing -----------------------------------------------------------------------


def test_a_buyer_member_creates_a_request_with_processes_certification_and_a_drawing(client, buyer):
    client.force_login(buyer)
    response = client.post(reverse("matching:request_create"), {**form_data(), "documents": [pdf()]})
    part_request = PartRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail(part_request)
    assert part_request.buyer == buyer.memberships.get().organisation
    assert part_request.created_by == buyer
    assert part_request.status == PartRequest.Status.DRAFT
    assert {t.code for t in part_request.required_processes.all()} == {"stamping", "mig-mag-welding"}
    assert [t.code for t in part_request.optional_processes.all()] == ["painting"]
    assert [t.code for t in part_request.required_certifications.all()] == ["iatf-16949"]
    document = part_request.documents.get()
    assert document.original_name == "drawing-A12.pdf"
    assert document.content_type == "application/pdf"
    assert document.uploaded_by == buyer
    assert "drawing-A12" not in document.file.name  # the stored name is the server's own


def test_the_form_groups_processes_by_process_group(client, buyer):
    client.force_login(buyer)
    content = client.get(reverse("matching:request_create")).content.decode()
    assert content.count("<optgroup") >= 2
    assert 'data-testid="section"' in content


def test_errors_keep_the_input_and_sit_next_to_the_fields(client, buyer):
    client.force_login(buyer)
    stamping = term("process", "stamping").pk
    data = form_data(
        title="Giá đỡ động cơ",
        needed_by=(TODAY - datetime.timedelta(days=1)).isoformat(),
        response_deadline=(TODAY + datetime.timedelta(days=5)).isoformat(),
        required_processes=[stamping],
        optional_processes=[stamping],
    )
    response = client.post(reverse("matching:request_create"), data)
    content = response.content.decode()
    errors = response.context["form"].errors
    assert response.status_code == 200
    assert set(errors) >= {"needed_by", "optional_processes"}
    assert 'data-testid="error-needed_by"' in content
    assert 'data-testid="error-optional_processes"' in content
    assert 'value="Giá đỡ động cơ"' in content
    assert f'value="{stamping}" selected' in content
    assert not PartRequest.objects.exists()


def test_a_response_deadline_after_the_needed_by_date_is_refused(client, buyer):
    client.force_login(buyer)
    data = form_data(
        response_deadline=(TODAY + datetime.timedelta(days=100)).isoformat(),
        needed_by=(TODAY + datetime.timedelta(days=90)).isoformat(),
    )
    response = client.post(reverse("matching:request_create"), data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["response_deadline"]
    assert not PartRequest.objects.exists()


def test_a_file_that_is_not_really_a_pdf_is_refused_and_nothing_is_saved(client, buyer):
    client.force_login(buyer)
    fake = SimpleUploadedFile("drawing.pdf", b"<html><script>alert(1)</script></html>")
    response = client.post(reverse("matching:request_create"), {**form_data(), "documents": [fake]})
    assert response.status_code == 200
    assert "documents" in response.context["form"].errors
    assert not PartRequest.objects.exists()
    assert not RequestDocument.objects.exists()


def test_a_colleague_edits_the_request_and_adds_a_drawing(client, colleague, draft):
    client.force_login(colleague)
    data = form_data(title="Giá đỡ cản sau", needed_by=draft.needed_by.isoformat())
    response = client.post(
        reverse("matching:request_edit", args=[draft.pk]), {**data, "documents": [pdf("spec.pdf")]}
    )
    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.title == "Giá đỡ cản sau"
    assert sorted(draft.documents.values_list("original_name", flat=True)) == ["drawing-A12.pdf", "spec.pdf"]


def test_a_closed_request_cannot_be_edited(client, buyer):
    closed = make_request(buyer, status="closed")
    client.force_login(buyer)
    response = client.post(reverse("matching:request_edit", args=[closed.pk]), form_data(title="Changed"))
    closed.refresh_from_db()
    assert response.status_code == 302
    assert closed.title == "Giá đỡ cản trước"


def test_suppliers_cannot_open_the_new_request_form(client, alice, verified):
    client.force_login(alice)
    assert client.get(reverse("matching:request_create")).status_code == 403


# --- Publishing, matches and awarding -----------------------------------------------------------


def test_publishing_marks_the_request_for_recompute_and_the_page_says_so(
    client, buyer, draft, django_capture_on_commit_callbacks
):
    client.force_login(buyer)
    with django_capture_on_commit_callbacks(execute=False):  # the recompute itself: next test
        response = client.post(reverse("matching:request_publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.status == PartRequest.Status.OPEN
    assert draft.published_at is not None
    assert services.pending_marks(request_id=draft.pk)
    content = client.get(detail(draft)).content.decode()
    assert 'data-testid="recompute-pending"' in content
    assert 'data-testid="match"' not in content


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_after_publishing_the_ranked_suppliers_appear_with_reasons_and_gaps(
    celery_worker, english, buyer, charlie, verified
):
    """End to end: the publish commits, the recompute runs (eagerly in the embedded run, in a
    real worker in the services run) and the page shows the ranking with reasons and gaps."""
    near_miss = verified_supplier(charlie.memberships.get().organisation)  # no IATF 16949
    draft = make_request(buyer)
    english.force_login(buyer)
    english.post(reverse("matching:request_publish", args=[draft.pk]))
    wait_until(
        lambda: (
            not services.pending_marks(request_id=draft.pk)
            and MatchScore.objects.filter(request=draft).count() == 2
        )
    )
    content = english.get(detail(draft)).content.decode()
    assert 'data-testid="recompute-pending"' not in content
    assert 'data-testid="computed-at"' in content
    assert content.count('data-testid="match"') == 2
    first, second = (content.index(f'data-supplier-id="{p.pk}"') for p in (verified, near_miss))
    assert first < content.index('data-testid="eligible"') < second < content.index("not-eligible")
    assert content.count('data-testid="reason"') == 2 * 9
    assert 'data-criterion="certifications"' in content
    assert "Must-have processes" in content
    assert "Missing IATF 16949" in content


def test_the_buyer_awards_the_request_to_a_matched_supplier(client, buyer, open_request, verified):
    services.recompute_requests([open_request])
    client.force_login(buyer)
    content = client.get(detail(open_request)).content.decode()
    assert 'data-testid="award-form"' in content
    response = client.post(
        reverse("matching:request_award", args=[open_request.pk]), {"awarded_to": verified.organisation_id}
    )
    open_request.refresh_from_db()
    assert response.status_code == 302
    assert open_request.status == PartRequest.Status.AWARDED
    assert open_request.awarded_to_id == verified.organisation_id


def test_a_request_cannot_be_awarded_to_a_firm_it_was_not_matched_with(client, buyer, open_request):
    outsider = OrganisationFactory(name="Công ty TNHH Không Liên Quan", is_supplier=True)
    client.force_login(buyer)
    client.post(reverse("matching:request_award", args=[open_request.pk]), {"awarded_to": outsider.pk})
    open_request.refresh_from_db()
    assert open_request.status == PartRequest.Status.OPEN
    assert open_request.awarded_to is None


def test_the_buyer_closes_an_open_request(client, colleague, open_request):
    client.force_login(colleague)
    client.post(reverse("matching:request_close", args=[open_request.pk]))
    open_request.refresh_from_db()
    assert open_request.status == PartRequest.Status.CLOSED


def test_the_actions_refuse_get(client, buyer, draft):
    client.force_login(buyer)
    assert client.get(reverse("matching:request_publish", args=[draft.pk])).status_code == 405


# --- Documents ----------------------------------------------------------------------------------


def test_a_colleague_downloads_the_drawing_as_a_private_attachment(client, colleague, draft):
    client.force_login(colleague)
    response = client.get(document_url(draft))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="drawing-A12.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"].startswith("private")


def test_a_document_of_another_request_is_not_found_under_this_one(client, buyer, draft):
    second = make_request(buyer)
    client.force_login(buyer)
    url = reverse("matching:document_download", args=[draft.pk, second.documents.get().pk])
    assert client.get(url).status_code == 404


# --- Who sees what ------------------------------------------------------------------------------


def test_the_buyer_sees_the_organisations_requests_in_the_list(client, buyer, draft, other_buyer):
    theirs = make_request(other_buyer)
    client.force_login(buyer)
    content = client.get(reverse("matching:request_list")).content.decode()
    assert f'data-request-id="{draft.pk}"' in content
    assert f'data-request-id="{theirs.pk}"' not in content
    assert 'data-testid="new-request"' in content


@pytest.mark.parametrize("status", ["draft", "open"])
def test_another_buyer_gets_404_on_the_request_its_files_and_its_actions(client, buyer, other_buyer, status):
    part_request = make_request(buyer, status=status)
    client.force_login(other_buyer)
    assert client.get(detail(part_request)).status_code == 404
    assert client.get(reverse("matching:request_edit", args=[part_request.pk])).status_code == 404
    assert client.get(document_url(part_request)).status_code == 404
    for action in ("request_publish", "request_close", "request_award"):
        assert client.post(reverse(f"matching:{action}", args=[part_request.pk])).status_code == 404
    part_request.refresh_from_db()
    assert part_request.status == status
    assert (
        f'data-request-id="{part_request.pk}"'
        not in client.get(reverse("matching:request_list")).content.decode()
    )


def test_a_verified_supplier_sees_an_open_request_but_not_its_documents_nor_its_matches(
    client, alice, verified, open_request
):
    services.recompute_requests([open_request])
    assert MatchScore.objects.filter(request=open_request).exists()
    client.force_login(alice)
    listing = client.get(reverse("matching:request_list")).content.decode()
    assert 'data-testid="offered-row"' in listing
    response = client.get(detail(open_request))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="requirements"' in content
    assert 'data-testid="documents"' not in content
    assert 'data-testid="matches"' not in content
    assert 'data-testid="actions"' not in content
    assert client.get(document_url(open_request)).status_code == 404
    assert client.post(reverse("matching:request_close", args=[open_request.pk])).status_code == 403


def test_a_verified_supplier_does_not_see_drafts(client, alice, verified, draft):
    client.force_login(alice)
    assert client.get(detail(draft)).status_code == 404


def test_an_unverified_supplier_does_not_see_open_requests(client, charlie, unverified, open_request):
    client.force_login(charlie)
    assert client.get(detail(open_request)).status_code == 404
    listing = client.get(reverse("matching:request_list")).content.decode()
    assert f'data-request-id="{open_request.pk}"' not in listing
    assert 'data-testid="not-verified"' in listing


def test_an_invited_only_request_is_invisible_to_suppliers(client, alice, verified, buyer):
    invited_only = make_request(buyer, status="open", visibility="invited")
    client.force_login(alice)
    assert client.get(detail(invited_only)).status_code == 404
    listing = client.get(reverse("matching:request_list")).content.decode()
    assert f'data-request-id="{invited_only.pk}"' not in listing


def test_a_firm_that_is_buyer_and_supplier_acts_as_buyer_for_its_own_requests(client, alice, verified):
    firm = verified.organisation
    firm.is_buyer = True
    firm.save()
    own = make_request(alice, status="open")
    client.force_login(alice)
    content = client.get(detail(own)).content.decode()
    assert 'data-testid="matches"' in content
    assert 'data-testid="documents"' in content
    assert client.get(document_url(own)).status_code == 200


def test_staff_see_everything_read_only(client, staff, buyer, draft):
    client.force_login(staff)
    content = client.get(detail(draft)).content.decode()
    assert 'data-testid="documents"' in content
    assert 'data-testid="matches"' in content
    assert 'data-testid="actions"' not in content
    assert client.get(document_url(draft)).status_code == 200
    assert f'data-request-id="{draft.pk}"' in client.get(reverse("matching:request_list")).content.decode()
    assert client.get(reverse("matching:request_edit", args=[draft.pk])).status_code == 403
    assert client.post(reverse("matching:request_publish", args=[draft.pk])).status_code == 403
    draft.refresh_from_db()
    assert draft.status == PartRequest.Status.DRAFT


def test_anonymous_visitors_are_sent_to_sign_in(client, draft):
    urls = [
        reverse("matching:request_list"),
        reverse("matching:request_create"),
        detail(draft),
        reverse("matching:request_edit", args=[draft.pk]),
        document_url(draft),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login"))
    response = client.post(reverse("matching:request_publish", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == PartRequest.Status.DRAFT


def test_the_nav_shows_part_requests_to_buyers(client, buyer):
    client.force_login(buyer)
    content = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("matching:request_list")}"' in content


# --- Performance ----------------------------------------------------------------------------------


def test_the_detail_page_runs_a_bounded_number_of_queries_with_ten_matches(
    client, buyer, open_request, django_assert_max_num_queries
):
    for number in range(10):
        firm = OrganisationFactory(name=f"Công ty TNHH Dập Số {number}", is_supplier=True)
        verified_supplier(firm, certifications=("iatf-16949",) if number % 2 else ())
    services.recompute_requests([open_request])
    assert MatchScore.objects.filter(request=open_request).count() == 10
    client.force_login(buyer)
    with django_assert_max_num_queries(MAX_DETAIL_QUERIES):
        response = client.get(detail(open_request))
    assert response.content.decode().count('data-testid="match"') == 10


# 17 counted on the page with ten matches (session, user, navigation, permissions, the request and
# its prefetches, the matches, the gaps' terms, the pending mark, the award choices), with room
# for a few more in the shared navigation; a query per match would add at least ten.
MAX_DETAIL_QUERIES = 25


# --- Filtering the ranked suppliers --------------------------------------------------------------


def _ranked_ids(client, part_request, **params) -> list[int]:
    response = client.get(detail(part_request), params)
    assert response.status_code == 200
    return [row.score.supplier_id for row in response.context["matches"]]


def test_the_buyer_filters_ranked_suppliers_by_eligibility_province_and_certification(
    client, buyer, open_request
):
    """open_request needs stamping and IATF 16949: certified firms are eligible, the others near misses."""
    hue = Province.objects.get(code="46")
    certified = verified_supplier(
        OrganisationFactory(name="Cơ khí Có Chứng Nhận"), certifications=("iatf-16949",)
    )
    plain = verified_supplier(OrganisationFactory(name="Cơ khí Chưa Chứng Nhận"))
    far = verified_supplier(
        OrganisationFactory(name="Cơ khí Huế", province=hue), certifications=("iatf-16949",)
    )
    services.recompute_requests([open_request])
    client.force_login(buyer)
    assert set(_ranked_ids(client, open_request)) == {certified.pk, plain.pk, far.pk}
    assert set(_ranked_ids(client, open_request, eligible="on")) == {certified.pk, far.pk}
    assert _ranked_ids(client, open_request, province="46") == [far.pk]
    assert set(_ranked_ids(client, open_request, certification="iatf-16949")) == {certified.pk, far.pk}
    assert _ranked_ids(client, open_request, certification="iso-9001") == []
    assert (
        'data-testid="no-filtered-matches"'
        in client.get(detail(open_request), {"province": "01"}).content.decode()
    )


def test_an_unknown_filter_value_is_an_error_on_the_page_not_a_500(client, buyer, open_request):
    client.force_login(buyer)
    response = client.get(detail(open_request), {"province": "99", "certification": "no-such"})
    assert response.status_code == 200
    assert 'data-testid="match-filter-errors"' in response.content.decode()


def test_ranked_suppliers_are_paged_with_the_filters_kept(client, buyer, open_request):
    for number in range(12):
        verified_supplier(OrganisationFactory(name=f"Cơ khí Trang {number}"), certifications=("iatf-16949",))
    services.recompute_requests([open_request])
    client.force_login(buyer)
    first = _ranked_ids(client, open_request, eligible="on")
    second = _ranked_ids(client, open_request, eligible="on", page="2")
    assert len(first) == 10 and len(second) == 2 and not set(first) & set(second)
    assert "eligible=on&amp;page=2" in client.get(detail(open_request), {"eligible": "on"}).content.decode()
