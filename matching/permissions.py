"""Who may see or change a part request, its documents and its matches.

Rules (tested for owner, colleague, another buyer, verified and unverified suppliers, staff and
anonymous in tests/matching/test_request_views.py and test_request_api.py):
- a request belongs to its buyer organisation. Its members (admin or member) create, edit,
  publish, close and award it, and see its drafts, documents and matches. A firm that is both a
  buyer and a supplier acts as the buyer for its own requests;
- other buyers never see another buyer's requests (404): what an OEM is sourcing is confidential;
- supplier users see OPEN requests whose visibility is "verified" only when their firm's profile is
  verified by the Sở Công Thương. They never see the matches (they would see their competitors);
- requests whose visibility is "invited" are visible only to invited suppliers (see ``is_invited``),
  while open; an invited firm need not be verified (the buyer chose it);
- documents (drawings, specifications) are the buyer's members', staff's and invited suppliers'
  only: a drawing is not for every verified firm;
- staff (``portal.roles.is_staff_member``) see everything, read-only.

Callers turn "may not see" into 404 (nothing is confirmed to exist) and "may see but not
change" into 403.
"""

from dataclasses import dataclass

from django.db.models import Q

from matching.models import PartRequest, QuoteInvitation
from portal.models import Organisation
from portal.roles import is_staff_member, organisations_of
from suppliers.models import SupplierProfile
from suppliers.permissions import is_member_of


def buyer_organisations(user):
    """The buyer organisations a user belongs to: those they may create requests for."""
    return organisations_of(user).filter(is_buyer=True)


def buyer_organisation_for(user) -> Organisation | None:
    """The organisation a new request of this user belongs to (their first buyer firm), or None."""
    return buyer_organisations(user).order_by("pk").first()


def verified_profiles_of(user):
    """The verified supplier profiles of the firms a user belongs to."""
    return SupplierProfile.objects.verified().filter(organisation__in=organisations_of(user))


def is_invited(profile: SupplierProfile, request: PartRequest) -> bool:
    """Has the buyer invited this supplier to quote for the request?"""
    return QuoteInvitation.objects.filter(request=request, supplier=profile).exists()


def _invited(user, request: PartRequest) -> bool:
    """Is one of the user's firms invited? (Invited firms need not be verified: the buyer chose them.)"""
    return QuoteInvitation.objects.filter(
        request=request, supplier__organisation__in=organisations_of(user)
    ).exists()


@dataclass(frozen=True)
class Access:
    """Everything one user may do with one request, worked out once (a page asks all of it)."""

    view: bool
    edit: bool
    documents: bool
    matches: bool


def access_to(user, request: PartRequest) -> Access:
    """The ``can_*`` rules below at once, with the membership and staff look-ups made once."""
    if is_member_of(user, request.buyer):
        return Access(view=True, edit=True, documents=True, matches=True)
    if is_staff_member(user):
        return Access(view=True, edit=False, documents=True, matches=True)
    view = _supplier_may_view(user, request)
    return Access(view=view, edit=False, documents=view and _invited(user, request), matches=False)


def _supplier_may_view(user, request: PartRequest) -> bool:
    if request.status != PartRequest.Status.OPEN:
        return False
    if (
        request.visibility == PartRequest.Visibility.VERIFIED_SUPPLIERS
        and verified_profiles_of(user).exists()
    ):
        return True
    return _invited(user, request)


def can_edit_request(user, request: PartRequest) -> bool:
    """Create, edit, publish, close, award: the buyer's own members only (not staff)."""
    return is_member_of(user, request.buyer)


def can_view_request(user, request: PartRequest) -> bool:
    if is_member_of(user, request.buyer) or is_staff_member(user):
        return True
    return _supplier_may_view(user, request)


def can_view_documents(user, request: PartRequest) -> bool:
    if is_member_of(user, request.buyer) or is_staff_member(user):
        return True
    return request.status == PartRequest.Status.OPEN and _invited(user, request)


def can_view_matches(user, request: PartRequest) -> bool:
    """The ranked suppliers: the buyer's members and staff. Suppliers never see their competitors."""
    return is_member_of(user, request.buyer) or is_staff_member(user)


def visible_requests(user):
    """``can_view_request`` as a queryset: everything ``user`` may open, for lists and the API."""
    if not user.is_authenticated:
        return PartRequest.objects.none()
    if is_staff_member(user):
        return PartRequest.objects.all()
    rule = Q(buyer__in=organisations_of(user))
    if verified_profiles_of(user).exists():
        rule |= Q(status=PartRequest.Status.OPEN, visibility=PartRequest.Visibility.VERIFIED_SUPPLIERS)
    invited = QuoteInvitation.objects.filter(supplier__organisation__in=organisations_of(user)).values(
        "request_id"
    )
    rule |= Q(status=PartRequest.Status.OPEN, pk__in=invited)
    return PartRequest.objects.filter(rule)


def answering_profile(user, request: PartRequest) -> SupplierProfile | None:
    """The firm on whose behalf ``user`` may say it is interested in ``request`` (or see its own
    score there): one of the user's supplier firms that may see the open request — verified, for a
    request shown to verified suppliers, or invited. None for the buyer's own members."""
    if request.status != PartRequest.Status.OPEN or is_member_of(user, request.buyer):
        return None
    seeing = Q(quote_invitations__request=request)
    if request.visibility == PartRequest.Visibility.VERIFIED_SUPPLIERS:
        seeing |= Q(verification_status=SupplierProfile.Verification.VERIFIED)
    profiles = SupplierProfile.objects.filter(organisation__in=organisations_of(user))
    return profiles.filter(seeing).select_related("organisation").order_by("pk").first()


def member_rule(user):
    """A request → "is ``user`` one of its buyer's members?" for a whole page, in one query."""
    own = set(organisations_of(user).values_list("pk", flat=True))
    return lambda request: request.buyer_id in own
