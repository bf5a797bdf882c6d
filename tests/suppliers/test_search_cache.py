"""The search page's cached results (suppliers/search_cache.py): shared, and fresh where it matters.

Runs in both test runs: the local-memory cache (SQLite) and Redis (PostgreSQL run).
"""

import datetime

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import Organisation, Province
from suppliers import search_cache
from tests.matching.helpers import make_supplier
from tests.suppliers.test_search import with_products

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 5)


@pytest.fixture
def dong_a():
    return make_supplier("Công ty TNHH Cơ khí Đông Á")


def results_block(response) -> str:
    """The page from the facets to the end of the results (the shared, cached part)."""
    page = response.content.decode()
    start = page.index('data-testid="facets"')
    return page[start : page.index("</form>", start)]


def searched_profiles(queries) -> bool:
    return any("suppliers_supplierprofile" in query["sql"] for query in queries)


def test_a_repeated_search_is_answered_from_the_cache_without_searching(client, buyer, dong_a):
    client.force_login(buyer)
    first = client.get(reverse("suppliers:search"), {"q": "co khi"})
    with CaptureQueriesContext(connection) as queries:
        again = client.get(reverse("suppliers:search"), {"q": "co khi"})
    assert not searched_profiles(queries.captured_queries)
    assert results_block(again) == results_block(first) and "Đông Á" in results_block(again)


def test_the_order_of_the_url_parameters_does_not_matter_but_each_value_does():
    made = []

    def block(params: str) -> str:
        return search_cache.block(QueryDict(params), TODAY, lambda: made.append(params) or params)

    assert block("q=dap&province=48") == "q=dap&province=48"
    assert block("province=48&q=dap") == "q=dap&province=48"
    block("q=dap&province=48&page=2")
    block("q=dap&province=79")
    assert made == ["q=dap&province=48", "q=dap&province=48&page=2", "q=dap&province=79"]


def test_another_day_or_language_is_another_block():
    from django.utils import translation

    def block(day: datetime.date) -> str:
        return search_cache.block(QueryDict("q=dap"), day, lambda: f"{day} {translation.get_language()}")

    with translation.override("vi"):
        assert block(TODAY) == f"{TODAY} vi"
        assert block(TODAY + datetime.timedelta(days=1)) == f"{TODAY + datetime.timedelta(days=1)} vi"
    with translation.override("en"):
        assert block(TODAY) == f"{TODAY} en"


def test_an_edit_shows_at_once_when_no_lag_is_allowed(client, buyer, dong_a, settings):
    settings.SEARCH_CACHE_LAG_SECONDS = 0
    client.force_login(buyer)
    assert "Khung ghế" not in results_block(client.get(reverse("suppliers:search"), {"q": "co khi"}))
    with_products(dong_a, "Khung ghế xe tải")
    assert "Khung ghế xe tải" in results_block(client.get(reverse("suppliers:search"), {"q": "co khi"}))


def test_within_the_lag_a_search_may_be_behind_then_catches_up(client, buyer, dong_a, settings, monkeypatch):
    settings.SEARCH_CACHE_LAG_SECONDS = 60
    client.force_login(buyer)
    client.get(reverse("suppliers:search"), {"q": "co khi"})
    with_products(dong_a, "Khung ghế xe tải")
    assert "Khung ghế" not in results_block(client.get(reverse("suppliers:search"), {"q": "co khi"}))
    later = search_cache.time.time() + 61
    monkeypatch.setattr(search_cache.time, "time", lambda: later)
    assert "Khung ghế xe tải" in results_block(client.get(reverse("suppliers:search"), {"q": "co khi"}))


def test_a_block_made_before_the_edit_commits_is_not_kept(settings, django_capture_on_commit_callbacks):
    settings.SEARCH_CACHE_LAG_SECONDS = 0
    params = QueryDict("q=dap")
    with django_capture_on_commit_callbacks(execute=True):
        search_cache.bump()  # the edit, not committed yet: a search now reads the old rows
        assert search_cache.block(params, TODAY, lambda: "before the commit") == "before the commit"
    assert search_cache.block(params, TODAY, lambda: "after the commit") == "after the commit"


def test_a_renamed_province_shows_in_the_facets(client, buyer, dong_a, settings):
    settings.SEARCH_CACHE_LAG_SECONDS = 0
    client.force_login(buyer)
    client.get(reverse("suppliers:search"), {"q": "co khi"})
    province = Province.objects.get(code="48")
    province.name_vi = "Thành phố Đà Nẵng (mới)"
    province.save()
    assert "Thành phố Đà Nẵng (mới)" in results_block(
        client.get(reverse("suppliers:search"), {"q": "co khi"})
    )


def test_a_deleted_firm_leaves_the_results(client, buyer, dong_a, settings):
    settings.SEARCH_CACHE_LAG_SECONDS = 0
    client.force_login(buyer)
    assert "Đông Á" in results_block(client.get(reverse("suppliers:search"), {"q": "co khi"}))
    Organisation.objects.filter(pk=dong_a.organisation_id).delete()
    assert "Đông Á" not in results_block(client.get(reverse("suppliers:search"), {"q": "co khi"}))


def test_the_shared_block_holds_nothing_of_the_user(client, buyer, staff, dong_a):
    client.force_login(buyer)
    seen_by_buyer = results_block(client.get(reverse("suppliers:search"), {"q": "co khi"}))
    client.force_login(staff)
    computed_for_staff = results_block(client.get(reverse("suppliers:search"), {"q": "co khi", "x": "1"}))
    assert seen_by_buyer == computed_for_staff.replace("x=1&amp;", "")
    assert buyer.email not in seen_by_buyer and "csrfmiddlewaretoken" not in seen_by_buyer


def test_a_supplier_is_refused_even_when_the_search_is_cached(client, buyer, alice, dong_a):
    client.force_login(buyer)
    assert client.get(reverse("suppliers:search"), {"q": "co khi"}).status_code == 200
    client.force_login(alice)
    assert client.get(reverse("suppliers:search"), {"q": "co khi"}).status_code == 403


def test_no_cache_when_turned_off(settings):
    settings.SEARCH_CACHE_SECONDS = 0
    made = []
    for _ in range(2):
        search_cache.block(QueryDict("q=dap"), TODAY, lambda: made.append(1) or "")
    assert made == [1, 1]


# --- The facets' labels, cached apart from the results ------------------------------------------


def test_the_facets_labels_are_read_once_and_follow_a_rename_in_each_language(
    settings, django_assert_num_queries
):
    from django.utils import translation

    from suppliers import search

    settings.SEARCH_CACHE_LAG_SECONDS = 0
    province = Province.objects.get(code="48")
    with django_assert_num_queries(4):
        assert search._labels()["province"][province.pk] == ("48", province.name_vi)
    with django_assert_num_queries(0):
        search._labels()
    with translation.override("en"), django_assert_num_queries(4):
        assert search._labels()["province"][province.pk][1] == province.name_en
    make_supplier("Công ty TNHH Cơ khí Đông Á")  # a firm's edit does not drop the labels
    with django_assert_num_queries(0):
        search._labels()
    province.name_vi = "Thành phố Đà Nẵng (mới)"
    province.save()
    assert search._labels()["province"][province.pk][1] == "Thành phố Đà Nẵng (mới)"
    with translation.override("en"):
        assert search._labels()["verified"]["true"][1] == "Verified"


def test_the_labels_are_read_every_time_with_the_cache_off(settings, django_assert_num_queries):
    from suppliers import search

    settings.SEARCH_CACHE_SECONDS = 0
    search._labels()
    with django_assert_num_queries(4):
        search._labels()
