"""What a firm may upload: PDF, JPEG or PNG, at most 10 MB, whose bytes agree with its name.

The browser's Content-Type and the file name are both chosen by the uploader, so neither is
trusted alone: the first bytes must be those of the type the extension claims. An HTML page or a
Windows program renamed ``.pdf`` is refused, so a download can never be turned into a page that
runs in the portal's origin. The content type stored with the file is the one found here.

Where ClamAV runs (``CLAMAV_SOCKET``), every file is first scanned for malware, before the type
checks, so that a malicious file is refused and logged as such whatever its name; while the
scanner cannot be reached, uploads are refused rather than let through unscanned.
"""

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _

from portal.security import log_event
from portal.text import nfc
from suppliers import malware

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"

CONTENT_TYPE_BY_EXTENSION = {".pdf": PDF, ".jpg": JPEG, ".jpeg": JPEG, ".png": PNG}
MAGIC_BYTES = {PDF: b"%PDF-", PNG: b"\x89PNG\r\n\x1a\n", JPEG: b"\xff\xd8\xff"}
ACCEPT = ",".join([*CONTENT_TYPE_BY_EXTENSION, PDF, JPEG, PNG])  # for <input type="file" accept>

WRONG_TYPE = _("Only PDF, JPEG and PNG files are accepted.")
TOO_LARGE = _("The file is larger than 10 MB.")
MISMATCH = _("The file's content does not match its extension.")
MALWARE = _("The file contains malware (%(name)s) and was refused.")
SCANNER_UNAVAILABLE = _("The virus scanner is not available; please try again later.")


def _header(file, length: int) -> bytes:
    """The first bytes of an uploaded file, leaving it positioned at its start for saving."""
    file.seek(0)
    header = file.read(length)
    file.seek(0)
    return header


def validate_upload(file) -> str:
    """Check an uploaded file and return its content type, or raise ``ValidationError``."""
    if file.size <= MAX_UPLOAD_BYTES:  # a larger file is refused below without being sent to clamd
        _refuse_malware(file)
    content_type = CONTENT_TYPE_BY_EXTENSION.get(PurePath(file.name or "").suffix.lower())
    if content_type is None:
        raise ValidationError(WRONG_TYPE, code="file_type")
    if file.size > MAX_UPLOAD_BYTES:
        raise ValidationError(TOO_LARGE, code="file_size")
    magic = MAGIC_BYTES[content_type]
    if _header(file, len(magic)) != magic:
        raise ValidationError(MISMATCH, code="file_content")
    return content_type


def _refuse_malware(file) -> None:
    """Refuse a file clamd finds malware in, and any file while clamd cannot be asked (fail closed)."""
    try:
        found = malware.scan(file)
    except malware.ScannerUnavailable as error:
        log_event("upload-scanner-unavailable", file_name=file.name, error=str(error))
        raise ValidationError(SCANNER_UNAVAILABLE, code="scanner_unavailable") from error
    if found:
        log_event("upload-malware", file_name=file.name, size=file.size, signature=found)
        raise ValidationError(MALWARE, code="malware", params={"name": found})


def private_file_response(document) -> FileResponse:
    """A stored private file as a download that no browser renders inline or caches.

    The caller has checked the permission; a file missing from storage is a 404, not a 500.
    """
    try:
        handle = document.file.storage.open(document.file.name, "rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def private_file_store(document, file, *, title: str = "", uploaded_by=None):
    """Check ``file`` and store it as ``document`` (an unsaved PrivateFile row with its owner set).

    The file lands under a server-made name (the model's ``upload_to``); the name shown at download
    is the uploader's, composed (NFC) and without control characters, which could break the
    Content-Disposition header. If the row cannot be saved, the stored file is removed again.
    """
    document.content_type = validate_upload(file)
    document.original_name = "".join(ch for ch in nfc(PurePath(file.name).name) if ch.isprintable())[-255:]
    document.title = nfc(title)[:200]
    document.size = file.size
    document.uploaded_by = uploaded_by
    document.file.save(document.original_name, file, save=False)
    try:
        document.full_clean()
        document.save()
    except Exception:
        document.file.delete(save=False)  # no row points at it: do not leave it on disk
        raise
    return document
