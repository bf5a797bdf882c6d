"""Demo part requests of THACO Industries for the Chu Lai component park, scored on load.

The dashboard-trim request asks for IATF 16949, which no demo moulder holds: it shows near misses
and their gap ("Thiếu IATF 16949"), the case the Sở Công Thương's programmes exist to close.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from matching.models import PartRequest
from matching.services import (
    interest_declare,
    part_request_publish,
    part_request_save,
    quotation_submit,
    quote_invite,
    recompute_all,
    shortlist_add,
)
from portal.models import Organisation, ProductGroup, Province, Term

# title, English title, product group, must-have, optional, materials, certifications,
# annual volume (pieces), tolerance (mm), days until needed
DEMO_REQUESTS = [
    (
        "Khung xương ghế xe tải – chi tiết dập và hàn",
        "Truck seat frame – stamped and welded parts",
        "seats-trim",
        ["stamping"],
        ["mig-mag-welding", "powder-coating"],
        ["cold-rolled-steel"],
        ["iso-9001"],
        60_000,
        0.2,
        150,
    ),
    (
        "Ốp nhựa bảng táp-lô xe du lịch",
        "Passenger-car dashboard plastic trims",
        "interior-plastics",
        ["injection-moulding"],
        ["painting"],
        ["pp", "abs"],
        ["iatf-16949"],
        24_000,
        0.1,
        200,
    ),
    (
        "Vỏ hộp số nhôm đúc áp lực, gia công CNC",
        "Die-cast aluminium gearbox housing, CNC machined",
        "transmission",
        ["die-casting", "cnc-machining"],
        ["shot-blasting"],
        ["adc12"],
        ["iatf-16949"],
        12_000,
        0.05,
        240,
    ),
    (
        "Nhíp lá xe tải nặng",
        "Heavy-truck leaf springs",
        "suspension",
        ["hot-forging", "quenching", "tempering"],
        ["shot-blasting", "painting"],
        ["alloy-steel"],
        ["iso-9001"],
        18_000,
        0.5,
        180,
    ),
    (
        "Bó dây điện thân xe buýt",
        "Bus body wiring harness",
        "wiring-electrical",
        ["harness-assembly"],
        [],
        ["copper", "pvc"],
        ["iso-9001"],
        3_000,
        None,
        120,
    ),
    (
        "Dầm dọc sơ mi rơ moóc xuất khẩu",
        "Semi-trailer main beams for export",
        "trailer-bodies",
        ["laser-cutting"],
        ["robotic-welding", "mig-mag-welding", "hot-dip-galvanising"],
        ["hot-rolled-steel"],
        [],
        5_000,
        1.0,
        200,
    ),
]


def _terms(kind: str, codes: list[str]) -> list[Term]:
    return list(Term.objects.filter(kind=kind, code__in=codes))


def load() -> dict[str, int]:
    """Create the demo requests once (keyed by title), publish them, and score everything."""
    from portal.demo import DEMO_ORGANISATIONS, make_tax_code

    buyer_prefix = next(prefix for key, _n, _e, prefix, *_rest in DEMO_ORGANISATIONS if key == "buyer")
    buyer = Organisation.objects.get(tax_code=make_tax_code(buyer_prefix))
    danang = Province.objects.get(code="48")
    created = 0
    for title, title_en, group, must, optional, materials, certs, volume, tolerance, days in DEMO_REQUESTS:
        if PartRequest.objects.filter(buyer=buyer, title=title).exists():
            continue
        request = PartRequest(
            buyer=buyer,
            title=title,
            title_en=title_en,
            description=title,
            description_en=title_en,
            product_group=ProductGroup.objects.filter(code=group).first(),
            annual_volume=volume,
            tolerance_mm=Decimal(str(tolerance)) if tolerance is not None else None,
            delivery_province=danang,
            needed_by=timezone.localdate() + datetime.timedelta(days=days),
            response_deadline=timezone.localdate() + datetime.timedelta(days=days // 3),
        )
        part_request_save(
            request=request,
            m2m={
                "required_processes": _terms("process", must),
                "optional_processes": _terms("process", optional),
                "materials": _terms("material", materials),
                "required_certifications": _terms("certification", certs),
            },
        )
        part_request_publish(request=request)
        created += 1
    rows = recompute_all()
    first = PartRequest.objects.get(buyer=buyer, title=DEMO_REQUESTS[0][0])
    return {"part_requests_created": created, "score_rows": rows, "sourcing": _sourcing(first)}


def _sourcing(request: PartRequest) -> int:
    """A request under way, once: the best three eligible firms shortlisted, two invited, the
    best one's quotation, and the fourth saying it is interested. Returns the shortlist entries made."""
    if request.shortlist.exists():
        return 0
    best = [
        score.supplier for score in request.scores.filter(eligible=True).order_by("-total", "supplier_id")[:4]
    ]
    for supplier in best[:3]:
        shortlist_add(request=request, supplier=supplier)
    invitations = quote_invite(request=request, suppliers=best[:2], message="Kính mời quý công ty báo giá.")
    if invitations:
        data = {
            "unit_price": Decimal("185000"),
            "currency": "VND",
            "lead_time_days": 45,
            "valid_until": timezone.localdate() + datetime.timedelta(days=60),
            "notes": "Giá đã gồm sơn tĩnh điện, giao tại Chu Lai.",
        }
        quotation_submit(invitation=invitations[0], data=data)
    if len(best) > 3:
        interest_declare(request=request, supplier=best[3], note="Chúng tôi đã làm khung ghế cho xe buýt.")
    return len(best[:3])
