"""Read-only queries of the portal app."""

from portal.models import Membership, Organisation


def home_stats() -> dict[str, int]:
    organisations = Organisation.objects
    return {
        "suppliers": organisations.filter(is_supplier=True).count(),
        "buyers": organisations.filter(is_buyer=True).count(),
    }


def is_member(user, organisation: Organisation, *, role: str | None = None) -> bool:
    if not user.is_authenticated:
        return False
    memberships = Membership.objects.filter(user=user, organisation=organisation)
    if role:
        memberships = memberships.filter(role=role)
    return memberships.exists()


def organisation_members(organisation: Organisation):
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("-role", "user__last_name", "user__email")
    )
