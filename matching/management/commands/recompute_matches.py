from django.core.management.base import BaseCommand, CommandError

from matching import services
from matching.models import PartRequest


class Command(BaseCommand):
    help = "Recompute match scores now, in this process: one request, one supplier, or everything."

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--request", type=int, help="a part request id")
        target.add_argument("--supplier", type=int, help="a supplier profile id")
        target.add_argument("--all", action="store_true", help="every open request against every supplier")

    def handle(self, *args, **options):
        if options["all"]:
            written = services.recompute_all_logged()
        elif options["request"]:
            request = PartRequest.objects.filter(pk=options["request"]).first()
            if request is None:
                raise CommandError(f"no part request {options['request']}")
            written = services.recompute_requests([request])
        else:
            written = services.recompute_suppliers([options["supplier"]])
        self.stdout.write(self.style.SUCCESS(f"{written} score rows written."))
