"""``manage.py restore ARCHIVE``: put back what ``manage.py backup`` wrote.

Replaces the whole database and the whole media folder with the archive's: stop the web and
worker processes first (``docker compose stop web worker beat``), restore, start them again.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal import backups


class Command(BaseCommand):
    help = "Replace the database and the uploaded files with those of an archive from `backup`."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, archive, yes=False, **options):
        if not archive.is_file():
            raise CommandError(f"No such archive: {archive}")
        if not yes and input(f"Replace the database and media with {archive}? [y/N] ").lower() != "y":
            raise CommandError("Nothing restored.")
        try:
            manifest = backups.restore(archive)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {manifest['engine']} database and {manifest['media_files']} files")
