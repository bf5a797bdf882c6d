"""PostgreSQL restarted under load: requests fail cleanly (503) and recover by themselves.

The unit tests (both runs) make our own code raise the database's error and check the answer: the
translated 503 page for a page, a 503 ``{"detail": …}`` for the API, both with Retry-After; a
failure in the middleware (loading a signed-in user's session) too; any other error stays a 500.

The restart test runs only in the PostgreSQL run (``python -m tests.services test -- …``): its
server binaries are there, and the embedded run stays one that needs nothing installed. It does
not use the test database nor the run's DATABASE_URL: it starts a PostgreSQL cluster of its own
on a free port, migrates a database into it, and serves the portal from a real gunicorn (two
workers of two threads, DEBUG off, persistent connections as in production). Then, with client
threads requesting the home page (which counts organisations) and an API endpoint (whose token
check queries the database):

1. PostgreSQL restarts while the portal is idle: every later request succeeds at once, although
   every thread's persistent connection died with the old server (``conn_health_checks``);
2. PostgreSQL stops under load: every request answers 503 (never a 500, never a reset
   connection), and every request made after it started again succeeds;
3. all that with the same gunicorn processes (no restart of the app).
"""

import contextlib
import glob
import http.client
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.utils import translation

from portal import faults
from tests.conftest import wait_until
from tests.services import Postgres, find_binary, free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
PAGE = "/"
# A well-formed token that does not exist: checking it is a database query (401 when up).
API = "/api/v1/suppliers/"
API_HEADERS = {"Authorization": "Token cnht_" + "0" * 60}
WORKERS, THREADS = 2, 2
CLIENTS = 4


# --- Unit: our code raises the database's error -----------------------------------------------


@pytest.mark.django_db
def test_a_page_answers_the_translated_503_while_the_database_is_unreachable(client, monkeypatch, caplog):
    monkeypatch.setattr("portal.views.selectors.home_stats", _refused)
    response = client.get(PAGE)
    assert response.status_code == 503
    assert response["Retry-After"] == str(faults.RETRY_AFTER_SECONDS)
    assert response["Content-Type"].startswith("text/html")
    assert response["Content-Language"] == "vi" and "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert '<html lang="vi">' in page and 'data-testid="unavailable"' in page
    assert "Về trang chủ" in page  # "Back to the home page", already translated
    with translation.override("vi"):
        assert str(faults.MESSAGE) in page
    assert "Traceback" not in page and "connection refused" not in page
    event = next(r.security for r in caplog.records if r.name == "portal.faults")
    assert event == {
        "event": "database-unavailable",
        "method": "GET",
        "path": PAGE,
        "where": "view",
        "error": "OperationalError",
    }


@pytest.mark.django_db
def test_the_503_page_follows_the_chosen_language(client, monkeypatch):
    monkeypatch.setattr("portal.views.selectors.home_stats", _refused)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get(PAGE)
    assert response.status_code == 503 and response["Content-Language"] == "en"
    assert "Back to the home page" in response.content.decode()


@pytest.mark.django_db
def test_the_api_answers_503_json_while_the_database_is_unreachable(client, monkeypatch):
    monkeypatch.setattr("portal.tokens.ApiTokenAuthentication.authenticate_credentials", _refused)
    response = client.get(API, headers=API_HEADERS)
    assert response.status_code == 503
    assert response["Retry-After"] == str(faults.RETRY_AFTER_SECONDS)
    with translation.override("vi"):
        assert response.json() == {"detail": str(faults.MESSAGE)}


@pytest.mark.django_db
def test_a_database_failure_in_the_middleware_is_a_503_too(alice, monkeypatch):
    """A signed-in user's session is read by the middleware, before any view: Django turns that
    failure into a 500 response on the spot, which DatabaseUnavailableMiddleware replaces."""
    browser = Client(raise_request_exception=False)
    browser.force_login(alice)
    monkeypatch.setattr("portal.security.SessionLimitsMiddleware._expired", _refused)
    response = browser.get(PAGE)
    assert response.status_code == 503 and response["Retry-After"]
    assert 'data-testid="unavailable"' in response.content.decode()
    api = browser.get(API)
    assert api.status_code == 503 and set(api.json()) == {"detail"}


