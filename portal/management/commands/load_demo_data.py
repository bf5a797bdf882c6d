from django.core.management.base import BaseCommand
from django.db import transaction

from portal import demo


class Command(BaseCommand):
    help = "Create the demo organisations and logins (idempotent) and print the logins."

    def handle(self, *args, **options):
        with transaction.atomic():
            logins = demo.load()
        labels = {"agency": "Sở Công Thương staff", "buyer": "OEM buyer", "supplier": "Supplier"}
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password: {demo.DEMO_PASSWORD}):"))
        for role, email in logins:
            self.stdout.write(f"  {labels[role]:<22} {email}")
