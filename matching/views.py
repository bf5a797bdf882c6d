"""Part requests of OEM buyers: the list, the form, the page with its matches, files and actions.

Who may do what is in matching.permissions. Someone who may not see a request gets a 404 for it
and for everything under it (its edit page, files and actions), so nothing confirms it exists;
someone who may see it but not change it (staff, suppliers) gets a 403 on the writes. Every
write is one call to matching.services, then a redirect, so a reload does not post again.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from matching import explain, permissions, selectors, services
from matching.forms import AwardForm, InterestForm, MatchFilterForm, PartRequestForm
from matching.models import MatchScore, PartRequest, RequestDocument
from portal.roles import is_staff_member, organisations_of
from suppliers.uploads import private_file_response

TOP_MATCHES = 10  # ranked suppliers per page of a request
PER_PAGE = 25


# --- Loading a request for the caller -----------------------------------------------------------


def _visible_request(request, pk: int) -> tuple[PartRequest, permissions.Access]:
    """The request with everything its page shows and what the caller may do; 404 if they may not see it."""
    try:
        part_request = selectors.request_detail(PartRequest.objects.all(), pk)
    except PartRequest.DoesNotExist as missing:
        raise Http404 from missing
    access = permissions.access_to(request.user, part_request)
    if not access.view:
        raise Http404
    return part_request, access


def _editable_request(request, pk: int) -> PartRequest:
    """404 for those who may not see the request, 403 for those who see it but may not change it."""
    part_request = get_object_or_404(PartRequest.objects.select_related("buyer"), pk=pk)
    access = permissions.access_to(request.user, part_request)
    if not access.view:
        raise Http404
    if not access.edit:
        raise PermissionDenied
    return part_request


# --- The list ----------------------------------------------------------------------------------


@login_required
def request_list(request):
    """The buyer's own requests (all of them for staff), and the open requests a supplier may see."""
    user = request.user
    staff = is_staff_member(user)
    own_organisations = organisations_of(user)
    managed = PartRequest.objects.all() if staff else PartRequest.objects.filter(buyer__in=own_organisations)
    verified_supplier = not staff and permissions.verified_profiles_of(user).exists()
    context = {
        "staff": staff,
        "can_create": permissions.buyer_organisation_for(user) is not None,
        "managed": _page(request, selectors.request_list(managed), "page"),
        "verified_supplier": verified_supplier,
        "is_supplier": _is_supplier(user),
        "eligible_cap": services.MAX_ELIGIBLE_STORED,
        "good_match": selectors.GOOD_MATCH,
    }
    if verified_supplier:
        offered = permissions.visible_requests(user).filter(status=PartRequest.Status.OPEN)
        offered = selectors.with_own_fit(
            offered.exclude(buyer__in=own_organisations), permissions.verified_profiles_of(user)
        )
        context["good_only"] = request.GET.get("good") == "1"
        if context["good_only"]:
            offered = selectors.good_matches(offered)
        context["offered"] = _page(request, selectors.request_list(offered), "open_page")
    return render(request, "matching/request_list.html", context)


def _is_supplier(user) -> bool:
    return organisations_of(user).filter(is_supplier=True).exists()


def _page(request, queryset, parameter: str):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get(parameter))


# --- Create and edit ----------------------------------------------------------------------------


@login_required
def request_create(request):
    buyer = permissions.buyer_organisation_for(request.user)
    if buyer is None:
        raise PermissionDenied  # only members of a buyer organisation post requests
    return _edit(request, PartRequest(buyer=buyer))


@login_required
def request_edit(request, pk: int):
    part_request = _editable_request(request, pk)
    if part_request.status not in services.EDITABLE_STATUSES:
        messages.error(request, gettext("A closed or awarded request can no longer be changed."))
        return redirect("matching:request_detail", pk=pk)
    return _edit(request, part_request)


def _edit(request, part_request: PartRequest):
    """The form on GET; on POST validate → ``services.part_request_submit`` → the request's page."""
    creating = part_request.pk is None
    data = request.POST if request.method == "POST" else None
    form = PartRequestForm(data, request.FILES if data is not None else None, instance=part_request)
    if data is not None and form.is_valid():
        try:
            services.part_request_submit(
                request=form.instance, m2m=form.m2m(), files=form.cleaned_data["documents"], by=request.user
            )
        except ValidationError as error:
            if creating:
                form.instance.pk = None  # the transaction was rolled back: still a new request
            _add_errors(form, error)
        else:
            messages.success(request, gettext("The request has been saved."))
            return redirect("matching:request_detail", pk=form.instance.pk)
    context = {"form": form, "part_request": part_request, "creating": creating}
    return render(request, "matching/request_form.html", context)


