"""A background task that fails for good is recorded, and staff see it in the admin."""

import pytest
from django.urls import reverse

from portal.celery import app
from portal.models import TaskFailure

pytestmark = pytest.mark.django_db


@app.task(name="tests.always_fails")
def always_fails(firm_id, note=""):
    raise ValueError(f"firm {firm_id} has no profile")


def test_a_failed_task_is_recorded_without_its_argument_values(client, staff, alice):
    always_fails.apply(args=[42], kwargs={"note": "riêng tư"}, throw=False)
    failure = TaskFailure.objects.get()
    assert failure.task == "tests.always_fails" and failure.task_id
    assert failure.exception == "ValueError: firm 42 has no profile"
    assert "riêng tư" not in failure.arguments and failure.arguments == "1 positional, keys: note"
    client.force_login(staff)
    page = client.get(reverse("admin:portal_taskfailure_changelist"))
    assert page.status_code == 200 and "firm 42 has no profile" in page.content.decode()
    client.force_login(alice)
    assert client.get(reverse("admin:portal_taskfailure_changelist")).status_code == 302  # not staff


def test_a_task_that_succeeds_leaves_nothing(staff):
    from portal.tasks import heartbeat_task

    heartbeat_task.apply(args=["w"])
    assert not TaskFailure.objects.exists()
