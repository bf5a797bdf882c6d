"""Sở Công Thương staff in a real browser: a task's progress and an activity's outcomes in the admin,
then the dashboard and the annual report show them."""

import io

import openpyxl
import pytest
from django.utils import timezone

from portal.models import Province
from programs.models import Activity, Indicator, IndicatorValue, Programme, Task
from tests.browser.conftest import pass_second_factor
from tests.factories import TEST_PASSWORD, OrganisationFactory
from tests.matching.helpers import make_supplier

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TODAY = timezone.localdate()


@pytest.fixture
def programme(db):
    agency = OrganisationFactory(name="Sở Công Thương Đà Nẵng (thử)", is_supplier=False, is_agency=True)
    programme = Programme.objects.create(
        kind=Programme.Kind.DE_AN,
        name="Đề án cụm ngành CNHT Chu Lai (thử)",
        lead_agency=agency,
        province=Province.objects.get(code="48"),
        starts_on=TODAY.replace(month=1, day=1),
    )
    Task.objects.create(
        programme=programme, number=1, title="Khảo sát nhu cầu doanh nghiệp", lead_agency=agency
    )
    Activity.objects.create(
        programme=programme,
        kind=Activity.Kind.CONNECTION,
        title="Hội nghị kết nối THACO – DN CNHT",
        starts_on=TODAY,
        organiser=agency,
    )
    indicator = Indicator.objects.create(
        programme=programme, number=1, name="Lượt DN tham gia kết nối", unit="lượt", source="connections"
    )
    IndicatorValue.objects.create(indicator=indicator, year=TODAY.year, target=10)
    return programme


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_staff_record_progress_and_outcomes_and_export_the_annual_report(
    page, live_server, staff, programme, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    make_supplier("Công ty TNHH Cơ khí Núi Thành")
    task, activity = programme.tasks.get(), programme.activities.get()

    page.goto(live_server.url + "/")
    page.get_by_test_id("language-switcher").get_by_role("button", name="English").click()
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    pass_second_factor(page)
    assert page.get_by_test_id("signed-in-as").inner_text() == staff.email

    # A progress update on the task, in the admin.
    page.goto(f"{live_server.url}/admin/programs/task/{task.pk}/change/")
    page.locator('input[name="updates-0-progress"]').fill("50")
    page.locator('textarea[name="updates-0-note"]').fill("Đã gửi phiếu khảo sát tới 120 doanh nghiệp")
    page.locator('input[name="updates-0-attach"]').set_input_files(
        files=[{"name": "phieu-khao-sat.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.locator('input[name="_continue"]').click()
    # The update's attachment is listed beside it and downloads as it was sent.
    with page.expect_download() as attachment:
        page.get_by_role("link", name="phieu-khao-sat.pdf").click()
    assert attachment.value.path().read_bytes() == PDF

    # The firms' outcomes of the connection session: the firm is found by typing without diacritics.
    page.goto(f"{live_server.url}/admin/programs/activity/{activity.pk}/change/")
    row = page.locator("#participations-0")
    row.locator('[aria-labelledby="select2-id_participations-0-organisation-container"]').click()
    # One autocomplete request at a time: the embedded test database (in-memory SQLite) is one
    # connection shared by the live server's threads, and two queries at once on it can hang.
    page.locator(".select2-results__option:not(.loading-results)").first.wait_for()
    page.locator(".select2-search__field").fill("nui thanh")
    page.locator(".select2-results__option", has_text="Núi Thành").click()
    row.locator('select[name="participations-0-outcome"]').select_option("attended")
    page.locator('input[name="_save"]').click()
    page.wait_for_url(f"{live_server.url}/admin/programs/activity/")

    # The dashboard shows the new figures, loading nothing from another host (no CDN).
    loaded = []
    page.on("request", lambda request: loaded.append(request.url))
    page.goto(live_server.url + "/programmes/dashboard/")
    page.wait_for_load_state("networkidle")
    assert any(url.endswith("chart.umd.min.js") for url in loaded)
    assert all(url.startswith((live_server.url, "data:")) for url in loaded), loaded
    indicators = page.get_by_test_id("dash-indicators")
    assert "Lượt DN tham gia kết nối" in indicators.inner_text()
    assert indicators.get_by_test_id("dash-actual").inner_text() == "1"
    assert "0 of 1 done" in page.get_by_test_id("dash-tasks").inner_text()
    # The charts are drawn by the vendored Chart.js from the same numbers.
    drawn = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('canvas[data-chart]')]
            .filter(canvas => window.Chart.getChart(canvas))
            .map(canvas => [canvas.dataset.chart, window.Chart.getChart(canvas).data.datasets[0].data]))"""
    )
    assert drawn["indicators"] == [10] and drawn["tasks"] == [0] and set(drawn) >= {"tasks", "firms"}

    # One click on the programme list exports the annual report.
    page.goto(live_server.url + "/programmes/")
    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX").first.click()
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    indicator_row = list(book.worksheets[0].iter_rows(values_only=True))[1]
    assert indicator_row[1] == "Lượt DN tham gia kết nối" and indicator_row[3:6] == (10, 1, 10)
    task_row = list(book.worksheets[1].iter_rows(values_only=True))[1]
    assert task_row[1] == "Khảo sát nhu cầu doanh nghiệp" and task_row[5] == 50
