"""Writes of programmes that do more than save one row."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from programs.models import Activity, Participation, Task, TaskUpdate


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


@transaction.atomic
def gap_invite(*, activity: Activity, term, organisations) -> int:
    """Invite firms lacking ``term`` to an activity that builds it; returns how many were new.

    The activity must build that very capability (``closes_gap``): that link is how the gap view
    later shows who closed the gap. Inviting a firm twice changes nothing.
    """
    if term is None or activity.closes_gap_id != term.pk:
        raise ValidationError(gettext("Choose an activity that builds this capability."))
    if not organisations:
        raise ValidationError(gettext("Tick the firms to invite."))
    created = 0
    for organisation in organisations:
        _row, new = Participation.objects.get_or_create(
            activity=activity, organisation=organisation, outcome=Participation.Outcome.INVITED
        )
        created += new
    return created
