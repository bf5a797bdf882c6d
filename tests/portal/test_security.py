"""Sign-in protection, session limits and the security log (portal.security)."""

import json
import logging
import time

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.logs import JsonFormatter
from portal.security import LAST_SEEN, SIGNED_IN_AT
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ATTACKER, HOME_IP = "203.0.113.7", "198.51.100.20"


def sign_in(client, email, password=TEST_PASSWORD, ip=HOME_IP):
    return client.post(LOGIN, {"login": email, "password": password}, REMOTE_ADDR=ip)


def security_events(caplog) -> list[dict]:
    return [record.security for record in caplog.records if record.name == "portal.security"]


def test_five_wrong_passwords_lock_that_account_from_that_address_only(client, alice, caplog, settings):
    caplog.set_level(logging.INFO, logger="portal.security")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        wrong = sign_in(client, alice.email, "wrong-password", ip=ATTACKER)
        assert wrong.status_code in (200, 429)
    locked = sign_in(client, alice.email.upper(), ip=ATTACKER)  # the right password, other case
    assert locked.status_code == 429 and 'data-testid="locked-out"' in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # Alice, from her own address, is not locked out by the attacker.
    assert sign_in(Client(), alice.email).status_code == 302
    # The lock lifts by itself after the cool-off.
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME * 2)
    assert sign_in(client, alice.email, ip=ATTACKER).status_code == 302
    events = security_events(caplog)
    failed = [event for event in events if event["event"] == "sign-in-failed"]
    assert failed and all(event["login"] == alice.email and event["ip"] == ATTACKER for event in failed)
    assert any(event["event"] == "locked-out" for event in events)
    assert "wrong-password" not in caplog.text and TEST_PASSWORD not in caplog.text  # no secrets


def test_signing_in_gives_a_new_session_key(client, bob):
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    assert sign_in(client, bob.email).status_code == 302
    assert client.session.session_key != before and client.session["_auth_user_id"] == str(bob.pk)


def _age_session(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


@pytest.mark.parametrize(
    ("key", "limit_setting", "reason"),
    [(LAST_SEEN, "SESSION_IDLE_SECONDS", "idle"), (SIGNED_IN_AT, "SESSION_ABSOLUTE_SECONDS", "absolute")],
)
def test_an_idle_or_old_session_ends(client, bob, settings, caplog, key, limit_setting, reason):
    caplog.set_level(logging.INFO, logger="portal.security")
    sign_in(client, bob.email)
    page = reverse("matching:request_list")
    assert client.get(page).status_code == 200
    _age_session(client, **{key: getattr(settings, limit_setting) - 30})
    assert client.get(page).status_code == 200  # not yet
    _age_session(client, **{key: getattr(settings, limit_setting) + 5})
    ended = client.get(page)
    assert ended.status_code == 302 and ended["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    expired = [event for event in security_events(caplog) if event["event"] == "session-expired"]
    assert [(event["reason"], event["user_id"]) for event in expired] == [(reason, bob.pk)]


def test_an_active_user_keeps_the_session_without_a_write_per_request(client, bob):
    sign_in(client, bob.email)
    client.get(reverse("matching:request_list"))
    seen = client.session[LAST_SEEN]
    client.get(reverse("matching:request_list"))
    assert client.session[LAST_SEEN] == seen  # written at most once a minute


def test_a_password_change_ends_the_other_sessions(bob):
    laptop, phone = Client(), Client()
    sign_in(laptop, bob.email)
    sign_in(phone, bob.email)
    changed = laptop.post(
        reverse("account_change_password"),
        {
            "oldpassword": TEST_PASSWORD,
            "password1": "a-new-long-passphrase",
            "password2": "a-new-long-passphrase",
        },
    )
    assert changed.status_code == 302
    assert laptop.get(reverse("matching:request_list")).status_code == 200  # this one stays
    assert phone.get(reverse("matching:request_list")).status_code == 302  # the other one ends


def test_a_deactivated_account_loses_its_session(client, bob):
    sign_in(client, bob.email)
    bob.is_active = False
    bob.save()
    assert client.get(reverse("matching:request_list")).status_code == 302


def test_refused_access_is_logged_with_who_and_what(client, alice, caplog):
    caplog.set_level(logging.INFO, logger="portal.security")
    client.force_login(alice)
    assert client.get(reverse("programs:dashboard")).status_code == 403
    [refused] = [event for event in security_events(caplog) if event["event"] == "access-refused"]
    assert refused["user_id"] == alice.pk and refused["path"] == "/programmes/dashboard/"
    assert refused["status"] == 403 and refused["method"] == "GET"


def test_security_events_are_one_json_object_per_line_in_utc():
    record = logging.LogRecord("portal.security", logging.INFO, __file__, 1, "sign-in", None, None)
    record.created = 0.0  # 1970-01-01 00:00:00 UTC, whatever the machine's time zone
    record.msecs = 0
    record.security = {"event": "sign-in", "user_id": 7, "ip": HOME_IP}
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert "\n" not in line and entry["time"] == "1970-01-01T00:00:00.000Z"
    assert (entry["event"], entry["user_id"], entry["logger"]) == ("sign-in", 7, "portal.security")
