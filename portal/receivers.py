"""Receivers of the portal app: background-task failures recorded for staff."""

import logging

from celery.signals import task_failure
from django.db import DatabaseError

from portal.models import TaskFailure

log = logging.getLogger(__name__)


@task_failure.connect(dispatch_uid="portal_task_failed")
def task_failed(sender=None, task_id=None, exception=None, args=None, kwargs=None, **extra):
    """Keep a row per final failure (retries are not failures); a database that is itself the
    cause of the failure must not turn this into a second error."""
    try:
        TaskFailure.objects.create(
            task=getattr(sender, "name", str(sender))[:200],
            task_id=(task_id or "")[:64],
            exception=f"{type(exception).__name__}: {exception}"[:2000],
            arguments=f"{len(args or ())} positional, keys: {', '.join(sorted(kwargs or {}))}"[:300],
        )
    except DatabaseError:
        log.exception("could not record the failure of task %s", task_id)
