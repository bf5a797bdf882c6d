"""Shared fixtures: alice (firm admin), bob (her colleague), charlie (another firm), staff, a worker."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from portal.models import Membership
from portal.roles import STAFF_GROUP, sync_staff_group
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, give_authenticator

ROOT = Path(__file__).resolve().parent.parent
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(reason="PostgreSQL only: runs in the services run of `make test`")
    for item in items:
        if "postgres" in item.keywords and not ON_POSTGRES:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashers cost ~0.2 s a user by design; tests make hundreds of users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: a one-time code marked used by an earlier test (whose
    user had the same id) must not make this one's code "already used"."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def firm(db):
    return OrganisationFactory(name="Công ty TNHH Cơ khí Đông Á", is_supplier=True)


@pytest.fixture
def alice(firm):
    """The firm's administrator."""
    return MembershipFactory(organisation=firm, role=Membership.Role.ADMIN, user__email="alice@donga.vn").user


@pytest.fixture
def bob(firm):
    """Alice's colleague, an ordinary member of the same firm."""
    return MembershipFactory(organisation=firm, role=Membership.Role.MEMBER, user__email="bob@donga.vn").user


@pytest.fixture
def charlie(db):
    """An admin of another firm: an outsider to alice's."""
    other = OrganisationFactory(name="Công ty Cổ phần Đúc Nhôm Miền Trung", is_supplier=True)
    return MembershipFactory(
        organisation=other, role=Membership.Role.ADMIN, user__email="charlie@duc.vn"
    ).user


@pytest.fixture
def profile(firm):
    """Alice's firm's supplier profile (pending verification)."""
    from suppliers.services import supplier_profile_create

    return supplier_profile_create(organisation=firm)


@pytest.fixture
def other_profile(charlie):
    """Charlie's firm's supplier profile: another supplier, an outsider to alice's firm."""
    from suppliers.services import supplier_profile_create

    return supplier_profile_create(organisation=charlie.memberships.get().organisation)


@pytest.fixture
def buyer(db):
    """A purchasing engineer of an OEM buyer organisation."""
    oem = OrganisationFactory(name="Công ty TNHH VinFast Thương mại", is_supplier=False, is_buyer=True)
    return MembershipFactory(organisation=oem, role=Membership.Role.MEMBER, user__email="dan@vinfast.vn").user


@pytest.fixture
def staff(db):
    """A Sở Công Thương official: admin-site user in the staff group, not a superuser."""
    user = UserFactory(email="staff@sct.danang.gov.vn", is_staff=True)
    sync_staff_group()
    user.groups.add(Group.objects.get(name=STAFF_GROUP))
    return give_authenticator(user)


@pytest.fixture
def worker_factory(transactional_db):
    """Start real Celery worker processes against the test database (when a broker is configured).

    Workers start after the test database exists and point at it, so their tasks see what the
    test committed (tests using them are transactional for that reason). Extra environment
    variables (e.g. a fault-injection pause) go to that worker only.
    """
    from django.db import connection

    from portal.celery import app

    if not settings.CELERY_TASK_ALWAYS_EAGER:
        app.control.purge()  # messages left by earlier tests point at rows that are gone
    started: list[tuple[subprocess.Popen, object]] = []

    base_url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] if not settings.CELERY_TASK_ALWAYS_EAGER else ""

    def start(name: str = "test-worker", pool: str = "solo", **extra_env) -> subprocess.Popen:
        env = {**os.environ, "DATABASE_URL": f"{base_url}/{connection.settings_dict['NAME']}", **extra_env}
        log_path = Path(os.environ.get("CNHT_SERVICES_DIR", "/tmp")) / f"{name}.log"
        log_path.unlink(missing_ok=True)
        log = open(log_path, "ab")  # noqa: SIM115
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                f"--pool={pool}",
                "--concurrency=1",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                f"{name}@%h",
            ],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append((process, log))
        # "ready." in its log, not a ping: a solo worker busy with a task answers no pings.
        wait_until(lambda: f"{name}@" in (text := log_path.read_text()) and " ready." in text, timeout=60)
        return process

    yield start
    for process, log in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()


@pytest.fixture
def celery_worker(worker_factory):
    """One real worker when a broker is configured; eager tasks (None) otherwise."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        yield None
        return
    yield worker_factory()


needs_real_worker = pytest.mark.skipif(
    settings.CELERY_TASK_ALWAYS_EAGER, reason="needs a real broker and worker: runs in the services run"
)


def wait_until(condition, timeout: float = 30.0, interval: float = 0.1):
    """Poll ``condition`` until it returns something truthy; fail the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout:.0f} s")


# What the portal runs with in production, over HTTPS: read from the real settings module in a
# fresh process (settings are computed from the environment at import), so tests of headers and
# cookies check the configuration that is deployed, not a copy of it.
PRODUCTION_ENV = {
    "HTTPS": "1",
    "DEBUG": "0",
    "SECRET_KEY": "x" * 20 + "production-like-secret-for-tests-only-0123456789",
    "ALLOWED_HOSTS": "cnht.example.vn,testserver",
    "DATABASE_URL": "sqlite:///unused-by-this-check.sqlite3",
}
SECURITY_SETTINGS = [
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "LANGUAGE_COOKIE_SECURE",
    "SESSION_COOKIE_NAME",
    "CSRF_COOKIE_NAME",
    "LANGUAGE_COOKIE_NAME",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS",
    "CONTENT_SECURITY_POLICY",
]


def production_run(*args: str, env_extra: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    """``manage.py ARGS`` with the production environment (plain SQLite stands in for PostgreSQL)."""
    env = {**os.environ, **PRODUCTION_ENV, **(env_extra or {})}
    # Not production's: the test services' Redis, and the browser tests' async-unsafe switch.
    for test_only in ("REDIS_URL", "CELERY_BROKER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(test_only, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, **kwargs
    )


@pytest.fixture(scope="session")
def production_security_settings() -> dict:
    import json

    names = json.dumps(SECURITY_SETTINGS)
    code = "import json; from django.conf import settings as s; "
    code += f"print(json.dumps({{n: getattr(s, n) for n in {names}}}))"
    done = production_run("shell", "-c", code, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])