@pytest.mark.django_db
def test_other_errors_stay_500(monkeypatch):
    monkeypatch.setattr("portal.views.selectors.home_stats", _broken)
    response = Client(raise_request_exception=False).get(PAGE)
    assert response.status_code == 500 and "Retry-After" not in response


def _refused(*args, **kwargs):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


def _broken(*args, **kwargs):
    raise RuntimeError("a bug, not an outage")


# --- PostgreSQL restarted under a real gunicorn --------------------------------------------------


@dataclass(frozen=True)
class Hit:
    path: str
    started: float
    ended: float
    status: int | None = None  # None: no HTTP answer at all (reset, refused, timed out)
    content_type: str = ""
    retry_after: str = ""
    body: str = ""
    error: str = ""


def _get(port: int, path: str) -> Hit:
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=API_HEADERS if path == API else {})
        response = conn.getresponse()
        body = response.read().decode(errors="replace")
        return Hit(
            path,
            started,
            time.monotonic(),
            response.status,
            response.getheader("Content-Type", ""),
            response.getheader("Retry-After", ""),
            body,
        )
    except (OSError, http.client.HTTPException) as failure:
        return Hit(path, started, time.monotonic(), error=repr(failure))
    finally:
        conn.close()


class Traffic:
    """``CLIENTS`` threads requesting the page and the API in turn, until stopped."""

    def __init__(self, port: int):
        self.port, self.hits, self._stop = port, [], threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(CLIENTS)]

    def _run(self, n: int) -> None:
        paths = (PAGE, API) if n % 2 else (API, PAGE)
        while not self._stop.is_set():
            for path in paths:
                self.hits.append(_get(self.port, path))  # list.append is atomic

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self._threads:
            thread.join(15)


def _ok(hit: Hit) -> bool:
    """What the portal answers with the database up: the page, and 401 for the unknown token."""
    return hit.status == (200 if hit.path == PAGE else 401)


def _clean_503(hit: Hit) -> bool:
    if hit.status != 503 or hit.retry_after != str(faults.RETRY_AFTER_SECONDS):
        return False
    if hit.path == API:
        return hit.content_type == "application/json" and set(json.loads(hit.body)) == {"detail"}
    return hit.content_type.startswith("text/html") and 'data-testid="unavailable"' in hit.body


def _describe(hits) -> str:
    return "; ".join(f"{h.path} {h.status or h.error} {h.body[:80]!r}" for h in hits[:5])


