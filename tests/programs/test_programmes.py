"""Programmes: staff manage them in the admin, indicators count what the portal knows, firms see
their own outcomes on their profile and nobody else's."""

import datetime
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from matching import services as matching_services
from portal.models import Organisation, Province, Term
from programs import indicators, services
from programs.models import Activity, Indicator, IndicatorValue, Participation, Programme, Task
from suppliers.services import supplier_profile_create, verification_set
from tests.factories import OrganisationFactory
from tests.matching.helpers import make_supplier

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = TODAY.year


@pytest.fixture
def agency():
    return OrganisationFactory(name="Sở Công Thương thành phố Đà Nẵng", is_supplier=False, is_agency=True)


@pytest.fixture
def programme(agency):
    return Programme.objects.create(
        kind=Programme.Kind.DE_AN,
        name="Đề án cụm ngành CNHT Chu Lai (thử)",
        lead_agency=agency,
        province=Province.objects.get(code="48"),
        starts_on=datetime.date(YEAR - 1, 7, 1),
    )


@pytest.fixture
def activity(programme, agency):
    return Activity.objects.create(
        programme=programme,
        kind=Activity.Kind.CONNECTION,
        title="Hội nghị kết nối THACO – DN CNHT",
        starts_on=datetime.date(YEAR, 3, 15),
        organiser=agency,
    )


# --- Admin: staff only --------------------------------------------------------------------------

ADMIN_PAGES = [
    "admin:programs_programme_changelist",
    "admin:programs_task_changelist",
    "admin:programs_activity_changelist",
    "admin:programs_indicator_changelist",
    "admin:programs_programme_add",
]


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_only_staff_manage_programmes(client, staff, alice, buyer, page, programme):
    client.force_login(staff)
    assert client.get(reverse(page)).status_code == 200
    for outsider in (alice, buyer):
        client.force_login(outsider)
        response = client.get(reverse(page))
        assert response.status_code == 302 and "/login/" in response["Location"]  # not staff: no admin
    client.logout()
    assert client.get(reverse(page)).status_code == 302


def test_staff_open_a_programme_with_its_tasks(client, staff, programme, agency):
    Task.objects.create(
        programme=programme, number=1, title="Khảo sát nhu cầu doanh nghiệp", lead_agency=agency
    )
    client.force_login(staff)
    page = client.get(reverse("admin:programs_programme_change", args=[programme.pk])).content.decode()
    assert "Khảo sát nhu cầu doanh nghiệp" in page


