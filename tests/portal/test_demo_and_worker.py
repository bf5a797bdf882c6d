"""Demo data and background work (a real Celery worker on the services run)."""

import pytest
from django.core.management import call_command
from django.db import transaction

from portal.models import Membership, Organisation, User, WorkerHeartbeat
from portal.roles import is_staff_member, user_roles
from portal.tasks import heartbeat_task
from tests.conftest import wait_until


@pytest.mark.django_db
def test_demo_data_loads_twice_without_duplicates(capsys):
    call_command("load_demo_data")
    counts = (User.objects.count(), Organisation.objects.count(), Membership.objects.count())
    call_command("load_demo_data")
    assert (User.objects.count(), Organisation.objects.count(), Membership.objects.count()) == counts
    printed = capsys.readouterr().out
    assert "staff@demo.cnht.vn" in printed and "buyer@demo.cnht.vn" in printed
    assert "supplier@demo.cnht.vn" in printed


@pytest.mark.django_db
def test_demo_logins_have_the_three_roles(client):
    call_command("load_demo_data")
    assert is_staff_member(User.objects.get(email="staff@demo.cnht.vn"))
    assert "buyer" in user_roles(User.objects.get(email="buyer@demo.cnht.vn"))
    assert user_roles(User.objects.get(email="supplier@demo.cnht.vn")) == {"supplier"}
    signed_in = client.post(
        "/accounts/login/", {"login": "supplier@demo.cnht.vn", "password": "demo-cnht-2026"}
    )
    assert signed_in.status_code == 302 and "_auth_user_id" in client.session


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_enqueued_after_commit_is_run_by_the_worker(celery_worker):
    with transaction.atomic():
        transaction.on_commit(lambda: heartbeat_task.delay("test-worker"))
    beat = wait_until(lambda: WorkerHeartbeat.objects.filter(worker="test-worker").first())
    assert beat.beat_at is not None
