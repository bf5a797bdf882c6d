from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from portal.reference import load_reference_data


class Command(BaseCommand):
    help = "Upsert provinces, sectors, VSIC codes, product groups and the vocabulary (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            written = load_reference_data(apps)
        self.stdout.write(self.style.SUCCESS(f"Reference data is up to date ({written} records written)."))
