"""The daily digest: each supplier firm hears of yesterday's requests it matches well, once."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from matching import services
from matching.models import PartRequest
from matching.tasks import daily_digest_task
from tests.factories import MembershipFactory, OrganisationFactory
from tests.matching.test_request_views import make_request, verified_supplier

pytestmark = pytest.mark.django_db


def firm_with_person(name: str, email: str, **kwargs):
    organisation = OrganisationFactory(name=name)
    MembershipFactory(organisation=organisation, user__email=email)
    return verified_supplier(organisation, **kwargs)


@pytest.fixture
def published(buyer):
    part_request = make_request(buyer, status="open")
    return part_request


def test_a_matching_verified_firm_gets_one_mail_listing_the_request(buyer, published):
    good = firm_with_person("Cơ khí Đạt Chuẩn", "an@datchuan.vn", certifications=("iatf-16949",))
    firm_with_person("Cơ khí Thiếu IATF", "binh@thieu.vn")  # not eligible: no mail
    firm_with_person("Cơ khí Chưa Xác Minh", "chi@chua.vn", certifications=("iatf-16949",), verified=False)
    services.recompute_requests([published])
    assert daily_digest_task.apply().get() == 1  # run here, in both test runs
    [message] = mail.outbox
    assert message.to == ["an@datchuan.vn"] and "Giá đỡ cản trước" in message.body
    assert good.organisation.name in message.body
    assert f"/requests/{published.pk}/" in message.body


def test_old_closed_and_not_invited_requests_are_left_out(buyer, published):
    firm_with_person("Cơ khí Đạt Chuẩn", "an@datchuan.vn", certifications=("iatf-16949",))
    invited_only = make_request(buyer, status="open", visibility="invited")
    services.recompute_requests([published, invited_only])
    PartRequest.objects.filter(pk=published.pk).update(
        published_at=timezone.now() - datetime.timedelta(days=2)
    )
    assert services.send_daily_digest() == 0  # too old, and the other one is not for this firm
    assert mail.outbox == []


def test_an_invited_firm_hears_of_an_invited_only_request(buyer):
    firm = firm_with_person(
        "Cơ khí Được Mời", "dung@duocmoi.vn", certifications=("iatf-16949",), verified=False
    )
    invited_only = make_request(buyer, status="open", visibility="invited")
    services.recompute_requests([invited_only])
    services.shortlist_add(request=invited_only, supplier=firm, by=buyer)
    services.quote_invite(request=invited_only, suppliers=[firm], by=buyer)
    assert services.send_daily_digest() == 1
    assert mail.outbox[-1].to == ["dung@duocmoi.vn"]


def test_beat_runs_the_digest_every_morning_with_a_registered_task(settings):
    from portal.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["matching-daily-digest"]
    assert entry["task"] in app.tasks
    assert entry["schedule"].hour == {7} and entry["schedule"].minute == {0}