def _add_errors(form, error: ValidationError) -> None:
    """Show a service's refusal next to the field it names, or above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, field_messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_messages)


# --- The request's page -------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchRow:
    """One ranked supplier as the page shows it: the stored score, reasons and gaps in words."""

    score: MatchScore
    reasons: list[explain.Reason]
    gaps: list[tuple[bool, str]]
    profile_url: str | None


def _profile_url(profile_id: int) -> str | None:
    try:
        return reverse("suppliers:profile_detail", args=[profile_id])
    except NoReverseMatch:  # the supplier pages may not be installed in every deployment
        return None


def _matches(request, part_request: PartRequest) -> dict:
    """The ranked suppliers, narrowed by the filter form (shown with its errors when invalid)."""
    form = MatchFilterForm(request.GET or None)
    chosen = form.cleaned_data if form.is_valid() else {}
    rows = selectors.filtered_matches(
        part_request,
        eligible_only=chosen.get("eligible", False),
        province=chosen.get("province"),
        certification=chosen.get("certification"),
    )
    page = Paginator(rows, TOP_MATCHES).get_page(request.GET.get("page"))
    names = explain.term_names([row.gaps for row in page.object_list])
    kept = request.GET.copy()
    kept.pop("page", None)
    return {
        "match_filter": form,
        "match_page": page,
        "match_params": kept.urlencode(),
        "matches": [
            MatchRow(
                score=row,
                reasons=explain.reasons(row.breakdown),
                gaps=explain.gap_lines(row.gaps, names),
                profile_url=_profile_url(row.supplier_id),
            )
            for row in page.object_list
        ],
        "recompute_pending": services.pending_marks(request_id=part_request.pk),
        "shortlisted": selectors.shortlisted_supplier_ids(part_request),
        "eligible_count": part_request.scores.filter(eligible=True).count(),
        "eligible_cap": services.MAX_ELIGIBLE_STORED,
    }


@login_required
def request_detail(request, pk: int):
    return _detail_page(request, pk)


def _detail_page(request, pk: int, *, interest_form: InterestForm | None = None, status: int = 200):
    part_request, access = _visible_request(request, pk)
    context = {
        "part_request": part_request,
        "may_edit": access.edit,
        "editable": access.edit and part_request.status in services.EDITABLE_STATUSES,
        "show_documents": access.documents,
        "show_matches": access.matches,
    }
    if access.matches:
        context.update(_matches(request, part_request))
        context["interests"] = _interests(part_request)
    else:  # a supplier: how this buyer treats suppliers, before it spends effort on a quotation
        context["stats"] = selectors.buyer_record(part_request.buyer)
        context.update(_own_fit(request, part_request, interest_form))
    if access.edit and part_request.status == PartRequest.Status.OPEN:
        context["award_form"] = AwardForm(organisations=selectors.match_organisations(part_request))
    return render(request, "matching/request_detail.html", context, status=status)


def _interests(part_request: PartRequest) -> list[tuple]:
    """The interested suppliers with their stored score (None when not ranked), for the buyer."""
    interests = list(selectors.request_interests(part_request))
    scores = selectors.scores_of(part_request, [i.supplier_id for i in interests]) if interests else {}
    return [(interest, scores.get(interest.supplier_id)) for interest in interests]


def _own_fit(request, part_request: PartRequest, interest_form: InterestForm | None) -> dict:
    """What a supplier sees of itself on a request: its score and gaps, and its interest."""
    profile = permissions.answering_profile(request.user, part_request)
    if profile is None:
        return {}
    score = selectors.own_match(part_request, profile)
    interest = part_request.interests.filter(supplier=profile).first()
    return {
        "answering": profile,
        "own_score": score,
        "own_gaps": explain.gap_lines(score.gaps, explain.term_names([score.gaps])) if score else [],
        "interest": interest,
        "interest_form": interest_form or InterestForm(initial={"note": interest.note if interest else ""}),
    }


@login_required
@require_POST
def interest_declare(request, pk: int):
    """A supplier that may see the open request says it is interested (403 for anyone else)."""
    part_request, _access = _visible_request(request, pk)
    profile = permissions.answering_profile(request.user, part_request)
    if profile is None:
        raise PermissionDenied
    form = InterestForm(request.POST)
    if form.is_valid():
        try:
            services.interest_declare(
                request=part_request, supplier=profile, note=form.cleaned_data["note"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, gettext("The buyer has been told that you are interested."))
            return redirect("matching:request_detail", pk=pk)
    return _detail_page(request, pk, interest_form=form, status=400)


@login_required
@require_POST
def interest_withdraw(request, pk: int):
    part_request, _access = _visible_request(request, pk)
    profile = permissions.answering_profile(request.user, part_request)
    if profile is None:
        raise PermissionDenied
    services.interest_withdraw(request=part_request, supplier=profile)
    messages.success(request, gettext("Your interest has been withdrawn."))
    return redirect("matching:request_detail", pk=pk)


@login_required
def document_download(request, pk: int, doc_pk: int):
    """A drawing or specification, as a download no browser renders inline, to those allowed only."""
    part_request = get_object_or_404(PartRequest.objects.select_related("buyer"), pk=pk)
    if not permissions.can_view_documents(request.user, part_request):
        raise Http404
    document = get_object_or_404(RequestDocument, pk=doc_pk, request=part_request)
    return private_file_response(document)


# --- Status actions -----------------------------------------------------------------------------


@login_required
@require_POST
def request_publish(request, pk: int):
    part_request = _editable_request(request, pk)
    try:
        services.part_request_publish(request=part_request)
    except ValueError:
        messages.error(request, gettext("Only a draft can be published."))
    else:
        messages.success(request, gettext("The request is open. Matching suppliers are being ranked."))
    return redirect("matching:request_detail", pk=pk)


@login_required
@require_POST
def request_close(request, pk: int):
    part_request = _editable_request(request, pk)
    try:
        services.part_request_close(request=part_request)
    except ValueError:
        messages.error(request, gettext("Only an open request can be closed."))
    else:
        messages.success(request, gettext("The request has been closed."))
    return redirect("matching:request_detail", pk=pk)


@login_required
@require_POST
def request_award(request, pk: int):
    part_request = _editable_request(request, pk)
    form = AwardForm(request.POST, organisations=selectors.match_organisations(part_request))
    if not form.is_valid():
        messages.error(request, gettext("Choose one of the matched suppliers."))
        return redirect("matching:request_detail", pk=pk)
    try:
        services.part_request_award(request=part_request, awarded_to=form.cleaned_data["awarded_to"])
    except ValueError:
        messages.error(request, gettext("Only an open request can be awarded."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, gettext("The request has been awarded."))
    return redirect("matching:request_detail", pk=pk)
