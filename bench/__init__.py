"""Benchmarks: they print figures, they are not tests (see bench/README.md).

python -m bench.generate --suppliers 20000 --requests 5000    synthetic data in the configured database
python -m bench.matching --services                           the matching benchmark on throw-away servers
"""

import os
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
