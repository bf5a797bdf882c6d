"""Demo part requests of THACO Industries for the Chu Lai component park, scored on load.

The dashboard-trim request asks for IATF 16949, which no demo moulder holds: it shows near misses
and their gap ("Thiếu IATF 16949"), the case the Sở Công Thương's programmes exist to close.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from matching.models import PartRequest
from matching.services import part_request_publish, part_request_save, recompute_all
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
    return {"part_requests_created": created, "score_rows": rows}