def test_a_progress_update_in_the_admin_moves_the_task(client, staff, programme, agency):
    task = Task.objects.create(programme=programme, number=1, title="Rà soát chính sách", lead_agency=agency)
    client.force_login(staff)
    url = reverse("admin:programs_task_change", args=[task.pk])
    form = client.get(url).context["adminform"].form
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    data.update(
        {
            "coordinating_agencies": [],
            "updates-TOTAL_FORMS": "1",
            "updates-INITIAL_FORMS": "0",
            "updates-MIN_NUM_FORMS": "0",
            "updates-MAX_NUM_FORMS": "1000",
            "updates-0-reported_on": TODAY.isoformat(),
            "updates-0-progress": "60",
            "updates-0-note": "Đã hoàn thành báo cáo rà soát sơ bộ",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    task.refresh_from_db()
    assert (task.progress, task.status) == (60, Task.Status.IN_PROGRESS)
    assert task.updates.get().reported_by == staff


def test_progress_follows_the_newest_update_and_100_is_done(programme, agency):
    task = Task.objects.create(programme=programme, title="Hội thảo", lead_agency=agency)
    services.task_update_add(task=task, progress=40, note="Đã tổ chức hội thảo 1", reported_on=TODAY)
    services.task_update_add(
        task=task, progress=10, note="Báo cáo cũ", reported_on=TODAY - datetime.timedelta(days=30)
    )
    assert (task.progress, task.status) == (40, Task.Status.IN_PROGRESS)
    services.task_update_add(task=task, progress=100, note="Xong", reported_on=TODAY)
    assert task.status == Task.Status.DONE


def test_overdue_tasks_stand_out(programme, agency):
    late = Task(
        programme=programme, title="Trễ", lead_agency=agency, due_on=TODAY - datetime.timedelta(days=1)
    )
    done = Task(
        programme=programme, title="Xong", lead_agency=agency, due_on=late.due_on, status=Task.Status.DONE
    )
    assert late.is_overdue(TODAY) and not done.is_overdue(TODAY)
    assert not Task(programme=programme, title="Chưa hạn", lead_agency=agency, due_on=TODAY).is_overdue(TODAY)


# --- Indicators -------------------------------------------------------------------------------


def _indicator(programme, source, name="Chỉ tiêu"):
    return Indicator.objects.create(programme=programme, name=name, source=source)


def test_counted_indicators_count_known_data(programme, activity, agency):
    iatf = [("iatf-16949", TODAY + datetime.timedelta(days=300))]
    certified = make_supplier("Cơ khí Có IATF", certificates=iatf)
    expired = make_supplier(
        "Cơ khí IATF Hết Hạn", certificates=[("iatf-16949", TODAY - datetime.timedelta(days=1))]
    )
    make_supplier("Cơ khí Hồ Chí Minh", certificates=iatf, province="79")  # another province: not counted
    make_supplier("Cơ khí Chưa Xác Minh", verified=False)
    for firm, outcome in [(certified, "attended"), (expired, "attended"), (certified, "direct-supplier")]:
        Participation.objects.create(activity=activity, organisation=firm.organisation, outcome=outcome)
    assert indicators.actual(_indicator(programme, "verified-firms"), YEAR) == 2  # Đà Nẵng, verified
    assert indicators.actual(_indicator(programme, "firms-iatf"), YEAR) == 1  # valid only
    assert indicators.actual(_indicator(programme, "connections"), YEAR) == 3  # firm-participations
    assert indicators.actual(_indicator(programme, "direct-suppliers"), YEAR) == 1
    assert indicators.actual(_indicator(programme, "firms-consulted"), YEAR) == 0
    assert indicators.actual(_indicator(programme, "connections"), YEAR - 1) == 0  # the activity is this year
    assert indicators.actual(_indicator(programme, "verified-firms"), YEAR + 1) is None  # not begun


def test_sourcing_indicators_count_the_portal(programme, buyer):
    from tests.matching.test_request_views import make_request

    part_request = make_request(buyer, status="open")
    firm = make_supplier(
        "Cơ khí Báo Giá", certificates=[("iatf-16949", TODAY + datetime.timedelta(days=300))]
    )
    matching_services.recompute_requests([part_request])
    matching_services.shortlist_add(request=part_request, supplier=firm, by=buyer)
    [invitation] = matching_services.quote_invite(request=part_request, suppliers=[firm], by=buyer)
    data = {"unit_price": 1000, "currency": "VND", "lead_time_days": 10, "valid_until": TODAY}
    matching_services.quotation_submit(invitation=invitation, data=data)
    matching_services.part_request_award(request=part_request, awarded_to=firm.organisation)
    for source in ("invitations", "quotations", "awards"):
        assert indicators.actual(_indicator(programme, source), YEAR) == 1, source


def test_an_entered_indicator_is_what_staff_typed(programme):
    indicator = _indicator(programme, "entered", "Tỷ lệ nội địa hóa")
    IndicatorValue.objects.create(indicator=indicator, year=YEAR, target=45, actual=38)
    assert indicators.actual(indicator, YEAR) == 38 and indicators.actual(indicator, YEAR - 1) is None


# --- A firm's own outcomes on its profile --------------------------------------------------------


def test_a_firm_sees_its_outcomes_and_buyers_and_others_do_not(
    client, alice, bob, charlie, buyer, staff, activity
):
    firm = alice.memberships.get().organisation
    own = supplier_profile_create(organisation=firm)
    verification_set(profile=own, status="verified")
    iatf = Term.objects.get(kind="certification", code="iatf-16949")
    Participation.objects.create(activity=activity, organisation=firm, outcome="certified", standard=iatf)
    url = reverse("suppliers:profile_detail", args=[own.pk])
    for user in (alice, bob, staff):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert 'data-testid="participation"' in page and "Hội nghị kết nối THACO" in page, user
    client.force_login(buyer)  # a buyer sees the profile, not the programme's outcomes
    page = client.get(url).content.decode()
    assert client.get(url).status_code == 200 and 'data-testid="participations"' not in page
    client.force_login(charlie)  # another supplier does not even see the profile
    assert client.get(url).status_code == 404


# --- Demo data ---------------------------------------------------------------------------------


def test_the_demo_has_the_chu_lai_de_an_and_plan_4691_once(capsys):
    call_command("load_demo_data")
    de_an = Programme.objects.get(kind=Programme.Kind.DE_AN)
    assert "Chu Lai" in de_an.name and de_an.tasks.count() == 8
    assert de_an.tasks.filter(lead_agency__name="Viện Nghiên cứu Chiến lược, Chính sách Công Thương").exists()
    assert Programme.objects.get(document_number="4691/KH-UBND").tasks.count() == 4
    assert Participation.objects.filter(outcome="direct-supplier", activity__programme=de_an).count() == 2
    development = Programme.objects.get(kind=Programme.Kind.CHUONG_TRINH)
    assert indicators.actual(development.indicators.get(source="firms-consulted"), 2025) == 6
    counted = de_an.indicators.get(source="direct-suppliers")
    assert indicators.actual(counted, 2025) == 2
    supplier_firm = Organisation.objects.get(name="Công ty TNHH Cơ khí Chính xác Chu Lai")
    assert Participation.objects.filter(organisation=supplier_firm).exists()  # the demo login sees outcomes
    before = (Programme.objects.count(), Task.objects.count(), Participation.objects.count())
    call_command("load_demo_data")
    assert (Programme.objects.count(), Task.objects.count(), Participation.objects.count()) == before


# --- The annual report -------------------------------------------------------------------------


def test_the_annual_report_shows_indicators_tasks_and_activities(client, staff, programme, activity, agency):
    firm = make_supplier("Cơ khí Kết Nối")
    Participation.objects.create(activity=activity, organisation=firm.organisation, outcome="attended")
    Participation.objects.create(activity=activity, organisation=firm.organisation, outcome="direct-supplier")
    counted = Indicator.objects.create(
        programme=programme, number=1, name="DN thành nhà cung ứng trực tiếp", source="direct-suppliers"
    )
    IndicatorValue.objects.create(indicator=counted, year=YEAR, target=4)
    typed = Indicator.objects.create(programme=programme, number=2, name="Tỷ lệ nội địa hóa", unit="%")
    IndicatorValue.objects.create(indicator=typed, year=YEAR, target=40, actual=38)
    Task.objects.create(
        programme=programme,
        number=1,
        title="Khảo sát nhu cầu",
        lead_agency=agency,
        due_on=TODAY - datetime.timedelta(days=10),
        status=Task.Status.IN_PROGRESS,
    )
    client.force_login(staff)
    page = client.get(reverse("programs:annual_report", args=[programme.pk, YEAR])).content.decode()
    assert (
        "DN thành nhà cung ứng trực tiếp" in page
        and "Khảo sát nhu cầu" in page
        and "Hội nghị kết nối" in page
    )
    assert "Quá hạn" in page or "quá hạn" in page.lower()  # Vietnamese, and the late task stands out
    response = client.get(reverse("programs:annual_report_xlsx", args=[programme.pk, YEAR]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(response.content))
    indicators_sheet = book.worksheets[0]
    rows = list(indicators_sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("STT", "Chỉ tiêu", "Đơn vị", "Kế hoạch", "Thực hiện")
    assert rows[1][1] == "DN thành nhà cung ứng trực tiếp" and rows[1][3:6] == (4, 1, 25)
    assert rows[2][3:6] == (40, 38, 95)
    tasks_sheet = list(book.worksheets[1].iter_rows(values_only=True))
    assert tasks_sheet[1][1] == "Khảo sát nhu cầu" and tasks_sheet[1][6] == "có"
    activities_sheet = list(book.worksheets[2].iter_rows(values_only=True))
    assert activities_sheet[1][4] == 1 and "Trở thành nhà cung ứng trực tiếp: 1" in activities_sheet[1][5]


def test_the_programme_list_and_reports_are_staff_only(client, staff, alice, buyer, programme):
    client.force_login(staff)
    assert 'data-testid="programme"' in client.get(reverse("programs:programme_list")).content.decode()
    for outsider in (alice, buyer):
        client.force_login(outsider)
        assert client.get(reverse("programs:programme_list")).status_code == 403
        assert (
            client.get(reverse("programs:annual_report_xlsx", args=[programme.pk, YEAR])).status_code == 403
        )
    client.force_login(staff)
    assert client.get(reverse("programs:annual_report", args=[programme.pk, 1900])).status_code == 404


# --- The dashboard -----------------------------------------------------------------------------


def test_the_dashboard_counts_tasks_indicators_the_funnel_and_firms(client, staff, buyer, programme, agency):
    from programs import dashboard
    from tests.matching.test_request_views import make_request

    Task.objects.create(
        programme=programme, title="Trễ hạn", lead_agency=agency, due_on=TODAY - datetime.timedelta(days=3)
    )
    Task.objects.create(programme=programme, title="Xong", lead_agency=agency, status=Task.Status.DONE)
    indicator = Indicator.objects.create(
        programme=programme, name="Nhà cung ứng đã xác minh", source="verified-firms"
    )
    IndicatorValue.objects.create(indicator=indicator, year=YEAR, target=4)
    firm = make_supplier(
        "Cơ khí Dashboard", certificates=[("iatf-16949", TODAY + datetime.timedelta(days=300))]
    )
    part_request = make_request(buyer, status="open")
    make_request(buyer, status="open", title="Yêu cầu không ai đạt", with_document=False)
    matching_services.recompute_requests(list(part_request.buyer.part_requests.all()))
    matching_services.shortlist_add(request=part_request, supplier=firm, by=buyer)
    matching_services.quote_invite(request=part_request, suppliers=[firm], by=buyer)

    [summary] = dashboard.task_summary(TODAY)
    assert (summary.total, summary.done, summary.late) == (2, 1, 1)
    [(_programme, [line])] = dashboard.attainment([programme], YEAR, TODAY)
    assert (line.actual, line.attainment) == (1, 25)
    funnel = next(f for f in dashboard.funnels([YEAR]) if f.buyer == part_request.buyer.name)
    assert (funnel.requests, funnel.invitations, funnel.quotations, funnel.awards) == (2, 1, 0, 0)
    assert funnel.matched == 2  # the IATF-certified stamper is eligible for both
    assert sum(created for _month, created, _verified in dashboard.firms_by_month(TODAY)) >= 1
    client.force_login(staff)
    page = client.get(reverse("programs:dashboard")).content.decode()
    assert 'data-testid="dash-late"' in page and "Trễ hạn" in page and part_request.buyer.name in page
    # The charts get the same numbers, as JSON the page embeds (no inline script).
    embedded = re.search(r'<script id="dashboard-charts" type="application/json">(.*?)</script>', page, re.S)
    charts = json.loads(embedded.group(1))
    label = f"{part_request.buyer.name} {YEAR}"
    [oem_series] = [series for series in charts["funnel"]["series"] if series["label"] == label]
    assert oem_series["data"] == [2, 2, 1, 0, 0] and charts["indicators"]["series"][0]["data"] == [25]
    assert charts["tasks"]["series"][1]["data"] == [1]  # overdue
    client.force_login(buyer)
    assert client.get(reverse("programs:dashboard")).status_code == 403
