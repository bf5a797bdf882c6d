"""/health/ and manage.py health: the database, Redis and the workers' heartbeat."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal.health import HEARTBEAT_STALE_SECONDS
from portal.models import WorkerHeartbeat
from portal.tasks import heartbeat_task
from tests.conftest import needs_real_worker, wait_until

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_the_embedded_default_is_healthy(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_BROKER_URL = "memory://"
    response = client.get(reverse("health"))
    assert response.status_code == 200 and response["Cache-Control"].startswith("max-age=0")
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "redis": "not-used",
        "worker": "in-process",
        "worker_last_beat_seconds": None,
    }


def test_redis_down_is_down_with_503(client, settings):
    settings.CELERY_BROKER_URL = CLOSED_PORT
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert (response.json()["status"], response.json()["redis"]) == ("down", "down")
    with pytest.raises(CommandError):
        call_command("health")


@pytest.mark.parametrize(
    ("beat_seconds_ago", "worker", "status"),
    [(None, "stale", "degraded"), (30, "ok", "ok"), (HEARTBEAT_STALE_SECONDS + 60, "stale", "degraded")],
)
def test_the_worker_heartbeat_decides_ok_or_degraded(client, settings, beat_seconds_ago, worker, status):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "memory://"
    if beat_seconds_ago is not None:
        beat_at = timezone.now() - datetime.timedelta(seconds=beat_seconds_ago)
        WorkerHeartbeat.objects.create(worker="w1", beat_at=beat_at)
    response = client.get(reverse("health"))
    body = response.json()
    assert response.status_code == 200 and (body["worker"], body["status"]) == (worker, status)
    if beat_seconds_ago is not None:
        assert abs(body["worker_last_beat_seconds"] - beat_seconds_ago) <= 2
    call_command("health")  # degraded is not down
    if status != "ok":
        with pytest.raises(CommandError):
            call_command("health", require_worker=True)


@needs_real_worker
@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_and_redis_make_it_healthy(client, celery_worker):
    with transaction.atomic():
        transaction.on_commit(lambda: heartbeat_task.delay("health-worker"))
    wait_until(lambda: WorkerHeartbeat.objects.filter(worker="health-worker").exists())
    body = client.get(reverse("health")).json()
    assert body == {**body, "status": "ok", "database": "ok", "redis": "ok", "worker": "ok"}
