"""A full recompute on PostgreSQL: rows written into a new table that replaces the live one.

Same rows as replacing them in place, rows of closed requests carried over, the same indexes and
key afterwards, nothing changed by a failure, and the lock that keeps the incremental recomputes
from writing into a table that is about to go.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction

from matching import rebuild, services, writing
from matching.models import MatchScore, PartRequest, RecomputeMark
from suppliers.models import SupplierProfile
from tests.matching.helpers import buyer_organisation, make_request, make_supplier
from tests.matching.test_writing import several_blocks, stored

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def table_oid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::regclass::oid", [rebuild.LIVE])
        return cursor.fetchone()[0]


def new_table_exists() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [rebuild.NEW])
        return cursor.fetchone()[0] is not None


def shape() -> tuple[list, list]:
    """The live table's indexes and constraints, by name and definition."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s ORDER BY 1", [rebuild.LIVE]
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass ORDER BY 1",
            [rebuild.LIVE],
        )
        return indexes, cursor.fetchall()


@pytest.fixture
def closed_and_open(monkeypatch):
    """Five open requests in three blocks, and a closed one that keeps the scores it had."""
    request_ids = several_blocks(monkeypatch)
    closed = make_request(buyer_organisation("Công ty TNHH Ô tô Đã Đóng"))
    services.recompute_requests(PartRequest.objects.filter(pk=closed.pk))
    services.part_request_close(request=closed)
    return request_ids, closed.pk


def test_the_new_table_holds_what_replacing_rows_in_place_stores(closed_and_open):
    request_ids, closed_id = closed_and_open
    kept = stored([closed_id])
    with transaction.atomic():  # inside a transaction rows are replaced in place
        assert not rebuild.possible()
        services.recompute_all()
    in_place = stored(request_ids)
    oid = table_oid()

    assert rebuild.possible()
    services.recompute_all()

    assert table_oid() != oid, "the rows were not swapped in"
    assert stored(request_ids) == in_place and len(in_place) == 15
    assert stored([closed_id]) == kept and len(kept) == 3  # carried over as they were
    assert not new_table_exists()
    when = dict(MatchScore.objects.values_list("request_id", "computed_at").order_by("computed_at"))
    for request in PartRequest.objects.filter(pk__in=request_ids):
        assert request.matches_computed_at == when[request.pk]  # its block's time


def test_the_swapped_table_has_the_live_indexes_and_key(closed_and_open):
    before = shape()
    assert any(name.endswith("_pkey") for name, _definition in before[1])

    services.recompute_all()
    services.recompute_all()

    assert shape() == before


def test_a_failure_while_scoring_leaves_the_live_table_as_it_was(closed_and_open, monkeypatch):
    services.recompute_all()
    oid, before = table_oid(), stored(MatchScore.objects.values("request_id"))
    real_copy = writing._copy
    copies = []

    def copy_then_fail_on_the_second_block(payload, table):
        copies.append(table)
        real_copy(payload, table)
        if len(copies) == 2:
            raise RuntimeError("disk full")

    monkeypatch.setattr(writing, "_copy", copy_then_fail_on_the_second_block)

    with pytest.raises(RuntimeError, match="disk full"):
        services.recompute_all()

    assert copies == [rebuild.NEW, rebuild.NEW]
    assert table_oid() == oid and stored(MatchScore.objects.values("request_id")) == before
    assert not new_table_exists()
    with services.scores_lock(exclusive=False) as taken:  # the failed run let go of the lock
        assert taken


def test_a_failure_in_the_swap_rolls_it_back_whole(closed_and_open, monkeypatch):
    services.recompute_all()
    oid, before, shape_before = table_oid(), stored(MatchScore.objects.values("request_id")), shape()
    monkeypatch.setattr(rebuild, "_OTHER_REQUESTS", "SELECT no_such_column FROM matching_partrequest")

    with pytest.raises(Exception, match="no_such_column"):
        services.recompute_all()

    assert table_oid() == oid and shape() == shape_before
    assert stored(MatchScore.objects.values("request_id")) == before
    assert not new_table_exists()


