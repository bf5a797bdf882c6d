"""The supplier search page for buyers and staff: words, facets, order and page all in the URL.

Plain GET forms and links (no JavaScript needed): a search is shareable and the back button works.
Suppliers do not browse their competitors (suppliers.permissions.may_search_suppliers): 403.
The results below the search box are shared by every buyer and cached (suppliers/search_cache.py).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from suppliers import permissions, search, search_cache, selectors
from suppliers.models import SupplierProfile

PER_PAGE = 20


@login_required
def supplier_search(request):
    if not permissions.may_search_suppliers(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    context = {
        "query": search.parse(request.GET.get("q")),
        "sorts": search.SORTS,
        "sort": request.GET.get("sort") if request.GET.get("sort") in search.SORTS else "relevance",
        "results": search_cache.block(request.GET, today, lambda: _results(request.GET, today)),
    }
    return render(request, "suppliers/search.html", context)


def _results(params, today) -> str:
    """The facets, count, cards and paging for ``params``: rendered without the request (shared)."""
    result = search.run(SupplierProfile.objects.all(), params, today=today)
    paginator = search.CappedPaginator(
        result.listing(lambda profiles: selectors.with_card_details(profiles, today=today)),
        PER_PAGE,
        known_count=result.count,
    )
    context = {
        "result": result,
        "page": paginator.get_page(params.get("page")),
        "params_without_page": _without(params, "page"),
        "today": today,
    }
    return render_to_string("suppliers/_search_results.html", context)


def _without(params, *keys) -> str:
    kept = params.copy()
    for key in keys:
        kept.pop(key, None)
    return kept.urlencode()