def _initdb_or_skip() -> None:
    if shutil.which("initdb") or glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        return
    message = "PostgreSQL's server binaries are missing: apt-get install -y postgresql postgresql-contrib"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _children(pid: int) -> set[int]:
    found = set()
    for stat in glob.glob("/proc/[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(stat).read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.add(int(Path(stat).parent.name))
    return found


def _connections(postgres: Postgres, database: str) -> int:
    query = f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{database}'"
    out = subprocess.run(
        [find_binary("psql"), "-h", "127.0.0.1", "-p", str(postgres.port), "-U", "postgres", "-d", "postgres"]
        + ["-tAc", query],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout.strip())


@contextlib.contextmanager
def portal_on_own_postgres(workdir: Path):
    """A migrated database on a cluster of our own, served by gunicorn; yields (postgres, port,
    gunicorn process, its log file)."""
    postgres = Postgres(workdir / "pgdata", free_port())
    gunicorn = None
    try:
        postgres.start()
        postgres.create_database("cnht_restart")
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")
        }
        env.update(
            DATABASE_URL=postgres.url("cnht_restart"),
            DB_CONN_MAX_AGE="60",
            DEBUG="0",
            SECRET_KEY="test-only-database-restart",
            STATIC_ROOT=str(workdir / "static"),
            LOG_FORMAT="json",
        )
        python = str(ROOT / ".venv" / "bin" / "python")
        steps = [
            subprocess.Popen([python, "manage.py", *step], env=env, cwd=ROOT)
            for step in (["migrate", "--noinput", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"])
        ]
        assert [step.wait(120) for step in steps] == [0, 0]
        port = free_port()
        log = workdir / "gunicorn.log"
        with log.open("w") as log_file:
            gunicorn = subprocess.Popen(
                [str(ROOT / ".venv" / "bin" / "gunicorn"), "portal.wsgi", "--bind", f"127.0.0.1:{port}"]
                + ["--workers", str(WORKERS), "--threads", str(THREADS), "--worker-class", "gthread"]
                + ["--timeout", "30", "--graceful-timeout", "5"],
                env=env,
                cwd=ROOT,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        wait_for_port(port)
        yield postgres, port, gunicorn, log
    finally:
        if gunicorn is not None and gunicorn.poll() is None:
            gunicorn.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                gunicorn.wait(15)
            if gunicorn.poll() is None:
                gunicorn.kill()
        postgres.stop()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL run only (python -m tests.services test -- …): it starts a PostgreSQL of its own",
)
def test_postgres_restarted_under_load_fails_cleanly_and_recovers_without_restarting_the_app():
    _initdb_or_skip()
    workdir = Path(tempfile.mkdtemp(prefix="cnht-db-restart-"))
    os.chmod(workdir, 0o755)  # the postgres user must reach its data directory inside
    try:
        with portal_on_own_postgres(workdir) as (postgres, port, gunicorn, log):
            _restart_and_outage(postgres, port, gunicorn)
            assert "database-unavailable" in log.read_text()  # the outage is logged, once a request
            assert "Internal Server Error" not in log.read_text()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _restart_and_outage(postgres: Postgres, port: int, gunicorn: subprocess.Popen) -> None:
    # Every gunicorn thread holds a persistent connection before PostgreSQL goes away.
    with Traffic(port) as warm_up:
        wait_until(lambda: _connections(postgres, "cnht_restart") == WORKERS * THREADS, timeout=15)
    assert all(_ok(hit) for hit in warm_up.hits), _describe([h for h in warm_up.hits if not _ok(h)])
    workers = _children(gunicorn.pid)
    assert len(workers) == WORKERS

    # 1. Restarted while idle: each persistent connection is dead, yet no request fails.
    postgres.stop()
    postgres.start()
    with Traffic(port) as after_restart:
        time.sleep(1.5)
    failed = [hit for hit in after_restart.hits if not _ok(hit)]
    assert after_restart.hits and not failed, f"after an idle restart: {_describe(failed)}"

    # 2. Stopped under load: clean 503s while down, success again as soon as it is back.
    with Traffic(port) as outage:
        time.sleep(0.5)
        postgres.stop()
        down_at = time.monotonic()
        time.sleep(1.5)
        starting_at = time.monotonic()
        postgres.start()
        up_at = time.monotonic()
        time.sleep(2)
    unclean = [hit for hit in outage.hits if not (_ok(hit) or _clean_503(hit))]
    assert not unclean, f"neither a success nor a clean 503: {_describe(unclean)}"
    while_down = [hit for hit in outage.hits if hit.started >= down_at and hit.ended <= starting_at]
    assert len(while_down) >= CLIENTS and all(hit.status == 503 for hit in while_down)
    assert {hit.path for hit in while_down} == {PAGE, API}
    once_up = [hit for hit in outage.hits if hit.started >= up_at]
    assert once_up and all(_ok(hit) for hit in once_up), _describe([h for h in once_up if not _ok(h)])

    # 3. The same processes served it all.
    assert gunicorn.poll() is None and _children(gunicorn.pid) == workers
