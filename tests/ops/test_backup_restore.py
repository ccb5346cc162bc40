"""Restore drill: back up, restore into a new database and media folder, and the copy
serves the same tickets, the same files and the same sealed documents.

Real pg_dump and pg_restore against the test database, the real scripts, and the
portal itself (a Django process pointed at each copy) reading them back.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from psycopg import sql

from signing import services as signing_services
from tests.e2e.worker import database_url_for_tests
from tests.signing.factories import PASSPHRASE, seal_path, sent, sign, with_seal
from tests.tickets.factories import open_ticket

ROOT = Path(__file__).resolve().parents[2]
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _run(*command, **env):
    return subprocess.run(
        list(command),
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )


def _probe(database_url: str, media_root: Path, email: str) -> dict:
    result = _run(
        sys.executable,
        "-m",
        "tests.ops.restore_probe",
        email,
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(media_root),
        SIGNING_PKCS12_PATH=seal_path(),
        SIGNING_PKCS12_PASSPHRASE=PASSPHRASE,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def restored_database_url():
    url = database_url_for_tests()
    name = url.rsplit("/", 1)[1] + "_restored"
    admin = url.rsplit("/", 1)[0] + "/postgres"

    def drop():
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    drop()
    yield url.rsplit("/", 1)[0] + "/" + name
    drop()


def test_restore_drill(transactional_db, world, client, settings, tmp_path, restored_database_url):
    media, backups, restored_media = tmp_path / "media", tmp_path / "backups", tmp_path / "copy"
    settings.MEDIA_ROOT = media
    # Tickets with files, through the portal's views.
    client.force_login(world.member)
    tickets = [open_ticket(world, subject=f"Enlace caído {n}") for n in range(3)]
    for n, ticket in enumerate(tickets):
        response = client.post(
            reverse("tickets:detail", kwargs={"number": ticket.number}),
            {
                "body": "Adjunto el registro",
                "attachments": [
                    SimpleUploadedFile(f"router-{n}.log", f"eth{n} down\n".encode() * 100),
                    SimpleUploadedFile("screen.png", PNG),
                ],
            },
        )
        assert response.status_code == 302
    # A document signed and sealed.
    document = sent(world, signers=[world.member])
    sign(document, world.member)
    with with_seal():
        signing_services.document_seal(document_id=document.pk)

    original = _probe(database_url_for_tests(), media, world.member.email)
    assert len(original["tickets"]) == 3
    assert len(original["files"]) == 6
    assert all(
        f["status"] == 200 and f["sha256"] == f["stored_sha256"] for f in original["files"].values()
    )
    assert original["documents"][document.number]["seal"] == "intact"

    backup = _run(
        "scripts/backup.sh",
        str(backups),
        DATABASE_URL=database_url_for_tests(),
        MEDIA_ROOT=str(media),
    ).stdout.strip()
    folder = Path(backup)
    assert folder.parent == backups
    assert sorted(p.name for p in folder.iterdir()) == [
        "SHA256SUMS",
        "database.dump",
        "media.tar.gz",
    ]

    # A changed byte in the backup: the restore refuses before touching anything.
    damaged = tmp_path / "damaged"
    subprocess.run(["cp", "-r", str(folder), str(damaged)], check=True)
    with (damaged / "media.tar.gz").open("r+b") as handle:
        handle.seek(100)
        byte = handle.read(1)
        handle.seek(100)
        handle.write(bytes([byte[0] ^ 1]))
    refused = subprocess.run(
        ["scripts/restore.sh", str(damaged)],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": restored_database_url,
            "MEDIA_ROOT": str(restored_media),
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert refused.returncode != 0
    assert not restored_media.exists()

    _run(
        "scripts/restore.sh",
        backup,
        DATABASE_URL=restored_database_url,
        MEDIA_ROOT=str(restored_media),
    )
    copy = _probe(restored_database_url, restored_media, world.member.email)
    assert copy == original

    # Restoring again over the copy is refused: a restore never writes over data.
    again = subprocess.run(
        ["scripts/restore.sh", backup],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": restored_database_url,
            "MEDIA_ROOT": str(tmp_path / "other"),
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert again.returncode != 0
    assert "already has" in again.stderr
