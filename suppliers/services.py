"""Writes about supplier firms: registration, profile changes, verification.

Every change to a profile ends in ``profile_changed``, which rebuilds the search document and
announces the change (``signals.capabilities_changed``) so matching can recompute.
"""

import secrets
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.mail import send_mail
from django.db import models, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from portal.models import Membership, Organisation, Province, Term, User
from portal.mst import clean_tax_code
from portal.text import accent_key, fold, legal_form_of, nfc, strip_legal_form
from suppliers import search_cache, selectors
from suppliers.models import (
    Certificate,
    ClusterMember,
    Document,
    Equipment,
    Invitation,
    NamePrefix,
    ProcessCapability,
    Product,
    SupplierProfile,
)
from suppliers.permissions import can_manage_members
from suppliers.search import name_prefixes
from suppliers.signals import capabilities_changed
from suppliers.uploads import private_file_store


def profile_search_document(profile: SupplierProfile) -> str:
    """Folded words a search or a match should find this firm by (legal-form words dropped)."""
    organisation = profile.organisation
    names = [organisation.name, organisation.name_en, *profile.trading_name_list()]
    parts = [strip_legal_form(fold(name)) for name in names]
    for capability in profile.processes.select_related("process"):
        parts.append(capability.process.search_keys.replace("\n", " "))
    for material in profile.materials.all():
        parts.append(material.search_keys.replace("\n", " "))
    for product in profile.products.all():
        parts += [fold(product.name), fold(product.name_en)]
    parts += [fold(profile.description), fold(profile.description_en)]
    return " ".join(part for part in parts if part)


def profile_search_exact(profile: SupplierProfile) -> str:
    """The words people may type with diacritics, kept as written (see suppliers.search)."""
    organisation = profile.organisation
    texts = [organisation.name, organisation.name_en, *profile.trading_name_list()]
    texts += [c.process.name_vi for c in profile.processes.select_related("process")]
    texts += [m.name_vi for m in profile.materials.all()]
    texts += [p.name for p in profile.products.all()]
    texts.append(profile.description)
    return " ".join(key for key in map(accent_key, texts) if key)


def profile_facet_values(profile: SupplierProfile) -> dict:
    """The firm's values of every search facet (``SupplierProfile.facet_values``)."""
    return facet_values_of([profile])[profile.pk]


def facet_values_of(profiles: list[SupplierProfile]) -> dict[int, dict]:
    """``profile_facet_values`` of many firms in five queries (bench data, bulk refreshes).

    Band and verification come from the instances (possibly just changed); the rows they own and
    the active cluster memberships from the database.
    """
    ids = [profile.pk for profile in profiles]
    organisations = {profile.organisation_id: profile.pk for profile in profiles}
    listed = {key: defaultdict(list) for key in ("sector", "process", "material", "certification", "cluster")}
    pairs = {
        "sector": SupplierProfile.sectors.through.objects.filter(supplierprofile_id__in=ids).values_list(
            "supplierprofile_id", "sector_id"
        ),
        "process": ProcessCapability.objects.filter(profile_id__in=ids).values_list(
            "profile_id", "process_id"
        ),
        "material": SupplierProfile.materials.through.objects.filter(supplierprofile_id__in=ids).values_list(
            "supplierprofile_id", "term_id"
        ),
    }
    for key, rows in pairs.items():
        for pk, value in rows:
            listed[key][pk].append(value)
    certificates = Certificate.objects.filter(profile_id__in=ids).order_by("pk")
    for pk, standard, issued, expires in certificates.values_list(
        "profile_id", "standard_id", "issued_on", "expires_on"
    ):
        listed["certification"][pk].append([standard, _iso(issued), _iso(expires)])
    active = ClusterMember.objects.filter(
        organisation_id__in=organisations, status=ClusterMember.Status.ACTIVE
    )
    for organisation, cluster in active.values_list("organisation_id", "cluster_id"):
        listed["cluster"][organisations[organisation]].append(cluster)
    return {
        profile.pk: {
            "province": profile.organisation.province_id,
            "sector": sorted(listed["sector"][profile.pk]),
            "process": sorted(set(listed["process"][profile.pk])),
            "material": sorted(listed["material"][profile.pk]),
            "certification": listed["certification"][profile.pk],
            "cluster": sorted(listed["cluster"][profile.pk]),
            "size": profile.employees_band,
            "verified": profile.verification_status == SupplierProfile.Verification.VERIFIED,
        }
        for profile in profiles
    }


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def profile_changed(profile: SupplierProfile) -> None:
    """Call after any change to a profile or its rows, inside the saving transaction."""
    profile.search_document = profile_search_document(profile)
    profile.search_exact = profile_search_exact(profile)
    profile.facet_values = profile_facet_values(profile)
    profile.name_search_key = profile.organisation.name_search_key
    profile.search_province_id = profile.organisation.province_id
    SupplierProfile.objects.filter(pk=profile.pk).update(
        search_document=profile.search_document,
        search_exact=profile.search_exact,
        facet_values=profile.facet_values,
        name_search_key=profile.name_search_key,
        search_province_id=profile.search_province_id,
        updated_at=timezone.now(),
    )
    _keep_name_prefixes(profile)
    search_cache.bump()
    capabilities_changed.send(sender=SupplierProfile, profile_id=profile.pk)


