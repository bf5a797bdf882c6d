"""Writes of programmes that do more than save one row."""

from django.db import transaction

from programs.models import Task, TaskUpdate


@transaction.atomic
def task_progress_refresh(task: Task) -> Task:
    """The task's progress is its newest update's; 100 % is done, anything else started is in progress.

    Called after staff add or change updates (the admin's inline). A cancelled task stays cancelled.
    """
    newest = task.updates.order_by("-reported_on", "-pk").first()
    if newest is None or task.status == Task.Status.CANCELLED:
        return task
    task.progress = newest.progress
    task.status = Task.Status.DONE if newest.progress >= 100 else Task.Status.IN_PROGRESS
    task.save(update_fields=["progress", "status"])
    return task


def task_update_add(*, task: Task, progress: int, note: str, reported_on=None, by=None) -> TaskUpdate:
    update = TaskUpdate(task=task, progress=progress, note=note, reported_by=by)
    if reported_on is not None:
        update.reported_on = reported_on
    update.full_clean()
    update.save()
    task_progress_refresh(task)
    return update
