"""Who may do what: organisations a user belongs to, and the Sở Công Thương staff group.

Every permission check starts from "which organisations is this user a member of, with which
role". Staff of the Sở Công Thương are not superusers: they are ``is_staff`` users in the
``staff`` group, whose model permissions are listed in ``STAFF_MODEL_PERMISSIONS`` and kept in
sync after every migration (so a model added by a later app only needs a line here).
"""

from django.contrib.auth.models import Group, Permission

from portal.models import Membership, Organisation

STAFF_GROUP = "staff"

ALL_ACTIONS = ("view", "add", "change", "delete")
# app label → {model name → actions}. Users are managed but never deleted (history stays).
STAFF_MODEL_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "portal": {
        "province": ALL_ACTIONS,
        "formerprovince": ALL_ACTIONS,
        "sector": ALL_ACTIONS,
        "vsiccode": ALL_ACTIONS,
        "productgroup": ALL_ACTIONS,
        "processgroup": ALL_ACTIONS,
        "term": ALL_ACTIONS,
        "organisation": ALL_ACTIONS,
        "membership": ALL_ACTIONS,
        "user": ("view", "change"),
        "workerheartbeat": ("view",),
        "taskfailure": ("view", "delete"),
    },
    "suppliers": {
        "supplierprofile": ("view", "change"),
        "historicalsupplierprofile": ("view",),
        "processcapability": ALL_ACTIONS,
        "equipment": ALL_ACTIONS,
        "product": ALL_ACTIONS,
        "certificate": ALL_ACTIONS,
        "historicalcertificate": ("view",),
        "document": ("view", "change", "delete"),
        "cluster": ALL_ACTIONS,
        "clustermember": ALL_ACTIONS,
        "invitation": ("view", "delete"),
        "possibleduplicate": ("view", "change", "delete"),
    },
    "programs": {
        "programme": ALL_ACTIONS,
        "programmedocument": ALL_ACTIONS,
        "task": ALL_ACTIONS,
        "taskupdate": ALL_ACTIONS,
        "taskupdateattachment": ALL_ACTIONS,
        "activity": ALL_ACTIONS,
        "participation": ALL_ACTIONS,
        "indicator": ALL_ACTIONS,
        "indicatorvalue": ALL_ACTIONS,
    },
}


def sync_staff_group() -> Group:
    """Give the staff group exactly the permissions listed above (idempotent)."""
    group, _created = Group.objects.get_or_create(name=STAFF_GROUP)
    wanted = [
        f"{action}_{model}"
        for models in STAFF_MODEL_PERMISSIONS.values()
        for model, actions in models.items()
        for action in actions
    ]
    permissions = Permission.objects.filter(
        content_type__app_label__in=STAFF_MODEL_PERMISSIONS, codename__in=wanted
    ).select_related("content_type")
    allowed = {
        p.pk
        for p in permissions
        if p.codename.split("_", 1)[1] in STAFF_MODEL_PERMISSIONS[p.content_type.app_label]
    }
    group.permissions.set(allowed)
    return group


def is_staff_member(user) -> bool:
    """Sở Công Thương staff: admin-site users in the staff group (or superusers)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or (user.is_staff and user.groups.filter(name=STAFF_GROUP).exists())


def organisations_of(user, *, role: str | None = None):
    """The organisations a user belongs to (optionally only those where they hold ``role``)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    memberships = Membership.objects.filter(user=user)
    if role:
        memberships = memberships.filter(role=role)
    return Organisation.objects.filter(pk__in=memberships.values("organisation_id"))


def user_roles(user) -> set[str]:
    """The portal roles a user has: "staff", "supplier", "buyer" (several at once are possible)."""
    roles: set[str] = set()
    if not user.is_authenticated:
        return roles
    if is_staff_member(user):
        roles.add("staff")
    kinds = organisations_of(user).values_list("is_supplier", "is_buyer")
    for is_supplier, is_buyer in kinds:
        if is_supplier:
            roles.add("supplier")
        if is_buyer:
            roles.add("buyer")
    return roles
