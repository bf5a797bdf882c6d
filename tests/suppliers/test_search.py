"""Supplier search: Vietnamese words with or without diacritics, legal forms, typos, ranking, facets.

Runs in both test runs: SQLite (LIKE on the folded column, difflib for typos) and PostgreSQL (the
stored tsvector with the ``cnht`` configuration, trigram similarity for typos). Same expectations.
"""

import datetime
import importlib

import pytest
from django.contrib.admin import site
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from portal.admin import OrganisationAdmin
from portal.models import Organisation, Province, Sector
from suppliers import search
from suppliers.filters import SupplierProfileFilter
from suppliers.models import NamePrefix, Product, SupplierProfile
from suppliers.services import profile_changed
from tests.conftest import ON_POSTGRES
from tests.matching.helpers import make_supplier

pytestmark = pytest.mark.django_db

NEXT_YEAR = timezone.localdate() + datetime.timedelta(days=365)
LAST_MONTH = timezone.localdate() - datetime.timedelta(days=30)


def names(params: str) -> list[str]:
    result = search.run(SupplierProfile.objects.all(), QueryDict(params))
    return [p.organisation.name for p in result.profiles.select_related("organisation")]


def with_products(profile, *products):
    for name in products:
        Product.objects.create(profile=profile, name=name)
    profile_changed(profile)
    return profile


@pytest.fixture
def firms():
    dong_a = make_supplier(
        "Công ty TNHH Cơ khí Đông Á", processes=[("stamping", 10_000)], materials=["cold-rolled-steel"]
    )
    duc_nhom = make_supplier(
        "Công ty CP Đúc Nhôm Miền Trung",
        processes=[("die-casting", 5_000)],
        materials=["aluminium"],
        province="79",
    )
    minh_duc = make_supplier("Công ty TNHH Minh Đức", processes=[("welding", 2_000)], verified=False)
    with_products(minh_duc, "Khung nhôm định hình")
    phuong_nam = make_supplier(
        "Công ty TNHH Nhựa Phương Nam",
        processes=[("injection-moulding", 8_000)],
        certificates=[("iatf-16949", NEXT_YEAR)],
        province="79",
    )
    expired = make_supplier("Cơ khí Chính Xác Hết Hạn", certificates=[("iatf-16949", LAST_MONTH)])
    return {
        "dong_a": dong_a,
        "duc_nhom": duc_nhom,
        "minh_duc": minh_duc,
        "phuong_nam": phuong_nam,
        "expired": expired,
    }


@pytest.mark.parametrize(
    "typed",
    ["co khi dong a", "Cơ khí Đông Á", "CO KHI DONG A", "Công ty TNHH Cơ khí Đông Á", "cơ khí đong á"],
)
def test_a_firm_is_found_with_or_without_diacritics_and_legal_form(firms, typed):
    assert names(f"q={typed}") == ["Công ty TNHH Cơ khí Đông Á"]


def test_wrong_diacritics_still_find_the_firm(firms):
    # "Đồng" is not "Đông": folded, both are "dong".
    assert names("q=Cơ khí Đồng Á") == ["Công ty TNHH Cơ khí Đông Á"]


def test_d_finds_đ_and_words_are_prefixes(firms):
    assert "Công ty TNHH Cơ khí Đông Á" in names("q=dong")
    assert "Công ty TNHH Cơ khí Đông Á" in names("q=co kh")


def test_processes_and_materials_are_found_in_either_language(firms):
    stampers = ["Cơ khí Chính Xác Hết Hạn", "Công ty TNHH Cơ khí Đông Á"]
    assert sorted(names("q=dap")) == sorted(names("q=stamping")) == sorted(names("q=dập")) == sorted(stampers)
    assert "Công ty CP Đúc Nhôm Miền Trung" in names("q=aluminium")


def test_exact_diacritics_rank_first(firms):
    """ "đúc nhôm" must not drown in firms of somebody named Đức (who also makes aluminium frames)."""
    found = names("q=đúc nhôm")
    assert found[0] == "Công ty CP Đúc Nhôm Miền Trung"
    assert "Công ty TNHH Minh Đức" in found  # still found: "duc" + "nhom" without diacritics
    assert names("q=Minh Đức")[0] == "Công ty TNHH Minh Đức"


