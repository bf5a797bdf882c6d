"""Writes of programmes that do more than save one row."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
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
    later shows who closed the gap. Inviting a firm twice changes nothing. The newly invited firms'
    members are mailed after commit, in Vietnamese (the firms are Vietnamese; the staff member's
    interface language is not theirs).
    """
    if term is None or activity.closes_gap_id != term.pk:
        raise ValidationError(gettext("Choose an activity that builds this capability."))
    if not organisations:
        raise ValidationError(gettext("Tick the firms to invite."))
    invited = []
    for organisation in organisations:
        _row, new = Participation.objects.get_or_create(
            activity=activity, organisation=organisation, outcome=Participation.Outcome.INVITED
        )
        if new:
            invited.append(organisation)
    transaction.on_commit(lambda: [_mail_activity_invitation(activity, term, firm) for firm in invited])
    return len(invited)


def _mail_activity_invitation(activity: Activity, term, organisation) -> None:
    recipients = list(organisation.memberships.values_list("user__email", flat=True))
    profile = getattr(organisation, "supplier_profile", None)
    if not recipients or profile is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "activity": activity,
            "capability": str(term) if term else "",
            "url": settings.SITE_URL.rstrip("/") + reverse("suppliers:profile_detail", args=[profile.pk]),
        }
        subject = render_to_string("programs/email/activity_invitation_subject.txt", context)
        subject = " ".join(subject.split())
        body = render_to_string("programs/email/activity_invitation_message.txt", context)
    send_mail(subject, body, None, recipients)
