"""Read-only queries about supplier firms."""

from django.db.models import Prefetch

from portal.roles import organisations_of
from suppliers.models import Certificate, ProcessCapability, SupplierProfile


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
        )
        .get(pk=pk)
    )
