"""Celery tasks of matching: thin, idempotent, taking no model instances (ids or nothing)."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError

from matching import services

log = logging.getLogger(__name__)

RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 5,
}
FULL_RECOMPUTE_LOCK = "matching:full-recompute"


@shared_task(
    bind=True,
    name="matching.recompute_marked_task",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=240,
    time_limit=300,
    **RETRY,
)
def recompute_marked_task(self) -> dict[str, int]:
    """Serve every recompute mark. Safe to run any number of times, concurrently too (SKIP LOCKED).

    Marks another worker holds are left to it; if that worker died, its lease runs out and we
    come back for them (a bounded number of retries; the beat sweep covers the rest).
    """
    done = services.recompute_marked_until_done()
    if self.request.is_eager:
        return done
    if services.marks_in_quiet_period():  # edits still arriving: come back when they stop
        raise self.retry(countdown=settings.MATCHING_RECOMPUTE_DELAY_SECONDS)
    if services.marks_held_by_others():  # maybe a dead worker's: come back after its lease
        raise self.retry(countdown=services.claim_lease().total_seconds() + 1)
    return done


@shared_task(
    name="matching.recompute_all_task", acks_late=True, soft_time_limit=3000, time_limit=3300, **RETRY
)
def recompute_all_task() -> int | None:
    """Nightly: everything against everything, once at a time across all workers (a cache lock)."""
    if not cache.add(FULL_RECOMPUTE_LOCK, "1", timeout=3600):
        log.info("full recompute already running: skipped")
        return None
    try:
        return services.recompute_all_logged()
    finally:
        cache.delete(FULL_RECOMPUTE_LOCK)


@shared_task(name="matching.mark_expired_certificates_task", **RETRY)
def mark_expired_certificates_task() -> int:
    """Daily: suppliers whose certificate expired since yesterday lose it in their scores."""
    return services.mark_suppliers_with_expired_certificates()


@shared_task(name="matching.daily_digest_task", **RETRY)
def daily_digest_task() -> int:
    """Daily: each supplier firm hears of yesterday's requests it matches well (one e-mail)."""
    return services.send_daily_digest()
