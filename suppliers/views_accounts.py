"""Firm registration, colleague invitations and the members page.

Who may do what: anyone may register a firm; members of a supplier firm see its members and
pending invitations; only its administrators invite, cancel, change roles and remove (403 for
colleagues). Memberships and invitations are looked up within the caller's own firm, so another
firm's rows are a 404.
"""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from portal.models import Membership, Organisation
from suppliers import selectors, services
from suppliers.forms_accounts import (
    InvitationAcceptForm,
    InviteForm,
    RegistrationForm,
    RoleForm,
    add_service_errors,
)
from suppliers.models import Invitation
from suppliers.permissions import can_manage_members

# --- Registration ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def register(request):
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.supplier_register(**form.service_arguments(), request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("account_email_verification_sent")
    return render(request, "suppliers/accounts/register.html", {"form": form})


# --- Members -----------------------------------------------------------------------------------


def _firm_of(user) -> Organisation:
    profile = selectors.profile_for_user(user)
    if profile is None:
        raise Http404
    return profile.organisation


def _admin_firm_of(user) -> Organisation:
    organisation = _firm_of(user)
    if not can_manage_members(user, organisation):
        raise PermissionDenied
    return organisation


def _membership_of(organisation: Organisation, pk: int) -> Membership:
    """A membership of the caller's own firm; another firm's is a 404."""
    return get_object_or_404(Membership.objects.select_related("user"), pk=pk, organisation=organisation)


def _members_page(request, organisation: Organisation, *, invite_form: InviteForm | None = None):
    return render(
        request,
        "suppliers/accounts/members.html",
        {
            "organisation": organisation,
            "memberships": selectors.firm_members(organisation),
            "invitations": selectors.pending_invitations(organisation),
            "is_admin": can_manage_members(request.user, organisation),
            "invite_form": invite_form or InviteForm(),
            "role_choices": Membership.Role.choices,
        },
    )


@login_required
@require_http_methods(["GET"])
def members(request):
    return _members_page(request, _firm_of(request.user))


@login_required
@require_POST
def member_invite(request):
    organisation = _admin_firm_of(request.user)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.colleague_invite(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("suppliers:members")
    return _members_page(request, organisation, invite_form=form)


@login_required
@require_POST
def invitation_cancel(request, pk: int):
    organisation = _admin_firm_of(request.user)
    invitation = get_object_or_404(Invitation, pk=pk, organisation=organisation, accepted_at__isnull=True)
    services.invitation_cancel(invitation=invitation)
    messages.success(request, gettext("Invitation to %(email)s cancelled.") % {"email": invitation.email})
    return redirect("suppliers:members")


@login_required
@require_POST
def member_role(request, pk: int):
    organisation = _admin_firm_of(request.user)
    membership = _membership_of(organisation, pk)
    form = RoleForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(gettext("Choose a valid role."))
        services.membership_set_role(membership=membership, role=form.cleaned_data["role"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, gettext("Role of %(person)s changed.") % {"person": membership.user})
    return redirect("suppliers:members")


@login_required
@require_POST
def member_remove(request, pk: int):
    organisation = _admin_firm_of(request.user)
    membership = _membership_of(organisation, pk)
    try:
        services.membership_remove(membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("suppliers:members")
    messages.success(request, gettext("%(person)s was removed from the firm.") % {"person": membership.user})
    # Someone who removed themselves can no longer see the page.
    return redirect("home" if membership.user_id == request.user.pk else "suppliers:members")


# --- Accepting an invitation -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    invitation = selectors.invitation_pending(token)
    if invitation is None:
        raise Http404
    context = {"invitation": invitation, "organisation": invitation.organisation}
    if selectors.invitation_is_expired(invitation):
        return render(
            request, "suppliers/accounts/invitation_accept.html", {**context, "state": "expired"}, status=410
        )
    invitee = selectors.user_with_email(invitation.email)
    if invitee is None:
        return _accept_as_new_user(request, invitation, context)
    return _accept_as_existing_user(request, invitation, invitee, context)


def _accept_as_new_user(request, invitation: Invitation, context: dict):
    form = InvitationAcceptForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept_new_user(invitation=invitation, **form.service_arguments())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # The link proved the address, so there is nothing left to verify: sign them in.
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return _welcome(request, invitation)
    return render(
        request, "suppliers/accounts/invitation_accept.html", {**context, "state": "new", "form": form}
    )


def _accept_as_existing_user(request, invitation: Invitation, invitee, context: dict):
    if not request.user.is_authenticated:
        state = "sign_in"
    elif request.user.pk != invitee.pk:
        state = "wrong_user"
    else:
        state = "confirm"
    if request.method == "POST":
        if state != "confirm":
            raise PermissionDenied
        try:
            services.invitation_accept(invitation=invitation, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("home")
        return _welcome(request, invitation)
    return render(request, "suppliers/accounts/invitation_accept.html", {**context, "state": state})


def _welcome(request, invitation: Invitation):
    messages.success(
        request, gettext("Welcome to %(firm)s on CNHT Connect.") % {"firm": invitation.organisation.name}
    )
    return redirect("suppliers:members")