def test_a_typo_finds_the_close_spelling_and_says_so(firms):
    result = search.run(SupplierProfile.objects.all(), QueryDict("q=nhua phuonng nam"))
    assert [p.organisation.name for p in result.profiles.select_related("organisation")] == [
        "Công ty TNHH Nhựa Phương Nam"
    ]
    assert result.query.corrected_from == ("phuonng",)


def test_words_nobody_uses_find_nothing(firms):
    assert names("q=zzzz qqqq") == []


def test_facets_or_within_and_across(firms):
    both_provinces = names("province=48&province=79")
    assert len(both_provinces) == 5  # OR within a facet
    assert sorted(names("province=79")) == ["Công ty CP Đúc Nhôm Miền Trung", "Công ty TNHH Nhựa Phương Nam"]
    assert names("province=79&process=die-casting") == ["Công ty CP Đúc Nhôm Miền Trung"]  # AND across
    assert names("province=79&process=stamping") == []


def test_only_valid_certificates_count_and_filter(firms):
    assert names("certification=iatf-16949") == ["Công ty TNHH Nhựa Phương Nam"]
    facets = {f.key: f for f in search.run(SupplierProfile.objects.all(), QueryDict("")).facets}
    counts = {v.code: v.count for v in facets["certification"].values}
    assert counts == {"iatf-16949": 1}  # the expired one is not counted


def test_facet_counts_apply_the_other_facets_only(firms):
    result = search.run(SupplierProfile.objects.all(), QueryDict("province=79&verified=true"))
    facets = {f.key: {v.code: (v.count, v.selected) for v in f.values} for f in result.facets}
    # The province facet ignores its own selection (what ticking Đà Nẵng would add) but not "verified".
    assert facets["province"]["48"] == (2, False)  # Đông Á and the expired one; Minh Đức is not verified
    assert facets["province"]["79"] == (2, True)
    # The process facet counts within province 79 and verified.
    assert facets["process"] == {"die-casting": (1, False), "injection-moulding": (1, False)}
    assert facets["verified"]["true"] == (2, True)


def test_sector_and_size_facets(firms):
    sector = Sector.objects.first()
    dong_a = firms["dong_a"]
    dong_a.sectors.add(sector)
    dong_a.employees_band = "50-199"
    dong_a.save()
    profile_changed(dong_a)  # as every service does after a change
    assert names(f"sector={sector.code}") == ["Công ty TNHH Cơ khí Đông Á"]
    assert names("size=50-199&size=500%2B") == ["Công ty TNHH Cơ khí Đông Á"]


def test_sorting_by_name_and_by_last_update(firms):
    assert names("sort=name")[0] == "Cơ khí Chính Xác Hết Hạn"  # "co khi chinh xac" sorts first
    SupplierProfile.objects.filter(pk=firms["minh_duc"].pk).update(
        updated_at=timezone.now() + datetime.timedelta(days=1)
    )
    assert names("sort=updated")[0] == "Công ty TNHH Minh Đức"


def test_broad_counts_are_capped(firms, monkeypatch):
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    paginator = search.CappedPaginator(search.run(SupplierProfile.objects.all(), QueryDict("")).profiles, 2)
    assert paginator.capped and paginator.count == 4


# --- The page --------------------------------------------------------------------------------