def test_a_table_something_depends_on_has_its_rows_replaced_in_place(closed_and_open):
    request_ids, _closed_id = closed_and_open
    services.recompute_all()
    expected, oid = stored(request_ids), table_oid()
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE VIEW eligible_scores AS SELECT * FROM {rebuild.LIVE} WHERE eligible")
    try:
        assert not rebuild.possible()
        services.recompute_all()
        assert table_oid() == oid and stored(request_ids) == expected
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP VIEW eligible_scores")


def test_rows_of_what_was_deleted_meanwhile_are_left_out(closed_and_open, monkeypatch):
    request_ids, closed_id = closed_and_open
    services.recompute_all()
    doomed_request, doomed_supplier = request_ids[0], MatchScore.objects.first().supplier_id
    orphan = MatchScore.objects.filter(request_id=closed_id).first()  # as a race could leave one
    orphan.supplier_id = 999_999
    orphan.save(force_insert=True)
    real_swap = rebuild.swap_in

    def deleted_while_scoring(request_ids, supplier_ids):
        PartRequest.objects.filter(pk=doomed_request).delete()
        SupplierProfile.objects.filter(pk=doomed_supplier).delete()
        real_swap(request_ids, supplier_ids)

    monkeypatch.setattr(rebuild, "swap_in", deleted_while_scoring)

    services.recompute_all()

    assert not MatchScore.objects.filter(request_id=doomed_request).exists()
    assert not MatchScore.objects.filter(supplier_id__in=[doomed_supplier, 999_999]).exists()
    assert MatchScore.objects.filter(request_id=closed_id).count() == 2  # the rest carried over


def test_a_killed_runs_leftover_table_is_dropped_by_the_next_run(closed_and_open):
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {rebuild.NEW} (leftover integer)")

    services.recompute_all()

    assert not new_table_exists() and MatchScore.objects.count() == 18


def other_session():
    """A second database session, as another worker process has."""
    return connection.get_new_connection(connection.get_connection_params())


def test_incremental_recomputes_leave_their_marks_while_a_full_one_runs():
    supplier = make_supplier("Cơ khí Chờ Lượt")
    full = other_session()
    try:
        full.cursor().execute("SELECT pg_advisory_lock(%s)", [services.SCORES_LOCK])

        assert services.recompute_marked(quiet=timedelta(0)) == {"suppliers": 0, "requests": 0}
        assert RecomputeMark.objects.filter(object_id=supplier.pk).exists()
    finally:
        full.close()  # a session's advisory locks end with it
    assert services.recompute_marked(quiet=timedelta(0)) == {"suppliers": 1, "requests": 0}
    assert not RecomputeMark.objects.exists()


def test_inside_a_transaction_the_lock_ends_with_it():
    other = other_session()
    try:
        cursor = other.cursor()
        with transaction.atomic():
            with services.scores_lock(exclusive=False) as taken:
                assert taken
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [services.SCORES_LOCK])
            assert cursor.fetchone()[0] is False  # still the transaction's
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [services.SCORES_LOCK])
        assert cursor.fetchone()[0] is True
    finally:
        other.close()


def test_a_full_recompute_waits_for_a_running_incremental_one(closed_and_open):
    incremental = other_session()
    finished = threading.Event()

    def full_recompute():
        try:
            services.recompute_all()
        finally:
            connection.close()
            finished.set()

    try:
        incremental.cursor().execute("SELECT pg_advisory_lock_shared(%s)", [services.SCORES_LOCK])
        thread = threading.Thread(target=full_recompute)
        thread.start()
        assert not finished.wait(1.0), "the full recompute did not wait for the incremental one"
    finally:
        incremental.close()
    assert finished.wait(30)
    thread.join()


def test_marks_left_during_a_full_recompute_are_enqueued_after_it(closed_and_open, monkeypatch):
    enqueued = []
    monkeypatch.setattr(services, "enqueue_recompute", lambda: enqueued.append(True))
    real_swap = rebuild.swap_in

    def an_edit_arrives_before_the_swap(request_ids, supplier_ids):
        services.mark_for_recompute(supplier_ids=[MatchScore.objects.first().supplier_id])
        enqueued.clear()  # what the edit itself enqueued: the worker would defer it
        real_swap(request_ids, supplier_ids)

    monkeypatch.setattr(rebuild, "swap_in", an_edit_arrives_before_the_swap)

    services.recompute_all()

    assert RecomputeMark.objects.count() == 1 and enqueued
