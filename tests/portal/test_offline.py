"""No CDN: every page's scripts, styles, fonts and images come from the portal itself, so it works
offline on a LAN. The templates and our own static files name no other host to load from."""

import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# src=, href= of <link>, url(...) in CSS, import/fetch in JS: anything a browser would load.
EXTERNAL_LOAD = re.compile(
    r"""(<script[^>]+src=|<link[^>]+href=|<img[^>]+src=|<iframe[^>]+src=|url\(|@import\s|fetch\()\s*["']?(https?:)?//""",
    re.IGNORECASE,
)
SOURCES = sorted(
    [
        *ROOT.joinpath("templates").rglob("*.html"),
        *ROOT.joinpath("static").rglob("*.css"),
        *ROOT.joinpath("static", "js").rglob("*.js"),
    ]
)


@pytest.mark.parametrize("path", SOURCES, ids=[str(path.relative_to(ROOT)) for path in SOURCES])
def test_nothing_is_loaded_from_another_host(path):
    found = EXTERNAL_LOAD.search(path.read_text(encoding="utf-8"))
    assert found is None, f"{path}: {found and found.group(0)}"


def test_the_pattern_catches_a_cdn():
    assert EXTERNAL_LOAD.search('<script src="https://cdn.jsdelivr.net/npm/chart.js"></script>')
    assert EXTERNAL_LOAD.search("body { background: url(//fonts.example.com/a.woff) }")
    assert not EXTERNAL_LOAD.search('<script src="/static/vendor/chartjs/chart.umd.min.js"></script>')
