"""Redis down, for real: a redis-server of this test's own is stopped and started again.

While it is down, pages still serve and people still sign in, with their authenticator app too
(the cache answers as empty: portal/cache.py), and a supplier's
edit still saves and is marked for recompute (the broker failure is logged, not raised). When Redis
is back, the beat's sweep (sent here by hand) has a real worker do the marked work.
"""

import contextlib
import socket

import pytest
from django.test import Client
from django.urls import reverse

from matching import services
from matching.models import RecomputeMark
from matching.tasks import recompute_marked_task
from portal.celery import app
from tests.conftest import needs_real_worker, wait_until
from tests.factories import TEST_PASSWORD, totp_code
from tests.matching.helpers import score_total, set_capacity, settled
from tests.services import Redis

pytestmark = [
    needs_real_worker,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def own_redis(settings, monkeypatch, workdir):
    """A redis-server for this test only, as the portal's cache and Celery broker."""
    redis = Redis(free_port(), workdir)
    redis.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": redis.url(0),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    saved = app.conf.broker_url
    monkeypatch.setenv("CELERY_BROKER_URL", redis.url(1))  # Celery reads it before its settings
    _use_broker(redis.url(1))
    try:
        yield redis
    finally:
        _use_broker(saved)
        redis.stop()


def _use_broker(url: str) -> None:
    """Point the app's producers at ``url``; kombu keeps one pool per broker, so the previous
    broker's connections stay open for when it is switched back."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


def test_redis_down_pages_serve_edits_are_marked_and_done_when_it_returns(
    client,
    buyer,
    alice,
    settings,
    monkeypatch,
    tmp_path,
    worker_factory,
    market,
):
    request, supplier, capability = market
    client.force_login(buyer)
    with own_redis(settings, monkeypatch, tmp_path / "redis") as redis:
        assert client.get(reverse("suppliers:search"), {"q": "co khi"}).status_code == 200
        services.recompute_requests([request])  # the score before the edit, computed here
        before = score_total(request, supplier)

        redis.stop()
        assert client.get(reverse("suppliers:search"), {"q": "co khi nen"}).status_code == 200
        assert client.get(reverse("suppliers:profile_detail", args=[supplier.pk])).status_code == 200
        # Signing in with an authenticator app still works (its used-code check is in the cache).
        firm_admin = Client()
        firm_admin.post(reverse("account_login"), {"login": alice.email, "password": TEST_PASSWORD})
        assert firm_admin.post(reverse("mfa_authenticate"), {"code": totp_code()}).status_code == 302
        assert firm_admin.session["_auth_user_id"] == str(alice.pk)
        assert app.connection_for_write().as_uri().endswith(f":{redis.port}/1")  # ours, now down
        set_capacity(capability, 10_000)  # the edit saves although the broker is unreachable
        capability.refresh_from_db()
        assert capability.monthly_capacity == 10_000 and not settled()  # and waits, marked
        assert RecomputeMark.objects.filter(object_id=supplier.pk).exists()

        redis.start()
        worker_factory("redis-back-worker", CELERY_BROKER_URL=redis.url(1), REDIS_URL=redis.url(0))
        recompute_marked_task.delay()  # what the beat's sweep sends every minute
        wait_until(lambda: settled() and score_total(request, supplier) != before, timeout=60)
        assert before is not None and score_total(request, supplier) > before
