"""The WSGI entry point gunicorn loads."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_loading_the_application_freezes_what_it_loaded():
    """Django and the apps stay out of the cyclic garbage collector's scans in a web process."""
    script = "import gc, portal.wsgi; print(gc.get_freeze_count())"
    output = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert int(output.split()[-1]) > 20_000
