"""Backups that restore: ops/backup.sh and ops/restore.sh on a real database and media folder."""

import subprocess
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

from counselling.models import Session, Visitor
from tests.counselling.factories import SessionFactory, make_visitor

OPS = Path(settings.BASE_DIR) / "ops"


def _url(name: str) -> str:
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _admin(sql: str) -> None:
    db = connection.settings_dict
    admin = psycopg2.connect(
        dbname="postgres",
        user=db["USER"] or "postgres",
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        password=db["PASSWORD"] or None,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql)
    admin.close()


@pytest.mark.django_db(transaction=True)
def test_it_restores_a_backup_of_database_and_media(tmp_path, counsellor_a, centre_a):
    visitor = make_visitor(counsellor_a, centre_a)
    SessionFactory(visitor=visitor, counsellor=counsellor_a)
    media = tmp_path / "media"
    (media / "cv").mkdir(parents=True)
    (media / "cv" / "expert.pdf").write_bytes(b"%PDF-1.4 a CV")
    env = {"PATH": "/usr/bin:/bin", "MEDIA_ROOT": str(media)}

    made = subprocess.run(
        [OPS / "backup.sh", tmp_path / "backups"],
        env={**env, "DATABASE_URL": _url(connection.settings_dict["NAME"])},
        capture_output=True,
        text=True,
        check=True,
    )
    backup = Path(made.stdout.strip())
    assert (backup / "database.dump").stat().st_size > 0

    restored_db = f"restore_{uuid.uuid4().hex[:8]}"
    _admin(f"CREATE DATABASE {restored_db}")
    try:
        restored_media = tmp_path / "restored-media"
        subprocess.run(
            [OPS / "restore.sh", backup],
            env={**env, "DATABASE_URL": _url(restored_db), "MEDIA_ROOT": str(restored_media)},
            capture_output=True,
            text=True,
            check=True,
        )
        assert (restored_media / "cv" / "expert.pdf").read_bytes() == b"%PDF-1.4 a CV"
        db = connection.settings_dict
        restored = psycopg2.connect(
            dbname=restored_db, user=db["USER"] or "postgres", host=db["HOST"], port=db["PORT"]
        )
        with restored.cursor() as cursor:
            cursor.execute(f"SELECT code FROM {Visitor._meta.db_table}")
            assert cursor.fetchall() == [(visitor.code,)]
            cursor.execute(f"SELECT count(*) FROM {Session._meta.db_table}")
            assert cursor.fetchone() == (Session.objects.count(),)
        restored.close()
    finally:
        _admin(f"DROP DATABASE IF EXISTS {restored_db}")


def test_it_refuses_a_backup_whose_files_were_altered(tmp_path):
    backup = tmp_path / "backup"
    backup.mkdir()
    (backup / "database.dump").write_bytes(b"dump")
    (backup / "media.tar.gz").write_bytes(b"media")
    subprocess.run(
        "sha256sum database.dump media.tar.gz > SHA256SUMS", shell=True, cwd=backup, check=True
    )
    (backup / "database.dump").write_bytes(b"tampered")
    refused = subprocess.run(
        [OPS / "restore.sh", backup],
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": "postgres://nobody@127.0.0.1/none"},
        capture_output=True,
        text=True,
    )
    assert refused.returncode != 0
    assert "FAILED" in refused.stdout + refused.stderr
