"""A request's shortlist: the buyer keeps suppliers from the ranking and moves them along the pipeline.

Who: the request's buyer members change it; staff read it; everyone else gets a 404, as for the
request's matches (suppliers never see who else is on a shortlist). Writes are POSTs to
matching.services, then a redirect; a refused status change re-renders the page with what was
typed and the error beside the field.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from matching import explain, exports, permissions, selectors, services
from matching.forms import ShortlistEntryForm
from matching.models import PartRequest, ShortlistEntry
from matching.scoring import CRITERIA
from suppliers.models import SupplierProfile


def request_for_buyer_pages(request, pk: int, *, edit: bool) -> PartRequest:
    """The request behind a shortlist/comparison/invitation page: 404 unless the caller sees its
    matches (its buyer's members, staff), 403 on writes for those who may not change it."""
    part_request = get_object_or_404(PartRequest.objects.select_related("buyer"), pk=pk)
    access = permissions.access_to(request.user, part_request)
    if not access.matches:
        raise Http404
    if edit and not access.edit:
        raise PermissionDenied
    return part_request


def _render(request, part_request: PartRequest, bound: ShortlistEntryForm | None = None, status=200):
    access = permissions.access_to(request.user, part_request)
    entries = list(selectors.shortlist(part_request))
    invitations = selectors.request_invitations(part_request)
    for entry in entries:
        entry.invitation = invitations.get(entry.supplier_id)
    forms = {
        entry.pk: bound
        if bound is not None and bound.instance.pk == entry.pk
        else ShortlistEntryForm(instance=entry, prefix=f"entry-{entry.pk}")
        for entry in entries
    }
    context = {
        "part_request": part_request,
        "rows": [(entry, forms[entry.pk]) for entry in entries],
        "may_edit": access.edit,
        "changes": selectors.shortlist_changes(part_request),
        "today": timezone.localdate(),
    }
    return render(request, "matching/shortlist.html", context, status=status)


@login_required
def shortlist_page(request, pk: int):
    return _render(request, request_for_buyer_pages(request, pk, edit=False))


@login_required
@require_POST
def shortlist_add(request, pk: int):
    """Add a supplier from the request's ranking or its interested suppliers (``services.shortlist_add``)."""
    part_request = request_for_buyer_pages(request, pk, edit=True)
    supplier_id = request.POST.get("supplier", "")
    supplier = SupplierProfile.objects.filter(pk=supplier_id).first() if supplier_id.isdigit() else None
    try:
        if supplier is None:
            raise ValidationError(gettext(services.NOT_SHORTLISTABLE))
        services.shortlist_add(request=part_request, supplier=supplier, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, gettext("Added to the shortlist."))
    target = "matching:shortlist" if request.POST.get("next") == "shortlist" else "matching:request_detail"
    return redirect(target, pk=pk)


@login_required
@require_POST
def shortlist_update(request, pk: int, entry_pk: int):
    part_request = request_for_buyer_pages(request, pk, edit=True)
    entry = get_object_or_404(ShortlistEntry, pk=entry_pk, request=part_request)
    form = ShortlistEntryForm(request.POST, instance=entry, prefix=f"entry-{entry.pk}")
    if not form.is_valid():
        return _render(request, part_request, bound=form, status=400)
    data = form.cleaned_data
    services.shortlist_update(
        entry=entry, status=data["status"], note=data["note"], rejection_reason=data["rejection_reason"]
    )
    messages.success(request, gettext("Saved."))
    return redirect("matching:shortlist", pk=pk)


@login_required
@require_POST
def shortlist_remove(request, pk: int, entry_pk: int):
    part_request = request_for_buyer_pages(request, pk, edit=True)
    entry = get_object_or_404(ShortlistEntry, pk=entry_pk, request=part_request)
    services.shortlist_remove(entry=entry)
    messages.success(request, gettext("Removed from the shortlist."))
    return redirect("matching:shortlist", pk=pk)


# --- Comparison and export ---------------------------------------------------------------------


def _supplier_ids(request) -> list[int]:
    return [int(value) for value in request.GET.getlist("supplier") if value.isdigit()]


@login_required
def compare(request, pk: int):
    """Up to four ranked suppliers side by side (``?supplier=…`` repeated)."""
    part_request = request_for_buyer_pages(request, pk, edit=False)
    wanted = _supplier_ids(request)
    rows = selectors.compared(part_request, wanted)
    if len(wanted) > selectors.MAX_COMPARED:
        messages.warning(request, gettext("At most four suppliers are compared: the first four are shown."))
    names = explain.term_names([row.score.gaps for row in rows])
    context = {
        "part_request": part_request,
        "rows": rows,
        # One table row per criterion, one cell per supplier: (label, [(sub-score, percent), …]).
        "criteria_rows": [
            (
                explain.CRITERION_LABELS[c],
                [(r.score.breakdown[c], round(100 * r.score.breakdown[c])) for r in rows],
            )
            for c in CRITERIA
        ],
        "gap_lines": [explain.gap_lines(row.score.gaps, names) for row in rows],
        "query": request.GET.urlencode(),
    }
    return render(request, "matching/compare.html", context)


def _download(rows, fmt: str, name: str) -> HttpResponse:
    if fmt not in exports.CONTENT_TYPES:
        raise Http404
    content, content_type = exports.export(rows, fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def compare_export(request, pk: int, fmt: str):
    part_request = request_for_buyer_pages(request, pk, edit=False)
    return _download(selectors.compared(part_request, _supplier_ids(request)), fmt, f"so-sanh-yeu-cau-{pk}")


@login_required
def shortlist_export(request, pk: int, fmt: str):
    part_request = request_for_buyer_pages(request, pk, edit=False)
    return _download(selectors.shortlist_compared(part_request), fmt, f"danh-sach-ngan-yeu-cau-{pk}")
