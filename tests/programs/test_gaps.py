"""The capability-gap view: what near-miss suppliers lack, linked to activities that build it."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from matching import services as matching_services
from portal.models import Term
from programs import gaps
from programs.models import Activity, Participation, Programme
from suppliers.models import Certificate
from suppliers.services import profile_changed
from tests.factories import MembershipFactory, OrganisationFactory
from tests.matching.helpers import buyer_organisation, make_request, make_supplier

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def world():
    """One open request (stamping + IATF 16949): one firm eligible, two near misses."""
    oem = buyer_organisation()
    request = make_request(oem, processes=("stamping",), certifications=("iatf-16949",))
    iatf = [("iatf-16949", TODAY + datetime.timedelta(days=400))]
    make_supplier("Cơ khí Đủ Điều Kiện", certificates=iatf)
    no_iatf = make_supplier("Cơ khí Thiếu IATF")
    welder = make_supplier("Cơ khí Chỉ Hàn", processes=[("mig-mag-welding", 5000)], province="79")
    matching_services.recompute_requests([request])
    return request, no_iatf, welder


@pytest.fixture
def course():
    agency = OrganisationFactory(name="Sở Công Thương thử", is_supplier=False, is_agency=True)
    programme = Programme.objects.create(kind="de-an", name="Đề án thử", lead_agency=agency)
    return Activity.objects.create(
        programme=programme,
        kind=Activity.Kind.TRAINING_QUALITY,
        title="Khóa sẵn sàng IATF 16949",
        starts_on=TODAY,
        organiser=agency,
        closes_gap=Term.objects.get(kind="certification", code="iatf-16949"),
    )


def iatf_key() -> str:
    return f"certification-{Term.objects.get(kind='certification', code='iatf-16949').pk}"


def test_gaps_count_requests_and_near_miss_firms(world):
    request, no_iatf, welder = world
    found = {gap.key: gap for gap in gaps.capability_gaps()}
    iatf = found[iatf_key()]
    assert iatf.requests == {request.pk} and iatf.firms == {no_iatf.pk, welder.pk}
    stamping = found[f"process-{Term.objects.get(kind='process', code='stamping').pk}"]
    assert stamping.firms == {welder.pk}
    assert gaps.capability_gaps()[0].key == iatf_key()  # one request each: more firms first
    in_79 = {gap.key: gap for gap in gaps.capability_gaps(province=welder.organisation.province)}
    assert in_79[iatf_key()].firms == {welder.pk}  # only that province's firms


def test_staff_see_the_gaps_and_others_do_not(client, world, staff, alice, buyer):
    client.force_login(staff)
    page = client.get(reverse("programs:gap_list")).content.decode()
    assert f'data-gap="{iatf_key()}"' in page and "IATF 16949" in page
    for outsider in (alice, buyer):
        client.force_login(outsider)
        assert client.get(reverse("programs:gap_list")).status_code == 403
        assert client.get(reverse("programs:gap_detail", args=[iatf_key()])).status_code == 403
    client.logout()
    assert client.get(reverse("programs:gap_list")).status_code == 302


def test_staff_invite_near_miss_firms_and_see_who_closed_the_gap(
    client, world, staff, course, django_capture_on_commit_callbacks
):
    request, no_iatf, welder = world
    MembershipFactory(organisation=no_iatf.organisation, user__email="giamdoc@thieu-iatf.vn")
    client.force_login(staff)
    detail = reverse("programs:gap_detail", args=[iatf_key()])
    page = client.get(detail).content.decode()
    assert "Cơ khí Thiếu IATF" in page and "Khóa sẵn sàng IATF 16949" in page
    invite = reverse("programs:gap_invite", args=[iatf_key()])
    client.cookies["django_language"] = "en"  # the staff member reads English; the firm gets Vietnamese
    for _twice in range(2):  # inviting again adds no row and sends no second mail
        with django_capture_on_commit_callbacks(execute=True):
            client.post(invite, {"activity": course.pk, "firm": [no_iatf.organisation_id]})
    invited = Participation.objects.get(outcome="invited")
    assert invited.organisation == no_iatf.organisation and invited.activity == course
    [message] = mail.outbox
    assert message.to == ["giamdoc@thieu-iatf.vn"] and "Khóa sẵn sàng IATF 16949" in message.subject
    assert "mời" in message.subject and "IATF 16949" in message.body
    assert reverse("suppliers:profile_detail", args=[no_iatf.pk]) in message.body
    # The firm gets certified: its matches change and the view shows the gap closed.
    Certificate.objects.create(
        profile=no_iatf,
        standard=Term.objects.get(kind="certification", code="iatf-16949"),
        issued_on=TODAY,
        expires_on=TODAY + datetime.timedelta(days=1000),
    )
    profile_changed(no_iatf)
    matching_services.recompute_suppliers([no_iatf.pk])
    assert no_iatf.pk not in gaps.find_gap(iatf_key()).firms
    firms = {f.profile.pk: f for f in gaps.gap_firms(gaps.find_gap(iatf_key()))}
    assert firms[no_iatf.pk].closed and firms[no_iatf.pk].invited_to == [course]
    assert not firms[welder.pk].closed
    assert 'data-testid="gap-closed"' in client.get(detail).content.decode()


def test_an_activity_that_builds_something_else_is_refused(client, world, staff, course):
    _request, no_iatf, _welder = world
    course.closes_gap = Term.objects.get(kind="certification", code="iso-9001")
    course.save()
    client.force_login(staff)
    client.post(
        reverse("programs:gap_invite", args=[iatf_key()]),
        {"activity": course.pk, "firm": [no_iatf.organisation_id]},
    )
    assert not Participation.objects.exists()


def test_an_unknown_gap_is_not_found(client, staff):
    client.force_login(staff)
    assert client.get(reverse("programs:gap_detail", args=["process-999999"])).status_code == 404
    assert client.get(reverse("programs:gap_detail", args=["nonsense"])).status_code == 404