def _keep_name_prefixes(profile: SupplierProfile) -> None:
    """The profile's ``NamePrefix`` rows for its name as it is now. Most edits leave the name
    alone: then nothing is written (the table holds a million rows at 50,000 firms)."""
    mine = NamePrefix.objects.filter(profile=profile)
    mine.exclude(name_key=profile.name_search_key).delete()
    if not mine.exists():
        NamePrefix.objects.bulk_create(name_prefix_rows([(profile.pk, profile.name_search_key)]))


def name_prefix_rows(names: Iterable[tuple[int, str]]) -> Iterator[NamePrefix]:
    """The ``NamePrefix`` rows of firms given as (profile id, folded name): search's names in name order."""
    for profile_id, name in names:
        for prefix in name_prefixes(name):
            yield NamePrefix(prefix=prefix, name_key=name, profile_id=profile_id)


@transaction.atomic
def supplier_profile_create(*, organisation: Organisation) -> SupplierProfile:
    """Make an organisation a supplier with an empty, pending profile (idempotent)."""
    if not organisation.is_supplier:
        organisation.is_supplier = True
        organisation.save(update_fields=["is_supplier", "updated_at", "name_search_key"])
    profile, _created = SupplierProfile.objects.get_or_create(organisation=organisation)
    profile_changed(profile)
    return profile


@transaction.atomic
def verification_set(*, profile: SupplierProfile, status: str, reason: str = "", by=None) -> SupplierProfile:
    """Staff decision on a firm: pending → verified → suspended (with a reason shown to the firm).

    The change is recorded in the profile's history with who made it (``by``).
    """
    if status not in SupplierProfile.Verification.values:
        raise ValueError(f"unknown verification status {status!r}")
    profile.verification_status = status
    profile.verification_reason = reason
    profile.verified_at = timezone.now() if status == SupplierProfile.Verification.VERIFIED else None
    profile._history_user = by
    profile.full_clean()
    profile.save()
    profile_changed(profile)
    return profile


# --- Accounts: firm registration, colleagues, members -----------------------------------------