def test_the_page_keeps_words_and_filters_in_the_url(client, buyer, firms):
    client.force_login(buyer)
    response = client.get(reverse("suppliers:search"), {"q": "đúc nhôm", "province": "79"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="đúc nhôm"' in page
    assert 'name="province" value="79"' in page and "checked" in page
    assert [p.organisation.name for p in response.context["page"].object_list] == [
        "Công ty CP Đúc Nhôm Miền Trung"
    ]
    assert "Tìm nhà cung cấp" in page  # Vietnamese by default


def test_an_unknown_filter_code_is_shown_as_an_error_not_a_500(client, buyer, firms):
    client.force_login(buyer)
    response = client.get(reverse("suppliers:search"), {"q": "co khi", "process": "no-such-process"})
    assert response.status_code == 200
    assert response.context["result"].errors
    assert 'data-testid="search-errors"' in response.content.decode()


def test_suppliers_may_not_search_their_competitors(client, alice, profile):
    client.force_login(alice)
    assert client.get(reverse("suppliers:search")).status_code == 403


def test_the_page_runs_a_bounded_number_of_queries(client, buyer, firms, django_assert_max_num_queries):
    for i in range(25):
        make_supplier(f"Cơ khí Số {i}")
    client.force_login(buyer)
    with django_assert_max_num_queries(40):
        response = client.get(reverse("suppliers:search"), {"q": "co khi"})
    assert len(response.context["page"].object_list) == 20


# --- The API ---------------------------------------------------------------------------------


def test_the_api_searches_with_the_same_rules(client, buyer, firms):
    client.force_login(buyer)
    response = client.get("/api/v1/suppliers/", {"q": "đúc nhôm", "sort": "relevance"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0]["id"] == firms["duc_nhom"].pk
    bad = client.get("/api/v1/suppliers/", {"sort": "sideways"})
    assert bad.status_code == 400 and "sort" in bad.json()


def test_a_broad_search_counts_facets_over_the_first_matches_and_says_so(client, buyer, firms, monkeypatch):
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    facets = search.run(SupplierProfile.objects.all(), QueryDict("")).facets
    assert all(f.partial for f in facets)
    assert sum(v.count for v in {f.key: f for f in facets}["verified"].values) == 3
    client.force_login(buyer)
    assert 'data-testid="facets-partial"' in client.get(reverse("suppliers:search")).content.decode()


@pytest.mark.parametrize("ticks", ["province=79", "province=79&verified=true", "province=48&province=79"])
@pytest.mark.parametrize("words", ["", "q=co+khi&"])  # with words, the ids come ranked
def test_ticks_on_more_matches_than_the_cap_list_and_count_what_passes(firms, monkeypatch, ticks, words):
    """Words matching more firms than COUNT_CAP, narrowed by ticks: the firms that pass are
    listed in rank order and counted exactly when they are few, "1000+" (the cap + 1) when not."""
    for number in range(3):
        make_supplier(f"Công ty TNHH Cơ khí Hòa Bình {number}", province="79")
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    params = QueryDict(words + ticks)
    expected = _filtered_ids(params)
    assert len(_filtered_ids(QueryDict(words))) > 3

    result = search.run(SupplierProfile.objects.all(), params)

    listed = [p.pk for p in result.profiles]
    assert set(listed) == expected
    assert result.count == (len(expected) if len(expected) <= 3 else 4)
    oracle = search.ranked(SupplierProfile.objects.filter(pk__in=expected), result.query)
    assert listed == list(oracle.values_list("pk", flat=True))


# --- The facets counted in Python agree with the database filters ---------------------------------


def _filtered_ids(params: QueryDict) -> set[int]:
    """The oracle: the firms ``SupplierProfileFilter`` keeps, filtered in the database."""
    from suppliers.filters import SupplierProfileFilter

    return set(
        SupplierProfileFilter(data=params, queryset=SupplierProfile.objects.all()).qs.values_list(
            "pk", flat=True
        )
    )


def test_facet_counts_and_results_equal_the_database_filters_for_random_ticks(db):
    import random

    from suppliers.models import Cluster, ClusterMember

    rng = random.Random(7)
    processes = ["stamping", "die-casting", "injection-moulding", "cnc-machining", "mig-mag-welding"]
    materials = ["aluminium", "cold-rolled-steel", "abs"]
    sectors = list(Sector.objects.all()[:3])
    cluster = Cluster.objects.create(name="Cụm CNHT thử", province=Province.objects.get(code="48"))
    for number in range(30):
        certificates = (
            [("iatf-16949", NEXT_YEAR if rng.random() < 0.6 else LAST_MONTH)] if rng.random() < 0.5 else []
        )
        profile = make_supplier(
            f"Cơ khí Ngẫu Nhiên {number}",
            processes=[(code, 1000) for code in rng.sample(processes, rng.randint(1, 3))],
            materials=rng.sample(materials, rng.randint(0, 2)),
            certificates=certificates,
            province=rng.choice(["48", "79", "01"]),
            verified=rng.random() < 0.7,
        )
        profile.sectors.set(rng.sample(sectors, rng.randint(0, 2)))
        profile_changed(profile)
        if rng.random() < 0.4:
            ClusterMember.objects.create(
                cluster=cluster, organisation=profile.organisation, status=rng.choice(["active", "left"])
            )
    choices = {
        "province": ["48", "79", "01"],
        "process": processes,
        "material": materials,
        "certification": ["iatf-16949", "iso-9001"],
        "sector": [s.code for s in sectors],
        "cluster": [str(cluster.pk)],
        "verified": ["true", "false"],
    }
    for _round in range(25):
        params = QueryDict(mutable=True)
        for key in rng.sample(sorted(choices), rng.randint(0, 3)):
            params.setlist(
                key,
                rng.sample(
                    choices[key], min(len(choices[key]), 1 if key == "verified" else rng.randint(1, 2))
                ),
            )
        result = search.run(SupplierProfile.objects.all(), params)
        assert set(result.profiles.values_list("pk", flat=True)) == _filtered_ids(params), params
        assert result.count == len(_filtered_ids(params))
        for facet in result.facets:
            for value in facet.values:
                ticked = params.copy()
                ticked.setlist(facet.key, [value.code])  # the other facets as they are, this value alone
                assert value.count == len(_filtered_ids(ticked)), (params, facet.key, value.code)


@pytest.mark.parametrize("ticked", [{}, {"material": "aluminium"}])  # organisations' names, profiles'
@pytest.mark.parametrize("typed", ["co khi", "nhom", "nhôm", "Số", "dap", "co khi so"])
def test_a_broad_search_ranks_by_tiers_in_the_same_order(firms, monkeypatch, typed, ticked):
    for number in range(6):
        make_supplier(f"Công ty TNHH Cơ khí Nhôm Số {number}", materials=["aluminium"])
        make_supplier(f"Xưởng Dập Số {number}", materials=["aluminium"])
    make_supplier("Công ty TNHH Cơ khí Nhôm Số Thép", materials=["cold-rolled-steel"])  # left out when ticked
    make_supplier("Công ty TNHH Aa Sơn Nhôm", materials=["aluminium"])  # "so" begins "son"; "Số" is not "Sơn"
    monkeypatch.setattr(search, "COUNT_CAP", 3)  # every search here is "broad"
    params = QueryDict(mutable=True)
    params["q"] = typed
    params.update(ticked)
    result = search.run(SupplierProfile.objects.all(), params)
    assert isinstance(result.profiles, search.RankedByTiers)
    assert result.profiles.name == (search.NAME if ticked else search.ORGANISATION_NAME)
    narrowed = SupplierProfileFilter(data=params, queryset=result.matched).qs
    expected = list(search.ranked(narrowed, result.query).values_list("pk", flat=True))
    assert len(expected) > 3
    assert [p.pk for p in result.profiles[0 : len(expected)]] == expected
    assert [p.pk for p in result.profiles[2:5]] == expected[2:5]  # a later page
    # Three places all go to firms with every word in their name: read from the name prefixes.
    # More places than such firms: the tiers rank them.
    assert result.profiles._named_in_full(3) == expected[:3]
    assert result.profiles._named_in_full(len(expected)) in (None, expected)
    assert result.profiles._named_in_full(len(expected) + 1) is None
    paginator = search.CappedPaginator(result.listing(lambda qs: qs.select_related("organisation")), 2)
    assert [p.pk for p in paginator.page(2).object_list] == expected[2:4]


def test_facet_values_follow_changes_made_in_the_admin(firms):
    from suppliers.models import Cluster, ClusterMember

    dong_a = firms["dong_a"]
    cluster = Cluster.objects.create(name="Cụm CNHT Chu Lai thử", province=Province.objects.get(code="48"))
    member = ClusterMember.objects.create(cluster=cluster, organisation=dong_a.organisation, status="active")
    dong_a.refresh_from_db()
    assert dong_a.facet_values["cluster"] == [cluster.pk]
    assert names(f"cluster={cluster.pk}") == ["Công ty TNHH Cơ khí Đông Á"]
    member.delete()
    dong_a.refresh_from_db()
    assert dong_a.facet_values["cluster"] == [] and names(f"cluster={cluster.pk}") == []
    organisation = dong_a.organisation
    organisation.province = Province.objects.get(code="79")
    organisation.name = "Công ty TNHH Cơ khí Aa Đông Á"
    OrganisationAdmin(Organisation, site).save_model(None, organisation, None, change=True)  # staff's edit
    dong_a.refresh_from_db()
    assert dong_a.facet_values["province"] == organisation.province_id
    assert "Công ty TNHH Cơ khí Aa Đông Á" in names("province=79")
    # The profile's copies of the name and province, which sorting and the filters read, follow.
    assert (dong_a.name_search_key, dong_a.search_province_id) == (
        organisation.name_search_key,
        organisation.province_id,
    )
    by_name = names("sort=name")
    assert by_name.index("Công ty TNHH Cơ khí Aa Đông Á") == 0, by_name
    in_79 = SupplierProfileFilter(data=QueryDict("province=79"), queryset=SupplierProfile.objects.all()).qs
    in_48 = SupplierProfileFilter(data=QueryDict("province=48"), queryset=SupplierProfile.objects.all()).qs
    assert dong_a in in_79 and dong_a not in in_48
    # And so do its name prefixes, which a broad search's first places are read from.
    assert _prefixes_of(dong_a) == search.name_prefixes("co khi aa dong a") and "aa" in _prefixes_of(dong_a)


def _prefixes_of(profile) -> set[str]:
    rows = NamePrefix.objects.filter(profile=profile)
    assert set(rows.values_list("name_key", flat=True)) == {profile.name_search_key}
    return set(rows.values_list("prefix", flat=True))


def test_name_prefixes_are_every_beginning_of_every_word_of_the_name(firms):
    every = {"c", "co", "k", "kh", "khi", "d", "do", "don", "dong", "a"}
    assert search.name_prefixes("co khi dong a") == every
    assert search.name_prefixes("x" * 30) == {"x" * n for n in range(1, search.PREFIX_LENGTH + 1)}
    duc_nhom = firms["duc_nhom"]
    assert _prefixes_of(duc_nhom) == search.name_prefixes(duc_nhom.name_search_key)
    assert {"duc", "nho", "mien", "trung"} <= _prefixes_of(duc_nhom)
    with CaptureQueriesContext(connection) as edit:  # an edit that leaves the name alone
        profile_changed(duc_nhom)
    assert not [q for q in edit.captured_queries if "INSERT" in q["sql"] and "nameprefix" in q["sql"]]
    assert _prefixes_of(duc_nhom) == search.name_prefixes(duc_nhom.name_search_key)
    pk = duc_nhom.pk
    duc_nhom.delete()
    assert NamePrefix.objects.exists() and not NamePrefix.objects.filter(profile_id=pk).exists()


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL storage settings")
def test_the_columns_a_broad_search_reads_stay_in_the_row():
    """Migration 0008: a broad search reads search_vector and facet_values of 1,001 rows; kept in
    the row (not TOAST), facet values as text (no jsonb output function)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attstorage, format_type(atttypid, atttypmod) FROM pg_attribute"
            " WHERE attrelid = 'suppliers_supplierprofile'::regclass"
            " AND attname IN ('search_vector', 'facet_values') ORDER BY attname"
        )
        assert cursor.fetchall() == [("facet_values", "m", "text"), ("search_vector", "m", "tsvector")]
        cursor.execute("SELECT reloptions FROM pg_class WHERE oid = 'suppliers_supplierprofile'::regclass")
        assert cursor.fetchone()[0] == ["toast_tuple_target=8160"]
    firm = make_supplier("Công ty TNHH Cơ khí Chu Lai")
    firm.description = " ".join(f"chi tiết số {n}" for n in range(300))
    firm.save()
    profile_changed(firm)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_size(search_vector) > 2000, pg_column_compression(search_vector)"
            " FROM suppliers_supplierprofile WHERE id = %s",
            [firm.pk],
        )
        assert cursor.fetchone() == (True, None)  # large, and neither compressed nor moved out
    firm.refresh_from_db()
    assert firm.facet_values["verified"] is True


DAYS = st.sampled_from([None, "2026-01-01", "2026-12-05", "2027-06-30"])
STORED_FACET_VALUES = st.fixed_dictionaries(
    {
        "province": st.sampled_from([None, 1, 2, 3]),
        "sector": st.lists(st.integers(1, 4), max_size=3),
        "process": st.lists(st.integers(1, 6), max_size=4),
        "material": st.lists(st.integers(1, 4), max_size=3),
        "certification": st.lists(st.tuples(st.integers(1, 3), DAYS, DAYS).map(list), max_size=3),
        "cluster": st.lists(st.integers(1, 2), max_size=2),
        "size": st.sampled_from([None, "", "micro", "small"]),
        "verified": st.booleans(),
    }
)


@given(
    st.lists(STORED_FACET_VALUES, max_size=30),
    st.dates(datetime.date(2025, 6, 1), datetime.date(2027, 12, 1)),
)
def test_counts_with_nothing_ticked_are_the_per_firm_counts(stored, day):
    """The fast path of a search with no facet ticked counts what the per-firm sets count."""
    rows = list(enumerate(stored))
    nothing_ticked = {key: set() for key in search.FACETS}
    per_firm = search._counts(search._facet_values(rows, day), nothing_ticked)
    assert search._counts_of_all(rows, day) == per_firm


# --- Word prefixes (PostgreSQL's search_vector, migration suppliers 0006) ---------------------

WORDS = st.text("abdo09", min_size=1, max_size=26)  # few letters: words share prefixes often


@pytest.mark.skipif(not ON_POSTGRES, reason="the stored word prefixes are PostgreSQL's")
@given(document=st.lists(WORDS, max_size=6), words=st.lists(WORDS, min_size=1, max_size=3))
def test_the_stored_prefixes_match_exactly_what_begins_a_word(document, words):
    """The tsquery over the stored prefixes finds a text when every word's first PREFIX_LENGTH
    letters begin one of its words (longer words are checked on search_document after)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT cnht_word_prefixes(%s) @@ %s::tsquery",
            [" ".join(document), search.word_prefixes_query(tuple(words))],
        )
        found = cursor.fetchone()[0]
    short = [word[: search.PREFIX_LENGTH] for word in words]
    assert found == all(any(mine.startswith(word) for mine in document) for word in short)


@given(st.lists(WORDS, min_size=1, max_size=6), WORDS)
def test_a_name_prefix_is_exactly_a_word_that_begins_a_word_of_the_name(name_words, word):
    """What ``RankedByTiers._named_in_full`` reads agrees with the tiers' ``_begins_a_word``; and
    migration 0008 filled the rows the same way."""
    name = " ".join(name_words)
    if len(word) <= search.PREFIX_LENGTH:
        assert (word in search.name_prefixes(name)) == (name.startswith(word) or f" {word}" in name)
    migration = importlib.import_module("suppliers.migrations.0008_name_prefixes")
    assert migration._name_prefixes(name) == search.name_prefixes(name)


def test_a_word_longer_than_the_stored_prefixes_must_match_whole(firms):
    long_word = "electrochemicalmachiningx"  # 25 letters: past PREFIX_LENGTH
    with_products(firms["dong_a"], long_word)

    def having(word: str) -> list:  # the words' own test, before any typo tolerance
        return list(search._having_words(SupplierProfile.objects.all(), (word,)))

    assert having(long_word[:22]) == [firms["dong_a"]]
    assert having(long_word[:21] + "q") == []  # the same first 20 letters, then another
