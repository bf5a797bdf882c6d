import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from matching import explain, selectors, services
from matching.models import PartRequest


class Command(BaseCommand):
    help = "Rank suppliers for a part request, with each criterion's score and the gaps."

    def add_arguments(self, parser):
        parser.add_argument("request_id", type=int)
        parser.add_argument("--top", type=int, default=10)
        parser.add_argument("--json", action="store_true", help="machine-readable output")
        parser.add_argument("--language", default="vi", choices=["vi", "en"])

    def handle(self, *args, **options):
        request = PartRequest.objects.filter(pk=options["request_id"]).first()
        if request is None:
            raise CommandError(f"no part request {options['request_id']}")
        if not request.matches_computed_at:
            services.recompute_requests([request])
        rows = list(selectors.ranked_matches(request)[: options["top"]])
        with translation.override(options["language"]):
            names = explain.term_names([row.gaps for row in rows])
            results = [self._result(rank, row, names) for rank, row in enumerate(rows, 1)]
        if options["json"]:
            self.stdout.write(
                json.dumps({"request": request.pk, "matches": results}, ensure_ascii=False, indent=2)
            )
            return
        self.stdout.write(f"#{request.pk} {request.title}")
        for result in results:
            flag = "✓" if result["eligible"] else "✗"
            self.stdout.write(f"{result['rank']:>3}. {flag} {result['total']:5.1f}  {result['supplier']}")
            parts = [f"{c}={v:.2f}" for c, v in result["breakdown"].items()]
            self.stdout.write("       " + " ".join(parts))
            for gap in result["gaps"]:
                self.stdout.write(f"       - {gap}")

    def _result(self, rank, row, names) -> dict:
        return {
            "rank": rank,
            "supplier_id": row.supplier_id,
            "supplier": row.supplier.organisation.name,
            "province": row.supplier.organisation.province.name_vi
            if row.supplier.organisation.province
            else "",
            "total": round(row.total, 1),
            "eligible": row.eligible,
            "breakdown": {k: round(v, 2) for k, v in row.breakdown.items()},
            "gaps": [text for _hard, text in explain.gap_lines(row.gaps, names)],
            "computed_at": row.computed_at.isoformat(),
        }
