"""The supplier search page for buyers and staff: words, facets, order and page all in the URL.

Plain GET forms and links (no JavaScript needed): a search is shareable and the back button works.
Suppliers do not browse their competitors (suppliers.permissions.may_search_suppliers): 403.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from suppliers import permissions, search, selectors
from suppliers.models import SupplierProfile

PER_PAGE = 20


@login_required
def supplier_search(request):
    if not permissions.may_search_suppliers(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    result = search.run(SupplierProfile.objects.all(), request.GET, today=today)
    paginator = search.CappedPaginator(
        result.listing(lambda profiles: selectors.with_card_details(profiles, today=today)),
        PER_PAGE,
        known_count=result.count,
    )
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "result": result,
        "page": page,
        "sorts": search.SORTS,
        "sort": request.GET.get("sort") if request.GET.get("sort") in search.SORTS else "relevance",
        "params_without_page": _without(request.GET, "page"),
        "today": today,
    }
    return render(request, "suppliers/search.html", context)


def _without(params, *keys) -> str:
    kept = params.copy()
    for key in keys:
        kept.pop(key, None)
    return kept.urlencode()
