"""Operational tasks of the portal itself."""

import socket

from celery import shared_task
from django.utils import timezone

from portal.models import WorkerHeartbeat


@shared_task(name="portal.heartbeat_task")
def heartbeat_task(worker: str = "") -> str:
    """Record that a worker consumed a message now; the health check reads it."""
    name = worker or socket.gethostname()
    WorkerHeartbeat.objects.update_or_create(worker=name, defaults={"beat_at": timezone.now()})
    return name
