"""Backups: the database (pg_dump / SQLite's backup API) and the media folder in one tar archive.

One archive, so a database and the files its rows point at are never restored from different
moments. ``pg_restore --clean --if-exists`` drops and recreates every object of the dump, so the
restored database equals the backed-up one, whatever it held before; the media folder is emptied
and refilled the same way.
"""

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

FORMAT = 1


class BackupError(Exception):
    pass


def backup(output: Path) -> dict:
    output.parent.mkdir(parents=True, exist_ok=True)
    media = Path(settings.MEDIA_ROOT)
    files = [path for path in media.rglob("*") if path.is_file()] if media.exists() else []
    with tempfile.TemporaryDirectory() as work:
        database = Path(work) / _database_name()
        _dump(database)
        manifest = {
            "format": FORMAT,
            "engine": connection.vendor,
            "created_at": timezone.now().isoformat(),
            "media_files": len(files),
        }
        with tarfile.open(output, "w") as archive:
            archive.add(database, arcname=database.name)
            for path in files:
                archive.add(path, arcname=f"media/{path.relative_to(media).as_posix()}")
            _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
    return manifest


def restore(archive_path: Path) -> dict:
    with tarfile.open(archive_path) as archive, tempfile.TemporaryDirectory() as work:
        manifest = json.loads(archive.extractfile("manifest.json").read())
        if manifest.get("format") != FORMAT or manifest.get("engine") != connection.vendor:
            held, running = manifest.get("engine"), connection.vendor
            raise BackupError(f"This archive holds a {held} database; the portal runs on {running}.")
        archive.extractall(work, filter="data")
        connections.close_all()  # the restore replaces tables under any open connection
        _load(Path(work) / _database_name())
        _replace_media(Path(work) / "media")
    return manifest


def _database_name() -> str:
    return "database.dump" if connection.vendor == "postgresql" else "database.sqlite3"


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def _dump(target: Path) -> None:
    if connection.vendor == "postgresql":
        _pg("pg_dump", "--format=custom", "--no-owner", "--file", str(target))
    else:
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)


def _load(source: Path) -> None:
    if connection.vendor == "postgresql":
        _pg("pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", str(source))
    else:
        connection.ensure_connection()
        with sqlite3.connect(source) as copy:
            copy.backup(connection.connection)


def _pg(program: str, *args: str) -> None:
    """Run a PostgreSQL client program against the portal's database (password via PGPASSWORD)."""
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    command = [
        _pg_binary(program),
        "--host",
        db.get("HOST") or "localhost",
        "--port",
        str(db.get("PORT") or 5432),
        "--username",
        db.get("USER") or "postgres",
        "--dbname",
        db["NAME"],
        *args,
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{program} failed: {done.stderr.strip()}")


def _pg_binary(program: str) -> str:
    """The client on PATH, or Debian's versioned one (the server packages do not link it)."""
    found = shutil.which(program)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{program}"), reverse=True)
    if not versions:
        raise BackupError(f"{program} is not installed: apt-get install postgresql-client")
    return str(versions[0])


def _replace_media(source: Path) -> None:
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    for child in media.iterdir():
        shutil.rmtree(child) if child.is_dir() else child.unlink()
    if source.exists():
        shutil.copytree(source, media, dirs_exist_ok=True)
