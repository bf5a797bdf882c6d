"""``manage.py backup [--output PATH]``: the database and the private files in one archive.

The archive is a plain tar: ``database.dump`` (``pg_dump --format=custom`` on PostgreSQL) or
``database.sqlite3`` (SQLite's online backup, embedded default), ``media/`` (every uploaded
file) and ``manifest.json`` (when, which engine, how many files). ``manage.py restore`` reads it
back. Safe while the portal runs: pg_dump and SQLite's backup read a consistent snapshot.
"""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from portal import backups


class Command(BaseCommand):
    help = "Write the database and the uploaded files to one archive (see portal/backups.py)."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="Archive path (default: backups/cnht-<time>.tar).")

    def handle(self, *args, output=None, **options):
        output = output or Path("backups") / f"cnht-{timezone.now():%Y%m%d-%H%M%S}.tar"
        manifest = backups.backup(output)
        self.stdout.write(f"{output}: {manifest['engine']} database, {manifest['media_files']} files")
