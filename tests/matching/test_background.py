"""Background recomputes through a real Redis broker and real Celery worker processes.

On the embedded run (eager Celery) the first test runs in-process; the others need a real
worker and run in the services run of `make test`.
"""

import datetime
import os
import signal
import time

import pytest
from django.utils import timezone

from matching import services
from matching.models import RecomputeMark, RecomputeRun
from matching.tasks import recompute_marked_task
from tests.conftest import needs_real_worker, wait_until
from tests.matching.helpers import (
    make_supplier,
    score_total,
    set_capacity,
    settled,
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_edit_leads_to_new_scores(celery_worker, market):
    request, supplier, capability = market
    wait_until(settled)
    before = score_total(request, supplier)
    set_capacity(capability, 10_000)
    wait_until(lambda: settled() and score_total(request, supplier) != before)
    assert score_total(request, supplier) > before


@needs_real_worker
def test_a_burst_of_edits_collapses_into_few_recomputes_with_the_same_result(celery_worker, market):
    request, supplier, capability = market
    wait_until(settled)
    RecomputeRun.objects.all().delete()
    for value in range(1_000, 11_000, 50):  # 200 quick edits
        set_capacity(capability, value)
    wait_until(settled, timeout=120)
    runs = RecomputeRun.objects.filter(suppliers__gt=0).count()
    assert 1 <= runs < 50
    after_burst = score_total(request, supplier)
    services.recompute_all()
    assert score_total(request, supplier) == pytest.approx(after_burst, abs=1e-6)


@needs_real_worker
@pytest.mark.parametrize(
    ("pause", "most_runs"), [(0, 3), (0.15, 6)], ids=["at once", "slower than a recompute"]
)
def test_edits_to_many_firms_in_a_burst_are_scored_together(celery_worker, market, pause, most_runs):
    """At once: the task must not chase marks one by one as they come out of their quiet period.
    Slower: each edit's own task would find one mark; one task per quiet period finds several."""
    request = market[0]
    firms = [make_supplier(f"Cơ khí Loạt {n}", processes=[("stamping", 1_000)]) for n in range(12)]
    wait_until(settled, timeout=60)
    RecomputeRun.objects.all().delete()
    for n, firm in enumerate(firms):
        set_capacity(firm.processes.get(), 5_000 + n)
        time.sleep(pause)
    wait_until(settled, timeout=60)
    runs = RecomputeRun.objects.filter(suppliers__gt=0)
    assert sum(run.suppliers for run in runs) >= len(firms)
    assert runs.count() <= most_runs  # of 12
    after_burst = {firm.pk: score_total(request, firm) for firm in firms}
    services.recompute_all()
    assert {firm.pk: score_total(request, firm) for firm in firms} == pytest.approx(after_burst, abs=1e-6)


@needs_real_worker
def test_a_worker_killed_mid_recompute_loses_nothing(worker_factory, market):
    request, supplier, capability = market
    doomed = worker_factory(
        "doomed", MATCHING_PAUSE_AFTER_CLAIM_SECONDS="60", MATCHING_CLAIM_LEASE_SECONDS="2"
    )
    wait_until(lambda: RecomputeMark.objects.filter(claimed_at__isnull=False).exists())
    before = score_total(request, supplier)
    os.killpg(doomed.pid, signal.SIGKILL)  # the whole worker, as if its machine died
    doomed.wait(10)

    worker_factory("rescuer", MATCHING_CLAIM_LEASE_SECONDS="2")
    recompute_marked_task.delay()  # what the beat sweep sends every minute
    wait_until(settled, timeout=60)
    assert score_total(request, supplier) is not None
    assert before is None  # the doomed worker never wrote; the rescuer did
    run = RecomputeRun.objects.filter(finished_at__isnull=False, requests__gt=0).get()
    assert run.finished_at <= timezone.now() + datetime.timedelta(seconds=1)
