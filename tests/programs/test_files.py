"""Programme documents and progress-update attachments: uploaded by staff in the admin with the same
checks as every private file, downloaded by staff only, removed from disk with their rows."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from programs.models import Programme, ProgrammeDocument, Task, TaskUpdateAttachment
from programs.services import task_update_add
from suppliers.uploads import private_file_store
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def programme():
    agency = OrganisationFactory(name="Sở Công Thương thử", is_supplier=False, is_agency=True)
    return Programme.objects.create(kind="de-an", name="Đề án thử nghiệm", lead_agency=agency)


@pytest.fixture
def task(programme):
    agency = programme.lead_agency
    return Task.objects.create(programme=programme, title="Khảo sát nhu cầu", lead_agency=agency)


def pdf(name="quyet-dinh.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def admin_form_data(response, **extra) -> dict:
    """The admin change form's current values plus its inline management forms, as a POST."""
    data = {}
    for name, field in response.context["adminform"].form.fields.items():
        value = response.context["adminform"].form[name].value()
        data[name] = [] if value is None and hasattr(field, "queryset") else ("" if value is None else value)
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
        for form in formset.formset.initial_forms:
            for name in form.fields:
                value = form[name].value()
                data[f"{form.prefix}-{name}"] = "" if value is None else value
    data.update(extra)
    return data


def test_staff_upload_a_programme_document_and_download_it(client, staff, programme, media):
    client.force_login(staff)
    url = reverse("admin:programs_programme_change", args=[programme.pk])
    data = admin_form_data(
        client.get(url),
        **{
            "documents-TOTAL_FORMS": "1",
            "documents-0-kind": "legal-basis",
            "documents-0-title": "Quyết định phê duyệt Đề án",
            "documents-0-upload": pdf("Quyết định 1234.pdf"),
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    document = ProgrammeDocument.objects.get()
    assert (document.title, document.original_name, document.uploaded_by) == (
        "Quyết định phê duyệt Đề án",
        "Quyết định 1234.pdf",
        staff,
    )
    assert document.file.name.startswith("programmes/") and "Quy" not in document.file.name  # server-made
    download = client.get(reverse("programs:programme_document_download", args=[document.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")
    listing = client.get(reverse("programs:programme_list")).content.decode()
    assert "Quyết định phê duyệt Đề án" in listing


def test_a_bad_file_is_refused_and_the_rest_of_the_form_kept(client, staff, programme):
    client.force_login(staff)
    url = reverse("admin:programs_programme_change", args=[programme.pk])
    data = admin_form_data(
        client.get(url),
        **{
            "documents-TOTAL_FORMS": "1",
            "documents-0-kind": "report",
            "documents-0-title": "Báo cáo sơ kết",
            "documents-0-upload": pdf("bao-cao.pdf", b"<html><script>alert(1)</script></html>"),
            "description": "Mô tả mới đang gõ",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 200 and not ProgrammeDocument.objects.exists()
    page = response.content.decode()
    assert "does not match its extension" in page or "không khớp" in page
    assert "Mô tả mới đang gõ" in page and "Báo cáo sơ kết" in page
    programme.refresh_from_db()
    assert programme.description == ""  # nothing half-saved


def test_a_new_document_row_needs_a_file(client, staff, programme):
    client.force_login(staff)
    url = reverse("admin:programs_programme_change", args=[programme.pk])
    new_row = {"documents-TOTAL_FORMS": "1", "documents-0-kind": "report", "documents-0-title": "X"}
    data = admin_form_data(client.get(url), **new_row)
    assert client.post(url, data).status_code == 200 and not ProgrammeDocument.objects.exists()


def test_a_progress_update_takes_an_attachment(client, staff, task):
    client.force_login(staff)
    url = reverse("admin:programs_task_change", args=[task.pk])
    data = admin_form_data(
        client.get(url),
        **{
            "coordinating_agencies": [],
            "updates-TOTAL_FORMS": "1",
            "updates-0-reported_on": TODAY.isoformat(),
            "updates-0-progress": "30",
            "updates-0-note": "Đã phát phiếu khảo sát",
            "updates-0-attach": pdf("bien-ban.pdf"),
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    attachment = TaskUpdateAttachment.objects.get()
    assert attachment.update.note == "Đã phát phiếu khảo sát" and attachment.uploaded_by == staff
    page = client.get(url).content.decode()
    assert reverse("programs:task_attachment_download", args=[attachment.pk]) in page
    assert "bien-ban.pdf" in page
    task.refresh_from_db()
    assert task.progress == 30


def test_only_staff_download_programme_files(client, staff, alice, buyer, programme, task):
    document = private_file_store(ProgrammeDocument(programme=programme), pdf())
    update = task_update_add(task=task, progress=10, note="Bắt đầu")
    attachment = private_file_store(TaskUpdateAttachment(update=update), pdf("anh.pdf"))
    urls = [
        reverse("programs:programme_document_download", args=[document.pk]),
        reverse("programs:task_attachment_download", args=[attachment.pk]),
    ]
    for url in urls:
        client.force_login(staff)
        assert client.get(url).status_code == 200
        for outsider in (alice, buyer):
            client.force_login(outsider)
            assert client.get(url).status_code == 403
        client.logout()
        assert client.get(url).status_code == 302
    client.force_login(staff)
    missing = reverse("programs:programme_document_download", args=[document.pk + 99])
    assert client.get(missing).status_code == 404


def test_files_leave_the_disk_with_their_rows(programme, task, media, django_capture_on_commit_callbacks):
    document = private_file_store(ProgrammeDocument(programme=programme), pdf())
    update = task_update_add(task=task, progress=10, note="Bắt đầu")
    attachment = private_file_store(TaskUpdateAttachment(update=update), pdf("anh.pdf"))
    paths = [media / document.file.name, media / attachment.file.name]
    assert all(path.exists() for path in paths)
    with django_capture_on_commit_callbacks(execute=True):
        programme.delete()  # cascades to the task, its update and both files
    assert not any(path.exists() for path in paths)
