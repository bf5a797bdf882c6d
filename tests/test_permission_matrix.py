"""Who may reach what: every named URL of the portal, for every kind of caller.

Callers: alice (admin of a supplier firm), bob (her colleague), charlie (admin of another
supplier firm), dan (buyer at an OEM), erin (dan's colleague), frank (a buyer at another OEM),
staff (Sở Công Thương), anonymous. Outcomes: "ok" (served), "no" (403 or 404), "login" (sent to
sign in; the API answers 403). A new URL that is not in MATRIX or PUBLIC fails
``test_every_url_is_in_the_matrix``, so nobody adds a page without deciding who sees it.
"""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from matching.models import (
    PartRequest,
    Quotation,
    QuotationDocument,
    QuoteInvitation,
    RequestDocument,
    ShortlistEntry,
)
from matching.services import part_request_publish, part_request_save
from portal.models import Membership, Province, Term
from portal.tokens import create_token
from programs.models import Programme, ProgrammeDocument, Task, TaskUpdate, TaskUpdateAttachment
from suppliers.models import Document, Invitation
from suppliers.services import supplier_profile_create, verification_set
from tests.factories import TEST_PASSWORD, MembershipFactory, OrganisationFactory

CALLERS = ["alice", "bob", "charlie", "dan", "erin", "frank", "staff", "anonymous"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Pages anybody may open (no object of anyone's behind them).
PUBLIC = {"home", "health", "suppliers:register", "suppliers:invitation_accept", "api_schema", "api_docs"}
IGNORED_PREFIXES = ("admin/", "accounts/", "i18n/")


def row(spec: str) -> dict[str, str]:
    """'ok ok no …' in CALLERS order → {caller: outcome}."""
    outcomes = spec.split()
    assert len(outcomes) == len(CALLERS)
    return dict(zip(CALLERS, outcomes, strict=True))


#                                   alice bob charlie dan erin frank staff anon
SUPPLIER_PAGE = row("ok ok no ok ok ok ok login")
OWN_FIRM_ONLY = row("ok ok no no no no ok login")
OWN_FIRM_WORK = row("ok ok ok no no no no login")  # acts on the caller's own firm only
FIRM_ADMIN_ON_ALICES = row("ok no no no no no no login")
FIRM_MEMBER_ON_ALICES = row("ok ok no no no no no login")
BUYER_DRAFT = row("no no no ok ok no ok login")
BUYER_WRITE = row("no no no ok ok no no login")
ANY_SIGNED_IN = row("ok ok ok ok ok ok ok login")
STAFF_ONLY = row("no no no no no no ok login")

# name → (method, object key for the URL, outcomes)
MATRIX = {
    "organisation_detail": ("get", "firm", OWN_FIRM_ONLY),
    "api_tokens": ("get", None, ANY_SIGNED_IN),
    # alice's own token: only she may revoke it; anyone else gets a 404.
    "api_token_revoke": ("post", "alice_token", row("ok no no no no no no login")),
    "suppliers:members": ("get", None, OWN_FIRM_WORK),
    "suppliers:member_invite": ("post", None, row("ok no ok no no no no login")),
    "suppliers:member_role": ("post", "bob_membership", FIRM_ADMIN_ON_ALICES),
    "suppliers:member_remove": ("post", "bob_membership", FIRM_ADMIN_ON_ALICES),
    "suppliers:invitation_cancel": ("post", "invitation", FIRM_ADMIN_ON_ALICES),
    "suppliers:profile_edit": ("get", None, OWN_FIRM_WORK),
    "suppliers:profile_processes": ("get", None, OWN_FIRM_WORK),
    "suppliers:profile_equipment": ("get", None, OWN_FIRM_WORK),
    "suppliers:profile_products": ("get", None, OWN_FIRM_WORK),
    "suppliers:profile_certificates": ("get", None, OWN_FIRM_WORK),
    "suppliers:profile_documents": ("get", None, OWN_FIRM_WORK),
    "suppliers:profile_document_delete": ("post", "public_document", FIRM_MEMBER_ON_ALICES),
    "suppliers:document_download": ("get", "public_document", SUPPLIER_PAGE),
    "suppliers:profile_detail": ("get", "profile", SUPPLIER_PAGE),
    "suppliers:search": ("get", None, row("no no no ok ok ok ok login")),
    "matching:request_list": ("get", None, ANY_SIGNED_IN),
    "matching:request_create": ("get", None, row("no no no ok ok ok no login")),
    "matching:request_detail": ("get", "draft", BUYER_DRAFT),
    "matching:request_edit": ("get", "draft", BUYER_WRITE),
    "matching:request_publish": ("post", "draft", BUYER_WRITE),
    "matching:request_close": ("post", "open_request", BUYER_WRITE),
    "matching:request_award": ("post", "open_request", BUYER_WRITE),
    "matching:shortlist": ("get", "open_request", BUYER_DRAFT),
    "matching:shortlist_add": ("post", "open_request", BUYER_WRITE),
    "matching:quote_invite": ("post", "open_request", BUYER_WRITE),
    "matching:invitation_inbox": ("get", None, OWN_FIRM_WORK),
    "matching:invitation_detail": ("get", "quote_invitation", FIRM_MEMBER_ON_ALICES),
    "matching:invitation_answer": ("post", "quote_invitation", FIRM_MEMBER_ON_ALICES),
    "matching:invitation_quote": ("post", "quote_invitation", FIRM_MEMBER_ON_ALICES),
    "matching:quotation_document": ("get", "quotation_document", row("ok ok no ok ok no ok login")),
    "matching:shortlist_export": ("get", "open_request", BUYER_DRAFT),
    "matching:compare": ("get", "open_request", BUYER_DRAFT),
    "matching:compare_export": ("get", "open_request", BUYER_DRAFT),
    "matching:shortlist_update": ("post", "shortlist_entry", BUYER_WRITE),
    "matching:shortlist_remove": ("post", "shortlist_entry", BUYER_WRITE),
    "matching:document_download": ("get", "drawing", BUYER_DRAFT),
    # A verified firm that sees the open request says it is interested (charlie's is not verified).
    "matching:interest_declare": ("post", "open_request", FIRM_MEMBER_ON_ALICES),
    "matching:interest_withdraw": ("post", "open_request", FIRM_MEMBER_ON_ALICES),
    "suppliers_api:supplier-list": ("get", None, ANY_SIGNED_IN),
    "suppliers_api:supplier-me": ("get", None, OWN_FIRM_WORK),
    "suppliers_api:supplier-detail": ("get", "profile", SUPPLIER_PAGE),
    "matching_api:part-request-list": ("get", None, ANY_SIGNED_IN),
    "matching_api:part-request-detail": ("get", "draft", BUYER_DRAFT),
    "matching_api:part-request-matches": ("get", "open_request", BUYER_DRAFT),
    "matching_api:part-request-publish": ("post", "draft", BUYER_WRITE),
    "matching_api:part-request-close": ("post", "open_request", BUYER_WRITE),
    "matching_api:part-request-interest": ("post", "open_request", FIRM_MEMBER_ON_ALICES),
    "matching_api:part-request-interests": ("get", "open_request", BUYER_DRAFT),
    "matching_api:shortlist-entry-list": ("get", None, ANY_SIGNED_IN),
    "matching_api:shortlist-entry-detail": ("get", "shortlist_entry", BUYER_DRAFT),
    "matching_api:invitation-list": ("get", None, ANY_SIGNED_IN),
    "matching_api:invitation-detail": ("get", "quote_invitation", row("ok ok no ok ok no ok login")),
    "matching_api:invitation-answer": ("post", "quote_invitation", FIRM_MEMBER_ON_ALICES),
    "matching_api:invitation-quote": ("post", "quote_invitation", FIRM_MEMBER_ON_ALICES),
    "matching_api:quotation-list": ("get", None, ANY_SIGNED_IN),
    "matching_api:quotation-detail": ("get", "quotation", row("ok ok no ok ok no ok login")),
    "programs:gap_list": ("get", None, STAFF_ONLY),
    "programs:programme_list": ("get", None, STAFF_ONLY),
    "programs:dashboard": ("get", None, STAFF_ONLY),
    "programs:annual_report": ("get", "programme", STAFF_ONLY),
    "programs:annual_report_xlsx": ("get", "programme", STAFF_ONLY),
    "programs:gap_detail": ("get", "gap_key", STAFF_ONLY),
    "programs:gap_invite": ("post", "gap_key", STAFF_ONLY),
    "programs:programme_document_download": ("get", "programme_document", STAFF_ONLY),
    "programs:task_attachment_download": ("get", "task_attachment", STAFF_ONLY),
}

# Objects that need more than the default rule: a private file, an open request's details.
EXTRA_CASES = [
    ("suppliers:document_download", "get", "private_document", OWN_FIRM_ONLY),
    # An open request for all verified suppliers: alice's firm is verified, charlie's is not.
    ("matching:request_detail", "get", "open_request", row("ok ok no ok ok no ok login")),
    ("matching:document_download", "get", "open_drawing", BUYER_DRAFT),
    # An invited-only request: alice's firm is invited (it sees the request and its drawing), no one else.
    ("matching:request_detail", "get", "invited_request", row("ok ok no ok ok no ok login")),
    ("matching:document_download", "get", "invited_drawing", row("ok ok no ok ok no ok login")),
]


def named_urls(patterns=None, namespace=None, prefix=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            text = prefix + str(pattern.pattern)
            if text.startswith(IGNORED_PREFIXES):
                continue
            yield from named_urls(pattern.url_patterns, pattern.namespace or namespace, text)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_is_in_the_matrix():
    assert set(named_urls()) == set(MATRIX) | PUBLIC


@pytest.fixture
def world(db, alice, bob, charlie, firm, profile, other_profile, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    verification_set(profile=profile, status="verified")
    oem = OrganisationFactory(name="Công ty TNHH Ô tô Trường Hải Test", is_supplier=False, is_buyer=True)
    dan = MembershipFactory(organisation=oem, role=Membership.Role.ADMIN, user__email="dan@oem.vn").user
    erin = MembershipFactory(organisation=oem, role=Membership.Role.MEMBER, user__email="erin@oem.vn").user
    rival = OrganisationFactory(name="Công ty Cổ phần Ô tô Đối Thủ", is_supplier=False, is_buyer=True)
    frank = MembershipFactory(
        organisation=rival, role=Membership.Role.ADMIN, user__email="frank@rival.vn"
    ).user
    supplier_profile_create(organisation=charlie.memberships.get().organisation)

    def document(private: bool) -> Document:
        doc = Document(
            organisation=firm,
            kind="brochure",
            original_name="brochure.pdf",
            content_type="application/pdf",
            size=len(PDF),
            is_private=private,
        )
        doc.file.save("x.pdf", ContentFile(PDF), save=True)
        return doc

    def request(title: str, publish: bool) -> PartRequest:
        part_request = PartRequest(
            buyer=oem,
            title=title,
            delivery_province=Province.objects.get(code="48"),
            needed_by=timezone.localdate() + datetime.timedelta(days=90),
        )
        part_request_save(request=part_request, by=dan)
        if publish:
            part_request_publish(request=part_request)
        return part_request

    def drawing(part_request: PartRequest) -> RequestDocument:
        doc = RequestDocument(
            request=part_request, original_name="drawing.pdf", content_type="application/pdf", size=len(PDF)
        )
        doc.file.save("d.pdf", ContentFile(PDF), save=True)
        return doc

    draft, open_request = request("Bản nháp bí mật", False), request("Yêu cầu đang mở", True)
    invited_request = request("Yêu cầu chỉ cho nhà cung ứng được mời", True)
    PartRequest.objects.filter(pk=invited_request.pk).update(visibility=PartRequest.Visibility.INVITED_ONLY)
    quote_invitation = QuoteInvitation.objects.create(
        request=invited_request, supplier=profile, invited_by=dan
    )
    quotation = Quotation.objects.create(
        invitation=quote_invitation,
        unit_price=1000,
        lead_time_days=10,
        valid_until=timezone.localdate() + datetime.timedelta(days=30),
    )
    quotation_document = QuotationDocument(
        quotation=quotation, original_name="q.pdf", content_type="application/pdf", size=len(PDF)
    )
    quotation_document.file.save("q.pdf", ContentFile(PDF), save=True)
    objects = {
        "firm": firm,
        "profile": profile,
        "bob_membership": Membership.objects.get(user=bob),
        "invitation": Invitation.objects.create(
            organisation=firm, email="newbie@donga.vn", token="t" * 40, invited_by=alice
        ),
        "public_document": document(False),
        "private_document": document(True),
        "draft": draft,
        "open_request": open_request,
        "drawing": drawing(draft),
        "open_drawing": drawing(open_request),
        "shortlist_entry": ShortlistEntry.objects.create(
            request=open_request, supplier=profile, added_by=dan
        ),
        "invited_request": invited_request,
        "invited_drawing": drawing(invited_request),
        "quote_invitation": quote_invitation,
        "quotation": quotation,
        "programme": Programme.objects.create(kind="de-an", name="Đề án thử", lead_agency=oem),
        "gap_key": f"certification-{Term.objects.get(kind='certification', code='iatf-16949').pk}",
        "quotation_document": quotation_document,
    }
    objects["programme_document"] = ProgrammeDocument(
        programme=objects["programme"], original_name="qd.pdf", content_type="application/pdf", size=len(PDF)
    )
    objects["programme_document"].file.save("qd.pdf", ContentFile(PDF), save=True)
    task = Task.objects.create(programme=objects["programme"], title="Nhiệm vụ thử", lead_agency=oem)
    update = TaskUpdate.objects.create(task=task, progress=10, note="Bắt đầu")
    objects["task_attachment"] = TaskUpdateAttachment(
        update=update, original_name="bb.pdf", content_type="application/pdf", size=len(PDF)
    )
    objects["task_attachment"].file.save("bb.pdf", ContentFile(PDF), save=True)
    objects["alice_token"] = create_token(alice, name="ERP", days=30)[0].token_key
    users = {
        "alice": alice,
        "bob": bob,
        "charlie": charlie,
        "dan": dan,
        "erin": erin,
        "frank": frank,
        "staff": staff,
        "anonymous": None,
    }
    return users, objects


def outcome(response, url: str) -> str:
    login = reverse("account_login")
    if response.status_code == 302 and response["Location"].startswith(login):
        return "login"
    detail = (getattr(response, "data", None) or {}).get("detail") if url.startswith("/api/") else None
    if getattr(detail, "code", None) == "not_authenticated":
        return "login"
    if response.status_code in (403, 404):
        return "no"
    return "ok"


def _url(name: str, key: str | None, objects: dict) -> str:
    args = [objects[key] if isinstance(objects[key], str) else objects[key].pk] if key else []
    if name in ("matching:shortlist_export", "matching:compare_export"):
        args.append("xlsx")
    if name in ("matching:document_download", "matching:shortlist_update", "matching:shortlist_remove"):
        args = [objects[key].request_id, objects[key].pk]  # nested under their request
    if name.startswith("programs:annual_report"):
        args.append(timezone.localdate().year)
    if name == "matching:quotation_document":
        args = [objects[key].quotation.invitation.request_id, objects[key].pk]
    return reverse(name, args=args)


CASES = [(name, method, key, expected) for name, (method, key, expected) in MATRIX.items()] + EXTRA_CASES


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(("name", "method", "key", "expected"), CASES, ids=[f"{c[0]}[{c[2]}]" for c in CASES])
def test_the_matrix_holds(client, world, caller, name, method, key, expected):
    users, objects = world
    if users[caller]:
        client.force_login(users[caller])
    url = _url(name, key, objects)
    response = getattr(client, method)(url)
    assert outcome(response, url) == expected[caller], (
        f"{caller} {method.upper()} {url} → {response.status_code}"
    )


# --- The same pages over HTTPS with the production settings: security headers and cookies ------

GET_PAGES = [(name, key, expected) for name, (method, key, expected) in MATRIX.items() if method == "get"]


def _first_allowed(expected: dict[str, str]) -> str:
    return next(caller for caller in CALLERS if expected[caller] == "ok")


@pytest.mark.parametrize(("name", "key", "expected"), GET_PAGES, ids=[page[0] for page in GET_PAGES])
def test_every_page_sends_the_security_headers(
    client, world, settings, production_security_settings, name, key, expected
):
    for setting, value in production_security_settings.items():
        setattr(settings, setting, value)
    users, objects = world
    caller = users[_first_allowed(expected)]
    if caller:
        client.force_login(caller)
    response = client.get(_url(name, key, objects), secure=True)
    assert response.status_code == 200, f"{name}: {response.status_code}"
    _assert_security_headers(response)


@pytest.mark.parametrize(
    "url",
    ["/", "/accounts/login/", "/accounts/signup/", "/no-such-page/", "/api/v1/docs/", "/api/v1/schema/"],
)
def test_public_pages_send_the_security_headers_and_host_only_cookies(
    client, db, settings, production_security_settings, url
):
    for setting, value in production_security_settings.items():
        setattr(settings, setting, value)
    response = client.get(url, secure=True)
    assert response.status_code in (200, 404)
    _assert_security_headers(response)
    for cookie in response.cookies.values():
        assert cookie.key.startswith("__Host-"), cookie.key
        assert cookie["secure"] and cookie["path"] == "/" and not cookie["domain"], cookie.output()


def test_the_session_cookie_is_host_only_over_https(client, bob, settings, production_security_settings):
    for setting, value in production_security_settings.items():
        setattr(settings, setting, value)
    response = client.post("/accounts/login/", {"login": bob.email, "password": TEST_PASSWORD}, secure=True)
    assert response.status_code == 302
    session = response.cookies["__Host-sessionid"]
    assert session["secure"] and session["httponly"] and session["path"] == "/" and not session["domain"]


def _assert_security_headers(response) -> None:
    policy = dict(
        directive.strip().split(" ", 1) for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'" and "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert (policy["object-src"], policy["base-uri"], policy["frame-ancestors"]) == ("'none'",) * 3
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
