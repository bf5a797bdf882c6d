"""Uploads: only real PDF, JPEG and PNG files up to 10 MB, stored under server names; downloads checked."""

import struct
import zlib
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from suppliers.models import Document
from suppliers.services import document_delete, document_upload
from suppliers.uploads import MAX_UPLOAD_BYTES, validate_upload


@pytest.fixture(autouse=True)
def english_messages():
    """These tests read messages outside a request (lazy form errors, services): in English."""
    with translation.override("en"):
        yield


PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def png_bytes() -> bytes:
    """A real 1×1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(root: Path) -> list[Path]:
    return [path for path in Path(root).rglob("*") if path.is_file()] if Path(root).exists() else []


def upload(client, **fields):
    data = {"kind": "brochure", "title": "", **fields}
    return client.post(reverse("suppliers:profile_documents"), data)


def english(client):
    client.cookies["django_language"] = "en"


# --- validate_upload ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bao-gia.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "does not match"),
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", "does not match"),
        ("anh.pdf", png_bytes(), "does not match"),
        ("anh.png", PDF_BYTES, "does not match"),
        ("notes.txt", b"plain text", "Only PDF, JPEG and PNG"),
        ("program.exe", b"MZ\x90\x00", "Only PDF, JPEG and PNG"),
        ("no-extension", PDF_BYTES, "Only PDF, JPEG and PNG"),
    ],
)
def test_validate_upload_rejects_files_whose_type_or_content_is_wrong(name, content, message):
    with pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile(name, content))
    assert message in str(error.value.messages[0])


def test_validate_upload_rejects_a_file_over_10_mb():
    big = SimpleUploadedFile("catalogue.pdf", PDF_BYTES + b"0" * MAX_UPLOAD_BYTES)
    with pytest.raises(ValidationError) as error:
        validate_upload(big)
    assert error.value.messages == ["The file is larger than 10 MB."]


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("ISO 9001.pdf", PDF_BYTES, "application/pdf"),
        ("XUONG.PNG", png_bytes(), "image/png"),
        ("xuong.jpg", JPEG_BYTES, "image/jpeg"),
        ("xuong.jpeg", JPEG_BYTES, "image/jpeg"),
    ],
)
def test_validate_upload_returns_the_content_type_found_and_rewinds(name, content, content_type):
    file = SimpleUploadedFile(name, content, content_type="text/html")  # the browser's claim is ignored
    assert validate_upload(file) == content_type
    assert file.read() == content


def test_a_file_of_exactly_10_mb_is_accepted():
    exact = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * (MAX_UPLOAD_BYTES - len(PDF_BYTES)))
    assert validate_upload(exact) == "application/pdf"


# --- Upload through the documents page ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "bao-gia.pdf",
            b"<html><body>not a pdf</body></html>",
            "The file's content does not match its extension.",
        ),
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00", "The file's content does not match its extension."),
        ("anh.pdf", png_bytes(), "The file's content does not match its extension."),
        ("virus.exe", b"MZ\x90\x00", "Only PDF, JPEG and PNG files are accepted."),
    ],
)
def test_a_bad_upload_is_refused_next_to_the_field_and_nothing_is_stored(
    client, alice, profile, media_root, name, content, message
):
    client.force_login(alice)
    english(client)
    response = upload(client, file=SimpleUploadedFile(name, content), title="Báo giá")
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [message]
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert response.context["form"]["title"].value() == "Báo giá"
    assert Document.objects.count() == 0
    assert stored_files(media_root) == []


def test_an_11_mb_upload_is_refused_and_nothing_is_stored(client, alice, profile, media_root):
    client.force_login(alice)
    english(client)
    big = SimpleUploadedFile("catalogue.pdf", PDF_BYTES + b"0" * (11 * 1024 * 1024))
    response = upload(client, file=big)
    assert response.context["form"].errors["file"] == ["The file is larger than 10 MB."]
    assert Document.objects.count() == 0
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    ("name", "content", "content_type", "suffix"),
    [
        ("Chứng nhận ISO 9001 Đông Á.pdf", PDF_BYTES, "application/pdf", ".pdf"),
        ("xuong-dap.png", png_bytes(), "image/png", ".png"),
    ],
)
def test_a_real_pdf_or_png_is_stored_under_a_uuid_name_in_media_root(
    client, alice, profile, media_root, name, content, content_type, suffix
):
    client.force_login(alice)
    response = upload(client, file=SimpleUploadedFile(name, content), kind="photo", title="Xưởng")
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.organisation, document.kind, document.title) == (profile.organisation, "photo", "Xưởng")
    assert (document.original_name, document.content_type, document.size) == (
        name,
        content_type,
        len(content),
    )
    assert document.uploaded_by == alice
    stored = Path(document.file.path)
    assert stored.is_relative_to(media_root)
    assert not stored.is_relative_to(Path(django_settings.BASE_DIR) / "static")
    assert stored.read_bytes() == content
    assert stored.suffix == suffix
    assert len(stored.stem) == 32 and int(stored.stem, 16) >= 0  # a UUID in hex
    assert Path(name).stem not in document.file.name
    assert stored_files(media_root) == [stored]


def test_uploading_a_document_is_a_profile_change(alice, profile, media_root):
    from suppliers.signals import capabilities_changed

    sent = []

    def receiver(sender, profile_id, **kwargs):
        sent.append(profile_id)

    capabilities_changed.connect(receiver)
    try:
        document_upload(
            organisation=profile.organisation,
            file=SimpleUploadedFile("a.pdf", PDF_BYTES),
            kind="other",
            uploaded_by=alice,
        )
    finally:
        capabilities_changed.disconnect(receiver)
    assert sent == [profile.pk]


def test_the_service_refuses_a_bad_file_even_without_the_form(profile, media_root):
    with pytest.raises(ValidationError):
        document_upload(
            organisation=profile.organisation, file=SimpleUploadedFile("x.pdf", b"MZ"), kind="other"
        )
    assert Document.objects.count() == 0
    assert stored_files(media_root) == []


def test_a_member_deletes_a_document_and_its_file(
    client, bob, profile, media_root, django_capture_on_commit_callbacks
):
    document = document_upload(
        organisation=profile.organisation, file=SimpleUploadedFile("a.pdf", PDF_BYTES), kind="other"
    )
    client.force_login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("suppliers:profile_document_delete", args=[document.pk]))
    assert response.status_code == 302
    assert not Document.objects.exists()
    assert stored_files(media_root) == []


def test_another_firm_cannot_delete_a_document(client, charlie, other_profile, profile, media_root):
    document = document_upload(
        organisation=profile.organisation, file=SimpleUploadedFile("a.pdf", PDF_BYTES), kind="other"
    )
    client.force_login(charlie)
    response = client.post(reverse("suppliers:profile_document_delete", args=[document.pk]))
    assert response.status_code == 404
    assert Document.objects.filter(pk=document.pk).exists()


def test_deleting_needs_a_post(client, alice, profile, media_root):
    document = document_upload(
        organisation=profile.organisation, file=SimpleUploadedFile("a.pdf", PDF_BYTES), kind="other"
    )
    client.force_login(alice)
    assert client.get(reverse("suppliers:profile_document_delete", args=[document.pk])).status_code == 405
    assert Document.objects.filter(pk=document.pk).exists()
    document_delete(document=document)


def test_the_documents_page_lists_the_firms_documents(client, alice, profile, media_root):
    document_upload(
        organisation=profile.organisation,
        file=SimpleUploadedFile("a.pdf", PDF_BYTES),
        kind="brochure",
        title="Catalogue 2026",
    )
    client.force_login(alice)
    content = client.get(reverse("suppliers:profile_documents")).content.decode()
    assert content.count('data-testid="document-row"') == 1
    assert "Catalogue 2026" in content


# --- Download -----------------------------------------------------------------------------------


@pytest.fixture
def public_pdf(profile, alice, media_root):
    return document_upload(
        organisation=profile.organisation,
        file=SimpleUploadedFile("Hồ sơ năng lực Đông Á.pdf", PDF_BYTES),
        kind="brochure",
        uploaded_by=alice,
    )


@pytest.fixture
def private_pdf(profile, alice, media_root):
    return document_upload(
        organisation=profile.organisation,
        file=SimpleUploadedFile("bang-gia-noi-bo.pdf", PDF_BYTES),
        kind="other",
        is_private=True,
        uploaded_by=alice,
    )


def download(client, document):
    return client.get(reverse("suppliers:document_download", args=[document.pk]))


def test_a_download_is_an_attachment_with_the_original_name_and_safe_headers(client, alice, public_pdf):
    client.force_login(alice)
    response = download(client, public_pdf)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    # RFC 5987: the Vietnamese name travels percent-encoded in UTF-8.
    assert (
        "filename*=utf-8''H%E1%BB%93%20s%C6%A1%20n%C4%83ng%20l%E1%BB%B1c%20%C4%90%C3%B4ng%20%C3%81.pdf"
        in (disposition)
    )
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_a_download_of_an_ascii_name_keeps_it(client, alice, private_pdf):
    client.force_login(alice)
    assert (
        download(client, private_pdf)["Content-Disposition"] == 'attachment; filename="bang-gia-noi-bo.pdf"'
    )


@pytest.mark.parametrize(
    ("who", "public", "private"),
    [
        ("alice", 200, 200),
        ("bob", 200, 200),
        ("staff", 200, 200),
        ("buyer", 200, 404),
        ("charlie", 404, 404),
    ],
)
def test_who_may_download(client, request, public_pdf, private_pdf, who, public, private):
    client.force_login(request.getfixturevalue(who))
    assert download(client, public_pdf).status_code == public
    assert download(client, private_pdf).status_code == private


def test_anonymous_visitors_are_sent_to_sign_in(client, public_pdf):
    response = download(client, public_pdf)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_missing_document_is_a_404(client, alice, profile):
    client.force_login(alice)
    assert client.get(reverse("suppliers:document_download", args=[999999])).status_code == 404


def test_a_document_whose_file_is_gone_is_a_404_not_a_500(client, alice, public_pdf):
    Path(public_pdf.file.path).unlink()
    client.force_login(alice)
    assert download(client, public_pdf).status_code == 404
