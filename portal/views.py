"""The site's shared pages: home, an organisation's page, health."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from portal import health as portal_health
from portal import selectors
from portal.models import Organisation
from portal.roles import is_staff_member


def home(request):
    return render(request, "portal/home.html", {"stats": selectors.home_stats()})


@login_required
def organisation_detail(request, pk: int):
    organisation = get_object_or_404(Organisation.objects.select_related("province"), pk=pk)
    # Members are private to the organisation and to staff: outsiders get a 404, not a hint.
    if not (is_staff_member(request.user) or selectors.is_member(request.user, organisation)):
        raise Http404
    return render(
        request,
        "portal/organisation_detail.html",
        {
            "organisation": organisation,
            "memberships": selectors.organisation_members(organisation),
        },
    )


@never_cache
def health(request):
    """The database, Redis and the workers' heartbeat (``portal.health``): 503 when down.

    Public on purpose (compose and load balancers call it without signing in): it says only
    ok / down / stale, never an address, a version or an error message.
    """
    health = portal_health.check()
    return JsonResponse(health.as_dict(), status=503 if health.status == "down" else 200)
