"""The recompute's writer: rows read back exactly as scored (binary COPY on PostgreSQL), gaps'
JSON, and the writer thread replacing rows in place (same rows as writing in line; its error reaches
the caller). A full recompute's new table is tested in test_rebuild.py."""

import datetime
import json

import numpy as np
import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from matching import scoring, selectors, services, writing
from matching.models import SCORE_FIELDS, MatchScore, PartRequest
from matching.scoring import ENGINE_VERSION, FastEngine
from tests.matching.helpers import buyer_organisation, make_request, make_supplier

GAP_CODES = ["process", "certification", "certification_expired", "material", "capacity", "tolerance"]
NEXT_YEAR = timezone.localdate() + datetime.timedelta(days=365)
DETAILS = st.none() | st.integers(-(2**53), 2**53) | st.floats(allow_nan=False, allow_infinity=False)


@given(st.lists(st.tuples(st.sampled_from(GAP_CODES), DETAILS).map(list), max_size=6))
def test_gaps_are_formatted_as_the_json_they_are(gaps):
    text = "".join(scoring._gap(code, detail) for code, detail in gaps)
    assert json.loads(f"[{text[1:]}]") == gaps


def stored(request_ids) -> dict:
    rows = MatchScore.objects.filter(request_id__in=request_ids).order_by("request_id", "supplier_id")
    return {
        (r.request_id, r.supplier_id): (r.total, r.eligible, [getattr(r, f) for f in SCORE_FIELDS], r.gaps)
        for r in rows
    }


@pytest.mark.django_db
def test_written_rows_read_back_exactly_as_scored():
    """Every kind of field and gap survives the trip (on PostgreSQL: binary COPY and its encoding)."""
    oem = buyer_organisation()
    make_supplier("Cơ khí Đủ", processes=[("stamping", 100_000)], certificates=[("iatf-16949", NEXT_YEAR)])
    make_supplier("Cơ khí Thiếu", processes=[("stamping", 400)], tolerance=0.25)
    make_supplier("Cơ khí Khác", processes=[("welding", 1_000)], verified=False)
    request = make_request(oem, certifications=["iatf-16949"])
    request.tolerance_mm = 0.1
    request.save()
    engine = FastEngine(selectors.supplier_data(), selectors.distances())
    [inputs] = selectors.request_data([request])
    totals, eligible, subs = engine.score(inputs)
    scored = writing.scored_rows(inputs, engine, np.arange(len(engine)), totals, eligible, subs)
    now = timezone.now()

    writing.replace_block([request.pk], writing.inserter([scored], now), now)

    expected = {
        (o.request_id, o.supplier_id): (o.total, o.eligible, [getattr(o, f) for f in SCORE_FIELDS], o.gaps)
        for o in scored.as_objects(now)
    }
    assert stored([request.pk]) == expected
    codes = {code for row in scored.gaps for code, _detail in json.loads(row)}
    assert codes >= {"certification", "capacity", "tolerance"}
    assert set(MatchScore.objects.values_list("engine_version", "computed_at")) == {(ENGINE_VERSION, now)}


def several_blocks(monkeypatch) -> list[int]:
    monkeypatch.setattr(services, "WRITE_BLOCK", 2)
    oem = buyer_organisation()
    for i in range(3):
        make_supplier(f"Cơ khí Khối {i}", processes=[("stamping", 1_000 * (i + 1))])
    return [make_request(oem, volume=10_000 * (i + 1)).pk for i in range(5)]  # three blocks


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_writer_thread_stores_what_writing_in_line_stores(monkeypatch):
    request_ids = several_blocks(monkeypatch)
    with transaction.atomic():  # inside a transaction the blocks are written in line
        assert not writing.BlockWriter(blocks=3).threaded
        services.recompute_requests(PartRequest.objects.open())
    in_line = stored(request_ids)
    MatchScore.objects.all().delete()

    assert writing.BlockWriter(blocks=3).threaded and not writing.BlockWriter(blocks=1).threaded
    services.recompute_requests(PartRequest.objects.open())

    assert stored(request_ids) == in_line and len(in_line) == 15


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_writer_thread_failure_reaches_the_caller_and_keeps_blocks_whole(monkeypatch):
    request_ids = several_blocks(monkeypatch)
    services.recompute_requests(PartRequest.objects.open())
    before, computed_before = stored(request_ids), computed_at(request_ids)
    real_copy = writing._copy
    copies = []

    def copy_then_fail_on_the_second_block(payload, table):
        copies.append(payload)
        real_copy(payload, table)
        if len(copies) == 2:
            raise RuntimeError("disk full")

    monkeypatch.setattr(writing, "_copy", copy_then_fail_on_the_second_block)

    with pytest.raises(RuntimeError, match="disk full"):
        services.recompute_requests(PartRequest.objects.open())

    assert stored(request_ids) == before  # same scores: nothing changed but when they were computed
    rewritten = {r for r, when in computed_at(request_ids).items() if when != computed_before[r]}
    first_block = [r.id for r in selectors.request_data(PartRequest.objects.open())][:2]
    assert rewritten == set(first_block)  # the second block rolled back whole, the third never written
    assert len(copies) == 2


def computed_at(request_ids) -> dict[int, datetime.datetime]:
    """request → when its rows were computed (one time per request: its block's)."""
    rows = MatchScore.objects.filter(request_id__in=request_ids).values_list("request_id", "computed_at")
    found = {}
    for request_id, when in rows:
        assert found.setdefault(request_id, when) == when
    return found
