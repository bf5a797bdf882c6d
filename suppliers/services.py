"""Writes about supplier firms: registration, profile changes, verification.

Every change to a profile ends in ``profile_changed``, which rebuilds the search document and
announces the change (``signals.capabilities_changed``) so matching can recompute.
"""

from django.db import transaction
from django.utils import timezone

from portal.models import Organisation
from portal.text import fold, strip_legal_form
from suppliers.models import SupplierProfile
from suppliers.signals import capabilities_changed


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


def profile_changed(profile: SupplierProfile) -> None:
    """Call after any change to a profile or its rows, inside the saving transaction."""
    profile.search_document = profile_search_document(profile)
    SupplierProfile.objects.filter(pk=profile.pk).update(
        search_document=profile.search_document, updated_at=timezone.now()
    )
    capabilities_changed.send(sender=SupplierProfile, profile_id=profile.pk)


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
