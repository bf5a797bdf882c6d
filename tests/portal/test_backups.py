"""manage.py backup / restore (make backup / make restore): a round trip of the database and the
uploaded files, on SQLite in the embedded run and with pg_dump / pg_restore in the services run."""

import io
import json
import tarfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from portal.models import Organisation
from suppliers.models import Document
from suppliers.uploads import private_file_store
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_a_backup_brings_back_the_database_and_the_files(media, tmp_path):
    firm = OrganisationFactory(name="Công ty TNHH Sao Lưu")
    brochure = private_file_store(
        Document(organisation=firm, kind="brochure"), SimpleUploadedFile("gioi-thieu.pdf", PDF)
    )
    archive = tmp_path / "backups" / "cnht.tar"
    call_command("backup", output=archive)

    # Afterwards: the file is deleted, a firm is added, a stray file appears.
    stored = media / brochure.file.name
    brochure.delete()
    stored.unlink()
    OrganisationFactory(name="Công ty TNHH Sau Sao Lưu")
    stray = media / "documents" / "stray.pdf"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(PDF)

    call_command("restore", str(archive), yes=True)
    restored = Document.objects.get()
    assert (restored.original_name, restored.organisation.name) == ("gioi-thieu.pdf", "Công ty TNHH Sao Lưu")
    assert (media / restored.file.name).read_bytes() == PDF
    assert not Organisation.objects.filter(name="Công ty TNHH Sau Sao Lưu").exists()
    assert not stray.exists()  # the media folder is the archive's, nothing more


def test_an_archive_of_another_engine_is_refused_and_nothing_changes(media, tmp_path):
    OrganisationFactory(name="Công ty TNHH Giữ Nguyên")
    archive = tmp_path / "other.tar"
    manifest = json.dumps({"format": 1, "engine": "oracle", "media_files": 0}).encode()
    with tarfile.open(archive, "w") as tar:
        info = tarfile.TarInfo("manifest.json")
        info.size = len(manifest)
        tar.addfile(info, io.BytesIO(manifest))
    with pytest.raises(CommandError, match="oracle"):
        call_command("restore", str(archive), yes=True)
    assert Organisation.objects.filter(name="Công ty TNHH Giữ Nguyên").exists()


def test_a_missing_archive_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No such archive"):
        call_command("restore", str(tmp_path / "none.tar"), yes=True)
