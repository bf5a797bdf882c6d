"""Stored scores: kept current by marks, bounded per request, explained; and the commands."""

import datetime
import json

import numpy as np
import pytest
from django.core.management import call_command
from django.utils import timezone

from matching import services
from matching.models import MatchScore, RecomputeMark
from matching.selectors import ranked_matches
from portal.vocabulary import resolve_term
from suppliers.models import ProcessCapability
from suppliers.services import profile_changed
from tests.matching.helpers import buyer_organisation, make_request, make_supplier, term

pytestmark = pytest.mark.django_db

NEXT_YEAR = timezone.localdate() + datetime.timedelta(days=365)
LAST_MONTH = timezone.localdate() - datetime.timedelta(days=30)


@pytest.fixture
def oem():
    return buyer_organisation()


def settle():
    """Run the recompute the committed changes would enqueue, here and now (both test runs)."""
    services.recompute_marked_until_done(quiet=datetime.timedelta(0))


def scores_of(request):
    return {row.supplier_id: row for row in ranked_matches(request)}


def test_publishing_a_request_ranks_the_certified_supplier_first(oem):
    valid = make_supplier("Cơ khí Hợp Lệ", certificates=[("iatf-16949", NEXT_YEAR)])
    expired = make_supplier("Cơ khí Hết Hạn", certificates=[("iatf-16949", LAST_MONTH)])
    request = make_request(oem, certifications=["iatf-16949"])
    settle()
    ranked = list(ranked_matches(request))
    assert [row.supplier_id for row in ranked] == [valid.pk, expired.pk]
    assert ranked[0].eligible and not ranked[1].eligible
    assert ["certification_expired", term("certification", "iatf-16949").pk] in ranked[1].gaps
    assert not RecomputeMark.objects.exists()
    assert request.__class__.objects.get(pk=request.pk).matches_computed_at is not None


@pytest.mark.parametrize("spelling", ["dap", "stamping", "dập"])
def test_dap_stamping_and_dập_are_one_process_for_matching(oem, spelling):
    supplier = make_supplier("Cơ khí Dập", processes=[("stamping", 10_000)])
    request = make_request(oem, processes=[resolve_term("process", spelling).code])
    settle()
    assert scores_of(request)[supplier.pk].eligible


def test_a_supplier_adding_the_missing_process_becomes_eligible(oem):
    supplier = make_supplier("Cơ khí Thiếu Hàn")
    request = make_request(oem, processes=["stamping", "welding"])
    settle()
    assert not scores_of(request)[supplier.pk].eligible
    ProcessCapability.objects.create(
        profile=supplier, process=term("process", "welding"), monthly_capacity=9000
    )
    profile_changed(supplier)
    settle()
    assert scores_of(request)[supplier.pk].eligible


def test_a_mark_made_again_during_a_run_is_kept_for_the_next_run(oem):
    supplier = make_supplier("Cơ khí Đang Sửa")
    make_request(oem)
    claimed = services._claim(10, datetime.timedelta(0))
    services.mark_for_recompute(supplier_ids=[supplier.pk])  # an edit while the worker works
    services._release(claimed)
    mark = RecomputeMark.objects.get(kind="supplier", object_id=supplier.pk)
    assert mark.claimed_at is None


def test_an_abandoned_claim_is_taken_again_after_the_lease_and_only_a_few_times(oem, settings):
    supplier = make_supplier("Cơ khí Bị Ngắt")
    settings.MATCHING_CLAIM_LEASE_SECONDS = 0
    for _attempt in range(services.MAX_ATTEMPTS):
        assert [m.object_id for m in services._claim(10, datetime.timedelta(0)) if m.kind == "supplier"] == [
            supplier.pk
        ]
    assert services._claim(10, datetime.timedelta(0)) == []  # poison: left for staff, no endless redelivery


def test_near_misses_are_bounded_per_request(oem, monkeypatch):
    monkeypatch.setattr(services, "MAX_NEAR_MISSES", 3)
    for i in range(6):
        make_supplier(f"Cơ khí Gần Đạt {i}", processes=[("welding", 100)])
    eligible = make_supplier("Cơ khí Đạt", processes=[("stamping", 10_000)])
    request = make_request(oem)
    settle()
    rows = list(ranked_matches(request))
    assert rows[0].supplier_id == eligible.pk
    assert sum(not row.eligible for row in rows) == 3


