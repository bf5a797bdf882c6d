"""Vietnamese is complete: every marked string has a translation, and the catalogue is current."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["portal", "suppliers", "matching", "programs", "templates", "locale", "manage.py"]


def untranslated(po_file: Path) -> str:
    result = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(po_file)],
        capture_output=True,
        text=True,
        check=True,
    )
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-obsolete", str(po_file)],
        capture_output=True,
        text=True,
        check=True,
    )
    return (result.stdout + fuzzy.stdout).strip()


def test_the_vietnamese_catalogue_has_no_untranslated_or_fuzzy_entry():
    leftovers = untranslated(ROOT / "locale/vi/LC_MESSAGES/django.po")
    # The header entry (msgid "") is the only "untranslated" entry msgattrib may print.
    entries = [line for line in leftovers.splitlines() if line.startswith("msgid ") and line != 'msgid ""']
    assert entries == [], "untranslated Vietnamese strings:\n" + "\n".join(entries)


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext tools are needed")
def test_the_catalogues_contain_every_marked_string(tmp_path):
    for name in SOURCES:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "vi", "--no-obsolete", "--add-location", "file"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    leftovers = untranslated(tmp_path / "locale/vi/LC_MESSAGES/django.po")
    entries = [line for line in leftovers.splitlines() if line.startswith("msgid ") and line != 'msgid ""']
    assert entries == [], "strings missing from locale/vi (run `make messages` and translate):\n" + "\n".join(
        entries
    )
