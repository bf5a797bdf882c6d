"""``manage.py import_suppliers FILE [--dry-run]``: the admin's import, for large files and scripts.

Columns and rules: ``suppliers.importing`` (and docs/import-suppliers.md). Exits with an error, and
commits nothing, when any row is bad, so a script can stop on it.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from suppliers.importing import import_suppliers, report_lines


class Command(BaseCommand):
    help = "Import supplier firms from a CSV or XLSX file (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (UTF-8) or XLSX file, one row per firm")
        parser.add_argument("--dry-run", action="store_true", help="check the file and save nothing")

    def handle(self, *args, file: str, dry_run: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(gettext("No such file: %(path)s") % {"path": path})
        report = import_suppliers(path, dry_run=dry_run, source=path.name)
        for line in report_lines(report):
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(gettext("The file has errors: nothing was imported."))
