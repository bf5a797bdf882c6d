"""Building suppliers and part requests with real vocabulary terms, for matching tests."""

import datetime

from django.db import transaction
from django.utils import timezone

from matching.models import MatchScore, PartRequest, RecomputeMark
from matching.services import part_request_publish, part_request_save
from portal.models import Organisation, Province, Term
from suppliers.models import Certificate, ProcessCapability
from suppliers.services import profile_changed, supplier_profile_create, verification_set
from tests.factories import OrganisationFactory


def term(kind: str, code: str) -> Term:
    return Term.objects.get(kind=kind, code=code)


def make_supplier(
    name: str,
    *,
    processes=(("stamping", 10_000),),
    materials=(),
    certificates=(),
    province="48",
    verified=True,
    tolerance=None,
):
    """A supplier firm with processes (code, monthly pieces), materials and (code, expires) certificates."""
    organisation = OrganisationFactory(name=name, province=Province.objects.get(code=province))
    profile = supplier_profile_create(organisation=organisation)
    for code, capacity in processes:
        ProcessCapability.objects.create(
            profile=profile,
            process=term("process", code),
            monthly_capacity=capacity,
            capacity_unit="pcs",
            best_tolerance_mm=tolerance,
        )
    profile.materials.set([term("material", code) for code in materials])
    for code, expires in certificates:
        Certificate.objects.create(
            profile=profile,
            standard=term("certification", code),
            expires_on=expires,
            issued_on=timezone.localdate() - datetime.timedelta(days=365),
        )
    if verified:
        verification_set(profile=profile, status="verified")
    profile_changed(profile)
    return profile


def buyer_organisation(name="Công ty TNHH THACO Industries Test") -> Organisation:
    return OrganisationFactory(name=name, is_supplier=False, is_buyer=True)


def make_request(
    buyer: Organisation, *, processes=("stamping",), certifications=(), volume=60_000, publish=True
):
    request = PartRequest(
        buyer=buyer,
        title="Dập khung ghế xe tải",
        description="Chi tiết dập thép cho khung ghế",
        delivery_province=Province.objects.get(code="48"),
        annual_volume=volume,
        needed_by=timezone.localdate() + datetime.timedelta(days=120),
    )
    part_request_save(
        request=request,
        m2m={
            "required_processes": [term("process", c) for c in processes],
            "required_certifications": [term("certification", c) for c in certifications],
        },
    )
    if publish:
        part_request_publish(request=request)
    return request


# --- Background recomputes (test_background, test_redis_down) -----------------------------


def set_capacity(capability: ProcessCapability, value: int) -> None:
    """One supplier edit, committed on its own like a form save."""
    with transaction.atomic():
        capability.monthly_capacity = value
        capability.save()
        profile_changed(capability.profile)


def score_total(request, supplier) -> float | None:
    row = MatchScore.objects.filter(request=request, supplier=supplier).first()
    return row.total if row else None


def settled() -> bool:
    return not RecomputeMark.objects.exists()
