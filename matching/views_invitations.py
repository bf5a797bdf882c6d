"""Invitations to quote: the buyer invites from the shortlist; the supplier answers in its inbox.

Who: the request's buyer members invite (403 for staff, 404 for everyone else); an invitation's
page, answer and quotation are its supplier's people's only (404 for everyone else, buyers
included: they read answers and quotations on their shortlist). A quotation's files go to the
buyer's members, staff and the quoting firm's people. Writes are POSTs, then a redirect; refused
input is shown again with the errors (HTTP 400), nothing saved.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from matching import permissions, selectors, services
from matching.forms import InvitationAnswerForm, QuotationForm, QuoteInviteForm
from matching.models import QuotationDocument, QuoteInvitation
from matching.views_shortlist import request_for_buyer_pages
from suppliers.models import SupplierProfile
from suppliers.permissions import is_member_of
from suppliers.selectors import profiles_of
from suppliers.uploads import private_file_response


@login_required
@require_POST
def quote_invite(request, pk: int):
    """Invite the shortlisted suppliers ticked on the shortlist page."""
    part_request = request_for_buyer_pages(request, pk, edit=True)
    form = QuoteInviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("message", [])))
        return redirect("matching:shortlist", pk=pk)
    ids = [int(value) for value in request.POST.getlist("supplier") if value.isdigit()]
    try:
        created = services.quote_invite(
            request=part_request,
            suppliers=SupplierProfile.objects.filter(pk__in=ids),
            message=form.cleaned_data["message"],
            by=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, gettext("%(count)s supplier(s) invited to quote.") % {"count": len(created)}
        )
    return redirect("matching:shortlist", pk=pk)


@login_required
def invitation_inbox(request):
    invitations = list(selectors.invitations_for(request.user))
    if not invitations and not profiles_of(request.user).exists():
        raise Http404  # not a supplier's person: there is no inbox
    return render(
        request, "matching/invitation_inbox.html", {"invitations": invitations, "today": timezone.localdate()}
    )


def _own_invitation(request, pk: int) -> QuoteInvitation:
    invitation = get_object_or_404(
        QuoteInvitation.objects.select_related("request__buyer", "supplier__organisation"), pk=pk
    )
    if not is_member_of(request.user, invitation.supplier.organisation):
        raise Http404
    return invitation


def _invitation_page(request, invitation, *, answer_form=None, quotation_form=None, status=200):
    quotation = getattr(invitation, "quotation", None)  # a missing one-to-one is an AttributeError
    context = {
        "invitation": invitation,
        "part_request": invitation.request,
        "answer_form": answer_form or InvitationAnswerForm(initial={"answer": invitation.answer}),
        "quotation_form": quotation_form or QuotationForm(instance=quotation),
        "quotation": quotation,
        "open": invitation.request.status == invitation.request.Status.OPEN,
        "stats": selectors.buyer_record(invitation.request.buyer),
        "today": timezone.localdate(),
    }
    return render(request, "matching/invitation_detail.html", context, status=status)


@login_required
def invitation_detail(request, pk: int):
    invitation = _own_invitation(request, pk)
    services.invitation_opened(invitation)
    return _invitation_page(request, invitation)


@login_required
@require_POST
def invitation_answer(request, pk: int):
    invitation = _own_invitation(request, pk)
    form = InvitationAnswerForm(request.POST)
    if not form.is_valid():
        return _invitation_page(request, invitation, answer_form=form, status=400)
    services.invitation_answer(
        invitation=invitation, answer=form.cleaned_data["answer"], reason=form.cleaned_data["decline_reason"]
    )
    messages.success(request, gettext("Your answer has been sent to the buyer."))
    return redirect("matching:invitation_detail", pk=pk)


@login_required
@require_POST
def invitation_quote(request, pk: int):
    invitation = _own_invitation(request, pk)
    existing = getattr(invitation, "quotation", None)
    form = QuotationForm(request.POST, request.FILES, instance=existing)
    if form.is_valid():
        data = {name: form.cleaned_data[name] for name in QuotationForm.Meta.fields}
        try:
            services.quotation_submit(
                invitation=invitation, data=data, files=form.cleaned_data["files"], by=request.user
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, gettext("Your quotation has been sent to the buyer."))
            return redirect("matching:invitation_detail", pk=pk)
    return _invitation_page(request, invitation, quotation_form=form, status=400)


def _add_errors(form, error: ValidationError) -> None:
    """A service's refusal shown on the form: beside its field when it names one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, field_messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_messages)


@login_required
def quotation_document(request, pk: int, doc_pk: int):
    """A quotation's file: the buyer's members, staff, and the quoting firm's people."""
    document = get_object_or_404(
        QuotationDocument.objects.select_related(
            "quotation__invitation__supplier__organisation", "quotation__invitation__request__buyer"
        ),
        pk=doc_pk,
        quotation__invitation__request_id=pk,
    )
    part_request = document.quotation.invitation.request
    access = permissions.access_to(request.user, part_request)
    own = is_member_of(request.user, document.quotation.invitation.supplier.organisation)
    if not (access.matches or own):
        raise Http404
    return private_file_response(document)
