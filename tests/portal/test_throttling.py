"""Per-user throttling of the API: over its rate a caller gets 429 with Retry-After; others not."""

import pytest
from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

pytestmark = pytest.mark.django_db

LIST = "/api/v1/part-requests/"


def test_the_api_is_throttled_per_user(client, buyer, bob, monkeypatch):
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["user"]  # configured for production
    # The production rate (hundreds a minute) made small, so the test need not send hundreds.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"user": "3/minute", "anon": "2/minute"})
    client.force_login(buyer)
    assert [client.get(LIST).status_code for _call in range(3)] == [200, 200, 200]
    refused = client.get(LIST)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    client.force_login(bob)  # another user has a rate of their own
    assert client.get(LIST).status_code == 200
