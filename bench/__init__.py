"""Benchmarks: they print figures, they are not tests (see bench/README.md).

python -m bench.generate --suppliers 20000 --requests 5000    synthetic data in the configured database
python -m bench.matching --services                           the matching benchmark on throw-away servers
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    """Configure Django from portal.settings (DATABASE_URL chooses PostgreSQL) before any model import."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()


class Stopwatch:
    """Seconds elapsed since it was made (``with timed() as watch: …; watch.seconds``)."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.seconds = 0.0

    def stop(self) -> float:
        self.seconds = time.perf_counter() - self.started
        return self.seconds


@contextmanager
def timed():
    watch = Stopwatch()
    try:
        yield watch
    finally:
        watch.stop()


INNER = "CNHT_BENCH_INNER"  # set in the measuring subprocess started by rerun_with_services


def rerun_with_services(
    module: str, argv: list[str], time_limit: float, extra_env: dict | None = None
) -> int:
    """Throw-away PostgreSQL + Redis, and ``python -m module argv`` again in a subprocess pointed at them.

    The subprocess gets its own session, so on a timeout (``time_limit`` + 60 s) or Ctrl+C it is
    stopped with everything it started (a Celery worker, gunicorn).
    """
    from tests.services import running_services

    workdir = Path(tempfile.mkdtemp(prefix="cnht-bench-"))
    os.chmod(workdir, 0o755)  # the postgres user must reach its data directory inside
    try:
        with running_services(workdir) as service_env:
            env = {
                **os.environ,
                **service_env,
                INNER: "1",
                "DJANGO_SETTINGS_MODULE": "portal.settings",
                "SECRET_KEY": "bench-only-secret-key",
                "DEBUG": "0",
                "LOG_LEVEL": "WARNING",
                "STATIC_ROOT": str(workdir / "static"),
                **(extra_env or {}),
            }
            print(f"services: PostgreSQL {service_env['DATABASE_URL']}, Redis {service_env['REDIS_URL']}")
            inner = subprocess.Popen(
                [sys.executable, "-m", module, *argv], env=env, cwd=ROOT, start_new_session=True
            )
            try:
                return inner.wait(timeout=time_limit + 60)
            except (subprocess.TimeoutExpired, KeyboardInterrupt):
                print(f"{module}: stopped (time limit or Ctrl+C)", file=sys.stderr)
                os.killpg(inner.pid, signal.SIGTERM)
                try:
                    inner.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(inner.pid, signal.SIGKILL)
                    inner.wait()
                return 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