def test_an_incremental_recompute_agrees_with_a_full_one(oem):
    suppliers = [make_supplier(f"Cơ khí Số {i}", processes=[("stamping", 1000 * (i + 1))]) for i in range(4)]
    request = make_request(oem)
    settle()  # the request's full scoring
    capability = suppliers[0].processes.get()
    capability.monthly_capacity = 50_000
    capability.save()
    profile_changed(suppliers[0])
    settle()  # only that supplier, against every open request
    incremental = {k: (round(v.total, 6), v.eligible) for k, v in scores_of(request).items()}
    services.recompute_all()
    full = {k: (round(v.total, 6), v.eligible) for k, v in scores_of(request).items()}
    assert incremental == full


def test_the_match_command_prints_ranked_suppliers_with_gaps(oem, capsys):
    make_supplier("Cơ khí Đủ Chuẩn", certificates=[("iatf-16949", NEXT_YEAR)])
    make_supplier("Cơ khí Chưa Chuẩn")
    request = make_request(oem, certifications=["iatf-16949"])
    settle()
    call_command("match", request.pk, "--top", "5", "--json")
    result = json.loads(capsys.readouterr().out)
    assert [m["supplier"] for m in result["matches"]] == ["Cơ khí Đủ Chuẩn", "Cơ khí Chưa Chuẩn"]
    [gap] = result["matches"][1]["gaps"]
    assert gap.startswith("Thiếu ") and "IATF 16949" in gap
    assert set(result["matches"][0]["breakdown"]) >= {"processes", "certifications", "capacity"}


def test_recompute_matches_all_rewrites_every_open_request(oem):
    make_supplier("Cơ khí Một")
    request = make_request(oem)
    MatchScore.objects.all().delete()
    call_command("recompute_matches", "--all")
    assert MatchScore.objects.filter(request=request).count() == 1
    assert not RecomputeMark.objects.exists()


def test_the_best_eligible_rows_are_kept_ties_broken_by_supplier(oem, monkeypatch):
    monkeypatch.setattr(services, "MAX_ELIGIBLE_STORED", 2)
    twins = [make_supplier(f"Cơ khí Song Sinh {i}", processes=[("stamping", 10_000)]) for i in range(4)]
    request = make_request(oem)
    settle()
    kept = [row.supplier_id for row in ranked_matches(request) if row.eligible]
    assert kept == sorted(s.pk for s in twins)[:2]


def test_selection_is_a_stable_sort_cut_to_the_bounds(monkeypatch):
    """The partition-based selection equals sorting everything (stable) and cutting.

    Up to 2,000 values, so the sampled floor (``_floor_of_the_cut``) is used for both bounds."""
    monkeypatch.setattr(services, "MAX_ELIGIBLE_STORED", 5)
    monkeypatch.setattr(services, "MAX_NEAR_MISSES", 3)
    rng = np.random.default_rng(7)
    for _ in range(400):
        n = int(rng.integers(0, 2000 if _ % 2 else 60))
        distinct = int(rng.choice([6, 1000]))  # few distinct values (many ties), or many
        totals = rng.integers(0, distinct, n).astype(float)
        eligible = rng.random(n) < 0.6
        order = np.lexsort((-totals,))
        expected = np.concatenate([order[eligible[order]][:5], order[~eligible[order]][:3]])
        assert services._selected(totals, eligible).tolist() == expected.tolist()


def test_a_deleted_supplier_takes_its_scores_and_orphans_are_swept(oem):
    gone = make_supplier("Cơ khí Giải Thể")
    stays = make_supplier("Cơ khí Còn Lại")
    request = make_request(oem)
    settle()
    gone.delete()
    assert set(scores_of(request)) == {stays.pk}
    # A row whose supplier vanished mid-recompute (no database constraint stops it): swept.
    row = MatchScore.objects.get(supplier=stays)
    MatchScore.objects.filter(pk=row.pk).update(supplier_id=stays.pk + 10_000)
    assert services.delete_orphans() == 1
    assert not MatchScore.objects.filter(request=request).exists()
