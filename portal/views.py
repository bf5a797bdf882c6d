"""The site's shared pages: home, an organisation's page, health, the user's API tokens."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal import health as portal_health
from portal import selectors, tokens
from portal.forms import ApiTokenForm
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


@never_cache
@login_required
@reauthentication_required(allow_get=True)
def api_tokens(request):
    """The user's API tokens; making one asks for the password again and shows it only once."""
    form, secret = ApiTokenForm(), None
    if request.method == "POST":
        form = ApiTokenForm(request.POST)
        secret = _create_token(request, form)
        if secret:
            form = ApiTokenForm()
    context = {"form": form, "secret": secret, "tokens": tokens.active_tokens(request.user)}
    return render(request, "portal/api_tokens.html", context)


def _create_token(request, form) -> str | None:
    if not form.is_valid():
        return None
    try:
        _token, secret = tokens.create_token(request.user, request=request, **form.cleaned_data)
    except ValidationError as refused:
        form.add_error(None, refused)
        return None
    return secret


@require_POST
@login_required
def api_token_revoke(request, token_key: str):
    if not tokens.revoke_token(request.user, token_key, request=request):
        raise Http404  # not one of the caller's tokens: no hint whether it exists
    messages.success(request, _("The token was revoked: programs using it are refused from now on."))
    return redirect("api_tokens")