def _mask_email(email: str) -> str:
    """Mask an address ("alice@donga.vn" → "a***@donga.vn"): recognisable, not harvestable."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def supplier_register_check(*, tax_code: str | None, email: str | None) -> None:
    """Refuse a registration whose MST or e-mail is taken, saying whom to ask instead.

    Called by the registration form (so every error shows at once) and again by
    ``supplier_register`` inside its transaction.
    """
    errors: dict[str, str] = {}
    existing = selectors.organisation_with_tax_code(tax_code) if tax_code else None
    if existing is not None:
        admin_email = selectors.organisation_admin_email(existing)
        if admin_email:
            errors["tax_code"] = gettext(
                "%(firm)s is already registered with this tax code. Ask its administrator "
                "(%(email)s) to invite you, or contact the Department of Industry and Trade "
                "(Sở Công Thương)."
            ) % {"firm": existing.name, "email": _mask_email(admin_email)}
        else:
            errors["tax_code"] = gettext(
                "%(firm)s is already registered with this tax code. Contact the Department of "
                "Industry and Trade (Sở Công Thương) to be given access to it."
            ) % {"firm": existing.name}
    if email and selectors.email_in_use(email):
        errors["email"] = gettext("An account with this e-mail address already exists. Sign in instead.")
    if errors:
        raise ValidationError(errors)


def _user_create(
    *, email: str, first_name: str, last_name: str, position: str, phone: str, password: str
) -> User:
    user = User(
        email=email.strip().lower(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        position=position.strip(),
        phone=phone.strip(),
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


def _membership_create(*, user, organisation: Organisation, role: str) -> Membership:
    membership = Membership(user=user, organisation=organisation, role=role)
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def supplier_register(
    *,
    tax_code: str,
    name: str,
    province: Province,
    first_name: str,
    last_name: str,
    position: str,
    email: str,
    phone: str,
    password: str,
    request: HttpRequest | None = None,
) -> User:
    """Register a supplier firm and its first administrator, who must verify the e-mail address.

    The user is not signed in: allauth's mandatory verification refuses to sign in an account
    whose address is unverified, so nothing can be done on behalf of the firm until the link
    in the mail is followed. ``request`` lets allauth build the absolute link.
    """
    tax_code = clean_tax_code(tax_code)
    supplier_register_check(tax_code=tax_code, email=email)
    organisation = Organisation(name=nfc(name), tax_code=tax_code, province=province, is_supplier=True)
    organisation.full_clean()
    organisation.save()
    profile = supplier_profile_create(organisation=organisation)
    legal_form = legal_form_of(name)
    if legal_form in SupplierProfile.LegalForm.values:
        profile.legal_form = legal_form
        profile.full_clean()
        profile.save()
        profile_changed(profile)
    user = _user_create(
        email=email,
        first_name=first_name,
        last_name=last_name,
        position=position,
        phone=phone,
        password=password,
    )
    _membership_create(user=user, organisation=organisation, role=Membership.Role.ADMIN)
    address = EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    transaction.on_commit(lambda: _confirmation_send(address, request))
    return user


def _confirmation_send(address: EmailAddress, request: HttpRequest | None) -> None:
    """allauth's sign-up confirmation mail. Its mailer reads the request from allauth's context,
    which is gone when the commit happens after the response (ATOMIC_REQUESTS, tests), so set it."""
    with allauth_context.request_context(request):
        address.send_confirmation(request, signup=True)


def _invitation_send(invitation: Invitation) -> None:
    """Mail the accept link. The link is absolute (SITE_URL): it is opened from a mail client."""
    path = reverse("suppliers:invitation_accept", args=[invitation.token])
    context = {
        "invitation": invitation,
        "organisation": invitation.organisation,
        "inviter": invitation.invited_by,
        "role": Membership.Role(invitation.role).label,
        "accept_url": settings.SITE_URL.rstrip("/") + path,
        "valid_days": selectors.INVITATION_VALID_DAYS,
    }
    subject = " ".join(render_to_string("suppliers/email/invitation_subject.txt", context).split())
    body = render_to_string("suppliers/email/invitation_message.txt", context)
    send_mail(subject, body, None, [invitation.email])


@transaction.atomic
def colleague_invite(*, organisation: Organisation, email: str, role: str, invited_by) -> Invitation:
    """Invite a colleague by e-mail; a new invitation to the same address replaces the old one."""
    if not can_manage_members(invited_by, organisation):
        raise PermissionDenied
    email = email.strip().lower()
    if role not in Membership.Role.values:
        raise ValidationError({"role": gettext("Choose a valid role.")})
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError({"email": gettext("This person is already a member of your firm.")})
    pending = Invitation.objects.filter(organisation=organisation, accepted_at__isnull=True)
    pending.filter(email__iexact=email).delete()
    invitation = Invitation(
        organisation=organisation,
        email=email,
        role=role,
        token=secrets.token_urlsafe(32),
        invited_by=invited_by,
    )
    invitation.full_clean()
    invitation.save()
    transaction.on_commit(lambda: _invitation_send(invitation))
    return invitation


def invitation_cancel(*, invitation: Invitation) -> None:
    """Withdraw an invitation that has not been accepted: its link stops working."""
    if invitation.accepted_at is None:
        invitation.delete()


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership:
    """Join the invited firm. The link proved the address, so it counts as verified."""
    invitation = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(gettext("This invitation has already been used."))
    if selectors.invitation_is_expired(invitation):
        raise ValidationError(gettext("This invitation has expired."))
    if user.email.lower() != invitation.email.lower():
        raise PermissionDenied
    membership = Membership.objects.filter(user=user, organisation=invitation.organisation).first()
    if membership is None:  # already a member: keep the role they have
        membership = _membership_create(user=user, organisation=invitation.organisation, role=invitation.role)
    address = EmailAddress.objects.filter(user=user, email__iexact=invitation.email).first()
    if address is None:
        EmailAddress.objects.create(
            user=user,
            email=user.email,
            verified=True,
            primary=not EmailAddress.objects.filter(user=user, primary=True).exists(),
        )
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership


@transaction.atomic
def invitation_accept_new_user(
    *, invitation: Invitation, first_name: str, last_name: str, position: str, phone: str, password: str
) -> User:
    """Create the invited person's account (at the invited address) and join the firm."""
    supplier_register_check(tax_code=None, email=invitation.email)
    user = _user_create(
        email=invitation.email,
        first_name=first_name,
        last_name=last_name,
        position=position,
        phone=phone,
        password=password,
    )
    invitation_accept(invitation=invitation, user=user)
    return user


