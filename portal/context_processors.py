"""Navigation per role, available to every template as ``nav_items``."""

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.roles import organisations_of, user_roles


def navigation(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    items = [{"label": _("Home"), "url": reverse("home")}]
    roles = user_roles(user)
    for organisation in organisations_of(user).order_by("name")[:5]:
        items.append(
            {"label": organisation.name, "url": reverse("organisation_detail", args=[organisation.pk])}
        )
    if "supplier" in roles:
        items.append({"label": _("My profile"), "url": reverse("suppliers:profile_edit")})
        items.append({"label": _("Members"), "url": reverse("suppliers:members")})
    if "buyer" in roles or "staff" in roles:
        items.append({"label": _("Find suppliers"), "url": reverse("suppliers:search")})
    if "buyer" in roles:
        items.append({"label": _("Part requests"), "url": reverse("matching:request_list")})
    elif "supplier" in roles:
        items.append({"label": _("Open requests"), "url": reverse("matching:request_list")})
    if "supplier" in roles:
        from matching.selectors import unread_invitations  # portal must not import matching at load

        unread = unread_invitations(user)
        label = _("Invitations to quote") + (f" ({unread})" if unread else "")
        items.append({"label": label, "url": reverse("matching:invitation_inbox")})
    if "staff" in roles:
        items.append({"label": _("Dashboard"), "url": reverse("programs:dashboard")})
        items.append({"label": _("Programmes"), "url": reverse("programs:programme_list")})
        items.append({"label": _("Capability gaps"), "url": reverse("programs:gap_list")})
        items.append({"label": _("Administration"), "url": reverse("admin:index")})
    return {"nav_items": items, "user_roles": roles}
