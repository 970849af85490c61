"""Legacy-import benchmark (issue 15), part of `make bench`: its own database (msc_bench_import).

Writes a CSV of ROWS session rows (default 100,000, the import's row limit; one new visitor per
four rows), stores it as an upload would, and times the background import (the Celery task's
function, in this process): reading, checking every row, saving all in one transaction. Prints
rows per second and the peak memory. `python bench/imports.py [ROWS]`.
"""

import csv
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msc_portal.settings")
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_IMPORT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/msc_bench_import"
)
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="msc-bench-import-"))

import django  # noqa: E402
import environ  # noqa: E402
import psycopg2  # noqa: E402


def fresh_database() -> None:
    config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    admin = psycopg2.connect(
        dbname="postgres", user=config["USER"], host=config["HOST"], port=config["PORT"] or 5432
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    admin.close()


def write_csv(path: Path, rows: int) -> None:
    topics = ["legal-channels", "study-abroad", "recognition", "reintegration"]
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["legacy_ref", "date", "mode", "duration_minutes", "topics", "destinations", "sex",
             "year_of_birth", "migration_status", "consent_service"]
        )  # fmt: skip
        for n in range(rows):
            writer.writerow(
                [f"L-{n // 4}", f"2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}", "in_person", "30",
                 topics[n % 4], "DE", "FMX"[n % 3], str(1960 + n % 40), "potential_migrant", "no"]
            )  # fmt: skip


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    fresh_database()
    django.setup()
    from django.core.files import File
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from counselling.import_jobs import import_job_create, import_job_run
    from counselling.models import ImportJob, Session
    from msc_portal.celery import app
    from tests.accounts.factories import UserFactory
    from tests.centres.factories import CentreFactory

    centre = CentreFactory(country="RS")
    manager = UserFactory(role="centre_manager", centres=[centre])
    path = Path(tempfile.mkdtemp()) / "legacy.csv"
    write_csv(path, rows)
    app.conf.task_always_eager = False
    with path.open("rb") as handle:
        job = import_job_create(user=manager, centre=centre, uploaded=File(handle, "legacy.csv"))
    started = time.perf_counter()
    import_job_run(job_id=job.pk)
    took = time.perf_counter() - started
    job = ImportJob.objects.get(pk=job.pk)
    assert job.status == "done", (job.message, job.errors[:5])
    assert Session.objects.count() == rows
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"import of {rows:,} rows ({job.visitors:,} new visitors): {took:.1f} s, "
        f"{rows / took:,.0f} rows/s, peak memory {peak:.0f} MB"
    )


if __name__ == "__main__":
    main()