def _refuse_losing_last_admin(membership: Membership) -> None:
    """A firm without an administrator could never invite anyone again."""
    if membership.role != Membership.Role.ADMIN:
        return
    admins = list(
        Membership.objects.select_for_update()
        .filter(organisation_id=membership.organisation_id, role=Membership.Role.ADMIN)
        .values_list("pk", flat=True)
    )
    if admins == [membership.pk]:
        raise ValidationError(
            gettext("A firm needs at least one administrator: make someone else administrator first.")
        )


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str) -> Membership:
    if role not in Membership.Role.values:
        raise ValidationError({"role": gettext("Choose a valid role.")})
    if role != Membership.Role.ADMIN:
        _refuse_losing_last_admin(membership)
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    """Take a person out of the firm. Their account stays (history keeps pointing at it)."""
    _refuse_losing_last_admin(membership)
    membership.delete()


# --- Profile sections and documents (suppliers/views_profile.py) ------------------------------

ORGANISATION_IDENTITY_FIELDS = ("name", "name_en", "province", "website")
PROFILE_IDENTITY_FIELDS = (
    "trading_names",
    "legal_form",
    "ownership",
    "founded_year",
    "employees_band",
    "commune",
    "street",
    "description",
    "description_en",
    "contact_name",
    "contact_email",
    "contact_phone",
    "contacts_private",
    "has_cnht_incentive_certificate",
)
PROFILE_MARKET_FIELDS = (
    "main_customers",
    "customers_private",
    "export_markets",
    "spare_capacity_percent",
    "spare_capacity_as_of",
)


