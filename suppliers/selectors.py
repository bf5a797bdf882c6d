"""Read-only queries about supplier firms."""

import datetime
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from portal.models import Membership, Organisation, User
from portal.roles import is_staff_member, organisations_of
from suppliers.models import (
    Certificate,
    ClusterMember,
    Document,
    Invitation,
    ProcessCapability,
    Product,
    SupplierProfile,
)
from suppliers.permissions import is_buyer


def profiles_of(user):
    """The supplier profiles of the firms a user belongs to."""
    return SupplierProfile.objects.filter(organisation__in=organisations_of(user))


def profile_for_user(user) -> SupplierProfile | None:
    """The supplier profile a user works on (their first supplier firm), or None."""
    return profiles_of(user).select_related("organisation").order_by("pk").first()


def profile_detail(pk: int) -> SupplierProfile:
    """One profile with everything its page shows, in a bounded number of queries."""
    return (
        SupplierProfile.objects.select_related("organisation__province")
        .prefetch_related(
            "sectors",
            "vsic_codes",
            "materials",
            "practices",
            Prefetch(
                "processes",
                queryset=ProcessCapability.objects.select_related("process__process_group").order_by(
                    "process__process_group__position", "process__name_vi"
                ),
            ),
            "equipment",
            "products__product_group",
            Prefetch("certificates", queryset=Certificate.objects.select_related("standard", "document")),
            "organisation__clusters__cluster",
            "organisation__documents",
        )
        .get(pk=pk)
    )


def with_card_details(profiles: QuerySet, *, today: datetime.date) -> QuerySet:
    """What a search result card shows, in a fixed number of queries per page."""
    return profiles.select_related("organisation__province").prefetch_related(
        Prefetch(
            "processes",
            queryset=ProcessCapability.objects.select_related("process").order_by("process__name_vi"),
        ),
        Prefetch(
            "certificates",
            queryset=Certificate.objects.valid_on(today)
            .select_related("standard")
            .order_by("standard__name_vi"),
            to_attr="valid_certificates",
        ),
        Prefetch("products", queryset=Product.objects.order_by("pk")),
    )


# --- Accounts: registration, members, invitations ---------------------------------------------

# An invitation link is a password-less way in, so it must not stay usable for ever.
INVITATION_VALID_DAYS = 14


def organisation_with_tax_code(tax_code: str) -> Organisation | None:
    """The organisation registered under a (compact) MST, or None."""
    return Organisation.objects.filter(tax_code=tax_code).first()


def organisation_admin_email(organisation: Organisation) -> str:
    """The e-mail of the organisation's longest-standing administrator, or "" when it has none."""
    membership = (
        Membership.objects.filter(organisation=organisation, role=Membership.Role.ADMIN)
        .select_related("user")
        .order_by("created_at", "pk")
        .first()
    )
    return membership.user.email if membership else ""


def user_with_email(email: str) -> User | None:
    """The user whose e-mail is ``email`` (case-insensitive), or None."""
    return User.objects.filter(email__iexact=email.strip()).first()


def email_in_use(email: str) -> bool:
    """True when a user, or an allauth address of a user, already has this e-mail."""
    return (
        user_with_email(email) is not None
        or EmailAddress.objects.filter(email__iexact=email.strip()).exists()
    )


def pending_invitations(organisation: Organisation):
    """Invitations of a firm not yet accepted, newest first (expired ones included, to cancel)."""
    return (
        Invitation.objects.filter(organisation=organisation, accepted_at__isnull=True)
        .select_related("invited_by")
        .order_by("-created_at")
    )


def invitation_pending(token: str) -> Invitation | None:
    """The not-yet-accepted invitation with this token, or None (used and unknown look the same)."""
    return (
        Invitation.objects.filter(token=token, accepted_at__isnull=True)
        .select_related("organisation", "invited_by")
        .first()
    )


def invitation_is_expired(invitation: Invitation, *, now: datetime.datetime | None = None) -> bool:
    age = (now or timezone.now()) - invitation.created_at
    return age > datetime.timedelta(days=INVITATION_VALID_DAYS)


# --- API: the supplier list and detail --------------------------------------------------------


def profiles_visible_to(user):
    """The profiles a user may look up: buyers and staff every firm, anyone else only their own.

    Other suppliers are competitors: they do not browse each other (see suppliers.permissions).
    """
    if is_staff_member(user) or is_buyer(user):
        return SupplierProfile.objects.all()
    return profiles_of(user)


