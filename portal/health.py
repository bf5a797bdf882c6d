"""The portal's health: the database, Redis (broker and cache) and the Celery workers' heartbeat.

Read by ``/health/`` (the web service's compose health check and any monitor) and by
``manage.py health``. The database and Redis are required: without them the web service is
*down* (HTTP 503). A stale worker heartbeat makes it *degraded* but still serving (HTTP 200):
pages and edits work, edits are marked for recompute in the database, and the marks are served
when a worker is back. Each worker container is checked on its own by ``celery inspect ping``.
"""

from dataclasses import dataclass

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from portal.models import WorkerHeartbeat

# Celery beat sends the heartbeat every minute: three missed beats mean no worker is consuming.
HEARTBEAT_STALE_SECONDS = 180


@dataclass(frozen=True)
class Health:
    database: str  # ok | down
    redis: str  # ok | down | not-used (embedded: no broker, local-memory cache)
    worker: str  # ok | stale | in-process (embedded: tasks run eagerly) | unknown
    worker_last_beat_seconds: int | None

    @property
    def status(self) -> str:
        if "down" in (self.database, self.redis):
            return "down"
        return "degraded" if self.worker in ("stale", "unknown") else "ok"

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "database": self.database,
            "redis": self.redis,
            "worker": self.worker,
            "worker_last_beat_seconds": self.worker_last_beat_seconds,
        }


def check() -> Health:
    database = _database()
    worker, age = _worker() if database == "ok" else ("unknown", None)
    return Health(database=database, redis=_redis(), worker=worker, worker_last_beat_seconds=age)


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return "down"
    return "ok"


def _redis() -> str:
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return "not-used"
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except redis.RedisError:
        return "down"
    return "ok"


def _worker() -> tuple[str, int | None]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "in-process", None
    last = WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
    if last is None:
        return "stale", None
    age = int((timezone.now() - last).total_seconds())
    return ("ok" if age <= HEARTBEAT_STALE_SECONDS else "stale"), age