def _assign(instance, data: Mapping[str, Any], fields: Iterable[str]) -> None:
    """Copy the given fields from validated data; text is stored composed (NFC), as typed."""
    for field in fields:
        if field in data:
            value = data[field]
            setattr(instance, field, nfc(value) if isinstance(value, str) else value)


def _terms_of_kind(terms: Iterable[Term], kind: str) -> list[Term]:
    terms = list(terms)
    if any(term.kind != kind for term in terms):
        raise ValidationError(gettext("Choose only terms of the offered kind."))
    return terms


def _rows_save(
    profile: SupplierProfile, rows: Sequence[models.Model], deleted: Sequence[models.Model]
) -> None:
    """Delete, then validate and save, rows of one profile section (deleting first frees unique slots)."""
    if any(row.profile_id not in (None, profile.pk) for row in [*rows, *deleted]):
        raise PermissionDenied
    for row in deleted:
        if row.pk:
            row.delete()
    for row in rows:
        row.profile = profile
        row.full_clean()
        row.save()


@transaction.atomic
def profile_identity_update(
    *, profile: SupplierProfile, organisation_data: Mapping[str, Any], profile_data: Mapping[str, Any]
) -> SupplierProfile:
    """The identity section: the organisation's names, province and website, and the profile's identity.

    The tax code is not among the fields: it identifies the firm and never changes.
    """
    organisation = profile.organisation
    _assign(organisation, organisation_data, ORGANISATION_IDENTITY_FIELDS)
    organisation.full_clean()
    organisation.save()
    _assign(profile, profile_data, PROFILE_IDENTITY_FIELDS)
    profile.full_clean()
    profile.save()
    if "sectors" in profile_data:
        profile.sectors.set(profile_data["sectors"])
    if "vsic_codes" in profile_data:
        profile.vsic_codes.set(profile_data["vsic_codes"])
    profile_changed(profile)
    return profile


@transaction.atomic
def profile_processes_update(
    *,
    profile: SupplierProfile,
    rows: Sequence[ProcessCapability],
    deleted: Sequence[ProcessCapability],
    materials: Iterable[Term],
    practices: Iterable[Term],
) -> SupplierProfile:
    """The processes section: process capabilities (new or changed ``rows``), materials, practices."""
    _rows_save(profile, rows, deleted)
    profile.materials.set(_terms_of_kind(materials, Term.Kind.MATERIAL))
    profile.practices.set(_terms_of_kind(practices, Term.Kind.PRACTICE))
    profile_changed(profile)
    return profile


@transaction.atomic
def profile_equipment_update(
    *, profile: SupplierProfile, rows: Sequence[Equipment], deleted: Sequence[Equipment]
) -> SupplierProfile:
    _rows_save(profile, rows, deleted)
    profile_changed(profile)
    return profile


@transaction.atomic
def profile_products_update(
    *,
    profile: SupplierProfile,
    rows: Sequence[Product],
    deleted: Sequence[Product],
    market_data: Mapping[str, Any],
) -> SupplierProfile:
    """The products section: products, and customers, export markets and spare capacity."""
    _rows_save(profile, rows, deleted)
    _assign(profile, market_data, PROFILE_MARKET_FIELDS)
    profile.full_clean()
    profile.save()
    profile_changed(profile)
    return profile


@transaction.atomic
def profile_certificates_update(
    *,
    profile: SupplierProfile,
    rows: Sequence[tuple[Certificate, File | None]],
    deleted: Sequence[Certificate],
    uploaded_by=None,
) -> SupplierProfile:
    """The certificates section. A row's scan, when given, is stored as a certificate Document."""
    for certificate, scan in rows:
        if certificate.issued_on and certificate.expires_on <= certificate.issued_on:
            raise ValidationError({"expires_on": gettext("The expiry date must be after the issue date.")})
        if scan is not None:
            certificate.document = _document_store(
                organisation=profile.organisation,
                file=scan,
                kind=Document.Kind.CERTIFICATE,
                title=str(certificate),
                is_private=False,
                uploaded_by=uploaded_by,
            )
    _rows_save(profile, [certificate for certificate, _scan in rows], deleted)
    profile_changed(profile)
    return profile