def profile_list(*, user):
    """The profiles ``user`` may see with everything the API shows, in a fixed number of queries."""
    return (
        profiles_visible_to(user)
        .select_related("organisation__province")
        .prefetch_related(
            "sectors",
            "materials",
            "practices",
            Prefetch(
                "processes",
                queryset=ProcessCapability.objects.select_related("process").order_by(
                    "process__process_group__position", "process__name_vi"
                ),
            ),
            Prefetch("certificates", queryset=Certificate.objects.select_related("standard")),
            Prefetch("products", queryset=Product.objects.select_related("product_group").order_by("pk")),
            Prefetch("organisation__clusters", queryset=ClusterMember.objects.select_related("cluster")),
        )
        .order_by("organisation__name", "pk")
    )


# --- Profile completeness ---------------------------------------------------------------------

# Spare capacity changes month by month: an older declaration misleads buyers more than it helps.
SPARE_CAPACITY_FRESH_DAYS = 90


@dataclass(frozen=True)
class Completeness:
    percent: int
    missing: list[str]


def _has_description(profile, today) -> bool:
    return bool(profile.description.strip() or profile.description_en.strip())


def _has_contact(profile, today) -> bool:
    return bool(profile.contact_name.strip() and (profile.contact_email or profile.contact_phone.strip()))


def _has_employees_band(profile, today) -> bool:
    return bool(profile.employees_band)


def _has_founded_year(profile, today) -> bool:
    return profile.founded_year is not None


def _has_sectors(profile, today) -> bool:
    return bool(profile.sectors.all())


def _has_process_with_capacity(profile, today) -> bool:
    return any(capability.monthly_capacity for capability in profile.processes.all())


def _has_materials(profile, today) -> bool:
    return bool(profile.materials.all())


def _has_equipment(profile, today) -> bool:
    return bool(profile.equipment.all())


def _has_products(profile, today) -> bool:
    return bool(profile.products.all())


def _has_valid_certificate(profile, today) -> bool:
    # Expired (or not yet issued) certificates never count, here or anywhere.
    return any(certificate.is_valid_on(today) for certificate in profile.certificates.all())


def _has_document(profile, today) -> bool:
    # Certificate scans count with their certificate; this asks for a photo, brochure or other file.
    documents = profile.organisation.documents.all()
    return any(document.kind != Document.Kind.CERTIFICATE for document in documents)


def _has_fresh_spare_capacity(profile, today) -> bool:
    as_of = profile.spare_capacity_as_of
    if profile.spare_capacity_percent is None or as_of is None:
        return False
    return 0 <= (today - as_of).days <= SPARE_CAPACITY_FRESH_DAYS


# (weight, check, what to do when it fails). The weights add up to 100. A buyer's engineer
# shortlists on processes with capacity first, then on products, materials, sectors and a valid
# certificate; the rest makes a firm look serious and reachable.
COMPLETENESS_CHECKS = (
    (10, _has_description, gettext_lazy("Describe what your firm makes in a few sentences.")),
    (10, _has_contact, gettext_lazy("Add a contact person with an e-mail address or a phone number.")),
    (5, _has_employees_band, gettext_lazy("Select how many employees your firm has.")),
    (5, _has_founded_year, gettext_lazy("Enter the year your firm was founded.")),
    (10, _has_sectors, gettext_lazy("Select the CNHT sectors your firm works in.")),
    (15, _has_process_with_capacity, gettext_lazy("Add at least one process with its monthly capacity.")),
    (10, _has_materials, gettext_lazy("Select the materials you work with.")),
    (5, _has_equipment, gettext_lazy("List your main equipment.")),
    (10, _has_products, gettext_lazy("Add the products or parts you make.")),
    (10, _has_valid_certificate, gettext_lazy("Add a certificate that has not expired, such as ISO 9001.")),
    (5, _has_document, gettext_lazy("Upload a photo of your workshop, a brochure or another document.")),
    (
        5,
        _has_fresh_spare_capacity,
        gettext_lazy("Declare your spare capacity; a declaration older than 90 days no longer counts."),
    ),
)


def profile_completeness(profile: SupplierProfile, *, today: datetime.date | None = None) -> Completeness:
    """How complete a profile is (0–100) and what to add, in the order of the form sections.

    Reads only what ``profile_detail`` prefetches, so it adds no query to the profile page.
    """
    today = today or timezone.localdate()
    percent, missing = 0, []
    for weight, check, advice in COMPLETENESS_CHECKS:
        if check(profile, today):
            percent += weight
        else:
            missing.append(str(advice))
    return Completeness(percent=percent, missing=missing)


def firm_members(organisation: Organisation):
    """A firm's memberships with their users, administrators first."""
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("role", "user__last_name", "user__first_name", "user__email")
    )
