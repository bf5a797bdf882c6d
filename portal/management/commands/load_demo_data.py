"""``manage.py load_demo_data``: every app's demo data, in one transaction, then the demo logins.

Each app may have a ``demo`` module with a ``load()`` function. They run in the order of the
imports between apps (portal ← suppliers ← matching; programs reads both), so a later app can
rely on what an earlier one created. The command finds the modules by name, so ``portal`` never
imports the apps built on it. Every loader is idempotent: running the command again is safe.
"""

import importlib
import importlib.util

from django.core.management.base import BaseCommand
from django.db import transaction

from portal import demo

DEMO_APPS = ("portal", "suppliers", "matching", "programs")


def demo_loaders():
    """(app, load function) for every app in DEMO_APPS that has a ``demo`` module."""
    for app in DEMO_APPS:
        if importlib.util.find_spec(f"{app}.demo") is not None:
            yield app, importlib.import_module(f"{app}.demo").load


class Command(BaseCommand):
    help = "Create the demo data of every app (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        with transaction.atomic():
            results = {app: load() for app, load in demo_loaders()}
        labels = {"agency": "Sở Công Thương staff", "buyer": "OEM buyer", "supplier": "Supplier"}
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password: {demo.DEMO_PASSWORD}):"))
        for role, email in results["portal"]:
            self.stdout.write(f"  {labels[role]:<22} {email}")
        for app, result in results.items():
            if isinstance(result, dict):  # counts, e.g. suppliers: profiles, verified, pending…
                counts = ", ".join(f"{name} {value}" for name, value in result.items())
                self.stdout.write(f"Demo data ({app}): {counts}")