def _document_store(
    *, organisation: Organisation, file: File, kind: str, title: str, is_private: bool, uploaded_by
) -> Document:
    """Validate and store a file under a server-generated name (``document_upload_to``)."""
    document = Document(organisation=organisation, kind=kind, is_private=is_private)
    return private_file_store(document, file, title=title, uploaded_by=uploaded_by)


def _organisation_profile_changed(organisation: Organisation) -> None:
    """A firm's documents count towards its profile (completeness), so they are profile changes."""
    profile = SupplierProfile.objects.filter(organisation=organisation).first()
    if profile is not None:
        profile_changed(profile)


@transaction.atomic
def document_upload(
    *,
    organisation: Organisation,
    file: File,
    kind: str,
    title: str = "",
    is_private: bool = False,
    uploaded_by=None,
) -> Document:
    """Store an uploaded PDF, JPEG or PNG of a firm (checked by ``uploads.validate_upload``)."""
    if kind not in Document.Kind.values:
        raise ValidationError({"kind": gettext("Choose a valid kind of document.")})
    document = _document_store(
        organisation=organisation,
        file=file,
        kind=kind,
        title=title,
        is_private=is_private,
        uploaded_by=uploaded_by,
    )
    _organisation_profile_changed(organisation)
    return document


@transaction.atomic
def document_delete(*, document: Document) -> None:
    """Delete a document and, once that is committed, its file (certificates keep no dangling link)."""
    storage, name = document.file.storage, document.file.name
    organisation = document.organisation
    document.delete()
    _organisation_profile_changed(organisation)
    transaction.on_commit(lambda: storage.delete(name))


# --- API: a firm's own edits (PATCH /api/v1/suppliers/me/) -----------------------------------

# What a firm's members may change themselves. Verification, the organisation and its tax code
# are decided by staff or at registration; the API refuses those fields instead of ignoring them.
PROFILE_MEMBER_EDITABLE = (
    "description",
    "description_en",
    "contact_name",
    "contact_email",
    "contact_phone",
    "contacts_private",
    "employees_band",
    "founded_year",
    "export_markets",
    "main_customers",
    "customers_private",
    "spare_capacity_percent",
    "spare_capacity_as_of",
    "trading_names",
    "commune",
    "street",
    "sectors",
    "materials",
)


@transaction.atomic
def profile_api_update(*, profile: SupplierProfile, data: dict, by=None) -> SupplierProfile:
    """Apply a member's partial update of the firm's own profile and rebuild its search document.

    ``data`` holds converted values keyed by names in ``PROFILE_MEMBER_EDITABLE`` (text with one
    item per line for ``trading_names`` and ``main_customers``; ``Sector`` and material ``Term``
    instances for ``sectors`` and ``materials``, which replace the current sets). Any other key is
    refused with ValueError: the API rejects such fields with 400 before calling, this is the
    backstop. Invalid values raise ValidationError from ``full_clean`` and nothing is saved.
    """
    unknown = sorted(set(data) - set(PROFILE_MEMBER_EDITABLE))
    if unknown:
        raise ValueError(f"fields not editable by the firm: {', '.join(unknown)}")
    values = dict(data)
    sectors = values.pop("sectors", None)
    materials = values.pop("materials", None)
    if materials is not None and any(term.kind != Term.Kind.MATERIAL for term in materials):
        raise ValidationError({"materials": gettext("Choose materials from the vocabulary.")})
    for field, value in values.items():
        setattr(profile, field, value)
    profile._history_user = by
    profile.full_clean()
    profile.save()
    if sectors is not None:
        profile.sectors.set(sectors)
    if materials is not None:
        profile.materials.set(materials)
    profile_changed(profile)
    return profile
