"""Settings modes: the embedded default needs nothing; production is switched on by the environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRINT = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], 'eager': s.CELERY_TASK_ALWAYS_EAGER,"
    " 'cache': s.CACHES['default']['BACKEND'], 'debug': s.DEBUG, 'broker': s.CELERY_BROKER_URL,"
    " 'lang': s.LANGUAGE_CODE}))"
)
OUR_VARIABLES = {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "SECRET_KEY", "DEBUG"}


def settings_with(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in OUR_VARIABLES}
    return subprocess.run(
        [sys.executable, "-c", PRINT],
        env={**clean, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_embedded_default_needs_no_environment():
    result = settings_with()
    assert result.returncode == 0, result.stderr
    assert '"engine": "django.db.backends.sqlite3"' in result.stdout
    assert '"eager": true' in result.stdout
    assert "LocMemCache" in result.stdout
    assert '"debug": true' in result.stdout
    assert '"lang": "vi"' in result.stdout


def test_production_uses_postgres_redis_and_a_real_broker():
    result = settings_with(
        DATABASE_URL="postgres://u:p@db:5432/cnht", REDIS_URL="redis://redis:6379/0", SECRET_KEY="s" * 50
    )
    assert result.returncode == 0, result.stderr
    assert "postgresql" in result.stdout
    assert '"eager": false' in result.stdout
    assert "RedisCache" in result.stdout
    assert '"debug": false' in result.stdout
    assert '"broker": "redis://redis:6379/0"' in result.stdout


def test_a_separate_broker_url_wins_over_redis_url():
    result = settings_with(REDIS_URL="redis://redis:6379/0", CELERY_BROKER_URL="redis://broker:6379/1")
    assert '"broker": "redis://broker:6379/1"' in result.stdout
    assert '"eager": false' in result.stdout


def test_it_refuses_to_start_without_debug_on_the_default_secret_key():
    result = settings_with(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_it_refuses_a_malformed_boolean():
    result = settings_with(DEBUG="perhaps")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


@pytest.mark.parametrize("value", ["1", "true", "yes", "on"])
def test_it_reads_true_words(value):
    result = settings_with(DEBUG=value)
    assert '"debug": true' in result.stdout


def test_the_deployment_checklist_is_clean_under_production_settings():
    """Django's own deployment checks, warnings included, on the production configuration."""
    from tests.conftest import production_run

    done = production_run("check", "--deploy", "--fail-level", "WARNING", timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_deployment_checklist_fails_without_https():
    """The check above can fail: over plain HTTP the cookies are not Secure and there is no HSTS."""
    from tests.conftest import production_run

    done = production_run(
        "check", "--deploy", "--fail-level", "WARNING", timeout=120, env_extra={"HTTPS": "0"}
    )
    assert done.returncode != 0 and "SESSION_COOKIE_SECURE" in done.stderr + done.stdout
