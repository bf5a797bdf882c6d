"""``manage.py health``: the same checks as ``/health/``, as JSON; exit status 1 when down."""

import json

from django.core.management.base import BaseCommand, CommandError

from portal import health


class Command(BaseCommand):
    help = "Check the database, Redis and the Celery workers' heartbeat; exit 1 when down."

    def add_arguments(self, parser):
        parser.add_argument(
            "--require-worker", action="store_true", help="Also fail when no worker has beaten lately."
        )

    def handle(self, *args, require_worker=False, **options):
        result = health.check()
        self.stdout.write(json.dumps(result.as_dict()))
        if result.status == "down" or (require_worker and result.status != "ok"):
            raise CommandError(f"health: {result.status}")
